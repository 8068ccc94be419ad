"""The files a reviewer screens: candidates as RIS, MEDLINE (.nbib) and CSV, each record carrying
how litgraph found it, split where a screening tool's import limit would refuse the file; and the
snapshot (candidates.json) a later build is compared with.

RIS and MEDLINE records are export.py's (`ris_record`, `medline_record`) with the provenance as
N1 and GN notes; the CSV has a column per fact of provenance. Covidence documents the tightest
import limit of the tools reviewers use (15,000 records or 50 MB a file): larger sets are split
into numbered files (candidates-1.ris, candidates-2.ris, ...), and the caller is told.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

import orjson
from markupsafe import Markup

from ..candidates import SNAPSHOT_FORMAT, Candidate, Screening, count_rows, paper_name
from ..contract import SCREENING_FORMATS
from ..kinds import DIRECTION_WORDS, NEW_WORDS, SOURCE_WORDS
from ..sources.inputs import InputError
from ..updates import Changes
from .export import csv_cell, medline_record, ris_record
from .nodelink import json_text

SNAPSHOT = "candidates.json"
PAGE = "candidates.html"
CHANGES = "changes.json"
NEW_STEM = "new-candidates"  # new-candidates.ris ...: what a rebuild found new, alone
CSV_COLUMNS = ("rank", "pmid", "doi", "pmcid", "title", "authors", "year", "journal", "publication_types",
               "languages", "directions", "depth", "found_from", "seeds", "trials", "sources", "seed_links",
               "cocited_with_seeds", "coupled_with_seeds", "cited_by", "retracted", "in_library", "url", "abstract")


@dataclass(frozen=True)
class ImportLimit:
    records: int = 15_000
    bytes: int = 50_000_000  # "50 MB", read as the smaller of the two ways to count it


COVIDENCE = ImportLimit()


def write_screening(folder: Path, name: str, document: dict, screening: Screening, changes: Changes | None,
                    new: Screening | None, say: Callable[[str], None] | None = None) -> list[Path]:
    """A build's screening files: the snapshot, the candidates left for screening and their page,
    and after a rebuild what changed and the new candidates alone."""
    texts = RecordTexts()
    files = write_document(document, folder / SNAPSHOT) + write_candidates(screening.exported, folder, say=say,
                                                                           texts=texts)
    if changes is not None and new is not None:
        files += write_document(changes.document(), folder / CHANGES)
        files += write_candidates(new.exported, folder, NEW_STEM, say=say, texts=texts)
    return files + write_candidates_page(folder / PAGE, name, screening, changes, index="index.html", texts=texts)


class RecordTexts:
    """Each candidate's RIS record and CSV line, made once for the files and the page that both
    hold them. Kept by the candidate's id(), with the candidate itself, so no id is reused."""

    def __init__(self) -> None:
        self._ris: dict[int, tuple[Candidate, str]] = {}
        self._csv: dict[int, tuple[Candidate, str]] = {}

    def ris(self, candidate: Candidate) -> str:
        return self._made(self._ris, candidate, lambda c: ris_record(c.node, record_data(c), provenance(c)))

    def csv(self, candidate: Candidate) -> str:
        return self._made(self._csv, candidate, lambda c: _csv_text([csv_cell(value) for value in _csv_row(c)]))

    @staticmethod
    def _made(made: dict[int, tuple[Candidate, str]], candidate: Candidate, make: Callable[[Candidate], str]) -> str:
        if id(candidate) not in made:
            made[id(candidate)] = (candidate, make(candidate))
        return made[id(candidate)][1]


