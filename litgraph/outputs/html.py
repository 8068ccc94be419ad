"""Interactive HTML for litgraph graphs: one self-contained file that works offline.

The page is our own Jinja2 template around vis-network 9.1.2, read from the pyvis wheel and
inlined, so it makes no request at all (pyvis's template links Bootstrap from a CDN and puts
some values in as raw HTML). Record data travels as the graph's node-link JSON (the same text
as G.json) in a non-executed script element; the page script builds every tooltip, panel and
link from it with DOM text APIs.

Positions are computed here, never by vis-network's physics in the browser (which holds back
the first picture for seconds, minutes at 10,000 nodes): the page opens on its focus (focus.py:
the trial, its references by kind and the nodes ranked closest to them, at most FOCUS_SIZE,
laid out on their own), and a graph larger than that also carries its whole layout (layout.py)
for "show all".

Three forms: a page (`write_html`, G.html, which also works in an iframe), a fragment to
paste into another page's source (`write_fragment`, G.fragment.html), and `show` for
notebooks (the page in an `<iframe srcdoc>`).
"""

from __future__ import annotations

import base64
import hashlib
import html
import importlib.util
import re
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator

import networkx as nx
import numpy as np
from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from .. import kinds
from .focus import SPACING
from .nodelink import json_text
from .prepared import PreparedGraph, prepared

TEMPLATES = Path(__file__).with_name("templates")
# The page's script, one concern a file, joined in this order into one inline script.
SCRIPT_PARTS = ("util", "model", "looks", "focus", "labels", "drawing", "picking", "panel", "filters", "search", "view")
VIS_VERSION = "9.1.2"
NOTEBOOK_HEIGHT = 640  # pixels
SIZE_EXAMPLES = {"paper": (0, 10, 50), "author": (1, 5, 20), "mesh": (1, 5, 20)}  # measures shown in the size legend

_environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    # compiled templates kept in Jinja's per-user temporary folder, checked against the source:
    # compiling the page's templates was a third of a warm rebuild of a small build
    bytecode_cache=FileSystemBytecodeCache(),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def render_html(graph: nx.Graph | PreparedGraph, *, title: str | None = None) -> str:
    """The whole page for `graph`."""
    return "".join(_page(prepared(graph), title))


def write_html(graph: nx.Graph | PreparedGraph, path: str | Path, *, title: str | None = None,
               index: str | None = None) -> list[Path]:
    """The page as a UTF-8 file, written piece by piece (a 25,000-node page is tens of MB).

    `index`: where the build's index.html is, relative to the page, for an "All graphs" link.
    """
    _write(path, _page(prepared(graph), title, index))
    return [Path(path)]


def render_fragment(graph: nx.Graph | PreparedGraph, *, title: str | None = None) -> str:
    """A `<div>` to embed in another page; each fragment has its own ids, so several can coexist."""
    return "".join(_fragment(prepared(graph), title))


def write_fragment(graph: nx.Graph | PreparedGraph, path: str | Path, *, title: str | None = None) -> list[Path]:
    """The fragment as a UTF-8 file, to paste into a report's HTML source (G.fragment.html).

    Its styles are scoped to its own `<div class="lg">` (height: `--lg-height`, 640px); its
    scripts run where the fragment is parsed as part of the page, not through innerHTML, and
    need a page whose Content-Security-Policy allows inline scripts.
    """
    _write(path, _fragment(prepared(graph), title))
    return [Path(path)]


class NotebookView:
    """A graph page shown inline by Jupyter, JupyterLab, VS Code and Colab.

    The page goes into an `<iframe srcdoc>`: its scripts run apart from the notebook's (no
    require.js clash, no CSS leaking either way), and it needs no server, file or CDN. The
    notebook keeps the whole page in its output, so for graphs of thousands of nodes a file
    (`write_html`) opened in an `<iframe src>` keeps notebooks small.
    """

    def __init__(self, page: str, height: int = NOTEBOOK_HEIGHT):
        self.page = page
        self.height = height

    def _repr_html_(self) -> str:
        return (f'<iframe srcdoc="{html.escape(self.page, quote=True)}" title="litgraph graph" '
                f'style="width:100%;height:{int(self.height)}px;border:1px solid #e2e8f0;border-radius:8px" '
                'sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox allow-downloads"></iframe>')


