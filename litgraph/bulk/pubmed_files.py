"""PubMed baseline and update files: gzip PubmedArticleSet XML, the same records EFetch sends,
read with litgraph's own reader (`litgraph.sources.pubmed`), plus the DeleteCitation list that
update files end with.

NLM publishes them at ftp.ncbi.nlm.nih.gov/pubmed/baseline/ (pubmed25n0001.xml.gz, ...) and
/pubmed/updatefiles/; the baseline must be loaded before the updates, in file order.
"""

from __future__ import annotations

import re
import zlib
from pathlib import Path

from lxml import etree

from ..model import Paper
from ..sources.inputs import InputError
from ..sources.pubmed import PubMedFormatError, read_articles

SUFFIXES = (".xml.gz", ".xml")
_DELETIONS = re.compile(rb"<DeleteCitation\b.*</DeleteCitation>", re.DOTALL)


def pubmed_files(folder: Path) -> list[Path]:
    """The XML files of a folder, in name order (the order NLM numbers them in); a file given
    itself is the only one."""
    if folder.is_file():
        return [folder]
    if not folder.is_dir():
        raise InputError(f"{folder}: no such file or folder")
    files = sorted(path for path in folder.iterdir() if path.is_file() and path.name.endswith(SUFFIXES))
    if not files:
        raise InputError(f"{folder}: no PubMed XML files there (*.xml.gz, *.xml)")
    return files


def read_pubmed_file(path: Path) -> tuple[list[Paper], list[int]]:
    """The records of one file and the PMIDs it deletes; InputError, naming the file and the
    line, for a file that is damaged, cut short or not PubMed XML."""
    data = _unpacked(path)
    try:
        papers = read_articles(data)
    except PubMedFormatError as error:
        raise InputError(f"{path}: {error}") from None
    for number, paper in enumerate(papers, start=1):
        if not paper.pmid.isascii() or not paper.pmid.isdigit():
            raise InputError(f"{path}: record {number} has no usable PMID ({paper.pmid!r})")
    return papers, _deleted(data, path)


def _unpacked(path: Path) -> bytes:
    data = path.read_bytes()
    if data[:2] != b"\x1f\x8b":
        return data
    unpacker = zlib.decompressobj(wbits=31)
    try:
        xml = unpacker.decompress(data)
    except zlib.error as error:
        raise InputError(f"{path}: a damaged gzip file ({error})") from None
    if not unpacker.eof:
        lines = xml.count(b"\n") + 1
        raise InputError(f"{path}: the gzip file is cut short: it ends at line {lines:,} of its XML; download it again")
    return xml


def _deleted(data: bytes, path: Path) -> list[int]:
    """PMIDs of the DeleteCitation elements (they close an update file), read with lxml."""
    found = _DELETIONS.search(data)
    if not found:
        return []
    try:
        element = etree.fromstring(b"<deletions>" + found.group() + b"</deletions>")
    except etree.XMLSyntaxError as error:
        line = data.count(b"\n", 0, found.start()) + 1
        raise InputError(f"{path}: a malformed DeleteCitation list from line {line:,} ({error})") from None
    pmids = [(pmid.text or "").strip() for pmid in element.iterfind("DeleteCitation/PMID")]
    bad = next((pmid for pmid in pmids if not pmid.isascii() or not pmid.isdigit()), None)
    if bad is not None:
        raise InputError(f"{path}: DeleteCitation lists {bad!r}, not a PMID")
    return [int(pmid) for pmid in pmids]
