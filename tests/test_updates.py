"""Living updates: a month later the fake server holds a later corpus (tests/corpus.py's `grow`);
a rebuild into the same folder, and `litgraph diff`, report exactly the new papers citing each
seed, the papers retracted or given a PMCID since, and the links gained; `candidates --new` and
new-candidates.ris hold only the new papers, and the graphs mark them `new_since`."""

from __future__ import annotations

import json

import pytest

import corpus as corpus_gen
from conftest import settings_for
from fake_ncbi import FakeNCBI
from litgraph import build
from litgraph.cli import main
from litgraph.outputs.export import read_json

rispy = pytest.importorskip("rispy")


@pytest.fixture(scope="module")
def review(two_trials, tmp_path_factory):
    """A trial built to depth 1 into one folder, then rebuilt there against the grown corpus."""
    folder = tmp_path_factory.mktemp("review")
    nct, truth = next(iter(two_trials.truth["trials"].items()))
    with FakeNCBI(corpus=two_trials) as server:
        first = build(nct, depth=1, max_papers=2000, settings=settings_for(server, folder / "october"))
        first.write(folder / "review", formats=("json", "html"))
    (folder / "review" / "first-summary.json").write_text((folder / "review" / "summary.json").read_text())
    grown = corpus_gen.grow(two_trials, 14, truth["background"] + truth["result"], seed=5)
    with FakeNCBI(corpus=grown) as server:  # a month later: the cache of October has expired
        later = build(nct, depth=1, max_papers=2000, settings=settings_for(server, folder / "november"))
        later.write(folder / "review", formats=("json", "html"))
    return first, later, grown.truth["grown"], folder / "review"


def node(pmid: int | str) -> str:
    return f"pmid:{pmid}"


def test_a_rebuild_reports_exactly_the_new_papers_citing_each_seed(review):
    first, later, grown, folder = review
    changes = json.loads((folder / "changes.json").read_text(encoding="utf-8"))
    seeds = {s for s in later.corpus.seeds}
    expected = {node(seed): {node(p) for p in citing} for seed, citing in grown["citing"].items() if node(seed) in seeds}
    assert expected and {seed: set(papers) for seed, papers in changes["new_citing"].items()} == expected
    assert set(changes["new_papers"]) == {node(p) for p in grown["new"]}
    assert changes["retracted"] == [node(p) for p in grown["retracted"]]
    assert changes["new_pmcid"] == [node(p) for p in grown["new_pmcid"]]
    gained = {(a, b) for a, b, kind in changes["links_gained"] if kind == "cites"}
    assert {(p, seed) for seed, citing in expected.items() for p in citing} <= gained
    assert changes["since"] == json.loads((folder / "first-summary.json").read_text())["created"][:10]


def test_new_candidates_hold_only_the_new_papers_and_the_summary_counts_them(review):
    first, later, grown, folder = review
    new = {node(p) for p in grown["new"]}
    records = rispy.load((folder / "new-candidates.ris").open(encoding="utf-8"))
    assert {r["id"] for r in records} == new
    assert len(rispy.load((folder / "candidates.ris").open(encoding="utf-8"))) == len(later.candidates)
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    assert summary["changes"]["new_papers"] == len(new) and summary["changes"]["retracted"] == 1
    assert {"changes.json", "new-candidates.ris", "new-candidates.nbib", "new-candidates.csv"} <= set(summary["files"])
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert f"<b>{len(new)}</b> new papers since {summary['changes']['since']}" in index
    assert 'href="new-candidates.ris"' in index and 'href="candidates.html"' in index


def test_the_graphs_mark_what_is_new_since_the_last_build(review):
    first, later, grown, folder = review
    combined = read_json(folder / "combined.json")
    marked = {n for n, since in combined.nodes(data="new_since") if since}
    assert marked == {node(p) for p in grown["new"]}
    since = json.loads((folder / "changes.json").read_text())["since"]
    assert all(combined.nodes[n]["new_since"] == since for n in marked)
    assert f"New since {since}: only these" in (folder / "combined.html").read_text(encoding="utf-8")


def test_candidates_new_exports_only_the_new_and_diff_says_what_changed(review, tmp_path, capsys):
    first, later, grown, folder = review
    assert main(["candidates", str(folder), "--new", "--format", "csv", "--out", str(tmp_path / "new.csv")]) == 0
    printed = capsys.readouterr().out
    assert "not new since the last build" in printed
    lines = (tmp_path / "new.csv").read_text(encoding="utf-8").splitlines()
    assert {line.split(",")[1] for line in lines[1:]} == {str(p) for p in grown["new"]}
    first_folder = tmp_path / "october"
    first.write(first_folder, formats=("json",))
    assert main(["diff", str(first_folder), str(folder)]) == 0
    said = capsys.readouterr().out
    assert f"{len(grown['new'])} new papers since" in said and "1 retracted since" in said
    seeds = [seed for seed in grown["citing"] if node(seed) in later.corpus.seeds]
    assert all(f"new papers citing seed PMID {seed}: " in said for seed in seeds)
