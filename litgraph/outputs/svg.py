"""A static SVG image of a graph for printed reports, written in pure Python.

The positions are the page's (layout.py, shared through PreparedGraph), so the image shows
the picture the page opens with for large graphs. Edges are one path per kind and width,
nodes are drawn by type with the page's colours and marks, the trial and the seed papers are
labelled, and a legend sits at the right. Text from records is escaped and stripped of the
characters XML forbids.
"""

from __future__ import annotations

import math
from collections import defaultdict
from html import escape
from pathlib import Path
from typing import Any, Iterator

import networkx as nx
import numpy as np

from .export import xml_text
from .nodelink import edges_of
from .prepared import PreparedGraph, prepared
from .styles import (EDGE_DRAW_ORDER, MARKS, NODE_STYLES, UNFETCHED_LIGHTEN, edge_style, legend_counts, lighter,
                     node_style, node_type)

DRAWING_WIDTH = 1000  # px; the height follows the layout's shape, up to DRAWING_HEIGHT
DRAWING_HEIGHT = 1000
MOST_ZOOM = 3.0  # a small graph is spread out up to this; its nodes keep their size
MARGIN = 24
PADDING = 48  # px around the drawing: room for the largest nodes and the labels
HEADER = 56
LEGEND_WIDTH = 250
LABEL_LENGTH = 40
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"


def write_svg(graph: nx.Graph | PreparedGraph, path: str | Path, *, title: str | None = None) -> list[Path]:
    Path(path).write_text(render_svg(graph, title=title), encoding="utf-8", errors="replace")
    return [Path(path)]


def render_svg(graph: nx.Graph | PreparedGraph, *, title: str | None = None) -> str:
    """The image as SVG text: one element of class "node" per node, in the graph's node order."""
    item = prepared(graph)
    title = item.title(title)
    attributes = [data for _, data in item.graph.nodes(data=True)]
    points, scale = _to_pixels(item.positions.astype(float))
    radii = np.maximum(_sizes(item, attributes) * min(scale, 1.0), 1.6)  # px; zooming in spreads, not swells
    legend_left = (points[:, 0].max() if len(points) else 0) + PADDING
    legend = _legend_rows(item, attributes)
    height = max((points[:, 1].max() if len(points) else HEADER) + PADDING, _legend_height(legend))
    width = legend_left + LEGEND_WIDTH
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="{escape(FONT)}">',
        f"<title>{_text(title)}</title>",
        f'<rect width="{width:.0f}" height="{height:.0f}" fill="#ffffff"/>',
        f'<text x="{MARGIN}" y="30" font-size="18" font-weight="600" fill="#0f172a">{_text(title)}</text>',
        f'<text x="{MARGIN}" y="48" font-size="12" fill="#64748b">{len(attributes)} nodes · '
        f"{len(item.node_link.edge_kinds)} links</text>",
        *_edges(item, points),
        *_nodes(attributes, points, radii),
        *_labels(attributes, points, radii),
        *_legend(legend, legend_left),
        "</svg>",
    ]
    return "\n".join(parts) + "\n"


def _text(value: Any) -> str:
    return escape(xml_text(str(value)), quote=True)


def _to_pixels(positions: np.ndarray) -> tuple[np.ndarray, float]:
    """Layout units to pixels of the drawing area, below the header; and the scale used."""
    if len(positions) == 0:
        return positions, 1.0
    low = positions.min(axis=0)
    width, height = np.maximum(positions.max(axis=0) - low, 1.0)
    scale = min(DRAWING_WIDTH / width, DRAWING_HEIGHT / height, MOST_ZOOM)
    return (positions - low) * scale + (PADDING, HEADER + PADDING), scale


