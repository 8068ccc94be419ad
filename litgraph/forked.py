"""Work done on the machine's other core, in a forked child process, while this process goes on.

igraph holds the GIL through its computations and is not thread-safe (python-igraph issues #96
and #866), so a thread cannot run it beside Python work: only a process can. A forked child sees
the graphs already built without their being pickled; only its result comes back, through a pipe.
Where fork is not available (Windows), or the child fails or dies, the work is done here instead,
so the result is always the same, and an error is raised here as the work raises it.
"""

from __future__ import annotations

import os
import threading
from typing import Callable, Generic, TypeVar

Result = TypeVar("Result")


def other_core() -> bool:
    """True where work can be forked onto another core: fork exists and there are two cores or
    more (on one, a child would only take turns with this process)."""
    import multiprocessing  # here, not at the top: most builds never fork (small author graphs)

    return "fork" in multiprocessing.get_all_start_methods() and (os.cpu_count() or 1) >= 2


class Forked(Generic[Result]):
    """`function(*args)`, begun in a child process now; `result()` waits for it. With `fork`
    false (work too small to be worth a process) it is done here, when `result()` is asked for."""

    def __init__(self, function: Callable[..., Result], *args, fork: bool = True) -> None:
        self._work = lambda: function(*args)
        self._child = self._receiving = None
        self._reply: tuple[bool, Result | None] = (False, None)
        if not fork:
            return
        if not other_core():
            return
        import multiprocessing

        context = multiprocessing.get_context("fork")
        answer, sending = context.Pipe(duplex=False)
        self._child = context.Process(target=_answer_with, args=(sending, self._work), daemon=True)
        try:
            self._child.start()
        except OSError:  # no memory or processes left for a child: the work is done here
            self._child = None
            answer.close()
            return
        finally:
            sending.close()
        # The answer is taken as soon as it is sent, so that the child ends then: a child waiting
        # for this process to ask holds every page it copied (the author metrics' child of a
        # 100,000-paper build waited 6 s, the other graphs' time: 0.42 GiB of the graphs' peak).
        self._receiving = threading.Thread(target=self._receive, args=(answer,), name="litgraph-forked", daemon=True)
        self._receiving.start()

    def _receive(self, answer) -> None:
        try:
            self._reply = answer.recv()
        except (EOFError, OSError):  # the child died before answering, or was stopped
            pass
        finally:
            answer.close()

    def ready(self) -> bool:
        """True once `result()` would not wait for the child (done, or no child at all)."""
        return self._child is None or not self._receiving.is_alive()

    def result(self) -> Result:
        if self._child is None:
            return self._work()
        self._receiving.join()
        self._child.join()
        done, value = self._reply
        return value if done else self._work()

    def cancel(self) -> None:
        """Stop the child, its result no longer wanted (the work it was doing failed here)."""
        if self._child is not None:
            self._child.terminate()
            self._child.join()
            self._receiving.join()
            self._child = None


def _answer_with(sending, work: Callable[[], Result]) -> None:
    try:
        sending.send((True, work()))
    except Exception:  # the parent does the work again and raises it there, where it can be seen
        sending.send((False, None))
    finally:
        sending.close()
