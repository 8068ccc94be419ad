"""Interactive HTML for litgraph graphs: one self-contained file that works offline.

The page is our own Jinja2 template around vis-network 9.1.2, read from the pyvis wheel and
inlined, so it makes no request at all (pyvis's template links Bootstrap from a CDN and puts
some values in as raw HTML). Record data travels as JSON in a non-executed script element;
the page script builds every tooltip, panel and link from it with DOM text APIs.

Small graphs are laid out by vis-network's physics in the browser; above STATIC_LAYOUT_ABOVE
nodes the positions are computed here (see `spread_layout`) and physics stays off, because
browser physics would hold back the first picture for seconds (minutes at 10,000 nodes).
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
import secrets
from collections import Counter
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

TEMPLATES = Path(__file__).with_name("templates")
VIS_VERSION = "9.1.2"
STATIC_LAYOUT_ABOVE = 300  # nodes; beyond this vis physics needs over a second before the first frame

NODE_STYLES: dict[str, dict[str, str]] = {
    "trial": {"label": "Trial", "colour": "#7c3aed", "border": "#4c1d95", "shape": "diamond"},
    "paper": {"label": "Paper", "colour": "#3b82f6", "border": "#1e40af", "shape": "dot"},
    "author": {"label": "Author", "colour": "#f59e0b", "border": "#92400e", "shape": "triangle"},
}
OTHER_NODE_STYLE = {"label": "Other", "colour": "#94a3b8", "border": "#475569", "shape": "dot"}
# Marks drawn on paper nodes on top of the type colour.
MARKS = {"seed": "#0f172a", "retracted": "#dc2626", "unfetched": "#94a3b8"}

EDGE_STYLES: dict[str, dict[str, Any]] = {
    "background": {"label": "Background reference", "colour": "#0d9488", "width": 2, "arrow": True},
    "result": {"label": "Result reference", "colour": "#16a34a", "width": 2.5, "arrow": True},
    "derived": {"label": "Derived reference", "colour": "#db2777", "width": 2, "arrow": True},
    "cites": {"label": "Cites", "colour": "#94a3b8", "width": 1, "arrow": True},
    "similar": {"label": "Similar article", "colour": "#a78bfa", "width": 1, "arrow": False, "dashes": True},
    "authored": {"label": "Authored", "colour": "#fcd34d", "width": 1, "arrow": True},
    "coauthor": {"label": "Co-author", "colour": "#d97706", "width": 1, "arrow": False},
}
OTHER_EDGE_STYLE = {"label": "", "colour": "#64748b", "width": 1, "arrow": False}

_environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def render_html(graph: nx.Graph, path: str | Path | None = None, *, title: str) -> str:
    """The whole page for `graph`; written to `path` (UTF-8) when one is given."""
    widget = _widget_context(graph, title, uid="lg-main")
    page = _environment.get_template("page.html.j2").render(
        title=title,
        widget=widget,
        csp=_content_security_policy(widget["scripts"]),
        fragment=False,
    )
    if path is not None:
        Path(path).write_text(page, encoding="utf-8")
    return page


def render_fragment(graph: nx.Graph, *, title: str) -> str:
    """A `<div>` to embed in another page; each fragment has its own ids, so several can coexist."""
    widget = _widget_context(graph, title, uid=f"lg-{secrets.token_hex(4)}")
    return _environment.get_template("widget.html.j2").render(widget=widget, fragment=True)


# --- what the template gets --------------------------------------------------------------


def _widget_context(graph: nx.Graph, title: str, uid: str) -> dict[str, Any]:
    data = graph_data(graph)
    summary = _summary(graph, data)
    data["meta"] = {"name": summary["name"], "static": data["positions"] is not None, "styles": _styles_for_page()}
    scripts = [
        _vis_script(),
        _asset("litgraph.js"),
        f'window.litgraphMount(document.getElementById("{uid}"));',
    ]
    return {
        "uid": uid,
        "title": str(title),
        "summary": summary,
        "css": Markup(_asset("litgraph.css")),
        "data_json": Markup(script_json(data)),
        "scripts": [Markup(script) for script in scripts],
    }


def graph_data(graph: nx.Graph) -> dict[str, Any]:
    """Nodes as `[id, attributes]`, edges as `[from, to, kind, sources, extras?]` by node index.

    Index-based edges keep a 20,000-node page small; every value is reduced to plain JSON.
    """
    ids = list(graph.nodes)
    index = {node: position for position, node in enumerate(ids)}
    nodes = [[str(node), _plain_mapping(attributes)] for node, attributes in graph.nodes(data=True)]
    edges = [_edge_row(index[u], index[v], key, attributes) for u, v, key, attributes in _edges_with_keys(graph)]
    positions = None
    if len(ids) > STATIC_LAYOUT_ABOVE:
        sources = np.fromiter((edge[0] for edge in edges), dtype=np.int64, count=len(edges))
        targets = np.fromiter((edge[1] for edge in edges), dtype=np.int64, count=len(edges))
        layout = spread_layout(len(ids), sources, targets)
        positions = np.round(layout).astype(int).tolist()
    return {"nodes": nodes, "edges": edges, "positions": positions}


def _edges_with_keys(graph: nx.Graph):
    if graph.is_multigraph():
        return graph.edges(keys=True, data=True)
    return ((u, v, None, attributes) for u, v, attributes in graph.edges(data=True))


def _edge_row(source: int, target: int, key: Any, attributes: dict) -> list:
    kind = attributes.get("kind") or key or "link"
    sources = attributes.get("sources") or []
    if isinstance(sources, (str, bytes)):
        sources = [sources]
    row = [source, target, str(kind), _plain(list(sources))]
    extras = {str(name): _plain(value) for name, value in attributes.items() if name not in ("kind", "sources")}
    if extras:
        row.append(extras)
    return row


def _plain_mapping(attributes: dict) -> dict[str, Any]:
    return {str(name): _plain(value) for name, value in attributes.items()}


def _plain(value: Any) -> Any:
    """Plain JSON values only: NaN, sets, numpy scalars and objects must not break the page."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, dict):
        return _plain_mapping(value)
    if isinstance(value, (set, frozenset)):
        return sorted((_plain(item) for item in value), key=str)
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return str(value)


