"""Exports: every file reads back as the graph it was written from, whatever the attribute values."""

from __future__ import annotations

import csv
import json
import re
from collections import Counter

import bibtexparser
import networkx as nx
import numpy as np
import pytest
from lxml import etree

import corpus as corpus_gen
from hostile import DOI, FORMULA_VALUES, PMCID, hostile_medline, hostile_trial
from litgraph import Settings, build
from litgraph.graphs import build_graphs
from litgraph.model import Author, Corpus, Paper
from litgraph.outputs.export import (GRAPH_WRITERS, csv_cell, paper_nodes, plain, read_bibtex, read_csv,
                                     read_cytoscape, read_gexf, read_graphml, read_json, read_ris, read_vosviewer,
                                     vosviewer_links, write_bibtex, write_csv, write_json, write_ris, write_vosviewer)
from litgraph.outputs.prepared import PreparedGraph, SharedWork
from test_authors import served

READERS = {"json": read_json, "graphml": read_graphml, "gexf": read_gexf, "cytoscape": read_cytoscape}
XML_FORMATS = ("graphml", "gexf")
FORBIDDEN_IN_XML = "\x00\x0b\x1f\ud800\ufffe"
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@pytest.fixture(scope="module")
def graphs(tmp_path_factory):
    """Every graph of a small build from the fake server: trial, papers, authors, analyses."""
    known = corpus_gen.generate(400, seed=5, n_trials=1)
    return served(known, tmp_path_factory.mktemp("export"), depth=1, max_papers=60)


def hostile_graph() -> nx.MultiDiGraph:
    """Values that break naive writers: None, nested lists, dicts, sets, bools, numpy scalars,
    mixed types under one name, unicode and characters XML 1.0 forbids."""
    graph = nx.MultiDiGraph(name="hostile \x01 graph", tags=["a", "b"])
    graph.add_node("pmid:1", type="paper", label=f"Ünïcode ✓ {FORBIDDEN_IN_XML} title", year=2009, seed=True,
                   authors=["Sun L", ["nested", None]], meta={"k": [1, 2]}, tags={"y", "x"}, missing=None,
                   mixed=1, score=np.float64(0.5), count=np.int64(3))
    graph.add_node("pmid:2", type="paper", label="plain", authors=[], year=None, seed=False, mixed="one", score=0.25)
    graph.add_node("author:bell\x07", type="author", label="bell\x07", flag=False)
    graph.add_edge("pmid:1", "pmid:2", key="cites", kind="cites", sources=["elink-refs", "reference-list"], weight=2)
    graph.add_edge("pmid:1", "pmid:2", key="similar", kind="similar", sources=["elink-similar"], note="\uffff x")
    graph.add_edge("author:bell\x07", "pmid:1", key="authored", kind="authored", position=1, sources=["pubmed"])
    return graph


def expected(item, fmt: str):
    """A value as a reader gives it back: plain JSON values; in GraphML and GEXF, text without the
    characters XML forbids (lists and mixed types travel as JSON, which keeps them as escapes)."""
    item = plain(item)
    return XML_FORBIDDEN.sub("", item) if fmt in XML_FORMATS and isinstance(item, str) else item


def attributes(data: dict, fmt: str) -> dict:
    return {expected(key, fmt): expected(value, fmt) for key, value in data.items()
            if not (fmt in XML_FORMATS and value is None)}  # GraphML and GEXF leave missing values out


def edge_list(graph: nx.Graph, fmt: str) -> Counter:
    edges = graph.edges(keys=True, data=True) if graph.is_multigraph() else (
        (u, v, None, data) for u, v, data in graph.edges(data=True))
    return Counter((expected(u, fmt), expected(v, fmt), key, json.dumps(attributes(data, fmt), sort_keys=True))
                   for u, v, key, data in edges)


def assert_same_graph(read: nx.Graph, written: nx.Graph, fmt: str) -> None:
    assert (read.is_directed(), read.is_multigraph()) == (written.is_directed(), written.is_multigraph())
    assert read.graph == attributes(written.graph, fmt)
    assert dict(read.nodes(data=True)) == {expected(node, fmt): attributes(data, fmt)
                                           for node, data in written.nodes(data=True)}
    assert edge_list(read, "json") == edge_list(written, fmt)


