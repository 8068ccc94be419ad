"""index.html: the entry point of a build's folder. It links every graph's page and files, says
what each graph shows, and lists what could not be fetched. Plain HTML without scripts, so it
works from file:// offline; every value from summary.json is escaped by the template."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..candidates import count_rows
from ..kinds import GRAPH_KINDS, completeness_line, plain_date, plain_phase, plain_status
from .screening import PAGE
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
    screening = sorted(({"file": name, "href": quote(name)} for name in files if _is_screening_file(name)),
                       key=lambda link: link["file"] != PAGE)  # the page to sort and tick first
    listed = {link["file"] for graph in graphs for link in graph["files"]} | {link["file"] for link in screening}
    return render_template(
        "index.html.j2",
        summary=summary,
        heading=_heading(summary),
        trials=[_trial_line(trial) for trial in summary.get("trials", [])],
        notices=_notices(summary),
        completeness=completeness_line(summary.get("citation_data", {})),
        graphs=graphs,
        problems=_problems(summary),
        screening=count_rows(summary.get("screening") or {}),
        screening_files=screening,
        filters=(summary.get("screening") or {}).get("filters") or [],
        changes=summary.get("changes"),
        other_files=[{"file": name, "href": quote(name)} for name in files if name not in listed],
        examples_shown=EXAMPLES_SHOWN,
        top_rows=TOP_ROWS,
    )


def _is_screening_file(name: str) -> bool:
    """candidates.ris, candidates-2.csv, new-candidates.nbib, candidates.json, changes.json, ..."""
    stem = name.split(".", 1)[0]
    return stem.rstrip("-0123456789") in ("candidates", "new-candidates") or name == "changes.json"


def _heading(summary: dict[str, Any]) -> str:
    """The trial's title for a build of one trial; else the build's name."""
    trials = summary.get("trials") or []
    if len(trials) == 1 and (trials[0].get("title") or trials[0].get("official_title")):
        return str(trials[0].get("title") or trials[0].get("official_title"))
    return str(summary.get("name", ""))


def _trial_line(trial: dict[str, Any]) -> dict[str, Any]:
    """A trial in plain words: "NCT01741857 · Completed · Phase 3 · June 2011 – May 2014"."""
    dates = " – ".join(plain_date(trial[key]) for key in ("start_date", "completion_date") if trial.get(key))
    facts = [plain_status(trial["status"]) if trial.get("status") else "",
             plain_phase(trial["phase"]) if trial.get("phase") else "", dates, trial.get("sponsor") or ""]
    return {"nct_id": trial.get("nct_id", ""), "title": trial.get("title", ""), "facts": [fact for fact in facts if fact]}


def _notices(summary: dict[str, Any]) -> list[str]:
    """What could not be had, where it shapes the pictures: said first."""
    counts = summary.get("counts", {})
    notices = []
    if counts.get("papers") and not counts.get("papers_fetched"):
        notices.append("No paper could be fetched from PubMed (offline, or NCBI unreachable): papers are known only "
                       "from the registry's citations, and citation links are unknown, so the paper graph has no "
                       "citations and nothing is ranked by them.")
    elif counts.get("papers_fetched") and not counts.get("edges", {}).get("cites"):
        notices.append("No citation links were found among these papers: the paper graph has no citations.")
    if counts.get("left_out_by_max_papers"):
        notices.append(f"{counts['left_out_by_max_papers']:,} papers were left out by the size limit "
                       f"(at most {summary.get('limits', {}).get('max_papers', 0):,} papers).")
    return notices


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
        problems.append({"text": "No citation source asked knows their references or the papers citing them, so "
                                 "their links are unknown (not absent)", "ids": list(summary["no_citation_data"])})
    return problems
