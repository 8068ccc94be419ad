"""A static SVG image of a graph for printed reports, written in pure Python.

It shows the picture the page opens on (focus.py: the whole of a small graph; the trial, its
references and the nodes closest to them for a larger one), at the page's positions, with the
page's colours, line styles, sizes and marks from litgraph.kinds. Edges are one path per kind
and width, the trial and the seed papers are labelled, and a legend sits at the right. Text
from records is escaped and stripped of the characters XML forbids.
"""

from __future__ import annotations

from collections import defaultdict
from html import escape
from pathlib import Path
from typing import Any, Iterator

import networkx as nx
import numpy as np

from ..kinds import (EDGE_KINDS, MARK_WORDS, MARKS, NODE_TYPES, UNFETCHED_LIGHTEN, edge_kind, edge_width,
                     legend_counts, lighter, node_kind, node_type)
from .xmlcopy import xml_text
from .prepared import PreparedGraph, prepared

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
    """The image as SVG text: one element of class "node" per node drawn, in the page's rank order."""
    item = prepared(graph)
    title = item.title(title)
    plan = item.focus
    chosen = plan.order[:plan.shown]
    attributes = [item.attributes[index] for index in chosen.tolist()]
    points, scale = _to_pixels(plan.positions.astype(float))
    radii = np.maximum(item.radii[chosen] * min(scale, 1.0), 1.6)  # px; zooming in spreads, not swells
    legend_left = (points[:, 0].max() if len(points) else 0) + PADDING
    legend = _legend_rows(item)
    height = max((points[:, 1].max() if len(points) else HEADER) + PADDING, _legend_height(legend))
    width = legend_left + LEGEND_WIDTH
    total = len(item.attributes)
    shown = f"{len(chosen):,} of {total:,} nodes (the page's first picture)" if len(chosen) < total else f"{total:,} nodes"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="{escape(FONT)}">',
        f"<title>{_text(title)}</title>",
        f'<rect width="{width:.0f}" height="{height:.0f}" fill="#ffffff"/>',
        f'<text x="{MARGIN}" y="30" font-size="18" font-weight="600" fill="#0f172a">{_text(title)}</text>',
        f'<text x="{MARGIN}" y="48" font-size="12" fill="#64748b">{shown} · '
        f"{len(item.node_link.edge_kinds):,} links</text>",
        *_edges(item, chosen, points),
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


def _edges(item: PreparedGraph, chosen: np.ndarray, points: np.ndarray) -> Iterator[str]:
    """One path per kind and width among the nodes drawn; the many faint kinds below the rest."""
    encoded = item.node_link
    place = np.full(len(item.attributes), -1, dtype=np.int64)
    place[chosen] = np.arange(len(chosen))
    sources, targets = place[encoded.sources], place[encoded.targets]
    groups: dict[tuple[str, float], list[int]] = defaultdict(list)
    for index, kind in enumerate(encoded.edge_kinds):
        if sources[index] >= 0 and targets[index] >= 0:
            groups[kind, edge_width(kind, item.weights[index])].append(index)
    yield '<g class="edges" fill="none" stroke-linecap="round">'
    for (kind, width), members in sorted(groups.items(), key=lambda group: _draw_rank(*group[0])):
        style = edge_kind(kind)
        ends = np.concatenate([points[sources[members]], points[targets[members]]], axis=1)
        path = "".join(f"M{a:.1f} {b:.1f}L{c:.1f} {d:.1f}" for a, b, c, d in ends.tolist())
        dashes = f' stroke-dasharray="{" ".join(map(str, style.dashes))}"' if style.dashes else ""
        yield (f'<path class="edge" data-kind="{_text(kind)}" stroke="{style.colour}" stroke-width="{width:g}" '
               f'stroke-opacity="{style.opacity:.2f}"{dashes} d="{path}"/>')
    yield "</g>"


def _draw_rank(kind: str, width: float) -> tuple[bool, int, float]:
    order = list(EDGE_KINDS)
    return not edge_kind(kind).web, order.index(kind) if kind in order else len(order), width