@pytest.mark.parametrize("fmt", list(READERS))
@pytest.mark.parametrize("name", ["trial", "paper", "author", "combined", "cocitation", "coupling", "mesh"])
def test_every_graph_reads_back_as_written(graphs, tmp_path, fmt, name):
    suffix, write = GRAPH_WRITERS[fmt]
    graph = graphs.graphs[name]
    write(graph, tmp_path / f"{name}{suffix}")
    assert_same_graph(READERS[fmt](tmp_path / f"{name}{suffix}"), graph, fmt)


@pytest.mark.parametrize("fmt", list(READERS))
def test_hostile_values_never_break_a_writer_and_read_back_as_close_as_the_format_allows(tmp_path, fmt):
    suffix, write = GRAPH_WRITERS[fmt]
    graph = hostile_graph()
    write(graph, tmp_path / f"g{suffix}")
    read = READERS[fmt](tmp_path / f"g{suffix}")
    assert_same_graph(read, graph, fmt)
    if fmt in XML_FORMATS:  # a list, and an attribute of mixed types, travel as JSON text and come back typed
        assert read.nodes["pmid:1"]["authors"] == ["Sun L", ["nested", None]]
        assert (read.nodes["pmid:1"]["mixed"], read.nodes["pmid:2"]["mixed"]) == (1, "one")
        assert "missing" not in read.nodes["pmid:1"] and "year" not in read.nodes["pmid:2"]


def scripts_corpus() -> Corpus:
    """Two papers by authors named in Chinese, Cyrillic, Arabic, Greek and Hebrew."""
    names = [("王", "小明"), ("Иванов", "Иван"), ("عبدالله", "محمد"), ("Παπαδοπούλου", "Ελένη"), ("כהן", "דוד")]
    authors = [Author(last_name=last, fore_name=fore) for last, fore in names]
    corpus = Corpus()
    for pmid, byline in (("1", authors), ("2", authors[::-1])):
        corpus.papers[f"pmid:{pmid}"] = Paper(pmid=pmid, title=f"Paper {pmid}", authors=byline, fetched=True)
    return corpus


@pytest.mark.parametrize("fmt", [*READERS, "csv", "vosviewer"])
def test_author_ids_in_every_script_survive_every_writer(tmp_path, fmt):
    graph = build_graphs(scripts_corpus(), "scripts")["author"]
    assert {"author:王_小明", "author:иванов_иван", "author:عبدالله_محمد", "author:παπαδοπουλου_ελενη",
            "author:כהן_דוד"} == set(graph)
    if fmt in READERS:
        suffix, write = GRAPH_WRITERS[fmt]
        write(graph, tmp_path / f"author{suffix}")
        assert_same_graph(READERS[fmt](tmp_path / f"author{suffix}"), graph, fmt)
    elif fmt == "csv":
        write_csv(graph, tmp_path / "author.csv")
        nodes, edges = read_csv(tmp_path / "author.csv")
        assert {row["id"] for row in nodes} == set(graph)
        assert {frozenset((row["source"], row["target"])) for row in edges} == {frozenset(edge) for edge in graph.edges}
    else:
        write_vosviewer(graph, tmp_path / "author.vosviewer.json")
        read = read_vosviewer(tmp_path / "author.vosviewer.json")
        assert set(read) == set(graph) and {frozenset(edge) for edge in read.edges} == {
            frozenset(edge) for edge in graph.edges}


def test_json_is_networkx_node_link_data(tmp_path, graphs):
    graph = graphs.graphs["combined"]
    write_json(graph, tmp_path / "combined.json")
    written = json.loads((tmp_path / "combined.json").read_text(encoding="utf-8"))
    assert written == json.loads(json.dumps(nx.node_link_data(graph, edges="edges")))


def test_graphs_written_together_keep_their_own_attributes(tmp_path):
    """A build encodes a node shared by several graphs once; a node whose attributes differ in
    another graph is encoded again."""
    paper = hostile_graph()
    other = nx.MultiDiGraph(paper)
    other.nodes["pmid:1"]["label"] = "changed"
    shared = SharedWork()
    for name, graph in (("paper", paper), ("other", other), ("again", paper)):
        write_json(PreparedGraph(graph, shared), tmp_path / f"{name}.json")
        assert_same_graph(read_json(tmp_path / f"{name}.json"), graph, "json")
    assert read_json(tmp_path / "other.json").nodes["pmid:1"]["label"] == "changed"


