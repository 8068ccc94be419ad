"""Bulk files into the store: PubMed baseline/update files, NIH-OCC citation snapshots, AACT
flat files. Each file (each chunk of a large citation snapshot) is one unit, committed once its
parts are whole; a file already in the store is skipped, so an ingest that is stopped, killed
or fails on a bad file is resumed by running it again.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

import pyarrow as pa

from ..sources.inputs import InputError
from .aact import aact_files, read_aact
from .citation_files import citation_chunks
from .pubmed_files import pubmed_files, read_pubmed_file
from .store import SCHEMAS, PartWriter, Store, Unit, paper_table, trial_tables

CHUNK_ROWS = 1_000_000  # citations per unit of a snapshot: what a kill can cost, and what memory holds
TRIAL_BATCH = 20_000  # trials converted and written at a time


@dataclass
class Ingested:
    """What one ingest added to the store."""

    files: int = 0  # files (or citation chunks, or AACT snapshots) ingested now
    skipped: list[str] = field(default_factory=list)  # already in the store
    records: int = 0  # PubMed records
    deleted: int = 0  # PMIDs deleted by update files
    citations: int = 0
    trials: int = 0
    seconds: float = 0.0


def ingest(store: str | Path, pubmed: Iterable[str | Path] = (), citations: Iterable[str | Path] = (),
           aact: Iterable[str | Path] = (), workers: int | None = None, chunk_rows: int = CHUNK_ROWS,
           progress: Callable[[str], None] | None = None) -> Ingested:
    """Add bulk files to the store at `store` (made when missing).

    `pubmed` are folders (or files) of PubMed XML, read in name order with `workers` processes;
    `citations` NIH-OCC snapshot files, each replacing the one before; `aact` folders of AACT
    flat files, whose trials replace the versions already held. Raises InputError, naming the
    file and the line or record, for a file that cannot be read; what was ingested before it stays.
    """
    say = progress or (lambda message: None)
    started = time.perf_counter()
    target = Store(store, create=True)
    target.clean()
    done = Ingested()
    pubmed_paths = [file for folder in pubmed for file in pubmed_files(Path(folder))]
    aact_paths = [Path(folder) for folder in aact]
    for folder in aact_paths:
        aact_files(folder)  # refuse a wrong folder before hours of PubMed files
    for folder in aact_paths:
        _ingest_aact(target, folder, done, say)
    _ingest_pubmed(target, pubmed_paths, workers or os.cpu_count() or 1, done, say)
    for path in map(Path, citations):
        _ingest_citations(target, path, chunk_rows, done, say)
    done.seconds = round(time.perf_counter() - started, 3)
    return done


def identity(path: Path) -> dict:
    """What tells one version of a file from another without reading it."""
    stat = path.stat()
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


# --- PubMed ----------------------------------------------------------------------------------

def _ingest_pubmed(store: Store, paths: list[Path], workers: int, done: Ingested, say: Callable[[str], None]) -> None:
    todo = []
    for path in paths:
        if store.ingested("pubmed", path.name, identity(path)):
            done.skipped.append(path.name)
        else:
            todo.append(path)
    if not todo:
        return
    first = store.next_seq()
    jobs = [(path, first + number, store.incoming()) for number, path in enumerate(todo)]
    started = time.perf_counter()
    for number, (path, (written, rows)) in enumerate(zip(todo, _parsed_files(jobs, workers)), start=1):
        store.commit(Unit("pubmed", path.name, identity(path), first + number - 1, rows=rows), written)
        done.files += 1
        done.records += rows["papers"]
        done.deleted += rows["deletions"]
        rate = done.records / max(time.perf_counter() - started, 1e-9)
        say(f"pubmed {path.name}: {rows['papers']:,} records, {rows['deletions']:,} deleted "
            f"[{number:,}/{len(todo):,} files, {rate:,.0f} records/s]")


def _parsed_files(jobs: list[tuple[Path, int, Path]], workers: int) -> Iterator[tuple[dict, dict]]:
    """The parts of each file, in file order (commits must follow it: a later file's version of a
    record wins), parsed in `workers` processes."""
    if workers <= 1 or len(jobs) == 1:
        yield from map(_pubmed_parts, jobs)
        return
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        try:
            yield from pool.map(_pubmed_parts, jobs)
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise


def _pubmed_parts(job: tuple[Path, int, Path]) -> tuple[dict[str, Path], dict[str, int]]:
    path, seq, incoming = job
    papers, deleted = read_pubmed_file(path)
    paper_rows, author_rows = paper_table(papers, seq)
    deletion_rows = pa.Table.from_pydict({"pmid": deleted, "seq": [seq] * len(deleted)}, SCHEMAS["deletions"])
    name = f"{seq:06d}-{path.name.split('.')[0]}"
    written, rows = {}, {}
    for table, content, order in (("papers", paper_rows, ("pmid",)), ("authorships", author_rows, ("pmid", "position")),
                                  ("deletions", deletion_rows, ("pmid",))):
        part = PartWriter(incoming, name, table)
        part.write(content, order)
        written[table], rows[table] = part.close(), part.rows
    return written, rows


# --- NIH Open Citation Collection ------------------------------------------------------------

def _ingest_citations(store: Store, path: Path, chunk_rows: int, done: Ingested, say: Callable[[str], None]) -> None:
    if not path.is_file():
        raise InputError(f"{path}: no such file" if not path.exists() else f"{path}: not a file")
    version = identity(path)
    units = store.ingested("citations", path.name, version)
    if any(unit.complete for unit in units):
        done.skipped.append(path.name)
        return
    store.drop([unit for unit in store.units if unit.kind == "citations" and not unit.complete and unit not in units])
    seq = units[0].seq if units else store.next_seq()
    read = max((unit.lines for unit in units), default=0)
    if read:
        say(f"citations {path.name}: resuming after line {read + 1:,}")
    started, added = time.perf_counter(), 0
    for number, (table, lines) in enumerate(citation_chunks(path, read, chunk_rows), start=len(units)):
        if not table.num_rows:
            continue
        part = PartWriter(store.incoming(), f"{seq:06d}-{number:05d}-{path.name.split('.')[0]}", "citations")
        part.write(table.append_column("seq", pa.array([seq] * table.num_rows, pa.int32())), ("citing", "referenced"))
        store.commit(Unit("citations", path.name, version, seq, rows={"citations": part.rows}, lines=lines,
                          complete=False), {"citations": part.close()})
        done.files += 1
        done.citations += part.rows
        added += part.rows
        say(f"citations {path.name}: {lines:,} lines [{added / max(time.perf_counter() - started, 1e-9):,.0f} "
            "citations/s]")
    store.complete(seq)


# --- AACT ------------------------------------------------------------------------------------

def _ingest_aact(store: Store, folder: Path, done: Ingested, say: Callable[[str], None]) -> None:
    version = {name: identity(path) for name, path in sorted(aact_files(folder).items())}
    if store.ingested("aact", folder.name, version):
        done.skipped.append(folder.name)
        return
    seq = store.next_seq()
    name = f"{seq:06d}-aact-{folder.name}"
    parts = {table: PartWriter(store.incoming(), name, table) for table in ("trials", "officials", "trial_references")}
    trials = read_aact(folder)
    while batch := [trial for _, trial in zip(range(TRIAL_BATCH), trials)]:
        for table, rows in trial_tables(batch, seq).items():
            parts[table].write(rows)
        done.trials += len(batch)
        say(f"aact {folder.name}: {done.trials:,} trials")
    written = {table: part.close() for table, part in parts.items()}
    store.commit(Unit("aact", folder.name, version, seq, rows={t: p.rows for t, p in parts.items()}), written)
    done.files += 1
