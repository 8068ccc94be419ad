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
from pathlib import Path
from typing import Callable, Iterable

import networkx as nx

from .collector import collector_paused
from .expand import Limits
from .memo import Memo
from .model import Corpus
from .outputs import DEFAULT_ROOT, write_outputs
from .pipeline import gather, graphs_of, limits as checked_limits, output_name
from .progress import Progress
from .report import CACHE_ONLY, problem_warnings, request_counts, summarise
from .settings import Settings
from .sources.citations import DEFAULT_CITATIONS, citation_sources
from .sources.entrez import Entrez
from .sources.inputs import InputError, read_sources
from .sources.net import Http

log = logging.getLogger("litgraph")


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

        if graph not in self.graphs:
            raise InputError(f"unknown graph {graph!r}: choose from {', '.join(self.graphs)}")
        return show(self.graphs[graph], **({"height": height} if height else {}))

    def write(self, folder: str | Path | None = None, formats: Iterable[str] = ("html",)) -> list[Path]:
        """Write each graph in each format plus summary.json; returns the files written."""
        target = Path(folder) if folder else DEFAULT_ROOT / self.name
        return write_outputs(self.graphs, self.summary(), target, tuple(formats))


def build(*inputs: str, query: str | None = None, depth: int = 1, max_papers: int = 500,
          links: Iterable[str] = ("refs", "citedin"), citations: Iterable[str] | None = None, offline: bool = False,
          email: str | None = None, api_key: str | None = None, settings: Settings | None = None,
          warn: Callable[[str], None] | None = None, progress: Progress | None = None,
          store: str | Path | None = None) -> Build:
    """Build the corpus and graphs for trials, papers and/or a PubMed query.

    `inputs` are NCT ids, PMIDs or files (any format litgraph reads); `query` is a PubMed search
    whose results become seed papers. `citations` are the citation sources asked, by default
    elink, icite and reference-list (see litgraph.sources.citations). Raises InputError for input
    that cannot be used. Network trouble never raises: what could not be fetched is listed in the
    warnings and the summary. With `store` (a folder `litgraph.bulk.ingest` filled), records and
    links come from it (its citations are NIH-OCC's, `nih-occ`) and no request is made.
    """
    if query is not None and not query.strip():
        raise InputError("query is blank: give PubMed search terms")
    if not inputs and not query:
        raise InputError("nothing to build: give an NCT id, a PMID, a record file or a PubMed query")
    if store is not None:
        from .bulk.lookup import STORE_CITATIONS, build_from_store  # pyarrow and duckdb load only for store builds

        limits = checked_limits(depth, max_papers, links, STORE_CITATIONS if citations is None else citations,
                                offered=STORE_CITATIONS)
        return Build(**build_from_store(store, inputs, query, limits, warn or log.warning, progress))
    limits = checked_limits(depth, max_papers, links, DEFAULT_CITATIONS if citations is None else citations)
    settings = (settings or Settings.from_env()).with_(offline=offline or (settings.offline if settings else False))
    settings = settings.with_(**{k: v for k, v in (("email", email), ("api_key", api_key)) if v})
    say = warn or log.warning
    sources = read_sources(inputs)
    held: list[str] = []  # services found unavailable: said at the end, with what the cache could not give

    def hold_cache_only(message: str) -> None:
        (held.append if message.endswith(CACHE_ONLY) else say)(message)

    http = Http(settings, warn=hold_cache_only)
    memo = Memo(http.cache_dir / "derived.sqlite" if http.cache_dir else None, warn=http.warn)
    # Parsing, graph building and loading remembered graphs make millions of objects and keep
    # them: see litgraph.collector.
    try:
        with collector_paused():
            started = time.perf_counter()
            entrez = Entrez(http, settings, memo)
            corpus = gather(sources, query, limits, entrez, say, citation_sources(limits.citations, entrez), progress)
            fetched = time.perf_counter()
            name = output_name(corpus, sources, query)
            graphs = graphs_of(corpus, name, memo)
    except BaseException:  # the build ends here (nothing to build, interrupted): say them now
        for message in held:
            say(message)
        raise
    finally:
        memo.close()
        http.close()
    timings = {"fetch": round(fetched - started, 3), "graphs": round(time.perf_counter() - fetched, 3)}
    requests = {**request_counts(http), "minimum": corpus.planned_requests, "waves": corpus.waves,
                "waves_by_call": corpus.wave_calls, "per_pmid_client": corpus.ids_asked + corpus.waves[0]}
    result = Build(name=name, inputs=list(inputs) + ([f"query: {query}"] if query else []), limits=limits,
                   corpus=corpus, graphs=graphs, warnings=sources.warnings + [w for w in http.warnings if w not in held],
                   requests=requests, offline=settings.offline, timings=timings)
    for message in problem_warnings(corpus, held, {key: service.name for key, service in http.services.items()}):
        result.warnings.append(message)
        say(message)
    return result