def _sizes(item: PreparedGraph, attributes: list[dict]) -> np.ndarray:
    """Radii in layout units, as the page sizes nodes (litgraph.js `nodeSize`)."""
    prominence = _prominence(item, attributes)
    radii = np.empty(len(attributes))
    for index, data in enumerate(attributes):
        kind = node_type(data)
        if kind == "trial":
            radii[index] = 24
        elif kind in ("author", "mesh"):
            radii[index] = min(6 + 2.5 * math.sqrt(_number(data.get("papers"), 1)), 26)
        else:
            radii[index] = min(7 + 3 * math.sqrt(prominence[index]), 38) + (3 if data.get("seed") is True else 0)
    return radii


def _prominence(item: PreparedGraph, attributes: list[dict]) -> np.ndarray:
    """Citations within the graph; without any (co-citation, coupling), citations in the build
    relative to the graph's most cited."""
    encoded = item.node_link
    cites = [target for target, kind in zip(encoded.targets.tolist(), encoded.edge_kinds) if kind == "cites"]
    if cites:
        return np.bincount(cites, minlength=len(attributes)).astype(float)
    cited_by = np.array([_number(data.get("cited_by"), 0) for data in attributes])
    return 100 * (cited_by / max(cited_by.max(initial=0), 1)) ** 2


def _number(value: Any, default: float) -> float:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0 else default


def _edges(item: PreparedGraph, points: np.ndarray) -> Iterator[str]:
    """One path per kind and width; weighted kinds wider for heavier links, as on the page."""
    encoded = item.node_link
    groups: dict[tuple[str, float], list[int]] = defaultdict(list)
    weights = _edge_weights(item.graph)
    for index, kind in enumerate(encoded.edge_kinds):
        groups[kind, _edge_width(kind, weights[index])].append(index)
    yield '<g class="edges" fill="none" stroke-linecap="round">'
    for (kind, width), members in sorted(groups.items(), key=lambda group: (_draw_rank(group[0][0]), group[0][1])):
        style = edge_style(kind)
        ends = np.concatenate([points[encoded.sources[members]], points[encoded.targets[members]]], axis=1)
        path = "".join(f"M{a:.1f} {b:.1f}L{c:.1f} {d:.1f}" for a, b, c, d in ends.tolist())
        dashes = ' stroke-dasharray="4 3"' if style.get("dashes") else ""
        yield (f'<path class="edge" data-kind="{_text(kind)}" stroke="{style["colour"]}" stroke-width="{width:g}" '
               f'stroke-opacity="{style["opacity"] * 0.8:.2f}"{dashes} d="{path}"/>')
    yield "</g>"


def _edge_weights(graph: nx.Graph) -> list[float]:
    return [_number(data.get("weight"), 1) for *_, data in edges_of(graph)]


def _edge_width(kind: str, weight: float) -> float:
    style = edge_style(kind)
    if not style.get("weighted") or weight <= 1:
        return float(style["width"])
    return min(round(2 * (style["width"] + math.log2(weight))) / 2, 8)


def _draw_rank(kind: str) -> int:
    return EDGE_DRAW_ORDER.index(kind) if kind in EDGE_DRAW_ORDER else len(EDGE_DRAW_ORDER)


def _nodes(attributes: list[dict], points: np.ndarray, radii: np.ndarray) -> Iterator[str]:
    yield '<g class="nodes">'
    for index, data in enumerate(attributes):
        style = node_style(node_type(data))
        fill, stroke, stroke_width, dashes = _look(data, style)
        look = (f'class="node" data-type="{_text(node_type(data))}" fill="{fill}" stroke="{stroke}" '
                f'stroke-width="{stroke_width:g}"{dashes}')
        yield _shape(style["shape"], points[index, 0], points[index, 1], radii[index], look)
    yield "</g>"


def _look(data: dict, style: dict[str, str]) -> tuple[str, str, float, str]:
    """Fill, border, border width and dashes: the type's colours with the page's marks."""
    fill, stroke, width, dashes = style["colour"], style["border"], 1.0, ""
    if data.get("type") == "paper" and data.get("fetched") is False:
        fill, stroke, dashes = lighter(fill, UNFETCHED_LIGHTEN), MARKS["unfetched"], ' stroke-dasharray="2 2"'
    if data.get("seed") is True:
        stroke, width = MARKS["seed"], 2.0
    if data.get("retracted") is True:
        stroke, width = MARKS["retracted"], 2.5
    return fill, stroke, width, dashes


