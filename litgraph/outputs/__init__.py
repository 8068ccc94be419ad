"""Files a build leaves behind: an HTML page and data files per graph, plus summary.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from .export import FORMATS, write_graph

if TYPE_CHECKING:
    from ..build import Build

ALL_FORMATS = ("html",) + FORMATS


def write_outputs(result: "Build", folder: Path, formats: tuple[str, ...]) -> list[Path]:
    """Every graph in every format, then summary.json listing them."""
    unknown = [fmt for fmt in formats if fmt not in ALL_FORMATS]
    if unknown:
        raise ValueError(f"unknown format {unknown[0]!r}: choose from {', '.join(ALL_FORMATS)}")
    folder.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    for name, graph in result.graphs.items():
        if "html" in formats:
            from .html import render_html  # pyvis and jinja load only when a page is written

            path = folder / f"{name}.html"
            render_html(graph, path, title=graph.graph.get("title", name))
            files.append(path)
        files += write_graph(graph, folder, name, tuple(fmt for fmt in formats if fmt != "html"))
    summary = result.summary()
    summary["files"] = [file.name for file in files]
    summary_path = folder / "summary.json"
    summary_path.write_text(json.dumps(summary, indent=2, ensure_ascii=False), encoding="utf-8")
    return files + [summary_path]
