"""PubMed's own links (ELink): references and citing papers from PubMed Central's full text, and
similar articles, all three in one answer."""

from __future__ import annotations

from ...model import PaperLinks
from ..entrez import Entrez
from ..jobs import Job
from ..pubmed import LinkSet
from .base import CitationSource

ELINK_NAMES = {"refs": "pubmed_pubmed_refs", "citedin": "pubmed_pubmed_citedin", "similar": "pubmed_pubmed"}


class ELinkCitations(CitationSource):
    name = "elink"
    similar = True

    def __init__(self, entrez: Entrez):
        self.entrez = entrez

    def jobs(self, pmids: list[str]) -> list[Job]:
        return [Job(self.name, job.ids, job.fetch, lambda body, read=job.read: [paper_links(sets) for sets in read(body)])
                for job in self.entrez.elink_jobs(pmids)]


def paper_links(link_set: LinkSet) -> PaperLinks:
    """ELink's LinkSet as PaperLinks: a link type without a LinkSetDb is one ELink does not know."""
    known = link_set.links
    return PaperLinks(link_set.pmid, references=known.get(ELINK_NAMES["refs"]),
                      citing=known.get(ELINK_NAMES["citedin"]), similar=known.get(ELINK_NAMES["similar"]),
                      error=link_set.error)
