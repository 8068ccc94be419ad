"""What the user hands litgraph, sorted out: trial records, NCT ids to fetch, PMIDs, PubMed records.

Each file's format is told from its first bytes, not its name: ClinicalTrials.gov records (v2
JSON, classic JSON, legacy XML, a record page saved as text), PubMed XML, MEDLINE/.nbib exports,
or a plain list of NCT ids and/or PMIDs. Binary data is refused from those first bytes, PubMed
XML is parsed as it is read (a baseline file is never in memory whole), and a gzip file may
unpack to at most GUNZIP_RATIO times its size. Nothing here touches the network.
"""

from __future__ import annotations

import gzip
import io
import re
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator

from ..model import Paper, Trial
from .medline import looks_like_medline, parse_medline
from .pubmed import ROOTS as PUBMED_ROOTS
from .pubmed import PubMedFormatError, parse_articles, root_name
from .trials import (FALLBACK_ENCODING, NOT_A_RECORD, TrialFormatError, decode_text, detect_and_parse, is_binary,
                     normalise_nct)

ID = re.compile(r"(?i)^(nct)?[0-9]+$")  # what an id looks like (ASCII digits); _add_id says whether it is valid
PMID = re.compile(r"^0*[1-9][0-9]{0,8}$")  # PubMed ids start at 1
ID_SEPARATORS = re.compile(r"[\s,;]+")
FORMATS = ("a ClinicalTrials.gov record (v2 JSON, legacy XML or a record page saved as text), PubMed XML, "
           "a MEDLINE/.nbib export, or a list of NCT ids and PMIDs")
UNKNOWN_FORMAT = f"unknown format; expected {FORMATS}"
HEAD = 1 << 16  # the first bytes of a file, which tell its format
GUNZIP_RATIO = 100  # records compress 5 to 10 times; a file unpacking to 100 times its size is a gzip bomb,
GUNZIP_FLOOR = 1 << 20  # unless it unpacks to 1 MiB or less (a short list of ids compresses well)


class InputError(ValueError):
    """Input litgraph cannot use; the message is one line meant for the user."""


@dataclass
class Sources:
    trials: list[Trial] = field(default_factory=list)  # records the user holds
    nct_ids: list[str] = field(default_factory=list)  # to fetch from the registry
    pmids: list[str] = field(default_factory=list)  # to fetch from PubMed
    papers: list[Paper] = field(default_factory=list)  # PubMed records the user holds
    typed: dict[str, str] = field(default_factory=dict)  # NCT id -> the 7-digit form it was given as
    warnings: list[str] = field(default_factory=list)  # what was read, but not as written

    def is_empty(self) -> bool:
        return not (self.trials or self.nct_ids or self.pmids or self.papers)

    def read_as(self, nct_id: str) -> str:
        """"NCT0989340 read as NCT00989340" for an id given with a digit fewer; "" otherwise.
        The registry pads such ids too, but a dropped digit may as well be a typo."""
        typed = self.typed.get(nct_id)
        return f"{typed} read as {nct_id}" if typed else ""


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
            nct_id = normalise_nct(token)
        except TrialFormatError as error:
            raise InputError(str(error)) from None
        sources.nct_ids.append(nct_id)
        if token[3:] != nct_id[3:]:
            sources.typed[nct_id] = token
    elif PMID.match(token):
        sources.pmids.append(token.lstrip("0"))
    else:
        raise InputError(f"{token!r} is not a PMID (a number from 1 to 999999999)")
    return True


def read_file(path: Path, sources: Sources) -> None:
    try:
        _read_file(path, sources)
    except (PubMedFormatError, InputError) as error:
        raise InputError(f"{path}: {error}") from None
    except TrialFormatError as error:
        raise InputError(str(error).replace(NOT_A_RECORD, UNKNOWN_FORMAT)) from None


def pubmed_or_bytes(path: Path, refusal: str) -> list[Paper] | bytes:
    """A file's PubMed records (parsed as it is read) when it is PubMed XML, else its bytes; a
    file whose first bytes are binary data is refused with `refusal`, unread."""
    with opened(path) as stream:
        head = stream.read(HEAD)
    if is_binary(head):
        raise InputError(refusal)
    with opened(path) as stream:
        return list(parse_articles(stream)) if root_name(head) in PUBMED_ROOTS else stream.read()


def _read_file(path: Path, sources: Sources) -> None:
    data = pubmed_or_bytes(path, f"binary data, {UNKNOWN_FORMAT}")
    if isinstance(data, list):
        sources.papers += data
        return
    if not data.strip():
        raise InputError("the file is empty")
    text, fallback = decode_text(data, str(path))
    if fallback and not text.lstrip().startswith("<"):  # XML names its own encoding, which lxml reads
        sources.warnings.append(f"{path} is not UTF-8: read as {FALLBACK_ENCODING}")
    if looks_like_medline(text):
        sources.papers += parse_medline(text)
    elif not _id_list(text, sources):
        sources.trials += detect_and_parse(data, source=str(path))


@contextmanager
def opened(path: Path) -> Iterator[BinaryIO]:
    """The file's content, unpacked when it is gzipped (MEDLINE baseline files and other exports
    often are) and refused when it unpacks to more than GUNZIP_RATIO times its size."""
    with path.open("rb") as raw:
        if raw.read(2) != b"\x1f\x8b":
            raw.seek(0)
            yield raw
            return
        raw.seek(0)
        limit = max(GUNZIP_RATIO * path.stat().st_size, GUNZIP_FLOOR)
        with gzip.GzipFile(fileobj=raw) as packed:
            yield io.BufferedReader(_Gunzipped(packed, limit))


class _Gunzipped(io.RawIOBase):
    """What a gzip stream unpacks to, refused where it is damaged or grows past `limit` bytes."""

    def __init__(self, packed: gzip.GzipFile, limit: int):
        self.packed, self.limit, self.size = packed, limit, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        try:
            count = self.packed.readinto(buffer)
        except (OSError, EOFError, zlib.error):
            raise InputError("a damaged gzip file") from None
        self.size += count
        if self.size > self.limit:
            raise InputError(f"unpacks to more than {self.limit:,} bytes ({GUNZIP_RATIO} times its size, at least "
                             f"{GUNZIP_FLOOR >> 20} MiB): a gzip bomb? If it is genuine, give litgraph it unpacked")
        return count


def _id_list(text: str, sources: Sources) -> bool:
    """A file of NCT ids and/or PMIDs, one or more per line ('#' starts a comment)."""
    lines = [line.split("#", 1)[0] for line in text.splitlines()]
    tokens = [token for line in lines for token in ID_SEPARATORS.split(line.strip()) if token]
    if not tokens or not all(ID.match(token) for token in tokens):
        return False
    for token in tokens:
        _add_id(token, sources)
    return True