def script_json(data: Any) -> str:
    """JSON that is safe inside `<script>`: no `<`, `>`, `&` or line separators left to misread."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    text = (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
    # lone surrogates from bad records cannot be written as UTF-8
    return text.encode("utf-8", "replace").decode("utf-8")


def _summary(graph: nx.Graph, data: dict[str, Any]) -> dict[str, Any]:
    """Counts for the header and the legend, rendered server-side so they read without JS."""
    attributes = [node[1] for node in data["nodes"]]
    type_counts = Counter(_node_type(attrs) for attrs in attributes)
    kind_counts = Counter(edge[2] for edge in data["edges"])
    papers = [attrs for attrs in attributes if attrs.get("type") == "paper"]
    years = sorted({attrs["year"] for attrs in papers if _is_year(attrs.get("year"))})
    return {
        "name": str(graph.graph.get("name") or ""),
        "nodes": len(attributes),
        "edges": len(data["edges"]),
        "node_types": [{"key": key, "count": count, **_node_style(key)}
                       for key, count in _ordered(type_counts, NODE_STYLES)],
        "edge_kinds": [{"key": key, "count": count, **_edge_style(key)}
                       for key, count in _ordered(kind_counts, EDGE_STYLES)],
        "marks": {
            "seed": sum(1 for attrs in papers if attrs.get("seed") is True),
            "retracted": sum(1 for attrs in papers if attrs.get("retracted") is True),
            "unfetched": sum(1 for attrs in papers if attrs.get("fetched") is False),
        },
        "years": {"first": years[0], "last": years[-1]} if len(years) > 1 else None,
    }


def _node_type(attributes: dict) -> str:
    value = attributes.get("type")
    return "other" if value is None or value == "" else str(value)  # as litgraph.js reads it


def _is_year(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1000 < value < 3000


def _ordered(counts: Counter, known: dict) -> list[tuple[str, int]]:
    """Known types and kinds in their fixed order first, then anything else by name."""
    first = [(key, counts[key]) for key in known if key in counts]
    return first + sorted((key, count) for key, count in counts.items() if key not in known)


def _node_style(key: str) -> dict[str, str]:
    return NODE_STYLES.get(key) or {**OTHER_NODE_STYLE, "label": key}


def _edge_style(key: str) -> dict[str, Any]:
    return EDGE_STYLES.get(key) or {**OTHER_EDGE_STYLE, "label": key}


def _styles_for_page() -> dict[str, Any]:
    return {"nodes": NODE_STYLES, "otherNode": OTHER_NODE_STYLE, "marks": MARKS,
            "edges": EDGE_STYLES, "otherEdge": OTHER_EDGE_STYLE}


# --- assets and the page's security policy -------------------------------------------------


@lru_cache(maxsize=None)
def _asset(name: str) -> str:
    return _script_safe(_normalise_newlines((TEMPLATES / name).read_text(encoding="utf-8")))


@lru_cache(maxsize=1)
def _vis_script() -> str:
    """vis-network from the installed pyvis wheel, loaded once per page however many widgets.

    The wrapper hides AMD/CommonJS loaders (Jupyter's require.js) so vis always lands on window.
    """
    source = resources.files("pyvis").joinpath("templates", "lib", f"vis-{VIS_VERSION}", "vis-network.min.js")
    code = _script_safe(_normalise_newlines(source.read_text(encoding="utf-8")))
    # with developer tools open the browser would ask for the (absent) source map
    code = re.sub(r"^//# sourceMappingURL=.*$", "", code, flags=re.M)
    return ("(function (define, exports, module) {\n"
            "if (window.vis && window.vis.Network) return;\n"
            f"{code}\n}}).call(window);")


def _normalise_newlines(text: str) -> str:
    # the HTML parser turns CRLF into LF before the browser hashes a script for the CSP
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _script_safe(code: str) -> str:
    # only "</script" can end the element early; "<\/script" means the same in a JS string or regex
    return re.sub(r"</(script)", r"<\\/\1", code, flags=re.I)


def _content_security_policy(scripts: list[str]) -> str:
    """Only our own inline scripts may run and nothing may be fetched: defence in depth."""
    hashes = " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'" for s in scripts)
    return ("default-src 'none'; "
            f"script-src {hashes}; "
            "style-src 'unsafe-inline'; img-src data: blob:; "
            "base-uri 'none'; form-action 'none'")


# --- layout for large graphs -----------------------------------------------------------------


def spread_layout(count: int, sources: np.ndarray, targets: np.ndarray, *,
                  iterations: int = 150, grid: int = 128, seed: int = 7, spacing: float = 45.0) -> np.ndarray:
    """Force-directed positions in O(iterations · (N + E + grid² log grid)); returns (count, 2).

    Fruchterman–Reingold with degree-weighted repulsion, where the all-pairs repulsion is
    computed as a field on a grid by FFT convolution (particle–mesh) instead of N² pairs.
    Deterministic for a given seed. Scaled so each node has about `spacing`² units of area.
    """
    if count == 0:
        return np.zeros((0, 2))
    rng = np.random.default_rng(seed)
    positions = rng.uniform(-1.0, 1.0, (count, 2)) * math.sqrt(count)
    mass = 1.0 + np.bincount(sources, minlength=count) + np.bincount(targets, minlength=count)
    field = _RepulsionField(grid)
    step = math.sqrt(count) / 5
    for _ in range(iterations):
        force = field.force(positions, mass)
        force += _spring_force(positions, sources, targets)
        force -= 0.02 * mass[:, None] * positions  # gravity keeps separate components in view
        length = np.sqrt((force * force).sum(axis=1)) + 1e-9
        positions += force * (np.minimum(length, step) / length)[:, None]
        step *= 0.97
    return _scaled(positions - positions.mean(axis=0), spacing)


class _RepulsionField:
    """Repulsion Σ m_j (x − x_j)/|x − x_j|² sampled on a grid: cloud-in-cell deposit, FFT convolution."""

    def __init__(self, grid: int):
        self.grid = grid
        self.padded = 2 * grid  # zero padding: the convolution must not wrap around
        offsets = np.fft.fftfreq(self.padded, 1.0 / self.padded)
        dx, dy = np.meshgrid(offsets, offsets, indexing="ij")
        distance2 = dx * dx + dy * dy
        distance2[0, 0] = 1.0  # the kernel is zero there anyway (dx = dy = 0)
        self.kernel_x = np.fft.rfft2(dx / distance2)
        self.kernel_y = np.fft.rfft2(dy / distance2)

    def force(self, positions: np.ndarray, mass: np.ndarray) -> np.ndarray:
        low = positions.min(axis=0)
        cell = max(float((positions.max(axis=0) - low).max()), 1e-9) / (self.grid - 1.001)
        scaled = (positions - low) / cell
        corner = np.minimum(np.floor(scaled).astype(np.int64), self.grid - 2)
        frac = scaled - corner
        stencil = self._stencil(corner, frac)
        far = self._far_field(positions, mass, cell, stencil)
        return far + _near_repulsion(positions, mass, stencil[0][0])

    def _far_field(self, positions: np.ndarray, mass: np.ndarray, cell: float, stencil: list) -> np.ndarray:
        size = self.padded * self.padded
        density = np.zeros(size)
        for cells, weights in stencil:
            density += np.bincount(cells, weights=weights * mass, minlength=size)
        spectrum = np.fft.rfft2(density.reshape(self.padded, self.padded))
        shape = (self.padded, self.padded)
        field_x = np.fft.irfft2(spectrum * self.kernel_x, s=shape).ravel()
        field_y = np.fft.irfft2(spectrum * self.kernel_y, s=shape).ravel()
        force = np.zeros_like(positions)
        for cells, weights in stencil:
            force[:, 0] += weights * field_x[cells]
            force[:, 1] += weights * field_y[cells]
        return force * (mass / cell)[:, None]

    def _stencil(self, corner: np.ndarray, frac: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        """The four grid cells around each node and their bilinear weights."""
        row, col = corner[:, 0], corner[:, 1]
        fx, fy = frac[:, 0], frac[:, 1]
        cell = row * self.padded + col
        return [
            (cell, (1 - fx) * (1 - fy)),
            (cell + self.padded, fx * (1 - fy)),
            (cell + 1, (1 - fx) * fy),
            (cell + self.padded + 1, fx * fy),
        ]


def _near_repulsion(positions: np.ndarray, mass: np.ndarray, cells: np.ndarray, reach: int = 12) -> np.ndarray:
    """Exact repulsion between nodes sharing a grid cell, which the field cannot tell apart.

    Without it a clique (all co-authors of one paper) collapses into a single dot. Nodes are
    sorted by cell and each is paired with the next `reach` nodes of the same cell.
    """
    count = len(positions)
    order = np.argsort(cells)
    sorted_cells = cells[order]
    firsts, seconds = [], []
    for step in range(1, min(reach, count - 1) + 1):
        same = sorted_cells[step:] == sorted_cells[:-step]
        if not same.any():
            break
        firsts.append(order[:-step][same])
        seconds.append(order[step:][same])
    force = np.zeros_like(positions)
    if not firsts:
        return force
    a, b = np.concatenate(firsts), np.concatenate(seconds)
    delta = positions[a] - positions[b]
    push = delta * (mass[a] * mass[b] / ((delta * delta).sum(axis=1) + 1e-4))[:, None]
    for axis in (0, 1):
        force[:, axis] = (np.bincount(a, weights=push[:, axis], minlength=count)
                          - np.bincount(b, weights=push[:, axis], minlength=count))
    return force


def _spring_force(positions: np.ndarray, sources: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Fruchterman–Reingold attraction d² along every edge, summed per node with bincount."""
    count = len(positions)
    delta = positions[sources] - positions[targets]
    pull = delta * np.sqrt((delta * delta).sum(axis=1))[:, None]
    force = np.empty_like(positions)
    for axis in (0, 1):
        force[:, axis] = (np.bincount(targets, weights=pull[:, axis], minlength=count)
                          - np.bincount(sources, weights=pull[:, axis], minlength=count))
    return force


def _scaled(positions: np.ndarray, spacing: float) -> np.ndarray:
    """Zoomed so the bulk of the nodes (2nd–98th percentile box) gets `spacing`² units each.

    Edge lengths are no guide: in a dense citation hairball most edges span the whole drawing.
    """
    low, high = np.percentile(positions, [2, 98], axis=0)
    width, height = np.maximum(high - low, 1e-9)
    return positions * (spacing * math.sqrt(len(positions) / (width * height)))
