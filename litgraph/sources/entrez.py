"""NCBI E-utilities calls: batching, POST for long id lists, repeatable cache keys, identity.

Each method answers with parsed records; the HTTP work (cache, rate, retries) is in net.py, and
running batches concurrently in jobs.py.
"""

from __future__ import annotations

from typing import Iterable, Iterator

from ..settings import Settings
from .jobs import BatchResult, Job, batches, describe_batch, run_jobs
from .net import FetchError, Http
from ..memo import Memo
from .pubmed import PubMedFormatError, SearchResult, is_pmid, parse_elink, parse_esearch, read_articles
from .readers import Readers, Reading

ESEARCH_CAP = 10_000  # PubMed's ESearch returns at most the first 10,000 ids of a query


def sorted_ids(ids: Iterable[str]) -> list[str]:
    """De-duplicated, numerically sorted: the same set always makes the same request."""
    return sorted({str(i).strip() for i in ids if is_pmid(str(i).strip())}, key=int)


class Entrez:
    def __init__(self, http: Http, settings: Settings, memo: Memo, readers: Readers | None = None):
        self.http = http
        self.settings = settings
        self.memo = memo  # parsed answers: a warm rebuild finds its records without parsing XML
        self.readers = readers or Readers(elsewhere=False)

    def _identity(self) -> list[tuple[str, str]]:
        identity = [("tool", self.settings.tool)]
        if self.settings.email:
            identity.append(("email", self.settings.email))
        if self.settings.api_key:
            identity.append(("api_key", self.settings.api_key))
        return identity

    def _call(self, utility: str, params: list[tuple[str, str]], what: str, n_ids: int,
              expire_days: float | None = None) -> bytes:
        post = n_ids > self.settings.post_above
        return self.http.request("eutils", f"{utility}.fcgi", params + self._identity(), what=what,
                                 post=post, expire_days=expire_days)

    def efetch_jobs(self, pmids: Iterable[str]) -> list[Job]:
        """PubMed records for the ids, in batches; ids PubMed does not return are simply absent."""
        return [Job("efetch", batch, self._efetch, Reading.records)
                for batch in batches(sorted_ids(pmids), self.settings.efetch_batch)]

    def _efetch(self, batch: list[str]) -> Reading:
        params = [("db", "pubmed"), ("retmode", "xml"), ("id", ",".join(batch))]
        body = self._call("efetch", params, describe_batch("efetch", batch), len(batch))
        return self.readers.begin_answer(self.memo, "efetch", read_articles, body)

    def elink_jobs(self, pmids: Iterable[str]) -> list[Job]:
        """One LinkSet per PMID with every pubmed->pubmed link type (refs, citedin, similar...).

        Repeated `id=` keeps each paper's links apart; leaving out `linkname` gets all link
        types in one answer instead of one request per type.
        """
        return [Job("elink", batch, self._elink, Reading.records)
                for batch in batches(sorted_ids(pmids), self.settings.elink_batch)]

    def _elink(self, batch: list[str]) -> Reading:
        params = [("dbfrom", "pubmed"), ("db", "pubmed"), ("cmd", "neighbor")] + [("id", i) for i in batch]
        body = self._call("elink", params, describe_batch("elink", batch), len(batch), self.settings.links_cache_days)
        return self.readers.begin_answer(self.memo, "elink", parse_elink, body)

    def efetch(self, pmids: Iterable[str]) -> Iterator[BatchResult]:
        return self.run(self.efetch_jobs(pmids))

    def esearch(self, term: str, retmax: int = ESEARCH_CAP) -> SearchResult:
        params = [("db", "pubmed"), ("term", term), ("retmax", str(min(retmax, ESEARCH_CAP)))]
        body = self._call("esearch", params, f"esearch {term!r}", 0, self.settings.links_cache_days)
        try:
            return parse_esearch(body)
        except PubMedFormatError as error:
            raise FetchError(f"esearch {term!r}", str(error)) from None

    def run(self, jobs: list[Job]) -> Iterator[BatchResult]:
        return run_jobs(jobs, self.settings)
