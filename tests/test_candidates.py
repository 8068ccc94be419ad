"""Candidates for screening: every paper found that is not a seed, each with a provenance the
generated corpus's truth confirms, ranked, filtered, counted PRISMA-style, and exported as RIS,
MEDLINE and CSV that real readers (rispy, Bio.Medline, csv) read back, split at the import limit."""

from __future__ import annotations

import csv
import json

import pytest

from conftest import settings_for
from fake_ncbi import FakeNCBI
from litgraph import build
from litgraph.candidates import DIRECTIONS, Filters, screen
from litgraph.cli import main
from litgraph.model import CITATION_SOURCES
from litgraph.outputs.screening import CSV_COLUMNS, ImportLimit, write_candidates

rispy = pytest.importorskip("rispy")
Medline = pytest.importorskip("Bio.Medline")


@pytest.fixture(scope="module")
def trial_build(two_trials, tmp_path_factory):
    """The first trial of the corpus to depth 2, as a reviewer would snowball it."""
    folder = tmp_path_factory.mktemp("candidates")
    with FakeNCBI(corpus=two_trials) as server:
        nct = next(iter(two_trials.studies))
        settings = settings_for(server, folder)
        result = build(nct, depth=2, max_papers=700, settings=settings)
        result.write(folder / "out", formats=("json",))
        yield result, folder / "out", nct, settings


def pmid(node: str) -> int:
    return int(node.removeprefix("pmid:"))


def test_every_candidate_is_linked_to_the_papers_it_was_found_from_as_stated(trial_build, two_trials):
    result, _, nct, _ = trial_build
    truth = two_trials.papers
    corpus = result.corpus
    asked = {name for source in result.limits.citations
             for name in (CITATION_SOURCES[source].refs_edge, CITATION_SOURCES[source].citedin_edge) if name}
    assert {c.node for c in result.candidates} == set(corpus.papers) - corpus.seeds
    for candidate in result.candidates:
        assert candidate.found_from and set(candidate.directions) <= set(DIRECTIONS)
        for parent in candidate.found_from:
            assert corpus.depth[parent] == candidate.depth - 1
            cites = pmid(candidate.node) in truth[pmid(parent)].refs  # the truth: every real citation
            cited = pmid(parent) in truth[pmid(candidate.node)].refs
            assert ("backward" in candidate.directions and cites) or ("forward" in candidate.directions and cited), \
                (candidate.node, parent)
        if candidate.depth == 1:
            assert candidate.seeds == candidate.found_from
        assert set(candidate.seeds) <= corpus.seeds and candidate.trials == [nct]
        assert candidate.sources and set(candidate.sources) <= asked
    assert {c.depth for c in result.candidates} == {1, 2}
    assert {source for c in result.candidates for source in c.sources} == asked  # each source found some


def test_candidates_rank_by_links_to_the_seeds_then_shared_citations(trial_build):
    ranked = trial_build[0].candidates
    assert [c.rank for c in ranked] == list(range(1, len(ranked) + 1))
    keys = [(c.seed_links, c.cocited_with_seeds + c.coupled_with_seeds) for c in ranked]
    assert keys == sorted(keys, reverse=True)
    best = ranked[0]
    assert best.seed_links >= 2 and best.depth == 1


def test_prisma_counts_add_up(trial_build):
    counts = trial_build[0].summary()["screening"]
    assert counts["identified"] == sum(counts["found"].values())
    assert counts["identified"] - counts["duplicates"] == counts["unique"] == len(trial_build[0].candidates)
    assert counts["found"]["backward"] > 0 and counts["found"]["forward"] > 0 and counts["found"]["similar"] == 0
    assert counts["unique"] - counts["in_library"] - counts["excluded_by_filters"] == counts["exported"]


def test_filters_keep_what_the_reviewer_asks_for(trial_build):
    candidates = trial_build[0].candidates
    forward = screen(candidates, Filters(directions=("forward",), max_depth=1))
    assert forward.exported and all("forward" in c.directions and c.depth == 1 for c in forward.exported)
    years = screen(candidates, Filters(first_year=2015, last_year=2018))
    assert years.exported and all(2015 <= c.year <= 2018 for c in years.exported)
    no_reviews = screen(candidates, Filters(exclude_types=("review",)))
    reviews = [c for c in candidates if "Review" in c.publication_types]
    assert reviews and no_reviews.counts["excluded_by_filters"] == len(reviews)
    assert not screen(candidates, Filters(languages=("fre",))).exported  # the corpus is in English
    assert len(screen(candidates, Filters(languages=("ENG",))).exported) == len(candidates)
    assert forward.filters == ["found forward", "depth 1 or less"]