def _nodes(attributes: list[dict], points: np.ndarray, radii: np.ndarray) -> Iterator[str]:
    yield '<g class="nodes">'
    for index, data in enumerate(attributes):
        style = node_kind(node_type(data))
        fill, stroke, stroke_width, dashes = _look(data, style.colour, style.border)
        look = (f'class="node" data-type="{_text(node_type(data))}" fill="{fill}" stroke="{stroke}" '
                f'stroke-width="{stroke_width:g}"{dashes}')
        yield _shape(style.shape, points[index, 0], points[index, 1], radii[index], look)
    yield "</g>"


def _look(data: dict, fill: str, stroke: str) -> tuple[str, str, float, str]:
    """Fill, border, border width and dashes: the type's colours with the page's marks."""
    width, dashes = 1.0, ""
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
    """The trial and the seed papers are named above their nodes, most important first (nodes come
    in rank order), each only where it overlaps no label named before."""
    yield ('<g class="labels" font-size="11" fill="#0f172a" stroke="#ffffff" stroke-width="3" '
           'paint-order="stroke" text-anchor="middle">')
    taken: list[tuple[float, float, float, float]] = []
    for index, data in enumerate(attributes):
        if data.get("type") == "trial" or data.get("seed") is True:
            label = str(data.get("label") or data.get("name") or "")
            label = label if len(label) <= LABEL_LENGTH else label[:LABEL_LENGTH - 1] + "…"
            half = 3.3 * len(label)  # about half the label's width
            x = max(points[index, 0], half)  # kept inside the image
            y = points[index, 1] - radii[index] - 4
            box = (x - half, y - 11, x + half, y + 2)
            if any(box[0] < other[2] and other[0] < box[2] and box[1] < other[3] and other[1] < box[3] for other in taken):
                continue
            taken.append(box)
            yield f'<text x="{x:.1f}" y="{y:.1f}">{_text(label)}</text>'
    yield "</g>"


# Paper marks in the legend: a paper that has each.
LEGEND_MARKS = {"seed": {"type": "paper", "seed": True}, "retracted": {"type": "paper", "retracted": True},
                "unfetched": {"type": "paper", "fetched": False}}


def _legend_rows(item: PreparedGraph) -> list[tuple[str, dict | None, Any]]:
    """(text, swatch, style): a node row's swatch is the look of such a node, an edge row's None."""
    counts = legend_counts(item.attributes, item.node_link.edge_kinds)
    paper = NODE_TYPES["paper"]
    rows: list[tuple[str, dict | None, Any]] = [(f"{node_kind(key).label} ({count:,})", {"type": key}, node_kind(key))
                                                for key, count in counts["node_types"]]
    rows += [(f"{MARK_WORDS[mark]} ({counts['marks'][mark]:,})", example, paper)
             for mark, example in LEGEND_MARKS.items() if counts["marks"][mark]]
    rows += [(f"{edge_kind(key).label} ({count:,})", None, edge_kind(key)) for key, count in counts["edge_kinds"]]
    return rows


def _legend_height(rows: list) -> float:
    return HEADER + MARGIN + 22 * len(rows) + MARGIN


def _legend(rows: list, left: float) -> Iterator[str]:
    yield f'<g class="legend" font-size="12" fill="#334155" transform="translate({left:.0f} {HEADER + MARGIN})">'
    for row, (text, example, style) in enumerate(rows):
        y = row * 22
        if example is None:
            dashes = f' stroke-dasharray="{" ".join(map(str, style.dashes))}"' if style.dashes else ""
            yield (f'<line x1="0" y1="{y}" x2="22" y2="{y}" stroke="{style.colour}" '
                   f'stroke-width="{max(style.width, 1.2):g}"{dashes}/>')
        else:
            fill, stroke, width, dashes = _look(example, style.colour, style.border)
            yield _shape(style.shape, 11, y, 6, f'fill="{fill}" stroke="{stroke}" stroke-width="{width:g}"{dashes}')
        yield f'<text x="30" y="{y + 4}">{_text(text)}</text>'
    yield "</g>"