def test_graphml_and_gexf_are_valid_xml_with_unique_ids_and_one_type_per_attribute(tmp_path, graphs):
    graph = graphs.graphs["combined"]
    for suffix in (".graphml", ".gexf"):
        GRAPH_WRITERS[suffix[1:]][1](graph, tmp_path / f"g{suffix}")
        root = etree.parse(str(tmp_path / f"g{suffix}")).getroot()  # raises on anything XML 1.0 forbids
        edge_ids = [edge.get("id") for edge in root.iter("{*}edge")]
        assert len(edge_ids) == graph.number_of_edges() == len(set(edge_ids)), suffix  # Gephi drops duplicates
        declared = [(key.get("for") or key.getparent().get("class"), key.get("attr.name") or key.get("title"))
                    for key in root.iter("{*}key", "{*}attribute")]
        assert len(declared) == len(set(declared)), suffix  # one type per attribute name and element kind


@pytest.mark.parametrize("name", ["trial", "paper", "author", "combined", "cocitation", "coupling", "mesh"])
def test_graphml_opens_in_another_tools_reader(graphs, tmp_path, name):
    """igraph's GraphML reader (C, libxml2) is as strict as the desktop tools': every node, edge
    and attribute arrives, lists as JSON text, numbers as numbers."""
    igraph = pytest.importorskip("igraph")
    graph = graphs.graphs[name]
    GRAPH_WRITERS["graphml"][1](graph, tmp_path / "g.graphml")

    loaded = igraph.Graph.Read_GraphML(str(tmp_path / "g.graphml"))

    assert (loaded.vcount(), loaded.ecount(), loaded.is_directed()) == (
        graph.number_of_nodes(), graph.number_of_edges(), graph.is_directed())
    assert sorted(loaded.vs["id"]) == sorted(graph.nodes)
    numbers = 0
    for node, data in graph.nodes(data=True):
        vertex = loaded.vs.find(id=node)
        assert vertex["label"] == data["label"]
        for key in ("year", "papers", "cited_by", "pagerank", "enrollment"):
            if data.get(key):
                assert vertex[key] == pytest.approx(data[key]), (node, key)
                numbers += 1
    assert numbers > 0
    assert json.loads(loaded.es[0]["sources"]) == next(iter(graph.edges(data=True)))[2]["sources"]


def test_csv_keeps_every_value_with_provenance_beside_each_edge(tmp_path, graphs):
    graph = graphs.graphs["combined"]
    write_csv(graph, tmp_path / "combined.csv")
    nodes, edges = read_csv(tmp_path / "combined.csv")
    assert list(nodes[0])[:3] == ["id", "type", "label"]
    assert list(edges[0])[:4] == ["source", "target", "kind", "sources"]
    assert {row["id"]: {key: value for key, value in row.items() if key != "id" and value}
            for row in nodes} == {node: {key: csv_cell(value) for key, value in data.items() if csv_cell(value)}
                                  for node, data in graph.nodes(data=True)}
    written = Counter((u, v, data["kind"], csv_cell(data["sources"])) for u, v, data in graph.edges(data=True))
    assert Counter((row["source"], row["target"], row["kind"], row["sources"]) for row in edges) == written
    assert any("; " in row["sources"] for row in edges)  # a link seen by two sources, joined in one cell


def test_csv_cells_join_lists_and_write_nested_values_as_json(tmp_path):
    write_csv(hostile_graph(), tmp_path / "g.csv")
    nodes, _ = read_csv(tmp_path / "g.csv")
    first = nodes[0]
    assert first["tags"] == "x; y" and first["authors"] == '["Sun L", ["nested", null]]'
    assert first["meta"] == '{"k": [1, 2]}' and first["missing"] == "" and first["seed"] == "True"


@pytest.fixture
def hostile_build(tmp_path):
    """A build of hostile records (see tests/hostile.py), offline, from the files alone."""
    return build(str(hostile_trial(tmp_path)), str(hostile_medline(tmp_path)), depth=0, offline=True,
                 warn=lambda _: None, settings=Settings(cache_dir=tmp_path / "cache"))