def test_candidate_files_parse_back_with_rispy_bio_medline_and_csv(trial_build):
    result, out, _, _ = trial_build
    ranked = result.candidates
    with (out / "candidates.ris").open(encoding="utf-8") as handle:
        records = rispy.load(handle)
    assert [r["accession_number"] for r in records] == [c.pmid for c in ranked]
    first, record = ranked[0], records[0]
    assert record["title"] == first.title and record["authors"] == first.authors and record["doi"] == first.doi
    assert record["abstract"] == first.abstract and record["abstract"].startswith(("BACKGROUND: ", "We studied"))
    assert any(note.startswith("litgraph: found by citation chasing") and "depth 1" in note for note in record["notes"])
    with (out / "candidates.nbib").open(encoding="utf-8") as handle:
        medline = list(Medline.parse(handle))
    assert [m["PMID"] for m in medline] == [c.pmid for c in ranked]
    assert medline[0]["TI"] == first.title and medline[0]["AB"] == first.abstract
    assert medline[0]["FAU"] == first.authors and medline[0]["AU"] == first.short_authors
    assert medline[0]["LA"] == ["eng"] and medline[0]["PT"] == first.publication_types
    assert any(note.startswith("litgraph: seeds PMID ") for note in medline[0]["GN"])
    with (out / "candidates.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == CSV_COLUMNS and [row["pmid"] for row in rows] == [c.pmid for c in ranked]
    assert rows[0]["seeds"] == "; ".join(s.removeprefix("pmid:") for s in first.seeds)
    assert len(set(row["pmid"] for row in rows)) == len(rows)  # one record per paper


def test_the_same_inputs_and_cache_give_byte_identical_candidate_files(trial_build, tmp_path):
    result, out, nct, settings = trial_build
    again = build(nct, depth=2, max_papers=700, settings=settings)
    assert again.requests["network"] == 0  # all from the cache
    again.write(tmp_path / "again", formats=("json",))
    for name in ("candidates.json", "candidates.ris", "candidates.nbib", "candidates.csv"):
        assert (tmp_path / "again" / name).read_bytes() == (out / name).read_bytes(), name


def test_sets_above_the_import_limit_are_split_and_said(trial_build, tmp_path):
    candidates = trial_build[0].candidates
    said = []
    files = write_candidates(candidates, tmp_path, formats=("ris", "csv"), limit=ImportLimit(records=50),
                             say=said.append)
    parts = -(-len(candidates) // 50)
    assert [f.name for f in files][:2] == ["candidates-1.ris", "candidates-2.ris"] and len(files) == 2 * parts
    assert sum(len(rispy.load(f.open(encoding="utf-8"))) for f in files if f.suffix == ".ris") == len(candidates)
    assert all(f.read_text(encoding="utf-8").startswith("rank,pmid,") for f in files if f.suffix == ".csv")
    assert len(said) == 2 and f"{len(candidates):,} records split into {parts} files" in said[0]
    by_size = write_candidates(candidates, tmp_path / "small", formats=("nbib",), limit=ImportLimit(bytes=20_000),
                               say=said.append) if (tmp_path / "small").mkdir() is None else []
    assert len(by_size) > 1 and all(f.stat().st_size <= 20_000 for f in by_size)


def test_the_candidates_command_writes_the_filtered_set_in_the_format_asked(trial_build, capsys):
    _, out, _, _ = trial_build
    assert main(["candidates", str(out), "--direction", "backward", "--max-depth", "1", "--exclude-type",
                 "Review,Editorial", "--format", "csv", "--out", str(out / "picked.csv")]) == 0
    printed = capsys.readouterr().out
    assert "found by backward citation chasing" in printed and "exported for screening" in printed
    rows = list(csv.DictReader((out / "picked.csv").open(encoding="utf-8", newline="")))
    assert rows and all(row["directions"].startswith("backward") or "backward" in row["directions"] for row in rows)
    assert all("Review" not in row["publication_types"] for row in rows)
    assert f"wrote {len(rows):,} candidates" in printed


def test_the_candidates_command_says_plainly_what_is_wrong(tmp_path, capsys):
    assert main(["candidates", str(tmp_path)]) == 2
    assert "no candidates.json there" in capsys.readouterr().err
    (tmp_path / "candidates.json").write_text("{}")
    assert main(["candidates", str(tmp_path), "--years", "twenty"]) == 2
    assert "--years 'twenty'" in capsys.readouterr().err
    assert main(["candidates", str(tmp_path), "--new"]) == 2
    assert "no changes.json there" in capsys.readouterr().err


def test_the_summary_holds_the_screening_counts(trial_build):
    summary = json.loads((trial_build[1] / "summary.json").read_text(encoding="utf-8"))
    assert summary["screening"]["exported"] == len(trial_build[0].candidates)
    assert {"candidates.json", "candidates.ris", "candidates.nbib", "candidates.csv"} <= set(summary["files"])
    assert "changes" not in summary  # a first build into the folder
