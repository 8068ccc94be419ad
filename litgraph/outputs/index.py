"""index.html: the entry point of a build's folder. It links every graph's page and files, says
what each graph shows, and lists what could not be fetched. Plain HTML without scripts, so it
works from file:// offline; every value from summary.json is escaped by the template."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..kinds import GRAPH_KINDS
from .html import render_template

FILE_KINDS = {  # suffix after "<graph>." -> what the file is, in the order listed
    "html": "page", "svg": "image", "fragment.html": "fragment", "json": "JSON", "graphml": "GraphML",
    "gexf": "GEXF", "nodes.csv": "nodes CSV", "edges.csv": "edges CSV", "cyjs": "Cytoscape",
    "vosviewer.json": "VOSviewer",
}
EXAMPLES_SHOWN = 8  # ids listed per problem before "and N more"
TOP_ROWS = 5  # rows of the most cited papers and central authors


def write_index(path: Path, summary: dict[str, Any], files: list[str]) -> list[Path]:
    """index.html for a build whose folder holds `files`."""
    path.write_text(render_index(summary, files), encoding="utf-8", errors="replace")
    return [path]


def render_index(summary: dict[str, Any], files: list[str]) -> str:
    graphs = [_graph_entry(name, counts, files) for name, counts in summary.get("graphs", {}).items()]
    listed = {link["file"] for graph in graphs for link in graph["files"]}
    return render_template(
        "index.html.j2",
        summary=summary,
        graphs=graphs,
        problems=_problems(summary),
        other_files=[{"file": name, "href": quote(name)} for name in files if name not in listed],
        examples_shown=EXAMPLES_SHOWN,
        top_rows=TOP_ROWS,
    )


def _graph_entry(name: str, counts: dict[str, Any], files: list[str]) -> dict[str, Any]:
    links = [{"file": f"{name}.{suffix}", "href": quote(f"{name}.{suffix}"), "kind": kind}
             for suffix, kind in FILE_KINDS.items() if f"{name}.{suffix}" in files]
    page = next((link for link in links if link["kind"] == "page"), None)
    return {"name": name, "description": GRAPH_KINDS[name].description if name in GRAPH_KINDS else "", "nodes": counts.get("nodes", 0),
            "edges": counts.get("edges", 0), "min_weight": counts.get("min_weight", 1),
            "page": page, "files": links}


def _problems(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """What the build lacks, each with the ids concerned."""
    problems = [{"text": f"{item.get('what', '')}: {item.get('reason', '')}", "ids": list(item.get("pmids") or [])}
                for item in summary.get("not_fetched", [])]
    if summary.get("missing_pmids"):
        problems.append({"text": "PubMed returned no record", "ids": list(summary["missing_pmids"])})
    if summary.get("no_citation_data"):
        problems.append({"text": "PubMed has no reference or citing data (elink covers PubMed Central only)",
                         "ids": list(summary["no_citation_data"])})
    return problems