def _shape(shape: str, x: float, y: float, r: float, look: str) -> str:
    """The page's node shapes (vis-network's dot, diamond, triangle, square) at (x, y), radius r."""
    if shape == "diamond":
        points = f"{x:.1f},{y - r:.1f} {x + r:.1f},{y:.1f} {x:.1f},{y + r:.1f} {x - r:.1f},{y:.1f}"
        return f'<polygon {look} points="{points}"/>'
    if shape == "triangle":
        points = f"{x:.1f},{y - r:.1f} {x + r * 0.87:.1f},{y + r / 2:.1f} {x - r * 0.87:.1f},{y + r / 2:.1f}"
        return f'<polygon {look} points="{points}"/>'
    if shape == "square":
        side = r * 1.6
        return f'<rect {look} x="{x - side / 2:.1f}" y="{y - side / 2:.1f}" width="{side:.1f}" height="{side:.1f}"/>'
    return f'<circle {look} cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}"/>'


def _labels(attributes: list[dict], points: np.ndarray, radii: np.ndarray) -> Iterator[str]:
    """The trial and the seed papers are named above them, as on the page."""
    yield ('<g class="labels" font-size="11" fill="#0f172a" stroke="#ffffff" stroke-width="3" '
           'paint-order="stroke" text-anchor="middle">')
    for index, data in enumerate(attributes):
        if data.get("type") == "trial" or data.get("seed") is True:
            label = str(data.get("label") or data.get("name") or "")
            label = label if len(label) <= LABEL_LENGTH else label[:LABEL_LENGTH - 1] + "…"
            x = max(points[index, 0], 3.3 * len(label))  # about half the label's width: kept inside the image
            yield f'<text x="{x:.1f}" y="{points[index, 1] - radii[index] - 4:.1f}">{_text(label)}</text>'
    yield "</g>"


# Paper marks in the legend: what they say, and a paper that has one.
LEGEND_MARKS = {
    "seed": ("Listed by the trial / seed", {"type": "paper", "seed": True}),
    "retracted": ("Retracted", {"type": "paper", "retracted": True}),
    "unfetched": ("Known only from a citation", {"type": "paper", "fetched": False}),
}


def _legend_rows(item: PreparedGraph, attributes: list[dict]) -> list[tuple[str, dict | None, dict]]:
    """(text, swatch, style): a node row's swatch is the look of such a node, an edge row's None."""
    counts = legend_counts(attributes, item.node_link.edge_kinds)
    rows = [(f"{node_style(key)['label']} ({count})", {"type": key}, node_style(key))
            for key, count in counts["node_types"]]
    rows += [(f"{text} ({counts['marks'][mark]})", example, NODE_STYLES["paper"])
             for mark, (text, example) in LEGEND_MARKS.items() if counts["marks"][mark]]
    rows += [(f"{edge_style(key)['label']} ({count})", None, edge_style(key)) for key, count in counts["edge_kinds"]]
    return rows


def _legend_height(rows: list) -> float:
    return HEADER + MARGIN + 22 * len(rows) + MARGIN


def _legend(rows: list, left: float) -> Iterator[str]:
    yield f'<g class="legend" font-size="12" fill="#334155" transform="translate({left:.0f} {HEADER + MARGIN})">'
    for row, (text, example, style) in enumerate(rows):
        y = row * 22
        if example is None:
            dashes = ' stroke-dasharray="4 3"' if style.get("dashes") else ""
            yield f'<line x1="0" y1="{y}" x2="22" y2="{y}" stroke="{style["colour"]}" stroke-width="2.5"{dashes}/>'
        else:
            fill, stroke, width, dashes = _look(example, style)
            yield _shape(style["shape"], 11, y, 6, f'fill="{fill}" stroke="{stroke}" stroke-width="{width:g}"{dashes}')
        yield f'<text x="30" y="{y + 4}">{_text(text)}</text>'
    yield "</g>"
