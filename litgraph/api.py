"""The library's front door: sources in, a Corpus and its graphs out, files on request. It wires
the pipeline (litgraph.pipeline) and the report (litgraph.report) around one cached session.

    import litgraph
    result = litgraph.build("examples/NCT01741857.txt", depth=1, max_papers=300)
    result.graphs["paper"]            # a networkx MultiDiGraph
    result.write("output/NCT01741857", formats=("html", "json"))
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Callable, Iterable

import networkx as nx

from .candidates import Candidate, Filters, Library, Screening, candidates_of, find_candidates, screen, snapshot
from .collector import collector_paused
from .expand import Limits
from .memo import MEMO_FILE, Memo, stores_done
from .model import Corpus
from .contract import DEFAULT_ROOT
from .outputs import write_outputs
from .outputs.screening import CHANGES, SNAPSHOT, earlier_build, read_json, write_candidates, write_screening
from .pipeline import AuthorsAhead, gather, graphs_of, limits as checked_limits, output_name
from .progress import Progress
from .report import CACHE_ONLY, problem_warnings, request_counts, summarise
from .settings import Settings
from .sources.citations import DEFAULT_CITATIONS, citation_sources
from .sources.entrez import Entrez
from .sources.inputs import InputError, read_sources
from .sources.library import read_library
from .sources.net import Http
from .sources.readers import READ_ELSEWHERE_PAPERS, Readers
from .updates import Changes, diff, mark_new
from .uptodate import Asked, MadeFrom, record

log = logging.getLogger("litgraph")
# From this many candidates their files are written on the other core while the graphs' are (a
# 10,000-candidate build's take seconds); below it a child process costs more than it saves.
ASIDE_CANDIDATES = 1_000


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
    library: Library | None = None  # the reviewer's records: candidates they hold are left out of the exports
    say: Callable[[str], None] = field(default=log.warning, repr=False)  # what writing has to say (a split file)
    made_from: MadeFrom | None = field(default=None, repr=False)  # for a rerun to find its folder up to date

    @cached_property
    def candidates(self) -> list[Candidate]:
        """Every paper found that is not a seed, with how it was found, best ranked first."""
        return find_candidates(self.corpus)

    def screening(self, filters: Filters = Filters(), library: Library | None = None, only: set[str] | None = None,
                  keep_library: bool = False) -> Screening:
        """The candidates marked with what `library` (by default the build's) holds, those left
        for screening, and the PRISMA-style counts (see litgraph.candidates.screen)."""
        return screen(self.candidates, filters, library or self.library, only, keep_library)

    def summary(self, changes: Changes | None = None) -> dict:
        return summarise(self, self.screening(), changes)

    def show(self, graph: str = "combined", height: int | None = None):
        """One of the graphs, inline in a notebook (Jupyter, JupyterLab, VS Code, Colab)."""
        from .outputs import show

        if graph not in self.graphs:
            raise InputError(f"unknown graph {graph!r}: choose from {', '.join(self.graphs)}")
        return show(self.graphs[graph], **({"height": height} if height else {}))

    def write(self, folder: str | Path | None = None, formats: Iterable[str] = ("html",),
              progress: Progress | None = None) -> list[Path]:
        """Write each graph in each format, the candidates for screening (candidates.ris, .nbib,
        .csv, .json, candidates.html) and summary.json; returns the files written. A build into a
        folder holding an earlier build also says what changed (changes.json, new-candidates.*,
        papers marked `new_since` in the graphs)."""
        target = Path(folder) if folder else DEFAULT_ROOT / self.name
        formats = tuple(formats)
        document = snapshot(self.corpus, self.candidates)
        earlier = earlier_build(target)
        changes = diff(earlier[0], document, earlier[1]) if earlier else None
        mark_new(self.graphs, changes)
        screening = self.screening()
        new = self.screening(only=set(changes.new_papers)) if changes else None

        def screening_files(folder: Path, say: Callable[[str], None]) -> list[Path]:
            return write_screening(folder, self.name, document, screening, changes, new, say)

        files = write_outputs(self.graphs, self.summary(changes), target, formats, screening_files, progress,
                              self.say, extra_aside=len(screening.candidates) >= ASIDE_CANDIDATES)
        stores_done()  # a large build's graphs are packed for the memo while its files are written
        if self.made_from:
            record(self.made_from, formats, folder, files)
        return files


def build(*inputs: str, query: str | None = None, depth: int = 1, max_papers: int = 500,
          links: Iterable[str] = ("refs", "citedin"), citations: Iterable[str] | None = None, offline: bool = False,
          email: str | None = None, api_key: str | None = None, settings: Settings | None = None,
          warn: Callable[[str], None] | None = None, progress: Progress | None = None,
          store: str | Path | None = None, library: Iterable[str | Path] = ()) -> Build:
    """Build the corpus and graphs for trials, papers and/or a PubMed query.

    `inputs` are NCT ids, PMIDs or files (any format litgraph reads); `query` is a PubMed search
    whose results become seed papers. `citations` are the citation sources asked, by default
    elink, icite and reference-list (see litgraph.sources.citations). Raises InputError for input
    that cannot be used. Network trouble never raises: what could not be fetched is listed in the
    warnings and the summary. With `store` (a folder `litgraph.bulk.ingest` filled), records and
    links come from it (its citations are NIH-OCC's, `nih-occ`) and no request is made.
    `library` are the reviewer's files (RIS, BibTeX, PubMed XML, MEDLINE, CSV, lists of PMIDs or
    DOIs): candidates they hold are marked and left out of the exports.
    """
    if query is not None and not query.strip():
        raise InputError("query is blank: give PubMed search terms")
    if not inputs and not query:
        raise InputError("nothing to build: give an NCT id, a PMID, a record file or a PubMed query")
    held_records = Library(read_library(library)) if library else None  # bad input is said before anything is fetched
    if store is not None:
        from .bulk.lookup import STORE_CITATIONS, build_from_store  # pyarrow and duckdb load only for store builds

        limits = checked_limits(depth, max_papers, links, STORE_CITATIONS if citations is None else citations,
                                offered=STORE_CITATIONS)
        return Build(**build_from_store(store, inputs, query, limits, warn or log.warning, progress),
                     library=held_records, say=warn or log.warning)
    limits = checked_limits(depth, max_papers, links, DEFAULT_CITATIONS if citations is None else citations)
    settings = (settings or Settings.from_env()).with_(offline=offline or (settings.offline if settings else False))
    settings = settings.with_(**{k: v for k, v in (("email", email), ("api_key", api_key)) if v})
    said: list[str] = []  # said again by a rerun that finds the folder up to date

    def say(message: str) -> None:
        said.append(message)
        (warn or log.warning)(message)

    asked = Asked.of(inputs, query, depth, max_papers, links, citations, library, settings)
    sources = read_sources(inputs)
    held: list[str] = []  # services found unavailable: said at the end, with what the cache could not give

    def hold_cache_only(message: str) -> None:
        (held.append if message.endswith(CACHE_ONLY) else say)(message)

    # forked before the cache is opened and any request thread started
    readers = Readers(elsewhere=not settings.offline and limits.max_papers >= READ_ELSEWHERE_PAPERS)
    http = Http(settings, warn=hold_cache_only)
    memo = Memo(http.cache_dir / MEMO_FILE if http.cache_dir else None, warn=http.warn)
    # Parsing, graph building and loading remembered graphs make millions of objects and keep
    # them: see litgraph.collector.
    try:
        with collector_paused():
            started = time.perf_counter()
            entrez = Entrez(http, settings, memo, readers)
            ahead = AuthorsAhead(lambda: http.counters.network > 0, readers)
            corpus = gather(sources, query, limits, entrez, say, citation_sources(limits.citations, entrez), progress,
                            records_in=ahead.begin)
            readers.close()  # once who is who is resolved: the workers' memory goes to the graphs
            fetched = time.perf_counter()
            name = output_name(corpus, sources, query)
            (progress or Progress()).stage(f"building the graphs of {len(corpus.papers):,} papers and their metrics")
            graphs = graphs_of(corpus, name, memo, ahead)
    except BaseException:  # the build ends here (nothing to build, interrupted): say them now
        for message in held:
            say(message)
        raise
    finally:
        readers.close()
        memo.close()
        http.close()
    timings = {"fetch": round(fetched - started, 3), "graphs": round(time.perf_counter() - fetched, 3)}
    requests = {**request_counts(http), "minimum": corpus.planned_requests, "waves": corpus.waves,
                "waves_by_call": corpus.wave_calls, "per_pmid_client": corpus.ids_asked + corpus.waves[0]}
    result = Build(name=name, inputs=list(inputs) + ([f"query: {query}"] if query else []), limits=limits,
                   corpus=corpus, graphs=graphs, warnings=sources.warnings + [w for w in http.warnings if w not in held],
                   requests=requests, offline=settings.offline, timings=timings, library=held_records, say=say)
    for message in problem_warnings(corpus, held, {key: service.name for key, service in http.services.items()}):
        result.warnings.append(message)
        say(message)
    if http.cache_dir is not None:
        complete = not (corpus.problems or held or http.warnings)
        result.made_from = MadeFrom(asked, http.answers, said, complete)
    return result




def candidates(folder: str | Path, *, filters: Filters = Filters(), library: Iterable[str | Path] = (),
               new: bool = False, keep_library: bool = False, out: str | Path | None = None,
               fmt: str = "ris", warn: Callable[[str], None] | None = None) -> Screening:
    """The candidates of the build in `folder` (its candidates.json), screened: `new` keeps only
    the papers its last rebuild found new (changes.json), `library` files mark (and, unless
    `keep_library`, leave out) what the reviewer holds, `filters` the rest. With `out`, the
    exported candidates are written there in `fmt` (ris, nbib, csv), split above Covidence's
    import limit; `.files` names them."""
    folder = Path(folder)
    document = read_json(folder / SNAPSHOT, "candidates")
    only = set(read_json(folder / CHANGES, "what changed since the build before").get("new_papers", [])) \
        if new else None
    held = Library(read_library(library)) if library else None
    screening = screen(candidates_of(document), filters, held, only, keep_library)
    if out is not None:
        target = Path(out)
        files = write_candidates(screening.exported, target.parent, target.stem, [fmt], say=warn or log.warning)
        screening.files = [str(file) for file in files]
    return screening


def changes(old: str | Path, new: str | Path) -> Changes:
    """What the build in folder `new` has that the one in `old` had not (see litgraph.updates)."""
    earlier, later = (read_json(Path(folder) / SNAPSHOT, "candidates") for folder in (old, new))
    since = str(read_json(Path(old) / "summary.json", "a build's summary").get("created", ""))[:10]
    try:
        return diff(earlier, later, since)
    except ValueError as error:
        raise InputError(f"{old} or {new}: {error}") from None
