"""Answers read on the machine's other core, for builds large enough to be worth a process.

A build's process runs one Python thread at a time. In a cold build, reading PubMed's XML (about
0.25 s per 400-record answer) took most of it, and request threads waited for their turn to send
the next request. A worker process forked at the start of the build reads each answer and hands
back its records packed as the memo keeps them (`litgraph.memo.pack`), so this process only
unpacks them. Where fork is not available, on one core, or when the worker dies, answers are read
here, with the same result.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from ..forked import other_core
from ..memo import pack

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

    from ..memo import Memo

READ_ELSEWHERE_PAPERS = 2000  # builds allowed fewer papers read their few answers here


class Readers:
    """Where a build's answers are read: in a worker process when `elsewhere`, else here."""

    def __init__(self, elsewhere: bool) -> None:
        self._pool: ProcessPoolExecutor | None = None
        if elsewhere and other_core():
            self._pool = _worker()

    def recall(self, memo: Memo, kind: str, key_parts: list[bytes], parser: Callable[[bytes], list],
               body: bytes) -> list:
        """`parser(body)`, as remembered in `memo` or read now (in the worker if there is one)."""
        if self._pool is not None:
            from concurrent.futures.process import BrokenProcessPool

            try:
                return memo.recall_packed(kind, key_parts, lambda: self._pool.submit(read_packed, parser, body).result())
            except BrokenProcessPool:  # the worker died (out of memory?): the rest is read here
                self.close()
        return memo.recall(kind, key_parts, lambda: parser(body))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None


def read_packed(parser: Callable[[bytes], list], body: bytes) -> bytes:
    """What the worker does: the answer read and packed (an answer that cannot be read raises its
    error, which comes back to the build as the same exception)."""
    return pack(parser(body))


def _worker() -> ProcessPoolExecutor | None:
    """One worker, forked now, while the build's process is small and has no request threads."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"), initializer=_end_with_parent)
    try:
        pool.submit(int).result()  # the executor forks its worker on the first task
    except Exception:  # no memory or processes left for a worker
        pool.shutdown(wait=False, cancel_futures=True)
        return None
    return pool


def _end_with_parent() -> None:
    """Linux: the worker is ended when the build's process is, even if that is killed outright (its
    queue's pipe, which the worker holds both ends of, would never close)."""
    try:
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