def test_csv_text_a_spreadsheet_would_run_as_a_formula_starts_with_a_quote(hostile_build, tmp_path):
    hostile_build.write(tmp_path / "out", formats=("csv",))
    cells = []
    for path in (tmp_path / "out").glob("*.csv"):
        with path.open(newline="", encoding="utf-8") as handle:
            cells += [cell for row in csv.reader(handle) for cell in row]
    assert [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")] == []
    for value in FORMULA_VALUES:  # each still there, as text
        assert any(cell.startswith(f"'{value}") for cell in cells), value


def test_csv_numbers_stay_numbers_and_text_that_looks_like_one_is_text(tmp_path):
    graph = nx.Graph()
    graph.add_node("a", type="point", label="-1.5", x=-1.5, shift=np.float64(-0.25), offsets=[-1, 2])
    write_csv(graph, tmp_path / "g.csv")
    (row,), _ = read_csv(tmp_path / "g.csv")
    assert (row["x"], row["shift"]) == ("-1.5", "-0.25")
    assert (row["label"], row["offsets"]) == ("'-1.5", "'-1; 2")


def test_vosviewer_json_has_the_map_and_the_network(tmp_path, graphs):
    graph = graphs.graphs["author"]
    write_vosviewer(graph, tmp_path / "author.vosviewer.json")
    document = json.loads((tmp_path / "author.vosviewer.json").read_text(encoding="utf-8"))
    assert document["config"]["terminology"]["items"] == "authors"
    read = read_vosviewer(tmp_path / "author.vosviewer.json")
    assert set(read) == set(graph)
    for node, item in read.nodes(data=True):
        data = graph.nodes[node]
        assert item["label"] == data["label"] and item["weights"]["Papers"] == data["papers"]
        assert item["cluster"] == data["community"] + 1 and item["scores"]["PageRank"] == data["pagerank"]
        assert item["weights"]["Links"] == graph.degree(node)
        assert item["weights"]["Total link strength"] == graph.degree(node, weight="weight")
    assert {tuple(sorted(edge)): strength for *edge, strength in read.edges(data="strength")} == \
        vosviewer_links(graph)


def test_vosviewer_sums_parallel_edges_and_escapes_descriptions(tmp_path):
    graph = hostile_graph()
    graph.nodes["pmid:2"].update(title="The <i>TERT</i> gene & you", pmid="2")
    write_vosviewer(graph, tmp_path / "g.vosviewer.json")
    read = read_vosviewer(tmp_path / "g.vosviewer.json")
    assert read.edges["pmid:1", "pmid:2"]["strength"] == 3  # weight 2 (cites) + 1 (similar)
    assert read.nodes["pmid:2"]["description"].startswith("The &lt;i&gt;TERT&lt;/i&gt; gene &amp; you")
    assert read.nodes["pmid:2"]["url"] == "https://pubmed.ncbi.nlm.nih.gov/2/"


def reference_graph() -> nx.Graph:
    graph = nx.Graph()
    graph.add_node("pmid:19489103", type="paper", pmid="19489103", title="50% of {B} cells & T_reg ~ ^ \\ #1",
                   journal="Stem Cells", year=2009, doi="10.1002/stem.68", author_names=[
                       "Sun, Lingyun", "García Fernández, José", "ASPIRE Investigators", "Smith and Jones, A"],
                   mesh=["Lupus Erythematosus, Systemic", "Humans"], retracted=True, fetched=True)
    graph.add_node("ref:1a2b3c4d5e6f", type="paper", pmid="", title="Lupus handbook.", journal="", year=2011,
                   author_names=[], fetched=False, citation="Lupus handbook. 4th ed. Elsevier; 2011.")
    graph.add_node("author:sun_lingyun", type="author", label="Lingyun Sun")
    return graph


def test_ris_has_one_record_per_paper_node(tmp_path):
    write_ris(reference_graph(), tmp_path / "papers.ris")
    first, second = read_ris(tmp_path / "papers.ris")
    assert first["TY"] == ["JOUR"] and first["ID"] == ["pmid:19489103"] and first["AN"] == ["19489103"]
    assert first["AU"] == reference_graph().nodes["pmid:19489103"]["author_names"]
    assert first["TI"] == ["50% of {B} cells & T_reg ~ ^ \\ #1"] and first["PY"] == ["2009"]
    assert first["KW"] == ["Lupus Erythematosus, Systemic", "Humans"] and first["N1"] == ["Retracted publication"]
    assert second["TY"] == ["GEN"] and second["N1"] == ["As cited by the trial registry: Lupus handbook. 4th ed. "
                                                        "Elsevier; 2011."]


def test_bibtex_escapes_latex_and_keeps_group_names_whole(tmp_path):
    write_bibtex(reference_graph(), tmp_path / "papers.bib")
    text = (tmp_path / "papers.bib").read_text(encoding="utf-8")
    assert r"50\% of \textbraceleft{}B\textbraceright{} cells \& T\_reg" in text
    first, second = read_bibtex(tmp_path / "papers.bib")
    assert (first["ENTRYTYPE"], first["ID"], second["ENTRYTYPE"], second["ID"]) == (
        "article", "pmid19489103", "misc", "ref1a2b3c4d5e6f")
    assert first["title"] == "{50% of {B} cells & T_reg ~ ^ \\ #1}"
    assert first["author"] == "Sun, Lingyun and García Fernández, José and {ASPIRE Investigators} " \
                              "and {Smith and Jones, A}"
    assert first["doi"] == "10.1002/stem.68" and first["keywords"] == "Lupus Erythematosus, Systemic; Humans"


def test_hostile_values_stay_inside_their_bibtex_fields_for_a_real_bibtex_parser(hostile_build, tmp_path):
    hostile_build.write(tmp_path / "out", formats=("bibtex",))
    library = bibtexparser.parse_string((tmp_path / "out" / "papers.bib").read_text(encoding="utf-8"))
    assert library.failed_blocks == [] and len(library.entries) == len(paper_nodes(hostile_build.graphs["combined"]))
    entry = library.entries_dict["pmid31000001"]
    assert set(entry.fields_dict) == {"author", "title", "journal", "year", "doi", "pmid", "pmcid", "url"}
    assert (entry["doi"], entry["pmcid"]) == (re.sub("[{}]", "", DOI), re.sub("[{}]", "", PMCID))  # braces dropped
    ours = {entry["ID"]: entry for entry in read_bibtex(tmp_path / "out" / "papers.bib")}
    assert ours["pmid31000001"]["journal"] == "=1+1"  # text fields are escaped, and read back as they were


def test_a_line_break_in_a_value_never_starts_an_ris_tag(tmp_path):
    graph = reference_graph()
    breaks = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
    graph.nodes["pmid:19489103"]["title"] = "".join(f"{sep}ER  - {sep}TY  - JOUR{sep}TI  - injected" for sep in breaks)
    graph.nodes["ref:1a2b3c4d5e6f"]["citation"] = "Lupus.\r\nAU  - Injected, A"
    write_ris(graph, tmp_path / "papers.ris")
    lines = (tmp_path / "papers.ris").read_text(encoding="utf-8").splitlines()
    assert all(re.fullmatch(r"[A-Z][A-Z0-9]  - .*", line) or line == "" for line in lines)
    first, second = read_ris(tmp_path / "papers.ris")
    assert len(first["TI"]) == 1 and first["TI"][0].startswith("ER - TY - JOUR TI - injected")
    assert "AU" not in second and second["N1"] == ["As cited by the trial registry: Lupus. AU - Injected, A"]


def test_a_build_writes_each_format_per_graph_and_the_paper_lists_once(tmp_path, graphs):
    formats = ("json", "graphml", "gexf", "csv", "cytoscape", "vosviewer", "ris", "bibtex", "nbib")
    files = {path.name for path in graphs.write(tmp_path / "out", formats=formats)}
    for name in graphs.graphs:
        assert {f"{name}.json", f"{name}.graphml", f"{name}.gexf", f"{name}.nodes.csv", f"{name}.edges.csv",
                f"{name}.cyjs", f"{name}.vosviewer.json"} <= files
    # the paper lists once, beside the candidates for screening (the papers that are not seeds)
    assert {"papers.ris", "papers.bib", "papers.nbib", "summary.json"} <= files
    assert not any(f.endswith(".ris") and f not in ("papers.ris", "candidates.ris") for f in files)
    papers = [n for n, t in graphs.graphs["combined"].nodes(data="type") if t == "paper"]
    assert len(read_ris(tmp_path / "out" / "papers.ris")) == len(read_bibtex(tmp_path / "out" / "papers.bib")) \
        == len(papers)
    medline = (tmp_path / "out" / "papers.nbib").read_text(encoding="utf-8")
    assert medline.count("\nPMID- ") + medline.startswith("PMID- ") == sum(1 for n in papers if n.startswith("pmid:"))


def test_graphml_and_gexf_share_one_xml_copy_and_leave_it_as_they_found_it(tmp_path, graphs):
    graph = graphs.graphs["combined"]
    shared = PreparedGraph(graph, SharedWork())
    for fmt in ("gexf", "graphml", "gexf", "graphml"):
        suffix, write = GRAPH_WRITERS[fmt]
        write(shared, tmp_path / f"shared{suffix}")
        write(graph, tmp_path / f"alone{suffix}")
        assert (tmp_path / f"shared{suffix}").read_bytes() == (tmp_path / f"alone{suffix}").read_bytes(), fmt
