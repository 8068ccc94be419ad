"""Large builds read their answers in a worker process on the machine's other core: the records are
the ones this process would read, remembered the same way, and a worker that dies or outlives
its build changes nothing."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import wait

import pytest

import corpus as corpus_gen
from conftest import settings_for
from fake_ncbi import FakeNCBI
from litgraph import build
from litgraph.forked import other_core
from litgraph.memo import Memo
from litgraph.sources.pubmed import PubMedFormatError, parse_elink, read_articles
from litgraph.sources.readers import READ_AHEAD, READ_ELSEWHERE_PAPERS, Readers

pytestmark = pytest.mark.skipif(not other_core(), reason="answers are read in a worker only where fork is available, on 2+ cores")


@pytest.fixture
def readers():
    readers = Readers(elsewhere=True)
    yield readers
    readers.close()


def efetch_answer(fixtures_dir) -> bytes:
    return (fixtures_dir / "entrez" / "biocommons_eutils_efetch_pubmed_22528466.xml").read_bytes()


def test_records_read_in_the_worker_are_the_ones_read_here_and_are_remembered(readers, fixtures_dir, tmp_path):
    body = efetch_answer(fixtures_dir)
    memo = Memo(tmp_path / "memo.sqlite")
    elsewhere = readers.recall(memo, "parsed", [b"efetch", body], read_articles, body)
    assert elsewhere == read_articles(body) and elsewhere[0].pmid == "22528466"
    readers.close()  # remembered: no worker, no parser is needed again
    assert Readers(elsewhere=False).recall(memo, "parsed", [b"efetch", body], lambda _: pytest.fail("parsed"), body) \
        == elsewhere


def test_answers_are_read_by_the_worker_as_they_are_handed_over_not_when_the_build_asks(readers, fixtures_dir):
    body = efetch_answer(fixtures_dir)
    readings = [readers.begin(Memo(None), "parsed", [b"efetch", str(number).encode()], read_articles, body)
                for number in range(3)]
    wait([reading.pending for reading in readings], timeout=30)
    assert all(reading.pending.done() for reading in readings)  # read ahead: nobody has asked yet
    assert [reading.records() for reading in readings] == [read_articles(body)] * 3


def wait_for_file(body: bytes) -> list:
    """A parser that reads nothing until the file named by `body` exists."""
    while not os.path.exists(body.decode()):
        time.sleep(0.01)
    return []


def test_a_request_thread_waits_before_handing_over_more_answers_than_the_worker_has_room_for(readers, tmp_path):
    go = tmp_path / "go"
    begun: list = []

    def hand_over(number: int) -> None:
        begun.append(readers.begin(Memo(None), "parsed", [str(number).encode()], wait_for_file, str(go).encode()))

    threads = [threading.Thread(target=hand_over, args=(number,)) for number in range(READ_AHEAD + 1)]
    for thread in threads[:READ_AHEAD]:
        thread.start()
        thread.join(10)
    threads[-1].start()
    threads[-1].join(0.5)
    assert len(begun) == READ_AHEAD and threads[-1].is_alive()  # one too many: it waits
    go.touch()
    threads[-1].join(30)
    assert len(begun) == READ_AHEAD + 1 and [reading.records() for reading in begun] == [[]] * (READ_AHEAD + 1)


def test_answers_still_waiting_when_the_worker_is_shut_down_are_read_here(readers, fixtures_dir, tmp_path):
    go = tmp_path / "go"
    busy = readers.begin(Memo(None), "parsed", [b"busy"], wait_for_file, str(go).encode())
    body = efetch_answer(fixtures_dir)
    waiting = [readers.begin(Memo(None), "parsed", [str(number).encode()], read_articles, body) for number in range(3)]
    threading.Timer(0.5, go.touch).start()
    readers.close()  # cancels what the worker has not begun
    assert any(reading.pending.cancelled() for reading in waiting)
    assert busy.records() == [] and [reading.records() for reading in waiting] == [read_articles(body)] * 3


def test_an_answer_the_worker_cannot_read_raises_the_error_it_would_raise_here(readers, tmp_path):
    with pytest.raises(PubMedFormatError) as here:
        parse_elink(b"<eLinkResult><LinkSet>")
    with pytest.raises(PubMedFormatError) as elsewhere:
        readers.recall(Memo(None), "parsed", [b"elink"], parse_elink, b"<eLinkResult><LinkSet>")
    assert str(elsewhere.value) == str(here.value)


def test_when_the_worker_dies_the_answers_are_read_here(readers, fixtures_dir):
    (worker,) = multiprocessing.active_children()
    os.kill(worker.pid, signal.SIGKILL)
    worker.join(5)
    body = efetch_answer(fixtures_dir)
    assert readers.recall(Memo(None), "parsed", [b"efetch"], read_articles, body) == read_articles(body)


def test_the_worker_ends_with_a_build_killed_outright():
    program = ("import multiprocessing, time\nfrom litgraph.sources.readers import Readers\n"
               "readers = Readers(elsewhere=True)\nprint(multiprocessing.active_children()[0].pid, flush=True)\n"
               "time.sleep(60)\n")
    build_process = subprocess.Popen([sys.executable, "-c", program], stdout=subprocess.PIPE, text=True)
    worker = int(build_process.stdout.readline())
    build_process.kill()
    build_process.wait()
    deadline = time.monotonic() + 10
    while os.path.exists(f"/proc/{worker}") and "Z" not in _state(worker):
        assert time.monotonic() < deadline, "the worker outlived its build"
        time.sleep(0.05)


def _state(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return "gone"


def test_a_build_reading_in_a_worker_gives_the_graphs_a_build_reading_here_does(tmp_path, monkeypatch):
    data = corpus_gen.generate(400, seed=13, n_trials=1)
    nct = next(iter(data.studies))
    built, packed = {}, []
    keep_packed = Memo.keep_packed
    monkeypatch.setattr(Memo, "keep_packed", lambda memo, kind, *rest: packed.append(kind) or keep_packed(memo, kind, *rest))
    for where, threshold in (("elsewhere", READ_ELSEWHERE_PAPERS), ("here", 10 ** 9)):
        monkeypatch.setattr("litgraph.api.READ_ELSEWHERE_PAPERS", threshold)
        with FakeNCBI(corpus=data) as server:
            built[where] = build(nct, depth=2, max_papers=READ_ELSEWHERE_PAPERS,
                                 settings=settings_for(server, tmp_path / where, efetch_batch=40))
    answers = sum(wave.get(call, 0) for wave in built["here"].requests["waves_by_call"] for call in ("efetch", "elink", "icite"))
    assert len(packed) == answers > 0  # each answer read in the worker, in the first build only
    assert not multiprocessing.active_children()  # its worker was shut down
    for name, graph in built["here"].graphs.items():
        assert list(built["elsewhere"].graphs[name].nodes(data=True)) == list(graph.nodes(data=True)), name
        assert list(built["elsewhere"].graphs[name].edges(data=True)) == list(graph.edges(data=True)), name
