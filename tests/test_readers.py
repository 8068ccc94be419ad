"""Large builds read their answers in a worker process on the machine's other core: the records are
the ones this process would read, remembered the same way, and a worker that dies or outlives
its build changes nothing."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time

import pytest

import corpus as corpus_gen
from conftest import settings_for
from fake_ncbi import FakeNCBI
from litgraph import build
from litgraph.forked import other_core
from litgraph.memo import Memo
from litgraph.sources.pubmed import PubMedFormatError, parse_elink, read_articles
from litgraph.sources.readers import READ_ELSEWHERE_PAPERS, Readers

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
    recall_packed = Memo.recall_packed
    monkeypatch.setattr(Memo, "recall_packed", lambda memo, kind, *rest: packed.append(kind) or recall_packed(memo, kind, *rest))
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
