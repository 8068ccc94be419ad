"""What a build says about itself: its summary (summary.json's schema), its warnings (one line per
kind of failure) and its request counts. Plain data in, plain data out: no network, no files.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, timezone
from itertools import chain
from typing import Iterable, Iterator, Protocol

import networkx as nx

from .analysis import GRAPH_LIMITS, top_tables
from .candidates import Screening, count_rows
from .expand import Limits
from .model import CITATION_SOURCES, Corpus, Problem
from .sources.net import Http
from .updates import Changes
from .version import __version__

NOT_CACHED = "not in the cache"  # how the reason of a request only the cache could answer, and did not, starts
CACHE_ONLY = "; building from the record and the cache"  # how Http's line for a service it stops asking ends


class BuildRecord(Protocol):
    """What a summary is made of (litgraph.Build has it)."""

    name: str
    inputs: list[str]
    limits: Limits
    corpus: Corpus
    graphs: dict[str, nx.Graph]
    warnings: list[str]
    requests: dict
    offline: bool
    timings: dict[str, float]


def request_counts(http: Http) -> dict:
    counters = http.counters
    return {"network": counters.network, "cached": counters.cached, "retries": counters.retries,
            "network_by_service": dict(sorted(counters.sent_to.items()))}


def problem_warnings(corpus: Corpus, cache_only: Iterable[str], services: dict[str, str]) -> list[str]:
    """One line per kind of failure, so a bad run says what it lacks without flooding the terminal.
    `cache_only` are the lines saying a service is answered from the cache only, each starting with
    the service's name (`services`: key -> name): they become one line, naming each service and
    why, then what the cache could not give of them."""
    said: set[int] = set()
    lines, unavailable, missed = [], [], []
    for line in cache_only:
        key = next((key for key, name in services.items() if line.startswith(name)), None)
        missed += [problem for problem in corpus.problems if problem.service == key and problem.reason.startswith(NOT_CACHED)]
        unavailable.append(line.removesuffix(CACHE_ONLY))
    if unavailable:
        said.update(map(id, missed))
        lines.append("; ".join(unavailable) + CACHE_ONLY
                     + "".join(f"; not in the cache: {what}" for what in _lacking(missed).values()))
    lines += [f"{reason}: {what}" for reason, what in _lacking([p for p in corpus.problems if id(p) not in said]).items()]
    if corpus.missing:
        lines.append(f"PubMed returned no record for {len(corpus.missing)} PMID(s): {examples(corpus.missing)}")
    return lines


def _lacking(problems: list[Problem]) -> dict[str, str]:
    """For each kind of failure, the calls and PMIDs it cost."""
    by_reason: dict[str, list[Problem]] = {}
    for problem in problems:
        by_reason.setdefault(_reason_kind(problem.reason), []).append(problem)
    lacking = {}
    for reason, grouped in by_reason.items():
        ids = list(dict.fromkeys(i for problem in grouped for i in problem.ids))
        calls = ", ".join(dict.fromkeys(problem.what.split()[0] for problem in grouped))
        lacking[reason] = f"{calls} for {len(ids)} PMID(s) ({examples(ids)})"
    return lacking


def examples(ids: list[str], shown: int = 5) -> str:
    return ", ".join(ids[:shown]) + (", …" if len(ids) > shown else "")


def _reason_kind(reason: str) -> str:
    return re.sub(r"\s*\(gave up after \d+ tries\)", "", reason)


def citation_data(corpus: Corpus, sources: Iterable[str]) -> dict:
    """How complete the build's citation links are: of the papers with a PMID, the share whose
    references each source knows, and any source; the same for the papers citing them."""
    papers = [node for node in corpus.papers if node.startswith("pmid:")]
    sources = list(sources)

    def shares(names: dict[str, str]) -> dict[str, float]:
        known = [corpus.link_sources.get(node, set()) for node in papers]
        counts = {"any": sum(1 for found in known if found & set(names.values()))}
        counts.update((source, sum(1 for found in known if name in found)) for source, name in names.items())
        return {source: round(count / len(papers), 3) if papers else 0.0 for source, count in counts.items()}

    return {"papers": len(papers),
            "references_known": shares({name: CITATION_SOURCES[name].refs_data for name in sources}),
            "citing_known": shares({name: CITATION_SOURCES[name].citedin_data for name in sources
                                    if CITATION_SOURCES[name].citedin_data})}


def _pair_keys(graph: nx.MultiDiGraph) -> Iterator[dict]:
    """The dict of edge keys of every node pair of a directed multigraph, read from its adjacency:
    networkx's edge view (2.5 s for 2 million edges) and its sum of degrees (1.3 s) are slower."""
    return chain.from_iterable(neighbours.values() for neighbours in graph._succ.values())


def _edge_kinds(graph: nx.MultiDiGraph) -> Counter:
    """How many edges of each kind: the keys of a multigraph of the contract, which are the kinds."""
    return Counter(chain.from_iterable(_pair_keys(graph)))


def _edge_count(graph: nx.Graph) -> int:
    """graph.number_of_edges(), counted from the adjacency for a directed multigraph."""
    if graph.is_multigraph() and graph.is_directed():
        return sum(map(len, _pair_keys(graph)))
    return graph.number_of_edges()


def summarise(result: BuildRecord, screening: Screening | None = None, changes: Changes | None = None) -> dict:
    corpus = result.corpus
    papers = corpus.papers
    combined = result.graphs["combined"]
    fetched = [node for node, paper in papers.items() if paper.fetched]
    return {
        "name": result.name,
        "litgraph": __version__,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "inputs": result.inputs,
        "trials": [{"nct_id": trial.nct_id, "title": trial.title, "official_title": trial.official_title,
                    "status": trial.status, "phase": trial.phase, "start_date": trial.start_date,
                    "completion_date": trial.completion_date, "sponsor": trial.sponsor}
                   for trial in corpus.trials.values()],
        "limits": {"depth": result.limits.depth, "max_papers": result.limits.max_papers,
                   "links": list(result.limits.links), "citations": list(result.limits.citations),
                   "offline": result.offline},
        "counts": {
            "trials": len(corpus.trials),
            "papers": len(papers),
            "papers_fetched": len(fetched),
            "seed_papers": len(corpus.seeds),
            "authors": result.graphs["author"].number_of_nodes(),
            "edges": dict(sorted(_edge_kinds(combined).items())),
            "left_out_by_max_papers": corpus.truncated,
        },
        "graphs": {name: {"nodes": g.number_of_nodes(), "edges": _edge_count(g),
                          **{key: g.graph[key] for key in GRAPH_LIMITS if key in g.graph}}
                   for name, g in result.graphs.items()},
        "not_fetched": [{"what": p.what, "reason": p.reason, "pmids": p.ids} for p in corpus.problems],
        "missing_pmids": corpus.missing,
        "no_citation_data": sorted(papers[node].pmid for node in fetched if node not in corpus.link_sources),
        "citation_data": citation_data(corpus, result.limits.citations),
        "warnings": result.warnings,
        "requests": result.requests,
        "seconds": result.timings,
        "metrics": top_tables(result.graphs),
        **({"screening": {**screening.counts, "filters": screening.filters}} if screening else {}),
        **({"changes": changes.counts()} if changes else {}),
    }


def screening_text(counts: dict) -> str:
    """The PRISMA-style counts as the terminal shows them."""
    rows = count_rows(counts)
    width = max(len(words) for words, _ in rows)
    return "\n".join(["Candidates for screening (PRISMA-style counts):",
                      *(f"  {words:<{width}}  {number:>7,}" for words, number in rows)])
