"""The reference list a publisher deposited in a paper's PubMed record: read from the records the
expansion fetches anyway, so it makes no request of its own."""

from __future__ import annotations

from ...model import Paper, PaperLinks
from .base import CitationSource


class ReferenceLists(CitationSource):
    name = "reference-list"

    def from_record(self, paper: Paper) -> PaperLinks | None:
        return PaperLinks(paper.pmid, references=list(paper.references)) if paper.references else None
