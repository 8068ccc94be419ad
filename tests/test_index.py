"""index.html, a build's entry point: it links what was written, says what each graph shows and
what could not be fetched, runs no script, and keeps record text as text. And what else lands
in a build's folder on request: fragments (--embed)."""

from __future__ import annotations

import re
from pathlib import Path

import networkx as nx

from litgraph import api, cli

from litgraph.outputs import write_outputs
from litgraph.outputs.index import render_index
from test_html import _Elements, analysis_graphs, author_graph, content_security_policy, elements, sample_graph, xss


def build_summary(hostile: bool = False) -> dict:
    """A summary.json as litgraph.build writes it, trimmed to what the index reads."""
    h = (lambda n, text: xss(n) + text) if hostile else (lambda n, text: text)
    return {
        "name": h(1, "NCT01741857"),
        "litgraph": "0.1.0",
        "created": "2026-11-26T20:00:00+00:00",
        "inputs": [h(2, "examples/NCT01741857.txt")],
        "limits": {"depth": 1, "max_papers": 500, "links": ["refs", "citedin"], "offline": False},
        "counts": {"trials": 1, "papers": 5, "papers_fetched": 4, "seed_papers": 3, "authors": 2,
                   "left_out_by_max_papers": 0},
        "graphs": {"combined": {"nodes": 8, "edges": 12}, "author": {"nodes": 3, "edges": 2},
                   "cocitation": {"nodes": 4, "edges": 2, "min_weight": 3}},
        "warnings": [h(3, "could not reach NCBI: efetch for 12 PMID(s) (1, 2, 3, 4, 5, …)")],
        "not_fetched": [{"what": h(4, "efetch"), "reason": "HTTP 500", "pmids": [str(n) for n in range(12)]}],
        "missing_pmids": ["999"],
        "no_citation_data": [],
        "citation_data": {"papers": 5, "references_known": {"any": 0.8, "elink": 0.4, "icite": 0.6, "reference-list": 0.2},
                          "citing_known": {"any": 1.0, "elink": 0.6, "icite": 1.0}},
        "metrics": {"most_cited_papers": [{"id": "pmid:1", "label": h(5, "Sun 2010"), "title": "Overall survival",
                                           "cited_by": 7, "year": 2010, "pagerank": 0.1}],
                    "central_authors": [{"id": "author:a", "name": h(6, "Ann Lee"), "papers": 3, "betweenness": 0.5,
                                         "pagerank": 0.2, "community": 0}]},
    }


