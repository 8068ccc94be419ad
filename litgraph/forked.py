"""Work done on the machine's other core, in a forked child process, while this process goes on.

igraph holds the GIL through its computations and is not thread-safe (python-igraph issues #96
and #866), so a thread cannot run it beside Python work: only a process can. A forked child sees
the graphs already built without their being pickled; only its result comes back, through a pipe.
Where fork is not available (Windows), or the child fails or dies, the work is done here instead,
so the result is always the same, and an error is raised here as the work raises it.
"""

from __future__ import annotations

import os
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
        self._child = self._answer = None
        if not fork:
            return
        if not other_core():
            return
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self._answer, sending = context.Pipe(duplex=False)
        self._child = context.Process(target=_answer_with, args=(sending, self._work), daemon=True)
        try:
            self._child.start()
        except OSError:  # no memory or processes left for a child: the work is done here
            self._child = None
        finally:
            sending.close()

    def ready(self) -> bool:
        """True once `result()` would not wait for the child (done, or no child at all)."""
        return self._child is None or self._answer.poll()

    def result(self) -> Result:
        if self._child is None:
            return self._work()
        try:
            done, value = self._answer.recv()
        except EOFError:  # the child died before answering
            done, value = False, None
        finally:
            self._answer.close()
            self._child.join()
        return value if done else self._work()

    def cancel(self) -> None:
        """Stop the child, its result no longer wanted (the work it was doing failed here)."""
        if self._child is not None:
            self._child.terminate()
            self._child.join()
            self._answer.close()
            self._child = None


def _answer_with(sending, work: Callable[[], Result]) -> None:
    try:
        sending.send((True, work()))
    except Exception:  # the parent does the work again and raises it there, where it can be seen
        sending.send((False, None))
    finally:
        sending.close()