def write_candidates_page(path: Path, name: str, screening: Screening, changes: Changes | None = None,
                          index: str | None = None, texts: RecordTexts | None = None) -> list[Path]:
    """candidates.html: the candidates to sort, tick and download as RIS or CSV, offline. Each
    row carries its RIS record and CSV line as candidates.ris and candidates.csv hold them."""
    from .html import content_security_policy, json_for_script, page_asset, render_template

    new = set(changes.new_papers) if changes else set()
    texts = texts or RecordTexts()
    rows = [{"node": c.node, "pmid": c.pmid, "doi": c.doi, "title": c.title, "authors": c.short_authors,
             "journal": c.journal, "year": c.year, "rank": c.rank, "depth": c.depth, "directions": c.directions,
             "found_from": [paper_name(node) for node in c.found_from], "sources": c.sources,
             "retracted": c.retracted, "held": c.in_library.split(" (")[0], "new": c.node in new,
             "ris": texts.ris(c), "csv": texts.csv(c)} for c in screening.candidates]
    since = (changes.since or "the last build") if changes else ""
    data = {"rows": rows, "csvHeader": _csv_text(list(CSV_COLUMNS)), "fileStem": "candidates",
            "directionWords": DIRECTION_WORDS, "sourceWords": SOURCE_WORDS, "newWords": NEW_WORDS.format(date=since) if changes else ""}
    script = page_asset("candidates.js")
    text = render_template("candidates.html.j2", build=name, csp=content_security_policy([script]),
                           data=Markup(json_for_script(json_text(data))), script=Markup(script), index=index,
                           counts=count_rows(screening.counts), since=since if new else "",
                           held=any(c.in_library for c in screening.candidates))
    path.write_text(text, encoding="utf-8", errors="replace")
    return [path]


def write_candidates(candidates: list[Candidate], folder: Path, stem: str = "candidates",
                     formats: Iterable[str] = tuple(SCREENING_FORMATS), limit: ImportLimit = COVIDENCE,
                     say: Callable[[str], None] | None = None, texts: RecordTexts | None = None) -> list[Path]:
    """`stem.ris`, `stem.nbib`, `stem.csv` of the candidates, in rank order; split into
    `stem-1.ris`, `stem-2.ris`, ... above `limit`, which `say` is told. Returns the files."""
    written = []
    made = texts or RecordTexts()
    for fmt in formats:
        records, header = _records(candidates, fmt, made)
        parts = _parts(records, header, limit)
        names = [f"{stem}{SCREENING_FORMATS[fmt]}"] if len(parts) == 1 else \
            [f"{stem}-{number}{SCREENING_FORMATS[fmt]}" for number in range(1, len(parts) + 1)]
        for name, part in zip(names, parts):
            (folder / name).write_text(header + "".join(part), encoding="utf-8", errors="backslashreplace", newline="")
            written.append(folder / name)
        if len(parts) > 1 and say:
            say(f"{stem}{SCREENING_FORMATS[fmt]}: {len(records):,} records split into {len(parts)} files "
                f"({names[0]} to {names[-1]}) of at most {limit.records:,} records and {limit.bytes // 10**6} MB, "
                "the most Covidence imports at once")
    return written


def _records(candidates: list[Candidate], fmt: str, texts: RecordTexts) -> tuple[list[str], str]:
    """Each candidate's text in the format, and the text every file of it starts with."""
    if fmt == "csv":
        return [texts.csv(c) for c in candidates], _csv_text(list(CSV_COLUMNS))
    if fmt == "ris":
        return [texts.ris(c) for c in candidates], ""
    return [medline_record(record_data(c), provenance(c)) for c in candidates if c.pmid], ""  # MEDLINE needs a PMID


def _parts(texts: list[str], header: str, limit: ImportLimit) -> list[list[str]]:
    """The records in files of at most `limit` records and bytes (the header included in each)."""
    parts: list[list[str]] = [[]]
    size = len(header.encode())
    for text in texts:
        length = len(text.encode("utf-8", "backslashreplace"))
        if parts[-1] and (len(parts[-1]) >= limit.records or size + length > limit.bytes):
            parts.append([])
            size = len(header.encode())
        parts[-1].append(text)
        size += length
    return parts


