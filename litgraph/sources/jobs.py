"""Requests as jobs: one batch of ids for one call of one service, run concurrently, each service
within its own limit, with the answers handed back as they arrive (so a large build never holds
every raw answer in memory at once)."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any, Callable, Iterator

from ..settings import Settings
from .answers import AnswerFormatError
from .net import FetchError


@dataclass
class BatchResult:
    """The answer to one batch: records, or the error that made it fail (never both)."""

    utility: str  # the call: efetch, elink, icite...
    ids: list[str]
    records: list
    error: FetchError | None = None
    service: str = "eutils"  # the service it was asked of


@dataclass
class Job:
    """One request to make: a call, its ids, how to fetch its answer (the network's part, done on a
    request thread, which may hand the answer to a reader in another process: see
    litgraph.sources.readers) and how to read it (the CPU's part, done by the thread taking the
    results, so a request thread is free for the next request as soon as its answer is in), and the
    service it is sent to (whose limit and concurrency it waits for)."""

    utility: str
    ids: list[str]
    fetch: Callable[[list[str]], Any]
    read: Callable[[Any], list] = list  # by default the answer is its records already
    service: str = "eutils"

    def run(self) -> BatchResult:
        return self.finish(self.fetched())

    def fetched(self) -> Any:
        """The answer, or the FetchError that stands for it."""
        try:
            return self.fetch(self.ids)
        except FetchError as error:
            return error

    def finish(self, answer: Any) -> BatchResult:
        """The records read from what `fetched` gave."""
        try:
            if isinstance(answer, FetchError):
                raise answer
            return BatchResult(self.utility, self.ids, self.read(answer), service=self.service)
        except AnswerFormatError as error:
            failure = FetchError(describe_batch(self.utility, self.ids), str(error))
            return BatchResult(self.utility, self.ids, [], failure, self.service)
        except FetchError as error:
            return BatchResult(self.utility, self.ids, [], error, self.service)


def batches(ids: list[str], size: int) -> list[list[str]]:
    return [ids[start:start + size] for start in range(0, len(ids), size)]


def run_jobs(jobs: list[Job], settings: Settings) -> Iterator[BatchResult]:
    """Run the jobs with several requests in flight per service; results come back as they arrive.

    Each service's rate limiter, not the number of threads, bounds its request rate: threads only
    keep the limit reachable when a service is slow to answer. Each service has threads of its own,
    so iCite's requests go beside NCBI's instead of taking their turns. Answers are read here, in
    the caller's thread, not on the request threads: a thread reading 400 records would be a
    request not sent, and Python runs one thread at a time anyway.
    """
    if not jobs:
        return
    services = settings.services
    with ExitStack() as stack:
        pools = {service: stack.enter_context(ThreadPoolExecutor(min(services[service].in_flight, count)))
                 for service, count in Counter(job.service for job in jobs).items()}
        asked = {pools[job.service].submit(job.fetched): job for job in jobs}
        for future in as_completed(asked):
            # let go of each answer once read: a wave's raw answers add up to gigabytes at 100,000 papers
            yield asked.pop(future).finish(future.result())


def describe_batch(utility: str, batch: list[str]) -> str:
    if len(batch) == 1:
        return f"{utility} PMID {batch[0]}"
    return f"{utility} of {len(batch)} PMIDs ({batch[0]}…{batch[-1]})"
