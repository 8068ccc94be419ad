"""PubMed's MEDLINE text format (PubMed "Save > PubMed format", .nbib, .txt): records in, Papers out.

Biopython's Bio.Medline reads records into dicts of lists, which loses which affiliation and
ORCID belong to which author (every AD and AUID of a record lands in one list). litgraph reads
the tags in order instead, so each FAU starts an author and the AD/AUID lines that follow are
that author's.
"""

from __future__ import annotations

import re
from typing import Iterator

from ..model import Author, Paper
from .pubmed import normalise_orcid, record_pmid, trial_numbers

TAG = re.compile(r"^([A-Z][A-Z0-9]{0,3})\s*-\s?(.*)$")
YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")


def looks_like_medline(text: str) -> bool:
    return re.search(r"^PMID- ?[0-9]+", text, re.MULTILINE) is not None


def tagged_lines(record: str) -> list[tuple[str, str]]:
    """(tag, value) in order; continuation lines (indented by six spaces) joined to their tag."""
    pairs: list[tuple[str, str]] = []
    for line in record.splitlines():
        match = TAG.match(line)
        if match:
            pairs.append((match.group(1), match.group(2).strip()))
        elif line.startswith(" ") and pairs and line.strip():
            tag, value = pairs[-1]
            pairs[-1] = (tag, f"{value} {line.strip()}")
    return pairs


def parse_medline(text: str) -> Iterator[Paper]:
    """Every record in a MEDLINE export; records are separated by blank lines before "PMID-"."""
    for record in re.split(r"\n\s*\n(?=PMID-)", text.replace("\r\n", "\n").strip()):
        pairs = tagged_lines(record)
        if any(tag == "PMID" for tag, _ in pairs):
            yield _paper(pairs)


def _paper(pairs: list[tuple[str, str]]) -> Paper:
    values: dict[str, list[str]] = {}
    for tag, value in pairs:
        values.setdefault(tag, []).append(value)

    def first(*tags: str) -> str:
        return next((values[tag][0] for tag in tags if values.get(tag)), "")

    types = values.get("PT", [])
    year = YEAR.search(first("DP", "DEP"))
    return Paper(
        pmid=record_pmid(first("PMID")),
        title=first("TI", "BTI"),
        journal=first("TA", "JT", "BTI"),
        year=int(year.group(1)) if year else None,
        doi=_tagged_id(values.get("LID", []) + values.get("AID", []), "doi"),
        pmcid=first("PMC"),
        authors=_authors(pairs),
        mesh=[_descriptor(heading) for heading in values.get("MH", [])],
        publication_types=types,
        retracted="Retracted Publication" in types or bool(values.get("RIN")),
        abstract=first("AB"),
        languages=values.get("LA", []),
        trial_ids=trial_numbers([si.split("/", 1)[1] for si in values.get("SI", [])
                                 if si.lower().startswith("clinicaltrials.gov/")]),
        is_book=bool(values.get("BTI")) and not values.get("TA"),
        fetched=True,
    )


def _authors(pairs: list[tuple[str, str]]) -> list[Author]:
    authors: list[Author] = []
    early_affiliations: list[str] = []  # old records give one AD, before the authors: the first author's
    for tag, value in pairs:
        if tag == "FAU":
            last, _, fore = value.partition(",")
            authors.append(Author(last_name=last.strip(), fore_name=fore.strip(),
                                  affiliations=early_affiliations if not authors else []))
        elif tag == "AU" and authors and not authors[-1].initials:
            authors[-1].initials = value.rpartition(" ")[2] if " " in value else ""
        elif tag == "CN":
            authors.append(Author(collective=value))
        elif tag == "AD":
            (authors[-1].affiliations if authors else early_affiliations).append(value)
        elif tag == "AUID" and authors and "orcid" in value.lower():
            authors[-1].orcid = normalise_orcid(value)
    if not authors:  # very old records have AU (short names) only
        authors = [Author(last_name=value.rpartition(" ")[0] or value, initials=value.rpartition(" ")[2])
                   for tag, value in pairs if tag == "AU"]
    return authors


def _tagged_id(values: list[str], kind: str) -> str:
    for value in values:
        if value.endswith(f"[{kind}]"):
            return value[: -len(kind) - 2].strip()
    return ""


def _descriptor(heading: str) -> str:
    """"*Programming Languages/standards" -> "Programming Languages"."""
    return heading.split("/", 1)[0].lstrip("*").strip()