def _csv_text(cells: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(cells)
    return buffer.getvalue()


def record_data(candidate: Candidate) -> dict:
    """The candidate as a paper node's attributes, which export.py's records read."""
    return {"pmid": candidate.pmid, "title": candidate.title, "author_names": candidate.authors,
            "short_authors": candidate.short_authors, "year": candidate.year, "journal": candidate.journal,
            "doi": candidate.doi, "pmcid": candidate.pmcid, "abstract": candidate.abstract,
            "languages": candidate.languages, "publication_types": candidate.publication_types,
            "mesh": candidate.mesh, "retracted": candidate.retracted, "fetched": candidate.fetched}


def provenance(candidate: Candidate) -> list[str]:
    """How litgraph found the candidate, in the notes of its RIS and MEDLINE records."""
    how = ", ".join(DIRECTION_WORDS[d] for d in candidate.directions) or "linked to"
    notes = [f"litgraph: found by citation chasing, {how} {', '.join(map(paper_name, candidate.found_from))}; "
             f"depth {candidate.depth}; sources {', '.join(candidate.sources) or 'none'}",
             f"litgraph: seeds {', '.join(map(paper_name, candidate.seeds))}"
             + (f" ({', '.join(candidate.trials)})" if candidate.trials else ""),
             f"litgraph: rank {candidate.rank}: {candidate.seed_links} links to the seeds, co-cited with them by "
             f"{candidate.cocited_with_seeds} papers, {candidate.coupled_with_seeds} references in common"]
    if candidate.in_library:
        notes.append(f"litgraph: already in your library, by {candidate.in_library}")
    return notes


def _csv_row(candidate: Candidate) -> list:
    ids = [node[5:] if node.startswith("pmid:") else node for node in candidate.found_from]
    seeds = [node[5:] if node.startswith("pmid:") else node for node in candidate.seeds]
    values = {**record_data(candidate), "rank": candidate.rank, "authors": candidate.authors,
              "directions": candidate.directions, "depth": candidate.depth, "found_from": ids, "seeds": seeds,
              "trials": candidate.trials, "sources": candidate.sources, "seed_links": candidate.seed_links,
              "cocited_with_seeds": candidate.cocited_with_seeds,
              "coupled_with_seeds": candidate.coupled_with_seeds, "cited_by": candidate.cited_by,
              "retracted": "yes" if candidate.retracted else "", "in_library": candidate.in_library,
              "url": candidate.url}
    return [values[column] for column in CSV_COLUMNS]


def write_document(document: dict, path: Path) -> list[Path]:
    """A document as sorted, indented JSON: the same document gives the same bytes. Written as
    encoded, not copied into text and back (candidates.json of 100,000 papers is 117 MB)."""
    try:  # orjson: ten times json's indenting encoder, which is pure Python
        data = orjson.dumps(document, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS)
    except (orjson.JSONEncodeError, TypeError):  # a lone surrogate from a bad record, an integer beyond 64 bits
        data = json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True).encode("utf-8", "backslashreplace")
    with open(path, "wb") as handle:
        handle.write(data)
        handle.write(b"\n")
    return [path]


def read_json(path: Path, what: str) -> dict:
    """A JSON document a build wrote; InputError, in the user's words, when it cannot be read."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path.parent}: no {path.name} there ({what}); build into the folder with this "
                         "litgraph first") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise InputError(f"{path}: cannot be read as {what} ({error})") from None
    if not isinstance(document, dict):
        raise InputError(f"{path}: not {what}")
    return document


def earlier_build(folder: Path) -> tuple[dict, str] | None:
    """The snapshot of the build already in `folder` and the day it was made ("2026-11-01"), or
    None when the folder holds no build with a snapshot (a first build, an older litgraph's)."""
    try:
        document = read_json(folder / SNAPSHOT, "candidates")
        created = str(read_json(folder / "summary.json", "a build's summary").get("created", ""))[:10]
    except InputError:
        return None
    return (document, created) if document.get("format") == SNAPSHOT_FORMAT else None
