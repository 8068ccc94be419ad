"""The library's front door: sources in, a Corpus and its graphs out, files on request.

    import litgraph
    result = litgraph.build("examples/NCT01741857.txt", depth=1, max_papers=300)
    result.graphs["paper"]            # a networkx MultiDiGraph
    result.write("output/NCT01741857", formats=("html", "json"))
"""

from __future__ import annotations

import logging
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable

import networkx as nx

from . import __version__
from .expand import LINK_TYPES, Limits, expand, seed_corpus
from .analysis import GRAPH_LIMITS, top_tables
from .graphs import build_graphs
from .model import Corpus, Problem, Trial
from .outputs import write_outputs
from .progress import Progress
from .settings import Settings
from .sources.ctgov import UnknownTrial, fetch_study
from .sources.entrez import Entrez
from .sources.net import FetchError, Http
from .sources.trials import TrialFormatError, detect_and_parse, normalise_nct

log = logging.getLogger("litgraph")
NCT = re.compile(r"(?i)^\s*nct\d{1,8}\s*$")
PMID = re.compile(r"^\s*\d{1,9}\s*$")


class InputError(ValueError):
    """Input litgraph cannot use; the message is one line meant for the user."""


@dataclass
class Sources:
    trials: list[Trial] = field(default_factory=list)
    pmids: list[str] = field(default_factory=list)
    nct_ids: list[str] = field(default_factory=list)  # to fetch from the registry


@dataclass
class Build:
    """One build: what was asked, what was found, the graphs, and what went wrong."""

    name: str
    inputs: list[str]
    limits: Limits
    corpus: Corpus
    graphs: dict[str, nx.Graph]
    warnings: list[str]
    requests: dict[str, int]
    offline: bool = False
    timings: dict[str, float] = field(default_factory=dict)  # seconds spent fetching and building graphs

    def summary(self) -> dict:
        return summarise(self)

    def write(self, folder: str | Path | None = None, formats: Iterable[str] = ("html",)) -> list[Path]:
        """Write each graph in each format plus summary.json; returns the files written."""
        target = Path(folder) if folder else Path("output") / self.name
        return write_outputs(self, target, tuple(formats))


def read_sources(items: Iterable[str]) -> Sources:
    """Sort command-line style inputs into trial records, NCT ids to fetch, and PMIDs."""
    sources = Sources()
    for item in items:
        path = Path(item)
        if path.is_file():
            _read_file(path, sources)
        elif NCT.match(item):
            sources.nct_ids.append(normalise_nct(item))
        elif PMID.match(item):
            sources.pmids.append(item.strip())
        elif path.suffix or "/" in item or "\\" in item:
            raise InputError(f"{item}: no such file")
        else:
            raise InputError(f"{item!r} is not an NCT id (NCT01741857), a PMID or a file")
    return sources


def _read_file(path: Path, sources: Sources) -> None:
    data = path.read_bytes()
    text = data.decode("utf-8", "replace").strip()
    if text and all(PMID.match(line) for line in text.splitlines() if line.strip()):
        sources.pmids += [line.strip() for line in text.splitlines() if line.strip()]
        return
    try:
        sources.trials += detect_and_parse(data, source=str(path))
    except TrialFormatError as error:
        raise InputError(str(error)) from None


def build(*inputs: str, depth: int = 1, max_papers: int = 500, links: Iterable[str] = ("refs", "citedin"),
          offline: bool = False, email: str | None = None, api_key: str | None = None,
          settings: Settings | None = None, warn: Callable[[str], None] | None = None,
          progress: Progress | None = None) -> Build:
    """Build the corpus and graphs for trials (NCT ids or record files) and/or PMIDs.

    Raises InputError for input that cannot be used. Network trouble never raises: what could
    not be fetched is listed in the result's warnings and summary.
    """
    if not inputs:
        raise InputError("nothing to build: give an NCT id, a PMID or a record file")
    limits = _limits(depth, max_papers, links)
    settings = (settings or Settings.from_env()).with_(offline=offline or (settings.offline if settings else False))
    settings = settings.with_(**{k: v for k, v in (("email", email), ("api_key", api_key)) if v})
    say = warn or log.warning
    sources = read_sources(inputs)
    http = Http(settings, warn=say)
    entrez = Entrez(http, settings)
    started = time.perf_counter()
    try:
        fetched, failures = _fetch_trials(http, sources.nct_ids)
        if failures and not (sources.trials or fetched or sources.pmids):
            raise InputError(f"nothing to build: {failures[0]}")
        for failure in failures:
            say(f"{failure}: left out")
        corpus = seed_corpus(sources.trials + fetched, sources.pmids)
        expand(corpus, entrez, limits, progress)
    finally:
        entrez.close()
        http.close()
    fetch_seconds = time.perf_counter() - started
    name = output_name(corpus, sources)
    graphs = build_graphs(corpus, name)
    timings = {"fetch": round(fetch_seconds, 3), "graphs": round(time.perf_counter() - started - fetch_seconds, 3)}
    requests = {**_request_counts(http), "minimum": corpus.planned_requests + len(sources.nct_ids),
                "per_pmid_client": corpus.ids_asked + len(sources.nct_ids)}
    result = Build(name=name, inputs=list(inputs), limits=limits, corpus=corpus, graphs=graphs,
                   warnings=list(http.warnings), requests=requests, offline=settings.offline, timings=timings)
    for message in problem_warnings(corpus, settings.offline):
        result.warnings.append(message)
        say(message)
    return result


