"""Names the data contract and the command line share: the links a build can follow, the files
it writes and their formats. Kept apart from the code behind them, so that the command line can
offer and check them without loading the graph libraries."""

from pathlib import Path
from typing import Iterable

LINK_TYPES = ("refs", "citedin", "similar")  # PubMed's links a build can follow
CITATIONS = ("elink", "icite", "reference-list")  # the citation sources a build can ask (sources/citations)
DEFAULT_CITATIONS = CITATIONS
PAGE_FORMATS = ("html", "fragment", "svg")  # fragment: what --embed adds
FILE_FORMATS = ("json", "graphml", "gexf", "csv", "cytoscape", "vosviewer", "ris", "bibtex", "nbib")  # outputs/export.py
ALL_FORMATS = PAGE_FORMATS + FILE_FORMATS
SCREENING_FORMATS = {"ris": ".ris", "nbib": ".nbib", "csv": ".csv"}  # candidates for screening tools
DEFAULT_ROOT = Path("output")  # a build with no folder given goes to output/<its name>
INDEX = "index.html"
SUMMARY = "summary.json"
TOP_ROWS = 20  # rows per table kept in summary.json


def check_formats(formats: Iterable[str]) -> tuple[str, ...]:
    """The formats, checked: InputError for an unknown one or none."""
    from .sources.inputs import InputError

    formats = tuple(formats)
    unknown = [fmt for fmt in formats if fmt not in ALL_FORMATS]
    if unknown or not formats:
        given = f"unknown format {unknown[0]!r}" if unknown else "no format given"
        raise InputError(f"{given}: choose from {', '.join(ALL_FORMATS)}")
    return formats
