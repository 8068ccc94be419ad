"""A reviewer's library, as reference managers and screening tools export it, read into the few
facts that tell a paper (`LibraryRecord`: PMID, DOI, title, year, first author). No network.

The format is told from the content, never the name:
- RIS (Zotero, EndNote, Mendeley, Rayyan, Covidence): TI/T1, AU/A1, PY/Y1/DA, DO (M3 in old
  EndNote files). PMIDs come from where exporters put them: EndNote's AN (accession number) for
  PubMed records, "PMID: 123" in any field (Zotero's Extra, notes), a PubMed URL in UR.
- BibTeX and BibLaTeX (Zotero, Better BibTeX, JabRef): title, author, year or date, doi, pmid,
  eprint with eprinttype pubmed, "PMID: 123" in note or extra, url.
- PubMed XML and MEDLINE/.nbib: litgraph's own readers of them.
- CSV, tab- or semicolon-separated, with a header (Rayyan: key,title,authors,...,url,...,doi;
  Covidence: Title, Authors, ..., Published Year, ..., Accession Number, DOI, ...; any table with
  PMID, DOI or title columns), or a plain list of PMIDs and DOIs.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Iterable, Iterator

from ..model import LibraryRecord, Paper, normal_doi
from .inputs import HEAD, InputError, pubmed_or_bytes
from .medline import looks_like_medline, parse_medline
from .pubmed import PubMedFormatError
from .trials import TrialFormatError, decode_text

FORMATS = "RIS, BibTeX, PubMed XML, MEDLINE/.nbib, CSV, or a list of PMIDs and DOIs"
PMID_IN_TEXT = re.compile(r"\bPMID:?\s*(\d{1,9})\b", re.I)
PUBMED_URL = re.compile(r"(?:pubmed\.ncbi\.nlm\.nih\.gov/|ncbi\.nlm\.nih\.gov/pubmed/)(\d{1,9})", re.I)
ACCESSION_PMID = re.compile(r"^\d{1,8}$")  # EndNote's and Covidence's accession number, for a PubMed record
YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")
RIS_LINE = re.compile(r"^([A-Z][A-Z0-9])  ?-(?: (.*))?$")


def read_library(paths: Iterable[str | Path]) -> list[LibraryRecord]:
    """Every record of the library files, in file order; InputError for a file litgraph cannot read."""
    records = []
    for path in map(Path, paths):
        records += read_library_file(path)
    return records


def read_library_file(path: Path) -> list[LibraryRecord]:
    if not path.is_file():
        raise InputError(f"{path}: no such file (the library to compare candidates with)")
    try:
        records = list(_records(path))
    except (PubMedFormatError, TrialFormatError, csv.Error) as error:
        raise InputError(f"{path}: {error}") from None
    if not records:
        raise InputError(f"{path}: no records found; a library is {FORMATS}")
    return records


def _records(path: Path) -> Iterator[LibraryRecord]:
    data = pubmed_or_bytes(path, f"{path}: binary data; a library is {FORMATS}")
    if isinstance(data, list):
        yield from (_from_paper(paper, path, number) for number, paper in enumerate(data, 1))
        return
    text, _ = decode_text(data, str(path))
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise InputError(f"{path}: the file is empty")
    if looks_like_medline(text):
        yield from (_from_paper(paper, path, number) for number, paper in enumerate(parse_medline(text), 1))
    elif re.search(r"^TY  ?- ", text, re.M):
        yield from _ris(text, path)
    elif re.search(r"^\s*@[A-Za-z]+\s*[{(]", text, re.M):
        yield from _bibtex(text, path)
    else:
        yield from _table(text, path)


def _from_paper(paper: Paper, path: Path, number: int) -> LibraryRecord:
    first = paper.named_authors[0] if paper.named_authors else None
    return LibraryRecord(pmid=paper.pmid, doi=paper.doi, title=paper.title, year=paper.year,
                         first_author=(first.last_name or first.collective) if first else "",
                         where=f"{path.name}, record {number}")


def _record(path: Path, number: int, *, pmids: Iterable[str] = (), doi: str = "", title: str = "",
            year: str = "", author: str = "") -> LibraryRecord:
    pmid = next((p.lstrip("0") for p in pmids if p and p.strip("0")), "")
    found = YEAR.search(year or "")
    return LibraryRecord(pmid=pmid, doi=normal_doi(doi), title=" ".join((title or "").split()),
                         year=int(found.group(1)) if found else None, first_author=(author or "").strip(),
                         where=f"{path.name}, record {number}")


def _pmids_in(values: Iterable[str]) -> list[str]:
    """PMIDs written into free text: "PMID: 123" (Zotero's Extra, notes) or a PubMed URL."""
    return [match.group(1) for value in values for pattern in (PMID_IN_TEXT, PUBMED_URL)
            for match in pattern.finditer(value or "")]


# --- RIS ---------------------------------------------------------------------------------------

def _ris(text: str, path: Path) -> Iterator[LibraryRecord]:
    tags: dict[str, list[str]] = {}
    last = ""
    number = 0
    for line in text.splitlines():
        match = RIS_LINE.match(line)
        if not match:
            if last and line.strip():  # a wrapped value (some exporters wrap abstracts)
                tags[last][-1] += " " + line.strip()
            continue
        last, value = match.group(1), (match.group(2) or "").strip()
        if last == "TY":
            tags = {}
        if last == "ER":
            number += 1
            yield _ris_record(tags, path, number)
            tags, last = {}, ""
            continue
        tags.setdefault(last, []).append(value)


def _ris_record(tags: dict[str, list[str]], path: Path, number: int) -> LibraryRecord:
    def first(*names: str) -> str:
        return next((tags[name][0] for name in names if tags.get(name)), "")

    accession = [value for value in tags.get("AN", []) if ACCESSION_PMID.match(value)]
    doi = next((value for name in ("DO", "M3", "UR", "L2") for value in tags.get(name, []) if normal_doi(value)), "")
    return _record(path, number, pmids=accession + _pmids_in(v for values in tags.values() for v in values), doi=doi,
                   title=first("TI", "T1", "CT"), year=first("PY", "Y1", "DA"), author=first("AU", "A1"))


# --- BibTeX ------------------------------------------------------------------------------------

def _bibtex(text: str, path: Path) -> Iterator[LibraryRecord]:
    number = 0
    for match in re.finditer(r"@([A-Za-z]+)\s*[{(]", text):
        if match.group(1).lower() in ("comment", "string", "preamble"):
            continue
        fields = _bibtex_fields(text, match.end())
        number += 1
        pubmed = [fields.get("eprint", "")] if fields.get("eprinttype", "").lower() == "pubmed" else []
        yield _record(path, number, pmids=[fields.get("pmid", ""), *pubmed,
                                           *_pmids_in([fields.get("note", ""), fields.get("extra", ""),
                                                       fields.get("annote", ""), fields.get("url", "")])],
                      doi=fields.get("doi", ""), title=_unbraced(fields.get("title", "")),
                      year=fields.get("year") or fields.get("date", ""),
                      author=_unbraced(re.split(r"\s+and\s+", fields.get("author", ""), maxsplit=1)[0]))


def _bibtex_fields(text: str, start: int) -> dict[str, str]:
    """The fields of the entry whose key starts at `start`: name = {value}, "value" or a bare
    word, braces nested; up to the brace closing the entry."""
    fields: dict[str, str] = {}
    at = text.find(",", start) + 1
    while at:
        match = BIBTEX_NAME.match(text, at)
        if not match:
            break
        value, at = _bibtex_value(text, match.end())
        fields[match.group(1).lower()] = " ".join(value.split())
        comma = re.compile(r"\s*,").match(text, at)
        at = comma.end() if comma else 0
    return fields


BIBTEX_NAME = re.compile(r"\s*([A-Za-z][\w:-]*)\s*=\s*")


def _bibtex_value(text: str, at: int) -> tuple[str, int]:
    """A field's value starting at `at` and where it ends."""
    opener = text[at:at + 1]
    if opener not in ("{", '"'):
        bare = re.compile(r"[^,}\s]*").match(text, at)
        return bare.group(), bare.end()
    depth = 0
    for end in range(at, len(text)):
        char = text[end]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        if (opener == "{" and depth == 0) or (opener == '"' and char == '"' and end > at and depth == 0):
            return text[at + 1:end], end + 1
    return text[at + 1:], len(text)


def _unbraced(value: str) -> str:
    return re.sub(r"[{}]", "", value)


# --- tables and lists of ids -----------------------------------------------------------------------

COLUMNS = {  # a header's name, lower case and letters only -> what it holds
    "pmid": {"pmid", "pubmedid", "pubmed", "pmids", "accessionnumber", "accession", "an"},
    "doi": {"doi", "dois", "do", "di"},
    "title": {"title", "articletitle", "ti", "primarytitle", "documenttitle"},
    "year": {"year", "publicationyear", "publishedyear", "py", "pubyear", "date"},
    "author": {"authors", "author", "au", "firstauthor", "authorfullnames"},
    "text": {"url", "urls", "link", "notes", "note", "extra", "key"},  # where a PMID may be written out
}


def _table(text: str, path: Path) -> Iterator[LibraryRecord]:
    sample = text[:HEAD]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(io.StringIO(text), dialect))
    header = {index: kind for index, name in enumerate(rows[0] if rows else [])
              for kind, names in COLUMNS.items() if re.sub(r"[^a-z]", "", name.lower()) in names}
    if not {"pmid", "doi", "title"} & set(header.values()):
        yield from _id_list(text, path)
        return
    for number, row in enumerate(rows[1:], start=1):
        if not any(cell.strip() for cell in row):
            continue
        cells: dict[str, list[str]] = {}
        for index, kind in header.items():
            if index < len(row) and row[index].strip():
                cells.setdefault(kind, []).append(row[index].strip())
        accession = [value for value in cells.get("pmid", []) if ACCESSION_PMID.match(value) or
                     re.fullmatch(r"\d{1,9}", value)]
        author = re.split(r"\s*;\s*|\s+and\s+", (cells.get("author") or [""])[0])[0]
        if re.match(r"^[^,]+ [A-Z]{1,3}\s*,", author):  # "Smith J, Doe K", as Covidence writes authors
            author = author.split(",", 1)[0]
        yield _record(path, number, pmids=accession + _pmids_in(cells.get("text", []) + cells.get("pmid", [])),
                      doi=(cells.get("doi") or [""])[0], title=(cells.get("title") or [""])[0],
                      year=(cells.get("year") or [""])[0], author=author)


def _id_list(text: str, path: Path) -> Iterator[LibraryRecord]:
    """A list of PMIDs and DOIs, any number a line, separated by spaces, commas or semicolons."""
    tokens = [token for line in text.splitlines() for token in re.split(r"[\s,;]+", line.split("#", 1)[0]) if token]
    unknown = [token for token in tokens if not (re.fullmatch(r"\d{1,9}", token) or normal_doi(token))]
    if not tokens or unknown:
        raise InputError(f"{path}: not a library litgraph reads ({FORMATS})"
                         + (f"; {unknown[0][:40]!r} is neither a PMID nor a DOI" if unknown else ""))
    for number, token in enumerate(tokens, start=1):
        yield _record(path, number, pmids=[token] if token.isdigit() else [], doi="" if token.isdigit() else token)
