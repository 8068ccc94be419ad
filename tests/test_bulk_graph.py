"""Registry-wide tables from a store: what they hold against litgraph's own computations, the
trial selection, the trial pages, and identical tables from DuckDB and from a real local Spark."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from itertools import combinations
from pathlib import Path

import networkx as nx
import pyarrow.parquet as pq
import pytest

from litgraph import InputError, Settings, build
from litgraph.bulk import graph
from litgraph.bulk.lookup import StoreLookup
from litgraph.bulk.registry import TABLES
from litgraph.cli import main

SPARK_CONF = {"spark.driver.memory": "1g", "spark.sql.shuffle.partitions": "2", "spark.ui.enabled": "false",
              "spark.sql.adaptive.coalescePartitions.enabled": "true"}


@pytest.fixture(scope="module")
def tables(bulk_store, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("registry")
    graph(bulk_store, trials="all", depth=1, out=out, pages=1)
    return out


def rows(out: Path, table: str) -> list[dict]:
    return pq.read_table(out / "tables" / table).to_pylist()


def test_trial_papers_are_the_reference_edges_of_each_trials_graph(two_trials, bulk_store, tables):
    found = {(row["nct_id"], row["paper"], row["kind"], tuple(row["sources"])) for row in rows(tables, "trial_papers")}
    expected = set()
    for nct in two_trials.studies:
        trial_graph = build(nct, depth=0, store=bulk_store).graphs["trial"]
        expected |= {(nct, paper, kind, tuple(data["sources"])) for _, paper, kind, data
                     in trial_graph.out_edges(f"nct:{nct}", keys=True, data=True) if kind != "investigator"}
    assert found == expected and {kind for *_, kind, _ in found} == {"background", "result", "derived"}


def test_citations_cocitation_coupling_and_pagerank_are_those_of_the_selected_papers(bulk_store, tables):
    papers = rows(tables, "papers")
    selected = {row["pmid"] for row in papers}
    assert {row["depth"] for row in papers} == {0, 1}
    lookup = StoreLookup(bulk_store, Settings())
    links = known_citations(lookup, selected)
    inside = {pair: sources for pair, sources in links.items() if set(pair) <= selected}
    assert {(row["citing"], row["cited"]): row["sources"] for row in rows(tables, "citations")} == inside
    by_citing, by_cited = {}, {}
    for citing, cited in links:
        by_citing.setdefault(citing, set()).add(cited)
        by_cited.setdefault(cited, set()).add(citing)
    assert weights(rows(tables, "cocitation")) == shared(by_citing, selected)
    assert weights(rows(tables, "coupling")) == shared(by_cited, selected)

    citations = nx.DiGraph(list(inside))
    citations.add_nodes_from(selected)
    expected = nx.pagerank(citations)  # the same iteration, to the same tolerance
    ranks = {row["pmid"]: row["pagerank"] for row in papers}
    assert max(abs(ranks[pmid] - expected[pmid]) for pmid in selected) < 1e-9
    assert abs(sum(ranks.values()) - 1) < 1e-6
    cited_by = Counter(cited for _, cited in inside)
    assert {row["pmid"]: row["cited_by"] for row in papers} == {pmid: cited_by[pmid] for pmid in selected}


def known_citations(lookup: StoreLookup, selected: set[int]) -> dict[tuple[int, int], list[str]]:
    """Every citation touching a selected paper: the snapshot's and the papers' reference lists."""
    found: dict[tuple[int, int], set[str]] = {}
    pmids = [str(pmid) for pmid in selected]
    for links in lookup.links(pmids):
        for other in links.references or ():
            found.setdefault((int(links.pmid), int(other)), set()).add("nih-occ")
        for other in links.citing or ():
            found.setdefault((int(other), int(links.pmid)), set()).add("nih-occ")
    everyone = lookup._rows("SELECT pmid, reference_pmids FROM papers_current")
    for row in everyone:
        for cited in map(int, row["reference_pmids"]):
            if (row["pmid"] in selected or cited in selected) and cited != row["pmid"]:
                found.setdefault((row["pmid"], cited), set()).add("reference-list")
    return {pair: sorted(sources) for pair, sources in found.items()}


def shared(groups: dict[int, set[int]], selected: set[int]) -> dict[tuple[int, int], int]:
    """Pairs of selected papers and how many groups hold both."""
    counts: Counter = Counter()
    for members in groups.values():
        counts.update(combinations(sorted(members & selected), 2))
    return dict(counts)


def weights(table: list[dict]) -> dict[tuple[int, int], int]:
    return {(row["a"], row["b"]): row["weight"] for row in table}


def test_pairs_lighter_than_the_minimum_weight_are_left_out(bulk_store, tables, tmp_path):
    graph(bulk_store, trials="all", depth=1, out=tmp_path / "out", pages=0, min_weight=3)
    for table in ("cocitation", "coupling"):
        assert rows(tmp_path / "out", table) == [row for row in rows(tables, table) if row["weight"] >= 3]


def test_each_trial_page_is_the_page_a_build_from_the_store_writes(bulk_store, tables, tmp_path):
    (page,) = (tables / "pages").iterdir()
    expected = build(page.name, depth=1, max_papers=500, store=bulk_store).write(tmp_path / "page", ("html", "json"))
    assert sorted(path.name for path in page.iterdir()) == sorted(path.name for path in expected)
    for name in ("combined.json", "paper.json", "trial.json"):
        assert (page / name).read_bytes() == (tmp_path / "page" / name).read_bytes(), name
    summary = json.loads((tables / "summary.json").read_text())
    assert summary["rows"]["trials"] == 2 and summary["pages"] == [page.name]


def test_trials_are_chosen_by_id_or_by_every_term_given(two_trials, bulk_store, tmp_path):
    first, second = (study["protocolSection"]["identificationModule"] for study in two_trials.studies.values())
    condition = two_trials.studies[first["nctId"]]["protocolSection"]["conditionsModule"]["conditions"][0]
    chosen = {}
    for query in (f'condition:"{condition.upper()}" title:{first["acronym"].lower()}',
                  f"title:{first['acronym']} title:{second['acronym']}", second["nctId"].lower()):
        graph(bulk_store, trials=query, out=tmp_path / "out", pages=0)
        chosen[query] = [row["nct_id"] for row in rows(tmp_path / "out", "trials")]
    assert list(chosen.values()) == [[first["nctId"]], [], [second["nctId"]]]
    with pytest.raises(InputError, match="cannot read the trials query 'disease:lupus'"):
        graph(bulk_store, trials="disease:lupus", out=tmp_path / "out")


def test_the_command_writes_the_tables_and_refuses_a_bad_query_in_one_line(bulk_store, tmp_path, capsys):
    assert main(["bulk", "graph", "--store", str(bulk_store), "--out", str(tmp_path / "out"), "--pages", "0",
                 "--quiet"]) == 0
    assert capsys.readouterr().out.startswith(f"{tmp_path / 'out'}: 2 trials, ")
    assert sorted(path.name for path in (tmp_path / "out" / "tables").iterdir()) == sorted(TABLES)
    assert main(["bulk", "graph", "--store", str(bulk_store), "--trials", "phase", "--quiet"]) == 2
    assert capsys.readouterr().err.count("\n") == 1


@pytest.mark.skipif(not shutil.which("java"), reason="Spark needs Java (.ci/run installs Debian's)")
def test_spark_makes_the_same_tables_as_duckdb(bulk_store, tables, tmp_path):
    result = graph(bulk_store, trials="all", depth=1, out=tmp_path / "spark", engine="spark", master="local[2]",
                   pages=0, spark_conf=SPARK_CONF)
    assert result.engine == "spark" and result.rows["papers"] > 0
    from pyspark.sql import SparkSession

    assert SparkSession.getActiveSession().conf.get("spark.driver.host") == "127.0.0.1"  # loopback only
    for table in TABLES:
        duck, spark = pq.read_table(tables / "tables" / table), pq.read_table(tmp_path / "spark" / "tables" / table)
        assert columns(spark) == columns(duck), table
        assert spark.to_pylist() == duck.to_pylist(), table


def columns(table) -> list[tuple[str, str]]:
    """Names and types (whether an engine marks a column as never null aside)."""
    return [(field.name, str(field.type).replace(" not null", "")) for field in table.schema]
