"""The pipeline: sources in, one Corpus out, and its graphs.

Reading the inputs is litgraph.sources.inputs; `gather` asks the registry and PubMed about them
(litgraph.sources, then litgraph.expand) and `graphs_of` makes the graphs (litgraph.graphs),
remembered across runs. What a build says about itself (summary, warnings) is litgraph.report;
litgraph.api wires the two.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from typing import Callable, Iterable

import networkx as nx

from .contract import LINK_TYPES
from .expand import Limits, add_trial_publications, expand, search_trial_publications, seed_corpus
from .sources.citations import DEFAULT_CITATIONS, SOURCES, CitationSource
from .authors import Authorship, resolve_authors
from .graphs import build_graphs
from .memo import Memo, code_fingerprint
from .model import Author, Corpus, Paper, Trial, canonical_bytes
from .progress import Progress
from .report import examples
from .sources.ctgov import UnknownTrial, fetch_study
from .sources.entrez import ESEARCH_CAP, Entrez
from .sources.inputs import InputError, Sources
from .sources.net import FetchError, Http
from .sources.readers import Readers

# Graphs are remembered by the corpus they come from and the code that makes them.
GRAPH_CODE = code_fingerprint()
AHEAD_PAPERS = 1_000  # below this, resolving the authors takes less than a tenth of a second
# The graphs of this many papers are packed for the memo by a child process while this one writes
# the files (pickling them takes a second at 10,000 papers). Smaller ones are packed here sooner
# than a child starts. Larger ones are not remembered at all: a child would copy the pages it
# pickles, as it writes their refcounts (1.4 GB at 100,000 papers), and this process those it
# writes while the child has them, which slowed it by most of what the child saved; packed here,
# they took a 100,000-paper build 12 s and its peak memory (the pickler's memo, 1 GB), for a
# saving only a rebuild of the same corpus has, and a rerun of the same build needs no graphs
# (litgraph.uptodate).
STORE_ASIDE_PAPERS = range(2_000, 50_000)
REMEMBERED_PAPERS = STORE_ASIDE_PAPERS.stop


def limits(depth: int, max_papers: int, links: Iterable[str], citations: Iterable[str] = DEFAULT_CITATIONS,
           offered: Iterable[str] = tuple(SOURCES)) -> Limits:
    """The limits of an expansion, checked: InputError for those that cannot be used. `offered`
    are the citation sources the build can ask."""
    links, citations, offered = tuple(links), tuple(dict.fromkeys(citations)), tuple(offered)
    unknown = [link for link in links if link not in LINK_TYPES]
    if unknown:
        raise InputError(f"unknown link type {unknown[0]!r}: choose from {', '.join(LINK_TYPES)}")
    unknown = [name for name in citations if name not in offered]
    if unknown:
        raise InputError(f"unknown citation source {unknown[0]!r}: choose from {', '.join(offered)}")
    if "similar" in links and "elink" not in citations:
        either = " or add elink to the citation sources" if "elink" in offered else ""
        raise InputError(f"similar articles come from elink, which this build does not ask: leave out 'similar'{either}")
    if depth < 0:
        raise InputError(f"depth must be 0 or more (got {depth})")
    if max_papers < 1:
        raise InputError(f"max_papers must be 1 or more (got {max_papers})")
    return Limits(depth=depth, max_papers=max_papers, links=links, citations=citations)


def gather(sources: Sources, query: str | None, limits: Limits, entrez: Entrez, say: Callable[[str], None],
           citations: list[CitationSource], progress: Progress | None = None, registry: Callable | None = None,
           records_in: Callable[[dict[str, Paper]], None] | None = None) -> Corpus:
    """Everything the network (or the cache) has to say about the sources, as one Corpus, with
    the links `citations` know.

    `registry(sources, pool)` gives the trials and a message for each one it cannot; by default
    ClinicalTrials.gov through `entrez`'s session. `records_in` is litgraph.expand's."""
    for message in sources.warnings:
        say(message)
    # The registry records, the trials' [si] searches and the query need nothing from each other: one wave.
    with ThreadPoolExecutor(max_workers=entrez.settings.workers) as pool:
        searching = pool.submit(search_trial_publications, entrez,
                                sources.nct_ids + [trial.nct_id for trial in sources.trials])
        querying = pool.submit(search, entrez, query, limits.max_papers, say, sources.is_empty()) if query else None
        fetched, failures = (registry or partial(_fetch_trials, entrez.http))(sources, pool)
        trial_papers = searching.result()
        sources.pmids += querying.result() if querying else []
    trials = sources.trials + fetched
    if failures and not (trials or sources.pmids or sources.papers):
        raise InputError(f"nothing to build: {failures[0]}")
    for trial in fetched:
        if sources.read_as(trial.nct_id):
            say(f'{sources.read_as(trial.nct_id)}: "{trial.title}"')
    for message in failures + [f"{t.nct_id} lists no references in the registry" for t in trials if not t.references]:
        say(message)
    corpus = seed_corpus(trials, sources.pmids, sources.papers)
    corpus.add_wave({"ctgov": len(set(sources.nct_ids)), "esearch": len(trial_papers) + bool(query)})
    add_trial_publications(corpus, trial_papers)
    expand(corpus, entrez, limits, progress, citations, records_in)
    if corpus.missing and not trials and not sources.papers and set(corpus.missing) >= set(sources.pmids):
        plural = "s" if len(corpus.missing) > 1 else ""
        raise InputError(f"nothing to build: PubMed has no record of PMID{plural} {examples(corpus.missing)}")
    return corpus


def search(entrez: Entrez, query: str, max_papers: int, say: Callable[[str], None], alone: bool) -> list[str]:
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
        say(f"PubMed did not use {some} of the query ({examples(parts)})")
    if found.count > len(found.ids):
        cap = "NCBI's cap: ESearch returns at most 10,000 records" if wanted == ESEARCH_CAP else "max_papers"
        say(f"PubMed found {found.count:,} records for {shown}; using the first {len(found.ids):,} ({cap}); "
            "narrow the query to see the rest")
    if not found.ids:
        message = f"PubMed found nothing for {shown}"
        if alone:
            raise InputError(message)
        say(message)
    return found.ids


def graphs_of(corpus: Corpus, name: str, memo: Memo, ahead: AuthorsAhead | None = None) -> dict[str, nx.Graph]:
    """Every graph of the corpus, as remembered for the same corpus and code, or made now (with
    the authors `ahead` resolved, when it did) and remembered below REMEMBERED_PAPERS
    (`litgraph.memo.stores_done()` waits for them to be)."""

    def make() -> dict[str, nx.Graph]:
        return build_graphs(corpus, name, ahead.authorship(corpus.papers) if ahead else None)

    if len(corpus.papers) >= REMEMBERED_PAPERS:
        return make()
    return memo.recall("graphs", [GRAPH_CODE, name.encode(), canonical_bytes(corpus)], make,
                       aside=len(corpus.papers) in STORE_ASIDE_PAPERS)


class AuthorsAhead:
    """Who is who, worked out while a build's last links arrive, when its CPU mostly waits on the
    network: it needs only the papers' records, all in by then (see expand's `records_in`). In the
    reader worker on the other core when the build has one (this process is busy taking in the
    links then), else in a thread. Only for builds that are fetching and large: a rebuild from the
    cache has its graphs remembered, and its CPU is busy reading the cache."""

    def __init__(self, fetching: Callable[[], bool], readers: Readers | None = None):
        self._fetching = fetching
        self._readers = readers
        self._thread: threading.Thread | None = None
        self._pending: Future | None = None
        self._papers: dict[str, Paper] = {}
        self._found: Authorship | None = None

    def begin(self, papers: dict[str, Paper]) -> None:
        if len(papers) < AHEAD_PAPERS or not self._fetching():
            return
        self._papers = dict(papers)
        bylines = [(node, paper.authors, paper.fetched) for node, paper in papers.items()]  # all it reads
        self._pending = self._readers.elsewhere(resolve_bylines, bylines) if self._readers else None
        if self._pending is None:
            self._thread = threading.Thread(target=self._resolve, name="litgraph-authors", daemon=True)
            self._thread.start()

    def _resolve(self) -> None:
        try:
            self._found = resolve_authors(self._papers)
        except Exception:  # resolved again by build_graphs, which raises it where it can be seen
            self._found = None

    def authorship(self, papers: dict[str, Paper]) -> Authorship | None:
        """The authors resolved ahead, if they were, from these very papers (in whatever order
        expand has put them since); else None."""
        if self._pending is not None:
            try:
                self._found = self._pending.result()
            except Exception:  # the worker died, or resolving failed: build_graphs resolves again
                self._found = None
        elif self._thread is not None:
            self._thread.join()
        else:
            return None
        ahead = self._papers
        same = len(papers) == len(ahead) and all(ahead.get(node) is paper for node, paper in papers.items())
        return self._found.in_order_of(papers) if same and self._found else None


def resolve_bylines(bylines: list[tuple[str, list[Author], bool]]) -> Authorship:
    """`resolve_authors` of papers given as (node id, authors, fetched): all it reads of them, so
    that a worker process is handed a few megabytes rather than every record whole."""
    return resolve_authors({node: Paper(pmid=node.removeprefix("pmid:"), authors=authors, fetched=fetched)
                            for node, authors, fetched in bylines})


def _fetch_trials(http: Http, sources: Sources, pool: ThreadPoolExecutor) -> tuple[list[Trial], list[str]]:
    """The registry records of the NCT ids, and a message for each one that could not be had."""
    trials, failures = [], []
    unique = list(dict.fromkeys(sources.nct_ids))
    for nct_id, outcome in zip(unique, pool.map(_registry_record(http), unique)):
        read_as = f" ({sources.read_as(nct_id)})" if sources.read_as(nct_id) else ""
        if isinstance(outcome, UnknownTrial):
            failures.append(outcome.reason + read_as)
        elif isinstance(outcome, FetchError):
            failures.append(f"could not get {nct_id}{read_as} from ClinicalTrials.gov ({outcome.reason})")
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


def output_name(corpus: Corpus, sources: Sources, query: str | None = None) -> str:
    trials = list(corpus.trials)
    if trials:
        return "+".join(trials[:3]) + (f"+{len(trials) - 3}-more" if len(trials) > 3 else "")
    pmids = sources.pmids or [paper.pmid for paper in sources.papers]
    if query and not sources.papers:
        return "query-" + (re.sub(r"[^A-Za-z0-9]+", "-", query).strip("-")[:40] or "pubmed")
    return f"pmid-{pmids[0]}" + (f"+{len(pmids) - 1}-more" if len(pmids) > 1 else "")


