"""Files a build leaves behind: an HTML page, an SVG image, a fragment to embed and data files
per graph, and index.html (the entry point linking them) and summary.json.

`show(graph)` displays a graph inline in a notebook.
"""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from ..collector import collector_paused
from .export import FORMATS, write_graph
from .prepared import PreparedGraph, SharedWork

if TYPE_CHECKING:
    from ..api import Build

PAGE_FORMATS = ("html", "fragment", "svg")  # fragment: what --embed adds
PAGE_SUFFIXES = {"html": ".html", "fragment": ".fragment.html", "svg": ".svg"}
ALL_FORMATS = PAGE_FORMATS + FORMATS
INDEX = "index.html"
SUMMARY = "summary.json"


def write_outputs(result: "Build", folder: Path, formats: tuple[str, ...]) -> list[Path]:
    """Every graph in every format, then index.html and summary.json listing them."""
    unknown = [fmt for fmt in formats if fmt not in ALL_FORMATS]
    if unknown:
        raise ValueError(f"unknown format {unknown[0]!r}: choose from {', '.join(ALL_FORMATS)}")
    folder.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    shared = SharedWork()
    with collector_paused():
        for name, graph in _largest_first(result.graphs):
            item = PreparedGraph(graph, shared)
            files += write_pages(item, folder, name, formats)
            files += write_graph(item, folder, name, formats)
    summary = result.summary()
    from .index import write_index  # jinja loads only when files are written

    files += write_index(folder / INDEX, summary, [file.name for file in files] + [SUMMARY])
    summary["files"] = [file.name for file in files]
    summary_path = folder / SUMMARY
    summary_path.write_text(json.dumps(summary, indent=2, ensure_ascii=False), encoding="utf-8")
    return files + [summary_path]


def write_pages(graph: PreparedGraph, folder: Path, name: str, formats: tuple[str, ...]) -> list[Path]:
    """The page, the fragment and the SVG image of one graph, those of them in `formats`."""
    from .html import write_fragment, write_html  # pyvis and jinja load only when a page is written
    from .svg import write_svg

    writers = {"html": partial(write_html, index=INDEX), "fragment": write_fragment, "svg": write_svg}
    written = []
    for fmt in PAGE_FORMATS:
        if fmt in formats:
            written += writers[fmt](graph, folder / f"{name}{PAGE_SUFFIXES[fmt]}")
    return written


def __getattr__(name: str) -> Any:
    # `from litgraph.outputs import show` loads jinja only then, not with `import litgraph`
    if name == "show":
        from .html import show

        return show
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _largest_first(graphs: dict[str, nx.Graph]) -> list[tuple[str, nx.Graph]]:
    # the largest graph (combined) holds most others' nodes: laid out first, they settle from it
    return sorted(graphs.items(), key=lambda item: -item[1].number_of_nodes())


