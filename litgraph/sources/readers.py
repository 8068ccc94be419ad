"""Answers read on the machine's other cores, for builds large enough to be worth a process.

A build's process runs one Python thread at a time. In a cold build, reading PubMed's XML (about
0.25 s per 400-record answer) took most of it, and request threads waited for their turn to send
the next request. Worker processes forked at the start of the build read each answer and hand
back its records packed as the memo keeps them (`litgraph.memo.pack`), having kept them in the
memo file themselves, so this process only unpacks them. Each answer is handed over by the
request thread that fetched it, as soon as it is in, so the workers read the next answers while
the build takes in the last one's records. There are two: one goes on reading while the other
does other work the build hands over (`Readers.elsewhere`: who is who, while the last links come),
so that both cores stay busy to the end of the fetch. Where fork is not available,
on one core, or when a worker dies, answers are read here, with the same result.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Callable, TypeVar

from ..forked import other_core
from ..memo import code_fingerprint, keep_in, memo_key, pack, unpack

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

    from ..memo import Memo

T = TypeVar("T")
READ_WORKERS = 2
READ_ELSEWHERE_PAPERS = 2000  # builds allowed fewer papers read their few answers here
# Answers handed to the workers and not yet read: enough that they always have the next one, few
# enough that a network faster than the workers never piles raw answers up in memory (a request
# thread with one more waits, and so sends nothing; 16 answers of 400 records are 50 MB). With 4, a
# 100,000-paper build's request threads spent 40% of their time waiting for room.
READ_AHEAD = 16


class Readers:
    """Where a build's answers are read: in worker processes when `elsewhere`, else here."""

    def __init__(self, elsewhere: bool) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._room = threading.BoundedSemaphore(READ_AHEAD)
        if elsewhere and other_core():
            self._pool = _workers()

    def begin(self, memo: Memo, kind: str, key_parts: list[bytes], parser: Callable[[bytes], list],
              body: bytes) -> Reading:
        """The reading of `body` by `parser`, begun now: what `memo` remembers of it, or a worker
        (if there is one) reading it while this thread goes on. `Reading.records()` gives them."""
        reading = Reading(self, memo, kind, memo_key(kind, key_parts), parser, body)
        pool = self._pool
        if pool is None:
            return reading
        reading.packed = memo.find_packed(kind, reading.key)
        if reading.packed is None:
            self._room.acquire()
            try:
                reading.pending = pool.submit(read_packed, parser, body, (memo.path, kind, reading.key))
            except RuntimeError:  # the workers are gone or shut down since: read here
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
        """`parser(body)`, as remembered in `memo` or read now (by a worker if there are any)."""
        return self.begin(memo, kind, key_parts, parser, body).records()

    def elsewhere(self, function: Callable[..., T], *args) -> Future[T] | None:
        """`function(*args)` begun by a worker, after the answers handed over before it, or None when
        there are no workers (the arguments and the result are pickled: keep them small)."""
        if self._pool is None:
            return None
        try:
            return self._pool.submit(function, *args)
        except RuntimeError:  # the workers are gone or shut down
            return None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None


class Reading:
    """One answer being read (see `Readers.begin`)."""

    def __init__(self, readers: Readers, memo: Memo, kind: str, key: bytes, parser: Callable[[bytes], list],
                 body: bytes) -> None:
        self.readers, self.memo, self.kind, self.key = readers, memo, kind, key
        self.parser, self.body = parser, body
        self.packed: bytes | None = None  # the records as remembered
        self.pending: Future | None = None  # a worker's reading: packed, and whether it kept them

    def records(self) -> list:
        """The records: remembered, read by a worker (which remembers them), or read here (and
        remembered). An answer that cannot be read raises its error, wherever it was read."""
        if self.packed is None and self.pending is not None:
            self.packed = self._from_worker()
        if self.packed is None:
            self.packed = self.memo.find_packed(self.kind, self.key)
        if self.packed is None:
            records = self.parser(self.body)
            self.memo.keep_packed(self.kind, self.key, pack(records))
            return records
        return unpack(self.packed)

    def _from_worker(self) -> bytes | None:
        from concurrent.futures import CancelledError
        from concurrent.futures.process import BrokenProcessPool

        try:
            packed, kept = self.pending.result()
        except (BrokenProcessPool, CancelledError):  # a worker died (out of memory?): the rest is read here
            self.readers.close()
            return None
        if not kept:
            self.memo.keep_packed(self.kind, self.key, packed)
        return packed


def read_packed(parser: Callable[[bytes], list], body: bytes, keep: tuple[Path | None, str, bytes]
                ) -> tuple[bytes, bool]:
    """What a worker does: the answer read and packed, and kept in the memo file at `keep`'s path
    under its kind and key, if it has one (the build's process then only unpacks the records).
    An answer that cannot be read raises its error, which comes back to the build as the same
    exception."""
    packed = pack(parser(body))
    path, kind, key = keep
    return packed, path is not None and keep_in(path, kind, key, packed)


def _workers() -> ProcessPoolExecutor | None:
    """The workers, forked now, while the build's process is small and has no request threads."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(READ_WORKERS, mp_context=multiprocessing.get_context("fork"),
                               initializer=_end_with_parent, initargs=(os.getpid(),))
    try:
        pool.submit(int).result()  # the executor forks its workers on the first task
    except Exception:  # no memory or processes left for workers
        pool.shutdown(wait=False, cancel_futures=True)
        return None
    return pool


def _end_with_parent(parent: int) -> None:
    """Linux: a worker is ended when the build's process is, even if that is killed outright (its
    queue's pipe, which the worker holds both ends of, would never close), and also when that
    happened before the worker got here."""
    try:
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:
        os._exit(0)
