"""A store answering a build in place of E-utilities and ClinicalTrials.gov: records by id,
citation links, the papers naming a trial. `litgraph.build(..., store=...)` runs the same
expansion as the API path against it, so a trial built from the store is the trial built from
the services, with zero requests.

Its citations are the NIH Open Citation Collection's snapshot: the citation source `nih-occ`,
beside the reference lists of the PubMed records it holds.
"""

from __future__ import annotations

import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable, Iterator

import duckdb

from ..collector import collector_paused
from ..expand import Limits
from ..graphs import build_graphs
from ..model import Paper, PaperLinks, Trial
from ..progress import Progress
from ..settings import Settings
from ..pipeline import gather, output_name
from ..report import examples
from ..sources.citations import CitationSource
from ..sources.citations.reference_lists import ReferenceLists
from ..sources.jobs import BatchResult, Job
from ..sources.inputs import InputError, Sources, read_sources
from ..sources.pubmed import SearchResult
from .store import Store, duckdb_views, paper_of, trial_of

STORE_CITATIONS = ("nih-occ", "reference-list")  # the citation sources a store answers, and a store build asks
_SI_TERM = re.compile(r"(NCT\d{8})\[si\]")


class StoreLookup:
    """Answers `expand` and `gather` the way `Entrez` and the registry do, from a store."""

    def __init__(self, store: str | Path, settings: Settings):
        self.store = Store(store)
        self.settings = settings
        self.lookups = 0  # batches answered: a store build's "requests"
        self._lock = threading.Lock()
        self._db = duckdb.connect()
        duckdb_views(self._db, self.store)

    def close(self) -> None:
        self._db.close()

    def _rows(self, query: str, *parameters) -> list[dict]:
        with self._lock:
            self.lookups += 1
            result = self._db.execute(query, list(parameters))
            names = [column[0] for column in result.description]
            return [dict(zip(names, row)) for row in result.fetchall()]

    # --- what expand asks ---------------------------------------------------------------

    def efetch_jobs(self, pmids: list[str]) -> list[Job]:
        wanted = sorted({int(pmid) for pmid in pmids})
        return [Job("efetch", [str(pmid) for pmid in wanted], self.papers)] if wanted else []

    def run(self, jobs: list[Job]) -> Iterator[BatchResult]:
        return (job.run() for job in jobs)

    def papers(self, pmids: list[str]) -> list[Paper]:
        """The current records of these PMIDs (those the store has), as PubMed XML gave them."""
        rows = self._rows(_NEWEST.format(table="papers") + " SELECT * FROM current ORDER BY pmid", pmids)
        authors: dict[int, list[dict]] = {}
        for author in self._rows(_NEWEST.format(table="papers") + """
                SELECT a.* FROM authorships_parts a JOIN current c ON a.pmid = c.pmid AND a.seq = c.seq""", pmids):
            authors.setdefault(author["pmid"], []).append(author)
        return [paper_of(row, authors.get(row["pmid"], [])) for row in rows]

    def links(self, pmids: list[str]) -> list[PaperLinks]:
        """Each PMID's references and citing papers in the citation snapshot; a paper the snapshot
        lists as citing nothing, or as cited by nothing, has those links unknown, as ELink's are."""
        found = {pmid: PaperLinks(pmid) for pmid in pmids}
        for row in self._rows("""
                WITH wanted AS (SELECT CAST(unnest($1::VARCHAR[]) AS BIGINT) AS pmid)
                SELECT 'references' AS link, citing AS pmid, list(referenced ORDER BY referenced) AS others
                  FROM citations_current WHERE citing IN (SELECT pmid FROM wanted) GROUP BY citing
                UNION ALL
                SELECT 'citing', referenced, list(citing ORDER BY citing)
                  FROM citations_current WHERE referenced IN (SELECT pmid FROM wanted) GROUP BY referenced""", pmids):
            setattr(found[str(row["pmid"])], row["link"], [str(other) for other in row["others"]])
        return list(found.values())

    def esearch(self, term: str, retmax: int = 0) -> SearchResult:
        """The papers whose record names the trials of an `NCT…[si] OR …` search."""
        trials = _SI_TERM.findall(term)
        if not trials or _SI_TERM.sub("", term).replace(" OR ", "").strip():
            raise InputError(f"a store answers searches for trials' papers only, not {term!r}")
        rows = self._rows("""
            SELECT pmid FROM papers_current WHERE len(trial_ids) > 0 AND list_has_any(trial_ids, $1::VARCHAR[])
            ORDER BY pmid DESC""", trials)
        return SearchResult(count=len(rows), ids=[str(row["pmid"]) for row in rows])

    # --- what gather asks of the registry -------------------------------------------------

    def registry_records(self, sources: Sources,
                         pool: ThreadPoolExecutor | None = None) -> tuple[list[Trial], list[str]]:
        """The trials the store holds, and a message for each one it does not (as pipeline.gather's
        `registry`)."""
        unique = list(dict.fromkeys(sources.nct_ids))
        rows = {row["nct_id"]: row for row in self._rows(_NEWEST_TRIALS + "SELECT * FROM current", unique)}
        details = {table: {} for table in ("officials", "trial_references")}
        for table, held in details.items():
            for row in self._rows(_NEWEST_TRIALS + f"""
                    SELECT x.* FROM {table}_parts x JOIN current c ON x.nct_id = c.nct_id AND x.seq = c.seq""", unique):
                held.setdefault(row["nct_id"], []).append(row)
        trials = [trial_of(rows[nct], details["officials"].get(nct, []), details["trial_references"].get(nct, []))
                  for nct in unique if nct in rows]
        return trials, [f"the store has no trial {nct} (ingest AACT flat files that hold it)" for nct in unique
                        if nct not in rows]


