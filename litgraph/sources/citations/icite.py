"""The NIH Open Citation Collection through NIH's iCite API, keyed by PMID like everything else here.

`GET {LITGRAPH_ICITE_URL}/pubs?pmids=1,2,3` answers `{"data": [record, ...]}`, one record per PMID
iCite holds, in the field names the API uses by default ("legacy"): `references` and `cited_by`
(PMIDs: NIH-OCC merges MEDLINE, PubMed Central, Crossref and text mining of open full text, so it
knows the references of papers PMC does not hold), `cited_by_clin` (the citing papers that are
clinical articles), `citation_count`, `relative_citation_ratio`, `nih_percentile`, `apt` and
`is_clinical`. Requests go through the one cached session, within iCite's own rate
(Settings.icite_rate) and cache lifetime.
"""

from __future__ import annotations

from ...memo import Memo
from ...model import Impact, PaperLinks
from ...settings import Settings
from ..entrez import sorted_ids
from ..answers import AnswerFormatError, json_answer
from ..jobs import Job, batches, describe_batch
from ..net import Http
from ..readers import Readers, Reading
from .base import CitationSource


class ICiteFormatError(AnswerFormatError):
    """The bytes are not the iCite answer they were supposed to be."""


class ICiteCitations(CitationSource):
    name = "icite"

    def __init__(self, http: Http, settings: Settings, memo: Memo, readers: Readers):
        self.http, self.settings, self.memo, self.readers = http, settings, memo, readers

    def jobs(self, pmids: list[str]) -> list[Job]:
        return [Job(self.name, batch, self._fetch, Reading.records, service="icite")
                for batch in batches(sorted_ids(pmids), self.settings.icite_batch)]

    def _fetch(self, batch: list[str]) -> Reading:
        """The answer, its reading begun on this (request) thread (see litgraph.sources.readers)."""
        body = self.http.request("icite", "pubs", {"pmids": ",".join(batch)}, what=describe_batch("icite", batch))
        return self.readers.begin_answer(self.memo, "icite", parse_icite, body)


def parse_icite(body: bytes) -> list[PaperLinks]:
    """Each record's links and figures. A record without references is a paper whose references
    iCite does not know (it has no reference list of it), not one that cites nothing; its
    `cited_by` is known whenever iCite holds the paper, empty when nobody cites it."""
    try:
        answer = json_answer(body)
    except ValueError as error:
        raise ICiteFormatError(f"not JSON ({error})") from None
    records = answer.get("data") if isinstance(answer, dict) else None
    if not isinstance(records, list) or not all(isinstance(record, dict) for record in records):
        raise ICiteFormatError('not an iCite answer (no "data" list of records)')
    return [_paper_links(record) for record in records]


def _paper_links(record: dict) -> PaperLinks:
    pmid = _pmid(record.get("pmid"))
    if pmid is None:
        raise ICiteFormatError(f"a record's pmid is not a PMID: {record.get('pmid')!r}")
    citing = _pmids(record.get("cited_by"), "cited_by")
    impact = Impact(citation_count=_whole(record.get("citation_count")), rcr=_number(record.get("relative_citation_ratio")),
                    nih_percentile=_number(record.get("nih_percentile")), apt=_number(record.get("apt")),
                    is_clinical=record.get("is_clinical") if isinstance(record.get("is_clinical"), bool) else None,
                    clinical_citations=_pmids(record.get("cited_by_clin"), "cited_by_clin") or [])
    return PaperLinks(pmid, references=_pmids(record.get("references"), "references") or None,
                      citing=citing if citing is not None else [], impact=impact)


def _pmid(value) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return str(value)
    if isinstance(value, str) and value.isdigit() and int(value) > 0:
        return value
    return None


def _pmids(value, field: str) -> list[str] | None:
    if value is None:
        return None
    found = [_pmid(item) for item in value] if isinstance(value, list) else [None]
    if None in found:
        raise ICiteFormatError(f"a record's {field} is not a list of PMIDs")
    return found


def _whole(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _number(value) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None