def show(graph: nx.Graph | PreparedGraph, *, title: str | None = None, height: int = NOTEBOOK_HEIGHT) -> NotebookView:
    """The graph inline in a notebook: `show(result.graphs["paper"])` as a cell's last line."""
    return NotebookView(render_html(graph, title=title), height)


# --- what the template gets --------------------------------------------------------------


def _page(graph: PreparedGraph, title: str | None, index: str | None = None) -> Iterator[str]:
    widget = _widget_context(graph, graph.title(title), uid="lg-main")
    csp = content_security_policy(widget["scripts"] + [widget["completion"]])
    return _rendered("page.html.j2", widget, title=widget["title"], csp=csp, fragment=False, index=index)


def _fragment(graph: PreparedGraph, title: str | None) -> Iterator[str]:
    widget = _widget_context(graph, graph.title(title), uid=f"lg-{secrets.token_hex(4)}")
    return _rendered("widget.html.j2", widget, fragment=True, index=None)


def _rendered(template: str, widget: dict[str, Any], **context: Any) -> Iterator[str]:
    """The template's text around the whole graph's data, which is streamed in between, not copied in."""
    marker = f"lg-data-{secrets.token_hex(8)}"
    text = render_template(template, widget=widget, data_marker=Markup(marker), **context)
    before, after = text.split(marker)
    yield before
    yield from (json_for_script(piece) for piece in widget["data"])
    yield after


def render_template(name: str, **context: Any) -> str:
    """One of the templates beside this module, values autoescaped."""
    return _environment.get_template(name).render(**context)


def _write(path: str | Path, pieces: Iterable[str]) -> None:
    # the data is ASCII; a lone surrogate elsewhere (a title) cannot be UTF-8 and becomes "?"
    with open(path, "w", encoding="utf-8", errors="replace", newline="") as handle:
        for piece in pieces:
            handle.write(piece)


def _widget_context(graph: PreparedGraph, title: str, uid: str) -> dict[str, Any]:
    """The page's data comes in two parts: the first picture's (small, parsed and drawn while the
    browser still reads the rest) and the whole graph's, after the scripts, which completes it."""
    scripts = [_vis_script(), _page_script(), f'window.litgraphMount(document.getElementById("{uid}"));']
    completion = f'window.litgraphComplete(document.getElementById("{uid}"));'
    return {
        "uid": uid,
        "title": title,
        "summary": _summary(graph),
        "css": Markup(page_asset("litgraph.css")),
        "first": Markup(json_for_script(_first_data(graph))),
        "data": _whole_data(graph),
        "scripts": [Markup(script) for script in scripts],
        "completion": Markup(completion),
    }


def _first_data(graph: PreparedGraph) -> str:
    """`{"meta", "nodes", "radii", "edges"}` of the first picture: its nodes' records (as in G.json)
    and radii in focus order, the edges among them as columns (see `edge_columns`)."""
    plan = graph.focus
    chosen = plan.order[:plan.shown]
    texts, ids = graph.shared.node_texts, graph.node_link.ids
    nodes = ",".join(texts.text(ids[index], graph.attributes[index]) for index in chosen.tolist())
    inside = np.zeros(len(ids), dtype=bool)
    inside[chosen] = True
    encoded = graph.node_link
    edges = np.flatnonzero(inside[encoded.sources] & inside[encoded.targets])
    meta = {
        "name": graph.name,
        "count": len(ids),
        "typeCounts": dict(kinds.legend_counts(graph.attributes, [])["node_types"]),
        "registry": kinds.page_registry(),
        "spacing": SPACING,
        "focus": {"shown": plan.shown, "positions": plan.positions.ravel().tolist()},
        "display": _plain_words(graph),
        "communities": graph.graph.graph.get("community_topics") or {},
    }
    return (f'{{"meta":{json_text(meta)},"indices":{json_text(chosen.tolist())},'
            f'"radii":{_radii_text(graph.radii[chosen])},"sizes":{_sizes_text(graph, chosen)},'
            f'"nodes":[{nodes}],"edges":{graph.edge_columns(edges)}}}')


