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
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable

import networkx as nx

from . import __version__
from .collector import collector_paused
from .expand import LINK_TYPES, Limits, add_trial_publications, expand, search_trial_publications, seed_corpus
from .analysis import GRAPH_LIMITS, top_tables
from . import analysis, authors, betweenness, graphs as graph_module, model
from .graphs import build_graphs
from .memo import Memo, code_fingerprint
from .model import Corpus, Problem, Trial, canonical_bytes
from .outputs import write_outputs
from .progress import Progress
from .settings import Settings
from .sources.ctgov import UnknownTrial, fetch_study
from .sources.entrez import ESEARCH_CAP, Entrez
from .sources.inputs import InputError, Sources, read_sources
from .sources.net import FetchError, Http

log = logging.getLogger("litgraph")
# Graphs are remembered by the corpus they come from and the code that makes them.
GRAPH_CODE = code_fingerprint(model, graph_module, analysis, authors, betweenness, extra=nx.__version__ + analysis.igraph.__version__)
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

    def show(self, graph: str = "combined", height: int | None = None):
        """One of the graphs, inline in a notebook (Jupyter, JupyterLab, VS Code, Colab)."""
        from .outputs import show

        return show(self.graphs[graph], **({"height": height} if height else {}))

    def write(self, folder: str | Path | None = None, formats: Iterable[str] = ("html",)) -> list[Path]:
        """Write each graph in each format plus summary.json; returns the files written."""
        target = Path(folder) if folder else Path("output") / self.name
        return write_outputs(self, target, tuple(formats))


def build(*inputs: str, query: str | None = None, depth: int = 1, max_papers: int = 500,
          links: Iterable[str] = ("refs", "citedin"), offline: bool = False, email: str | None = None,
          api_key: str | None = None, settings: Settings | None = None, warn: Callable[[str], None] | None = None,
          progress: Progress | None = None) -> Build:
    """Build the corpus and graphs for trials, papers and/or a PubMed query.

    `inputs` are NCT ids, PMIDs or files (any format litgraph reads); `query` is a PubMed search
    whose results become seed papers. Raises InputError for input that cannot be used. Network
    trouble never raises: what could not be fetched is listed in the warnings and the summary.
    """
    if query is not None and not query.strip():
        raise InputError("--query is blank: give PubMed search terms")
    if not inputs and not query:
        raise InputError("nothing to build: give an NCT id, a PMID, a record file or a PubMed query")
    limits = _limits(depth, max_papers, links)
    settings = (settings or Settings.from_env()).with_(offline=offline or (settings.offline if settings else False))
    settings = settings.with_(**{k: v for k, v in (("email", email), ("api_key", api_key)) if v})
    say = warn or log.warning
    sources = read_sources(inputs)
    http = Http(settings, warn=say)
    memo = Memo(http.cache_dir / "derived.sqlite" if http.cache_dir else None, warn=http.warn)
    # Parsing, graph building and loading remembered graphs make millions of objects and keep
    # them: see litgraph.collector.
    try:
        with collector_paused():
            started = time.perf_counter()
            corpus = gather(sources, query, limits, Entrez(http, settings, memo), say, progress)
            fetched = time.perf_counter()
            name = output_name(corpus, sources, query)
            graphs = memo.recall("graphs", [GRAPH_CODE, name.encode(), canonical_bytes(corpus)],
                                 lambda: build_graphs(corpus, name))
    finally:
        memo.close()
        http.close()
    timings = {"fetch": round(fetched - started, 3), "graphs": round(time.perf_counter() - fetched, 3)}
    requests = {**_request_counts(http), "minimum": corpus.planned_requests, "waves": corpus.waves,
                "per_pmid_client": corpus.ids_asked + corpus.waves[0]}
    result = Build(name=name, inputs=list(inputs) + ([f"query: {query}"] if query else []), limits=limits,
                   corpus=corpus, graphs=graphs, warnings=list(http.warnings), requests=requests,
                   offline=settings.offline, timings=timings)
    for message in problem_warnings(corpus, settings.offline):
        result.warnings.append(message)
        say(message)
    return result


