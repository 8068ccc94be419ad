"""What the user hands litgraph, sorted out: trial records, NCT ids to fetch, PMIDs, PubMed records.

Each file's format is told from its content, not its name: ClinicalTrials.gov records (v2 JSON,
classic JSON, legacy XML, a record page saved as text), PubMed XML, MEDLINE/.nbib exports, or a
plain list of NCT ids and/or PMIDs. Nothing here touches the network.
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from ..model import Paper, Trial
from .medline import looks_like_medline, parse_medline
from .pubmed import ROOTS as PUBMED_ROOTS
from .pubmed import PubMedFormatError, read_articles, root_name
from .trials import NOT_A_RECORD, TrialFormatError, detect_and_parse, normalise_nct

ID = re.compile(r"(?i)^(nct)?\d+$")  # what an id looks like; _add_id says whether it is a valid one
PMID = re.compile(r"^0*[1-9]\d{0,8}$")  # PubMed ids start at 1
ID_SEPARATORS = re.compile(r"[\s,;]+")
FORMATS = ("a ClinicalTrials.gov record (v2 JSON, legacy XML or a record page saved as text), PubMed XML, "
           "a MEDLINE/.nbib export, or a list of NCT ids and PMIDs")


class InputError(ValueError):
    """Input litgraph cannot use; the message is one line meant for the user."""


@dataclass
class Sources:
    trials: list[Trial] = field(default_factory=list)  # records the user holds
    nct_ids: list[str] = field(default_factory=list)  # to fetch from the registry
    pmids: list[str] = field(default_factory=list)  # to fetch from PubMed
    papers: list[Paper] = field(default_factory=list)  # PubMed records the user holds

    def is_empty(self) -> bool:
        return not (self.trials or self.nct_ids or self.pmids or self.papers)


def read_sources(items: Iterable[str]) -> Sources:
    """Sort command-line style inputs (ids and file names) into what each needs."""
    sources = Sources()
    for item in items:
        path = Path(item)
        if path.is_file():
            read_file(path, sources)
        elif path.is_dir():
            raise InputError(f"{item}: is a folder; give the record files inside it")
        elif not _add_id(item.strip(), sources):
            if path.suffix or "/" in item or "\\" in item:
                raise InputError(f"{item}: no such file")
            raise InputError(f"{item!r} is not an NCT id (NCT01741857), a PMID or a file")
    return sources


def _add_id(token: str, sources: Sources) -> bool:
    """Add an NCT id or PMID; False when `token` is neither, InputError when it is a malformed one."""
    if not ID.match(token):
        return False
    if token[:3].lower() == "nct":
        try:
            sources.nct_ids.append(normalise_nct(token))
        except TrialFormatError as error:
            raise InputError(str(error)) from None
    elif PMID.match(token):
        sources.pmids.append(token.lstrip("0"))
    else:
        raise InputError(f"{token!r} is not a PMID (a number from 1 to 999999999)")
    return True


def read_file(path: Path, sources: Sources) -> None:
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":  # MEDLINE baseline files and other exports often come gzipped
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError):
            raise InputError(f"{path}: a damaged gzip file") from None
    if not data.strip():
        raise InputError(f"{path}: the file is empty")
    try:
        if root_name(data) in PUBMED_ROOTS:
            sources.papers += read_articles(data)
            return
        text = data.decode("utf-8-sig", errors="replace")
        if b"\0" not in data[:8192] and looks_like_medline(text):
            sources.papers += list(parse_medline(text))
        elif not _id_list(text, sources):
            sources.trials += detect_and_parse(data, source=str(path))
    except (PubMedFormatError, InputError) as error:
        raise InputError(f"{path}: {error}") from None
    except TrialFormatError as error:
        message = str(error).replace(NOT_A_RECORD, f"unknown format; expected {FORMATS}")
        raise InputError(message) from None


def _id_list(text: str, sources: Sources) -> bool:
    """A file of NCT ids and/or PMIDs, one or more per line ('#' starts a comment)."""
    lines = [line.split("#", 1)[0] for line in text.splitlines()]
    tokens = [token for line in lines for token in ID_SEPARATORS.split(line.strip()) if token]
    if not tokens or not all(ID.match(token) for token in tokens):
        return False
    for token in tokens:
        _add_id(token, sources)
    return True
