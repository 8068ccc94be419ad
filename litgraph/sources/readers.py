"""Answers read on the machine's other core, for builds large enough to be worth a process.

A build's process runs one Python thread at a time. In a cold build, reading PubMed's XML (about
0.25 s per 400-record answer) took most of it, and request threads waited for their turn to send
the next request. A worker process forked at the start of the build reads each answer and hands
back its records packed as the memo keeps them (`litgraph.memo.pack`), so this process only
unpacks them. Each answer is handed to the worker by the request thread that fetched it, as soon
as it is in, so the worker reads the next answers while the build takes in the last one's records.
Where fork is not available, on one core, or when the worker dies, answers are read here, with the
same result.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Callable

from ..forked import other_core
from ..memo import code_fingerprint, pack, unpack

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

    from ..memo import Memo

READ_ELSEWHERE_PAPERS = 2000  # builds allowed fewer papers read their few answers here
# Answers handed to the worker and not yet read: enough that it always has the next one, few
# enough that a network faster than the worker never piles raw answers up in memory (a request
# thread with one more waits, and so sends nothing).
READ_AHEAD = 4


class Readers:
    """Where a build's answers are read: in a worker process when `elsewhere`, else here."""

    def __init__(self, elsewhere: bool) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._room = threading.BoundedSemaphore(READ_AHEAD)
        if elsewhere and other_core():
            self._pool = _worker()

    def begin(self, memo: Memo, kind: str, key_parts: list[bytes], parser: Callable[[bytes], list],
              body: bytes) -> Reading:
        """The reading of `body` by `parser`, begun now: what `memo` remembers of it, or the worker
        (if there is one) reading it while this thread goes on. `Reading.records()` gives them."""
        reading = Reading(self, memo, kind, key_parts, parser, body)
        pool = self._pool
        if pool is None:
            return reading
        reading.packed = memo.find_packed(kind, key_parts)
        if reading.packed is None:
            self._room.acquire()
            try:
                reading.pending = pool.submit(read_packed, parser, body)
            except RuntimeError:  # the worker is gone or shut down since: read here
                self._room.release()
            else:
                reading.pending.add_done_callback(lambda _: self._room.release())
        return reading

    def begin_answer(self, memo: Memo, call: str, parser: Callable[[bytes], list], body: bytes) -> Reading:
        """`begin` for a service's answer to `call` (efetch, elink, icite): remembered by the code
        that reads it, the call and the answer's bytes."""
        return self.begin(memo, "parsed", [code_fingerprint(), call.encode(), body], parser, body)

    def recall(self, memo: Memo, kind: str, key_parts: list[bytes], parser: Callable[[bytes], list],
               body: bytes) -> list:
        """`parser(body)`, as remembered in `memo` or read now (in the worker if there is one)."""
        return self.begin(memo, kind, key_parts, parser, body).records()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None


class Reading:
    """One answer being read (see `Readers.begin`)."""

    def __init__(self, readers: Readers, memo: Memo, kind: str, key_parts: list[bytes],
                 parser: Callable[[bytes], list], body: bytes) -> None:
        self.readers, self.memo, self.kind, self.key_parts = readers, memo, kind, key_parts
        self.parser, self.body = parser, body
        self.packed: bytes | None = None  # the records as remembered
        self.pending: Future | None = None  # the worker's reading, packed

    def records(self) -> list:
        """The records: remembered, read by the worker (and remembered now), or read here. An answer
        that cannot be read raises its error, wherever it was read."""
        if self.packed is not None:
            return unpack(self.packed)
        if self.pending is not None:
            from concurrent.futures import CancelledError
            from concurrent.futures.process import BrokenProcessPool

            try:
                packed = self.pending.result()
            except (BrokenProcessPool, CancelledError):  # the worker died (out of memory?): the rest is read here
                self.readers.close()
            else:
                self.memo.keep_packed(self.kind, self.key_parts, packed)
                return unpack(packed)
        return self.memo.recall(self.kind, self.key_parts, lambda: self.parser(self.body))


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
