"""What every citation source is: it answers "what do you know of these papers' links?" as
`PaperLinks`, one per paper it knows, through requests of its own (`jobs`) or from the PubMed
records the expansion fetches anyway (`from_record`)."""

from __future__ import annotations

from ...model import CITATION_SOURCES, CitationNames, Paper, PaperLinks
from ..jobs import Job


class CitationSource:
    """One source of citation links, named as users choose it (model.CITATION_SOURCES).

    `jobs` are the requests it makes for a level's papers, each answering a list of PaperLinks;
    `from_record` is what it reads in a paper's PubMed record.
    """

    name = ""
    similar = False  # it also knows PubMed's similar articles

    @property
    def names(self) -> CitationNames:
        return CITATION_SOURCES[self.name]

    def jobs(self, pmids: list[str]) -> list[Job]:
        return []

    def from_record(self, paper: Paper) -> PaperLinks | None:
        return None