def _whole_data(graph: PreparedGraph) -> Iterator[str]:
    """`{"directed", "multigraph", "graph", "nodes", "edges", "radii", "order", "positions"}`: every
    node's record (the text of G.json), the edges as columns, each node's radius, the focus's
    ranking of all nodes, and the whole graph's layout (flat [x0, y0, x1, ...]) for "show all",
    or null when the first picture is the whole graph."""
    whole = graph.focus.shown == len(graph.attributes)
    yield "{" + graph.node_link.header + ',"nodes":['
    for number, batch in enumerate(graph.node_link.node_batches()):
        yield ("," if number else "") + batch
    yield f'],"edges":{graph.edge_columns()},"radii":{_radii_text(graph.radii)},"sizes":{_sizes_text(graph)},'
    yield f'"order":{json_text(graph.focus.order.tolist())},'
    yield f'"positions":{"null" if whole else json_text(graph.positions.ravel().tolist())}}}'


def _radii_text(radii: np.ndarray) -> str:
    return json_text(np.round(radii, 2).tolist())


def _sizes_text(graph: PreparedGraph, chosen: np.ndarray | None = None) -> str:
    """{size mode: radii} for the other sizes (prepared.other_sizes), of the `chosen` nodes or all."""
    pieces = [f'{json_text(name)}:{_radii_text(radii if chosen is None else radii[chosen])}'
              for name, radii in graph.other_sizes.items()]
    return "{" + ",".join(pieces) + "}"


def _plain_words(graph: PreparedGraph) -> dict[str, dict[str, str]]:
    """Registry values in words, for each trial node: "Completed", "Phase 3", "June 2011"."""
    words = {}
    for index, data in enumerate(graph.attributes):
        if kinds.node_type(data) == "trial":
            words[str(index)] = {"status": kinds.plain_status(data.get("status") or ""),
                                 "phase": kinds.plain_phase(data.get("phase") or ""),
                                 "start": kinds.plain_date(data.get("start_date") or ""),
                                 "completion": kinds.plain_date(data.get("completion_date") or "")}
    return words


def json_for_script(json_piece: str) -> str:
    """JSON that cannot end or change its `<script type="application/json">`: no `<` left.

    Inside a script element the HTML parser reacts to nothing but `<` (`</script`, `<!--`),
    and the data is read with JSON.parse, never run, so `>`, `&` and line separators are
    harmless. `<` only occurs inside JSON strings, where `\\u003c` means the same.
    """
    return json_piece.replace("<", "\\u003c")


def _summary(graph: PreparedGraph) -> dict[str, Any]:
    """Counts for the header and the legend, rendered server-side so they read without JS."""
    attributes = graph.attributes
    counts = kinds.legend_counts(attributes, graph.node_link.edge_kinds)
    years = sorted({attrs["year"] for attrs in attributes if attrs.get("type") == "paper" and _is_year(attrs.get("year"))})
    paper = kinds.NODE_TYPES["paper"]
    return {
        "name": graph.name,
        "nodes": len(attributes),
        "edges": len(graph.node_link.edge_kinds),
        "first_picture": graph.focus.shown,
        "node_types": [{"key": key, "count": count, **_node_look(key)} for key, count in counts["node_types"]],
        "edge_kinds": [{"key": key, "count": count, **_edge_look(key)} for key, count in counts["edge_kinds"]],
        "marks": counts["marks"],
        "mark_words": kinds.MARK_WORDS,
        "mark_colours": {"seed": {"fill": paper.colour, "border": kinds.MARKS["seed"]},
                         "retracted": {"fill": paper.colour, "border": kinds.MARKS["retracted"]},
                         "unfetched": {"fill": kinds.lighter(paper.colour, kinds.UNFETCHED_LIGHTEN),
                                       "border": kinds.MARKS["unfetched"]},
                         "new": {"fill": paper.colour, "border": kinds.MARKS["new"]}},
        "new_words": _new_words(attributes),
        "sizes": _size_legend([key for key, _ in counts["node_types"]]),
        "size_note": (kinds.GRAPH_KINDS.get(graph.name) or kinds.GRAPH_KINDS["combined"]).sizes,
        "years": {"first": years[0], "last": years[-1], "gradient": ", ".join(kinds.YEAR_PALETTE)} if len(years) > 1 else None,
        "communities": any(isinstance(attrs.get("community"), int) for attrs in attributes),
        "other_sizes": [{"key": name, "words": kinds.PAPER_SIZES[name][0]} for name in graph.other_sizes],
        "authored": "authored" in dict(counts["edge_kinds"]),
    }


