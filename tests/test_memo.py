"""Remembered results: a warm rebuild neither parses answers nor rebuilds graphs again, and
the same answers always give the same files."""

from __future__ import annotations

import os

import pytest

import corpus as corpus_gen
from conftest import settings_for
from fake_ncbi import FakeNCBI
from litgraph import build
from litgraph.memo import Memo


@pytest.fixture(scope="module")
def data():
    return corpus_gen.generate(400, seed=13, n_trials=1)


def test_a_warm_rebuild_recalls_parsed_answers_and_graphs(data, tmp_path, monkeypatch):
    nct = next(iter(data.studies))
    with FakeNCBI(corpus=data) as server:
        cold = build(nct, max_papers=150, settings=settings_for(server, tmp_path))

        def must_not_run(*args, **kwargs):
            raise AssertionError("recomputed on a warm rebuild")

        monkeypatch.setattr("litgraph.sources.entrez.read_articles", must_not_run)
        monkeypatch.setattr("litgraph.pipeline.build_graphs", must_not_run)
        warm = build(nct, max_papers=150, settings=settings_for(server, tmp_path))
    assert warm.requests["network"] == 0
    for name, graph in cold.graphs.items():
        assert list(warm.graphs[name].nodes(data=True)) == list(graph.nodes(data=True)), name
        assert list(warm.graphs[name].edges(data=True)) == list(graph.edges(data=True)), name


def test_a_different_corpus_is_built_afresh(data, tmp_path):
    nct = next(iter(data.studies))
    with FakeNCBI(corpus=data) as server:
        small = build(nct, max_papers=60, settings=settings_for(server, tmp_path))
        large = build(nct, max_papers=120, settings=settings_for(server, tmp_path))
    assert small.graphs["paper"].number_of_nodes() == 60 and large.graphs["paper"].number_of_nodes() == 120


def test_the_same_answers_give_byte_identical_files_whatever_order_they_arrive_in(data, tmp_path):
    nct = next(iter(data.studies))
    written = []
    for run, latency in enumerate((0.0, 0.05)):
        with FakeNCBI(corpus=data, latency=latency) as server:
            result = build(nct, max_papers=150, settings=settings_for(server, tmp_path / f"run{run}", efetch_batch=20))
        written.append(result.write(tmp_path / f"out{run}", formats=("json", "graphml", "csv")))
    for first, second in zip(*written):
        if first.name not in ("summary.json", "index.html"):  # they show times and request counts
            assert first.read_bytes() == second.read_bytes(), first.name


def test_what_is_remembered_depends_on_every_key_part(tmp_path):
    memo = Memo(tmp_path / "memo.sqlite")
    calls = []

    def compute(value):
        calls.append(value)
        return value

    assert memo.recall("kind", [b"code", b"data"], lambda: compute(1)) == 1
    assert memo.recall("kind", [b"code", b"data"], lambda: compute(2)) == 1
    assert memo.recall("kind", [b"code2", b"data"], lambda: compute(3)) == 3
    assert memo.recall("kind", [b"cod", b"e2data"], lambda: compute(4)) == 4  # parts never run together
    assert memo.recall("other", [b"code", b"data"], lambda: compute(5)) == 5
    assert calls == [1, 3, 4, 5]


def test_the_code_fingerprint_covers_every_module_of_the_package(tmp_path):
    """Investigators' matching rules (investigators.py, which graphs.py uses) were missing from a
    hand-kept list of modules, so warm runs served graphs made by the old rules."""
    import shutil
    from litgraph.memo import PACKAGE, code_fingerprint

    copy = tmp_path / "litgraph"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    before = code_fingerprint(copy)
    assert code_fingerprint(copy) == before  # the same code, the same fingerprint
    for name in ("investigators.py", "outputs/focus.py", "outputs/templates/page/view.js"):
        target = copy / name
        original = target.read_bytes()
        target.write_bytes(original + b"\n# changed\n")
        code_fingerprint.cache_clear()
        assert code_fingerprint(copy) != before, name
        target.write_bytes(original)
        code_fingerprint.cache_clear()
    assert code_fingerprint(copy) == before


def test_a_value_stored_aside_is_packed_by_another_process_and_remembered(tmp_path, monkeypatch):
    from litgraph import memo as memo_module
    from litgraph.forked import other_core

    packers = tmp_path / "packers"
    packing = memo_module.pack

    def pack_noting_the_process(value):
        with packers.open("a") as file:
            file.write(f"{os.getpid()}\n")
        return packing(value)

    monkeypatch.setattr(memo_module, "pack", pack_noting_the_process)
    memo = Memo(tmp_path / "derived.sqlite")
    value = memo.recall("graphs", [b"corpus"], lambda: {"papers": list(range(1000))}, aside=True)
    memo.close()  # the store aside has a connection of its own
    assert value == {"papers": list(range(1000))}
    again = Memo(tmp_path / "derived.sqlite")  # waits for the store
    assert again.recall("graphs", [b"corpus"], lambda: pytest.fail("computed again")) == value
    if other_core():
        assert packers.read_text().split() != [str(os.getpid())]


def test_a_large_build_recalls_the_graphs_it_stored_aside(data, tmp_path, monkeypatch):
    monkeypatch.setattr("litgraph.pipeline.STORE_ASIDE_PAPERS", range(100, 10**6))
    nct = next(iter(data.studies))
    with FakeNCBI(corpus=data) as server:
        cold = build(nct, max_papers=150, settings=settings_for(server, tmp_path))
        cold.write(tmp_path / "out", formats=("json",))
        monkeypatch.setattr("litgraph.pipeline.build_graphs", lambda *args: pytest.fail("graphs built again"))
        warm = build(nct, max_papers=150, settings=settings_for(server, tmp_path))
    assert len(cold.corpus.papers) >= 100
    for name, graph in cold.graphs.items():
        assert list(warm.graphs[name].edges(data=True)) == list(graph.edges(data=True)), name


def test_the_graphs_of_the_largest_builds_are_made_each_time_not_packed_and_stored(data, tmp_path, monkeypatch):
    import sqlite3

    import litgraph.pipeline

    monkeypatch.setattr("litgraph.pipeline.REMEMBERED_PAPERS", 100)
    made = []
    real = litgraph.pipeline.build_graphs
    monkeypatch.setattr("litgraph.pipeline.build_graphs", lambda *args: made.append(1) or real(*args))
    nct = next(iter(data.studies))
    with FakeNCBI(corpus=data) as server:
        cold = build(nct, max_papers=150, settings=settings_for(server, tmp_path))
        warm = build(nct, max_papers=150, settings=settings_for(server, tmp_path))
    assert len(made) == 2 and warm.requests["network"] == 0
    stored = sqlite3.connect(tmp_path / "cache" / "derived.sqlite").execute("SELECT kind FROM memo").fetchall()
    assert ("graphs",) not in stored and stored  # the parsed answers are remembered still
    for name, graph in cold.graphs.items():
        assert list(warm.graphs[name].edges(data=True)) == list(graph.edges(data=True)), name
