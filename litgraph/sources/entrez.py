"""NCBI E-utilities calls: batching, POST for long id lists, repeatable cache keys, identity.

Each method answers with parsed records; the HTTP work (cache, rate, retries) is in net.py.
Batches run concurrently behind the shared rate limiter, and their answers are handed back as
they arrive so that a large build never holds every raw answer in memory at once.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

from ..model import Paper
from ..settings import Settings
from .net import FetchError, Http
from ..memo import Memo, code_fingerprint
from .pubmed import LinkSet, PubMedFormatError, SearchResult, is_pmid, parse_elink, parse_esearch, read_articles

ESEARCH_CAP = 10_000  # PubMed's ESearch returns at most the first 10,000 ids of a query


@dataclass
class BatchResult:
    """The answer to one batch: records, or the error that made it fail (never both)."""

    utility: str  # efetch or elink
    ids: list[str]
    records: list
    error: FetchError | None = None


@dataclass
class Job:
    """One request to make: a utility, its ids, and the call that fetches and parses them."""

    utility: str
    ids: list[str]
    call: Callable[[list[str]], list]

    def run(self) -> BatchResult:
        try:
            return BatchResult(self.utility, self.ids, self.call(self.ids))
        except PubMedFormatError as error:
            return BatchResult(self.utility, self.ids, [], FetchError(_what(self.utility, self.ids), str(error)))
        except FetchError as error:
            return BatchResult(self.utility, self.ids, [], error)


def sorted_ids(ids: Iterable[str]) -> list[str]:
    """De-duplicated, numerically sorted: the same set always makes the same request."""
    return sorted({str(i).strip() for i in ids if is_pmid(str(i).strip())}, key=int)


def batches(ids: list[str], size: int) -> list[list[str]]:
    return [ids[start:start + size] for start in range(0, len(ids), size)]


PARSER_CODE = code_fingerprint()


class Entrez:
    def __init__(self, http: Http, settings: Settings, memo: Memo):
        self.http = http
        self.settings = settings
        self.memo = memo  # parsed answers: a warm rebuild finds its records without parsing XML

    def _parsed(self, utility: str, body: bytes, parser: Callable[[bytes], list]) -> list:
        return self.memo.recall("parsed", [PARSER_CODE, utility.encode(), body], lambda: parser(body))

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
        return [Job("efetch", batch, self._efetch) for batch in batches(sorted_ids(pmids), self.settings.efetch_batch)]

    def _efetch(self, batch: list[str]) -> list[Paper]:
        params = [("db", "pubmed"), ("retmode", "xml"), ("id", ",".join(batch))]
        body = self._call("efetch", params, _what("efetch", batch), len(batch))
        return self._parsed("efetch", body, read_articles)

    def elink_jobs(self, pmids: Iterable[str]) -> list[Job]:
        """One LinkSet per PMID with every pubmed->pubmed link type (refs, citedin, similar...).

        Repeated `id=` keeps each paper's links apart; leaving out `linkname` gets all link
        types in one answer instead of one request per type.
        """
        return [Job("elink", batch, self._elink) for batch in batches(sorted_ids(pmids), self.settings.elink_batch)]

    def _elink(self, batch: list[str]) -> list[LinkSet]:
        params = [("dbfrom", "pubmed"), ("db", "pubmed"), ("cmd", "neighbor")] + [("id", i) for i in batch]
        body = self._call("elink", params, _what("elink", batch), len(batch), self.settings.links_cache_days)
        return self._parsed("elink", body, parse_elink)

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
        """Run the jobs with several requests in flight; results come back as they arrive.

        The shared rate limiter, not the number of threads, bounds the request rate: threads
        only keep the limit reachable when NCBI is slow to answer.
        """
        if not jobs:
            return
        with ThreadPoolExecutor(max_workers=min(self.settings.workers, len(jobs))) as pool:
            for future in as_completed([pool.submit(job.run) for job in jobs]):
                yield future.result()


def _what(utility: str, batch: list[str]) -> str:
    if len(batch) == 1:
        return f"{utility} PMID {batch[0]}"
    return f"{utility} of {len(batch)} PMIDs ({batch[0]}…{batch[-1]})"
