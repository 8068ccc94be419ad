"""Large builds read their answers in worker processes on the machine's other cores: the records
are the ones this process would read, remembered the same way, and a worker that dies or outlives
its build changes nothing."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sqlite3
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
from litgraph.memo import MEMO_FILE, Memo
from litgraph.sources.pubmed import PubMedFormatError, parse_elink, read_articles
from litgraph.sources.readers import READ_AHEAD, READ_ELSEWHERE_PAPERS, READ_WORKERS, Readers

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


def test_answers_still_waiting_when_the_workers_are_shut_down_are_read_here(readers, fixtures_dir, tmp_path):
    go = tmp_path / "go"
    busy = [readers.begin(Memo(None), "parsed", [b"busy", bytes([number])], wait_for_file, str(go).encode())
            for number in range(READ_WORKERS)]
    body = efetch_answer(fixtures_dir)
    waiting = [readers.begin(Memo(None), "parsed", [str(number).encode()], read_articles, body)
               for number in range(READ_AHEAD - READ_WORKERS)]  # more than the executor queues up
    threading.Timer(0.5, go.touch).start()
    readers.close()  # cancels what the workers have not begun
    assert any(reading.pending.cancelled() for reading in waiting)
    assert [reading.records() for reading in busy] == [[]] * READ_WORKERS
    assert [reading.records() for reading in waiting] == [read_articles(body)] * len(waiting)


def test_one_worker_goes_on_reading_while_the_other_does_other_work(readers, fixtures_dir, tmp_path):
    go = tmp_path / "go"
    other = readers.elsewhere(wait_for_file, str(go).encode())
    body = efetch_answer(fixtures_dir)
    reading = readers.begin(Memo(None), "parsed", [b"efetch"], read_articles, body)
    wait([reading.pending], timeout=30)
    assert reading.pending.done() and not other.done()
    go.touch()
    assert other.result(timeout=30) == [] and reading.records() == read_articles(body)


def test_an_answer_the_worker_cannot_read_raises_the_error_it_would_raise_here(readers, tmp_path):
    with pytest.raises(PubMedFormatError) as here:
        parse_elink(b"<eLinkResult><LinkSet>")
    with pytest.raises(PubMedFormatError) as elsewhere:
        readers.recall(Memo(None), "parsed", [b"elink"], parse_elink, b"<eLinkResult><LinkSet>")
    assert str(elsewhere.value) == str(here.value)


def test_when_a_worker_dies_the_answers_are_read_here(readers, fixtures_dir):
    worker, _ = multiprocessing.active_children()
    os.kill(worker.pid, signal.SIGKILL)
    worker.join(5)
    body = efetch_answer(fixtures_dir)
    assert readers.recall(Memo(None), "parsed", [b"efetch"], read_articles, body) == read_articles(body)


def test_the_workers_end_with_a_build_killed_outright():
    program = ("import multiprocessing, time\nfrom litgraph.sources.readers import Readers\n"
               "readers = Readers(elsewhere=True)\n"
               "print(*[worker.pid for worker in multiprocessing.active_children()], flush=True)\ntime.sleep(60)\n")
    build_process = subprocess.Popen([sys.executable, "-c", program], stdout=subprocess.PIPE, text=True)
    workers = [int(pid) for pid in build_process.stdout.readline().split()]
    build_process.kill()
    build_process.wait()
    deadline = time.monotonic() + 10
    assert len(workers) == READ_WORKERS
    for worker in workers:
        while os.path.exists(f"/proc/{worker}") and "Z" not in _state(worker):
            assert time.monotonic() < deadline, "a worker outlived its build"
            time.sleep(0.05)


def _state(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return "gone"


def test_a_build_reading_in_a_worker_gives_the_graphs_a_build_reading_here_does(tmp_path, monkeypatch):
    """The worker also resolves who is who while the last links come (see pipeline.AuthorsAhead)."""
    data = corpus_gen.generate(400, seed=13, n_trials=1)
    nct = next(iter(data.studies))
    built, kept_by_build, remembered, handed = {}, [], {}, []
    keep_packed = Memo.keep_packed
    monkeypatch.setattr(Memo, "keep_packed", lambda memo, *args: kept_by_build.append(args[0]) or keep_packed(memo, *args))
    elsewhere = Readers.elsewhere

    def hand_over(readers, work, *args):
        begun = elsewhere(readers, work, *args)
        handed.extend([work.__name__] if begun else [])
        return begun

    monkeypatch.setattr(Readers, "elsewhere", hand_over)
    monkeypatch.setattr("litgraph.pipeline.AHEAD_PAPERS", 0)
    for where, threshold in (("elsewhere", READ_ELSEWHERE_PAPERS), ("here", 10 ** 9)):
        monkeypatch.setattr("litgraph.api.READ_ELSEWHERE_PAPERS", threshold)
        with FakeNCBI(corpus=data) as server:
            built[where] = build(nct, depth=2, max_papers=READ_ELSEWHERE_PAPERS,
                                 settings=settings_for(server, tmp_path / where, efetch_batch=40))
        with contextlib.closing(sqlite3.connect(tmp_path / where / "cache" / MEMO_FILE)) as db:
            remembered[where] = db.execute("SELECT count(*) FROM memo WHERE kind = 'parsed'").fetchone()[0]
        remembered[where, "by the build's process"] = kept_by_build.count("parsed")
        kept_by_build.clear()
    answers = sum(wave.get(call, 0) for wave in built["here"].requests["waves_by_call"] for call in ("efetch", "elink", "icite"))
    assert remembered == {"elsewhere": answers, ("elsewhere", "by the build's process"): 0,  # the worker kept them
                          "here": answers, ("here", "by the build's process"): answers} and answers > 0
    assert handed == ["resolve_bylines"]  # by the worker; in a thread in the build reading here
    assert not multiprocessing.active_children()  # its worker was shut down
    for name, graph in built["here"].graphs.items():
        assert list(built["elsewhere"].graphs[name].nodes(data=True)) == list(graph.nodes(data=True)), name
        assert list(built["elsewhere"].graphs[name].edges(data=True)) == list(graph.edges(data=True)), name