# The newest versions of the wanted records only, so a lookup reads a few rows, not the store.
_NEWEST = """
    WITH wanted AS (SELECT CAST(unnest($1::VARCHAR[]) AS BIGINT) AS pmid),
    candidates AS (SELECT * FROM {table}_parts WHERE pmid IN (SELECT pmid FROM wanted)),
    current AS (
        SELECT c.* FROM candidates c
        JOIN (SELECT pmid, max(seq) AS seq FROM candidates GROUP BY pmid) newest
          ON c.pmid = newest.pmid AND c.seq = newest.seq
        LEFT JOIN (SELECT pmid, max(seq) AS seq FROM deletions_parts WHERE pmid IN (SELECT pmid FROM wanted)
                   GROUP BY pmid) deleted ON deleted.pmid = c.pmid
        WHERE deleted.seq IS NULL OR deleted.seq < c.seq)
"""
_NEWEST_TRIALS = """
    WITH candidates AS (SELECT * FROM trials_parts WHERE nct_id IN (SELECT unnest($1::VARCHAR[]))),
    current AS (
        SELECT c.* FROM candidates c
        JOIN (SELECT nct_id, max(seq) AS seq FROM candidates GROUP BY nct_id) newest
          ON c.nct_id = newest.nct_id AND c.seq = newest.seq)
"""


class StoreCitations(CitationSource):
    """The NIH Open Citation Collection as the store holds it: one lookup per level of papers."""

    name = "nih-occ"

    def __init__(self, lookup: StoreLookup):
        self.lookup = lookup

    def jobs(self, pmids: list[str]) -> list[Job]:
        wanted = sorted({int(pmid) for pmid in pmids})
        return [Job(self.name, [str(pmid) for pmid in wanted], self.lookup.links)] if wanted else []


def build_from_store(store: str | Path, inputs: tuple[str, ...], query: str | None, limits: Limits,
                     say: Callable[[str], None], progress: Progress | None = None) -> dict[str, Any]:
    """What `litgraph.build` of the inputs makes of them with the store answering every lookup:
    the fields of its Build (see `build`)."""
    if query:
        raise InputError("a PubMed query needs E-utilities: a build from a store takes NCT ids, PMIDs and record files")
    sources = read_sources(inputs)
    lookup = StoreLookup(store, Settings())
    citations = {"nih-occ": StoreCitations(lookup), "reference-list": ReferenceLists()}
    try:
        with collector_paused():
            started = time.perf_counter()
            corpus = gather(sources, None, limits, lookup, say, [citations[name] for name in limits.citations], progress,
                            registry=lookup.registry_records)
            fetched = time.perf_counter()
            name = output_name(corpus, sources)
            graphs = build_graphs(corpus, name)
    finally:
        lookup.close()
    warnings = [f"the store has no record of {len(corpus.missing)} PMID(s): {examples(corpus.missing)}"] \
        if corpus.missing else []
    for message in warnings:
        say(message)
    requests = {"network": 0, "cached": 0, "retries": 0, "network_by_service": {}, "store": lookup.lookups,
                "minimum": corpus.planned_requests, "waves": corpus.waves, "waves_by_call": corpus.wave_calls,
                "per_pmid_client": corpus.ids_asked + corpus.waves[0]}
    return dict(name=name, inputs=list(inputs) + [f"store: {store}"], limits=limits, corpus=corpus, graphs=graphs,
                warnings=warnings, requests=requests,
                timings={"fetch": round(fetched - started, 3), "graphs": round(time.perf_counter() - fetched, 3)})