def _limits(depth: int, max_papers: int, links: Iterable[str]) -> Limits:
    links = tuple(links)
    unknown = [link for link in links if link not in LINK_TYPES]
    if unknown:
        raise InputError(f"unknown link type {unknown[0]!r}: choose from {', '.join(LINK_TYPES)}")
    if depth < 0:
        raise InputError("--depth must be 0 or more")
    if max_papers < 1:
        raise InputError("--max-papers must be 1 or more")
    return Limits(depth=depth, max_papers=max_papers, links=links)


def _fetch_trials(http: Http, nct_ids: list[str]) -> tuple[list[Trial], list[str]]:
    """The registry records of the NCT ids, and a message for each one that could not be had."""
    trials, failures = [], []
    for nct_id in dict.fromkeys(nct_ids):
        try:
            trials.append(fetch_study(http, nct_id))
        except UnknownTrial as error:
            raise InputError(error.reason) from None
        except FetchError as error:
            failures.append(f"could not get {nct_id} from ClinicalTrials.gov ({error.reason})")
    return trials, failures


def _request_counts(http: Http) -> dict[str, int]:
    counters = http.counters
    return {"network": counters.network, "cached": counters.cached, "retries": counters.retries}


def output_name(corpus: Corpus, sources: Sources) -> str:
    trials = list(corpus.trials)
    if trials:
        return "+".join(trials[:3]) + (f"+{len(trials) - 3}-more" if len(trials) > 3 else "")
    pmids = sources.pmids
    return f"pmid-{pmids[0]}" + (f"+{len(pmids) - 1}-more" if len(pmids) > 1 else "")


def problem_warnings(corpus: Corpus, offline: bool) -> list[str]:
    """One line per kind of failure, so a bad run says what it lacks without flooding the terminal."""
    by_reason: dict[str, list[Problem]] = {}
    for problem in corpus.problems:
        by_reason.setdefault(_reason_kind(problem.reason), []).append(problem)
    lines = []
    for reason, problems in by_reason.items():
        ids = list(dict.fromkeys(i for problem in problems for i in problem.ids))
        calls = ", ".join(dict.fromkeys(problem.what.split()[0] for problem in problems))
        lines.append(f"{reason}: {calls} for {len(ids)} PMID(s) ({_examples(ids)})")
    if corpus.missing:
        lines.append(f"PubMed returned no record for {len(corpus.missing)} PMID(s): {_examples(corpus.missing)}")
    return lines


def _examples(ids: list[str], shown: int = 5) -> str:
    return ", ".join(ids[:shown]) + (", …" if len(ids) > shown else "")


def _reason_kind(reason: str) -> str:
    return re.sub(r"\s*\(gave up after \d+ tries\)", "", reason)


def summarise(result: Build) -> dict:
    corpus = result.corpus
    papers = corpus.papers
    combined = result.graphs["combined"]
    fetched = [node for node, paper in papers.items() if paper.fetched]
    return {
        "name": result.name,
        "litgraph": __version__,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "inputs": result.inputs,
        "limits": {"depth": result.limits.depth, "max_papers": result.limits.max_papers,
                   "links": list(result.limits.links), "offline": result.offline},
        "counts": {
            "trials": len(corpus.trials),
            "papers": len(papers),
            "papers_fetched": len(fetched),
            "seed_papers": len(corpus.seeds),
            "authors": result.graphs["author"].number_of_nodes(),
            "edges": dict(sorted(Counter(kind for *_, kind in combined.edges(data="kind")).items())),
            "left_out_by_max_papers": corpus.truncated,
        },
        "graphs": {name: {"nodes": g.number_of_nodes(), "edges": g.number_of_edges(),
                          **{key: g.graph[key] for key in GRAPH_LIMITS if key in g.graph}}
                   for name, g in result.graphs.items()},
        "not_fetched": [{"what": p.what, "reason": p.reason, "pmids": p.ids} for p in corpus.problems],
        "missing_pmids": corpus.missing,
        "no_citation_data": sorted(papers[node].pmid for node in fetched if node not in corpus.link_sources),
        "warnings": result.warnings,
        "requests": result.requests,
        "seconds": result.timings,
        "metrics": top_tables(result.graphs),
    }