def gather(sources: Sources, query: str | None, limits: Limits, entrez: Entrez, say: Callable[[str], None],
           progress: Progress | None = None) -> Corpus:
    """Everything the network (or the cache) has to say about the sources, as one Corpus."""
    # The registry records, the trials' [si] searches and the query need nothing from each other: one wave.
    with ThreadPoolExecutor(max_workers=entrez.settings.workers) as pool:
        searching = pool.submit(search_trial_publications, entrez,
                                sources.nct_ids + [trial.nct_id for trial in sources.trials])
        querying = pool.submit(_search, entrez, query, limits.max_papers, say, sources.is_empty()) if query else None
        fetched, failures = _fetch_trials(entrez.http, sources.nct_ids, pool)
        trial_papers = searching.result()
        sources.pmids += querying.result() if querying else []
    trials = sources.trials + fetched
    if failures and not (trials or sources.pmids or sources.papers):
        raise InputError(f"nothing to build: {failures[0]}")
    for message in failures + [f"{t.nct_id} lists no references in the registry" for t in trials if not t.references]:
        say(message)
    corpus = seed_corpus(trials, sources.pmids, sources.papers)
    corpus.waves.append(len(set(sources.nct_ids)) + len(trial_papers) + bool(query))
    add_trial_publications(corpus, trial_papers)
    return expand(corpus, entrez, limits, progress)


def _search(entrez: Entrez, query: str, max_papers: int, say: Callable[[str], None], alone: bool) -> list[str]:
    """The PMIDs a PubMed query finds, at most `max_papers` and NCBI's cap of 10,000."""
    wanted = min(max_papers, ESEARCH_CAP)
    shown = repr(query) if len(query) <= 80 else repr(query[:80]) + "…"
    try:
        found = entrez.esearch(query, retmax=wanted)
    except FetchError as error:
        if alone:
            raise InputError(f"PubMed search {shown} failed: {error.reason}") from None
        say(f"PubMed search {shown} failed: {error.reason}")
        return []
    if found.errors:  # one per phrase: a long query may have thousands, often the same
        parts = [f"{error} ×{times:,}" if times > 1 else error for error, times in Counter(found.errors).items()]
        some = "part" if len(found.errors) == 1 else f"{len(found.errors):,} parts"
        say(f"PubMed did not use {some} of the query ({_examples(parts)})")
    if found.count > len(found.ids):
        cap = "NCBI's cap: ESearch returns at most 10,000 records" if wanted == ESEARCH_CAP else "--max-papers"
        say(f"PubMed found {found.count:,} records for {shown}; using the first {len(found.ids):,} ({cap}); "
            "narrow the query to see the rest")
    if not found.ids:
        message = f"PubMed found nothing for {shown}"
        if alone:
            raise InputError(message)
        say(message)
    return found.ids


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


def _fetch_trials(http: Http, nct_ids: list[str], pool: ThreadPoolExecutor) -> tuple[list[Trial], list[str]]:
    """The registry records of the NCT ids, and a message for each one that could not be had."""
    trials, failures = [], []
    unique = list(dict.fromkeys(nct_ids))
    for nct_id, outcome in zip(unique, pool.map(_registry_record(http), unique)):
        if isinstance(outcome, UnknownTrial):
            failures.append(outcome.reason)
        elif isinstance(outcome, FetchError):
            failures.append(f"could not get {nct_id} from ClinicalTrials.gov ({outcome.reason})")
        else:
            trials.append(outcome)
    return trials, failures


def _registry_record(http: Http) -> Callable[[str], Trial | FetchError]:
    def fetch(nct_id: str) -> Trial | FetchError:
        try:
            return fetch_study(http, nct_id)
        except FetchError as error:
            return error

    return fetch


def _request_counts(http: Http) -> dict[str, int]:
    counters = http.counters
    return {"network": counters.network, "cached": counters.cached, "retries": counters.retries}


def output_name(corpus: Corpus, sources: Sources, query: str | None = None) -> str:
    trials = list(corpus.trials)
    if trials:
        return "+".join(trials[:3]) + (f"+{len(trials) - 3}-more" if len(trials) > 3 else "")
    pmids = sources.pmids or [paper.pmid for paper in sources.papers]
    if query and not sources.papers:
        return "query-" + (re.sub(r"[^A-Za-z0-9]+", "-", query).strip("-")[:40] or "pubmed")
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
        "trials": [{"nct_id": trial.nct_id, "title": trial.title, "official_title": trial.official_title,
                    "status": trial.status, "phase": trial.phase, "start_date": trial.start_date,
                    "completion_date": trial.completion_date, "sponsor": trial.sponsor}
                   for trial in corpus.trials.values()],
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