class StubBuild:
    """What write_outputs reads of a litgraph.Build: its graphs and its summary."""

    def __init__(self, graphs: dict[str, nx.Graph], summary: dict):
        self.graphs = graphs
        self._summary = summary

    def summary(self) -> dict:
        counts = {name: {"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges()}
                  for name, graph in self.graphs.items()}
        return {**self._summary, "graphs": counts}

    def write(self, folder: Path, formats: tuple[str, ...], progress=None) -> list[Path]:
        return write_outputs(self.graphs, self.summary(), Path(folder), tuple(formats), progress=progress)


def links(page: str) -> list[tuple[str, str]]:
    """(href, link text) in page order."""
    return re.findall(r'<a href="([^"]*)">([^<]*)</a>', page)


def test_each_graph_links_its_page_and_files_and_says_what_it_shows():
    page = render_index(build_summary(), ["combined.html", "combined.json", "combined.svg", "author.json",
                                          "summary.json"])
    assert links(page) == [("combined.html", "combined"), ("combined.html", "page"), ("combined.svg", "image"),
                           ("combined.json", "JSON"), ("author.json", "JSON"), ("summary.json", "summary.json")]
    assert "Trials, papers and authors in one graph" in page and "linked by the papers they wrote together" in page
    assert "8 nodes · 12 links" in page
    assert "strongest links only (weight 3 or more)" in page  # what an analysis graph left out
    assert "5</b><span>papers (4 from PubMed)" in page


def test_it_says_what_could_not_be_fetched():
    page = render_index(build_summary(), [])
    assert "could not reach NCBI: efetch for 12 PMID(s)" in page
    assert "0, 1, 2, 3, 4, 5, 6, 7 and 4 more" in page
    assert "PubMed returned no record" in page and ">999<" in page
    everything_fetched = render_index({**build_summary(), "warnings": [], "not_fetched": [], "missing_pmids": []}, [])
    assert "Everything asked for was fetched." in everything_fetched


def test_it_runs_nothing_and_keeps_record_text_as_text():
    page = render_index(build_summary(hostile=True), ["combined.html"])
    assert not elements(page, "script") and not elements(page, "img")
    assert not [attrs for _, attrs in _Elements(page).tags if any(name.startswith("on") for name in attrs)]
    policy = content_security_policy(page)
    assert "default-src 'none'" in policy and "script-src" not in policy
    assert page.count("&lt;img src=x onerror=") == 7  # name twice (title, heading), input, warning, problem, tables


def test_a_build_writes_its_index_and_lists_it(tmp_path):
    graphs = {"combined": sample_graph(), "author": author_graph(), "cocitation": analysis_graphs()["cocitation"]}
    files = StubBuild(graphs, build_summary()).write(tmp_path, ("html", "json"))
    assert [file.name for file in files[-2:]] == ["index.html", "summary.json"]
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert {href for href, _ in links(page)} == {file.name for file in files if file.name != "index.html"}


def test_embed_adds_a_fragment_per_graph(tmp_path, monkeypatch, capsys):
    graphs = {"combined": sample_graph(), "author": author_graph()}
    monkeypatch.setattr(api, "build", lambda *sources, **options: StubBuild(graphs, build_summary()))
    assert cli.main(["build", "NCT01741857", "--out", str(tmp_path), "--embed", "--quiet"]) == 0
    for name in graphs:
        for suffix in (".html", ".fragment.html", ".json"):
            assert (tmp_path / f"{name}{suffix}").is_file()
    assert ("combined.fragment.html", "fragment") in links((tmp_path / "index.html").read_text(encoding="utf-8"))
    assert f"open {tmp_path / 'index.html'}" in capsys.readouterr().out


def test_the_index_reads_like_a_report_of_the_trial():
    summary = {**build_summary(), "trials": [{"nct_id": "NCT01741857", "title": "Stem cells for lupus",
                                              "status": "COMPLETED", "phase": "PHASE1, PHASE2",
                                              "start_date": "2012-01", "completion_date": "2013-12",
                                              "sponsor": "Nanjing University"}]}
    page = render_index(summary, ["combined.html"])
    assert "<h1>Stem cells for lupus</h1>" in page and "<title>Stem cells for lupus · litgraph</title>" in page
    assert "<b>NCT01741857</b> · Completed · Phase 1/2 · January 2012 – December 2013 · Nanjing University" in page
    assert ("References known for 80% of papers: elink 40%, iCite 60%, reference lists 20%; citing papers known "
            "for 100%.") in page


def test_what_shapes_the_pictures_is_said_first_and_empty_tables_say_why():
    offline = build_summary()
    offline["counts"] = {**offline["counts"], "papers_fetched": 0}
    offline["metrics"] = {"most_cited_papers": [], "central_authors": offline["metrics"]["central_authors"],
                          "why_empty": {"most_cited_papers": "no citation links are known: no PubMed record could be had"}}
    page = render_index(offline, ["combined.html"])
    notice = page.index('class="notice"')
    assert notice < page.index("<h2>Graphs</h2>") and "citation links are unknown" in page[notice:notice + 400]
    assert "None: no citation links are known: no PubMed record could be had." in page
    cited = build_summary()
    cited["counts"] = {**cited["counts"], "edges": {"cites": 3}}
    assert 'class="notice"' not in render_index(cited, ["combined.html"])  # nothing to say
