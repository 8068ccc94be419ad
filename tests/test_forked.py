"""Work on another core: a forked child gives the result the work gives here, and the parent raises
what the work raises. (test_graphs holds the graphs to be the same with author metrics forked.)"""

import multiprocessing
import os
import time

import pytest

from litgraph.forked import Forked


def child_pid() -> int:
    return os.getpid()


def test_the_work_runs_in_another_process_and_its_result_comes_back():
    assert Forked(child_pid).result() != os.getpid()
    assert Forked(sorted, [3, 1, 2]).result() == [1, 2, 3]


def failing(message: str) -> None:
    raise ValueError(message)


def test_an_error_in_the_work_is_raised_in_the_parent():
    with pytest.raises(ValueError, match="bad record"):
        Forked(failing, "bad record").result()


def test_a_result_that_cannot_come_back_is_computed_here():
    assert Forked(lambda: (lambda: 7)).result()() == 7  # a function cannot be pickled through the pipe


def test_a_child_no_longer_wanted_is_stopped():
    work = Forked(time.sleep, 30)
    started = time.monotonic()
    work.cancel()
    assert time.monotonic() - started < 5


def test_a_child_ends_once_it_has_answered_not_when_the_answer_is_asked_for():
    work = Forked(bytes, 10_000_000)  # far more than a pipe holds: the child waits until it is read
    deadline = time.monotonic() + 30
    while multiprocessing.active_children() or not work.ready():  # ended, its answer in, unasked
        assert time.monotonic() < deadline, "the child waited for its answer to be asked for"
        time.sleep(0.05)
    assert work.result() == bytes(10_000_000)


def test_work_too_small_for_a_process_is_done_here_when_its_result_is_asked_for():
    work = Forked(child_pid, fork=False)
    assert work.result() == os.getpid()