def _new_words(attributes: list[dict]) -> str:
    """"New since 2026-11-01" when a rebuild marked papers new (`new_since`), else ""."""
    since = next((attrs["new_since"] for attrs in attributes if attrs.get("new_since")), "")
    return kinds.NEW_WORDS.format(date=since) if since else ""


def _node_look(key: str) -> dict[str, Any]:
    style = kinds.node_kind(key)
    return {"label": style.label, "colour": style.colour, "border": style.border, "shape": style.shape}


def _edge_look(key: str) -> dict[str, Any]:
    style = kinds.edge_kind(key)
    return {"label": style.label, "colour": style.colour, "width": style.width, "arrow": style.arrow,
            "dashes": " ".join(str(length) for length in style.dashes)}


def _size_legend(types: list[str]) -> list[dict[str, Any]]:
    """For each sized node type present: what its size says and a few example sizes."""
    rows = []
    for key in types:
        style = kinds.node_kind(key)
        if key in SIZE_EXAMPLES and style.size_by:
            rows.append({"label": style.plural, "by": style.size_by, "colour": style.colour, "border": style.border,
                         "shape": style.shape,
                         "examples": [{"measure": measure, "radius": round(style.size.radius(measure), 1)}
                                      for measure in SIZE_EXAMPLES[key]]})
    return rows


def _is_year(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1000 < value < 3000


# --- assets and the page's security policy -------------------------------------------------


@lru_cache(maxsize=None)
def page_asset(name: str) -> str:
    """A file of the templates folder, ready to inline in a script or style element."""
    return _script_safe(_normalise_newlines((TEMPLATES / name).read_text(encoding="utf-8")))


@lru_cache(maxsize=1)
def _page_script() -> str:
    """The page script's parts in one function scope, loaded once per page however many widgets."""
    parts = "\n".join(f"/* ---- {name}.js ---- */\n" + page_asset(f"page/{name}.js") for name in SCRIPT_PARTS)
    return f'(function () {{\n"use strict";\nif (window.litgraphMount) return;\n{parts}\n}})();'


@lru_cache(maxsize=1)
def _vis_script() -> str:
    """vis-network from the installed pyvis wheel, loaded once per page however many widgets.

    The wrapper hides AMD/CommonJS loaders (Jupyter's require.js) so vis always lands on window.
    """
    # found, not imported: importing pyvis loads IPython (0.2 s) for nothing litgraph uses
    package = Path(importlib.util.find_spec("pyvis").submodule_search_locations[0])
    source = package / "templates" / "lib" / f"vis-{VIS_VERSION}" / "vis-network.min.js"
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


def content_security_policy(scripts: list[str]) -> str:
    """Only our own inline scripts may run and nothing may be fetched: defence in depth."""
    hashes = " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'" for s in scripts)
    return ("default-src 'none'; "
            f"script-src {hashes}; "
            "style-src 'unsafe-inline'; img-src data: blob:; "
            "base-uri 'none'; form-action 'none'")
