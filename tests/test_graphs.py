"""Graph construction: which nodes and edges each graph of the contract holds."""

from __future__ import annotations

import os

import networkx as nx
import pytest

from conftest import settings_for
from fake_ncbi import FakeNCBI
from litgraph import build, graphs as graph_module, pipeline
from litgraph.authors import resolve_authors
from litgraph.graphs import build_graphs
from litgraph.kinds import GRAPH_NAMES
from litgraph.model import Author, Corpus, Paper, Trial, TrialReference


def person(fore_name: str, last_name: str) -> Author:
    return Author(last_name=last_name, fore_name=fore_name, initials=fore_name[0])


def trial_corpus() -> Corpus:
    """A trial lists P1 (result) and P2 (background); P1 cites P2 and is similar to it.
    Ann Lee and Bo Chen wrote both papers, Cy Diaz only P2."""
    corpus = Corpus()
    lee, chen, diaz = person("Ann", "Lee"), person("Bo", "Chen"), person("Cy", "Diaz")
    corpus.papers["pmid:1"] = Paper(pmid="1", title="One", year=2020, authors=[lee, chen], fetched=True)
    corpus.papers["pmid:2"] = Paper(pmid="2", title="Two", year=2018, authors=[chen, lee, diaz], fetched=True)
    corpus.trials["NCT00000001"] = Trial("NCT00000001", references=[TrialReference("result", pmid="1"),
                                                                    TrialReference("background", pmid="2")])
    corpus.seeds |= {"pmid:1", "pmid:2"}
    corpus.add_cite("pmid:1", "pmid:2", "elink-refs")
    corpus.add_cite("pmid:1", "pmid:2", "reference-list")
    corpus.add_similar("pmid:2", "pmid:1")
    return corpus


@pytest.fixture(scope="module")
def graphs():
    return build_graphs(trial_corpus(), "test")


def kinds(graph) -> list[tuple[str, str, str]]:
    return sorted((u, v, kind) for u, v, kind in graph.edges(data="kind"))


def test_the_paper_graph_holds_citations_and_similar_articles_each_seen_once(graphs):
    papers = graphs["paper"]
    assert kinds(papers) == [("pmid:1", "pmid:2", "cites"), ("pmid:1", "pmid:2", "similar")]
    assert papers.edges["pmid:1", "pmid:2", "cites"]["sources"] == ["elink-refs", "reference-list"]


def test_the_author_graph_weighs_coauthorship_by_papers_together(graphs):
    authors = graphs["author"]
    assert authors.edges["author:lee_ann", "author:chen_bo"] == {"kind": "coauthor", "weight": 2, "sources": ["pubmed"]}
    assert authors.edges["author:diaz_cy", "author:lee_ann"]["weight"] == 1


def test_the_combined_graph_links_authors_to_papers_but_not_to_each_other(graphs):
    combined = graphs["combined"]
    assert {kind for *_, kind in combined.edges(data="kind")} == {"result", "background", "cites", "similar",
                                                                  "authored"}
    assert combined.edges["author:chen_bo", "pmid:2", "authored"] == {"kind": "authored", "position": 1,
                                                                      "sources": ["pubmed"]}
    assert set(combined) == set(graphs["trial"]) | set(graphs["paper"]) | set(graphs["author"])


def test_each_graph_has_edge_attributes_of_its_own():
    """The combined graph keeps the attribute dicts its parts were made with: no other graph may
    hold them, or a script marking an edge in one graph would mark it in another."""
    graphs = build_graphs(trial_corpus(), "test")
    for u, v, key, data in graphs["combined"].edges(keys=True, data=True):
        data["marked"] = True
        for name in ("paper", "trial"):
            if graphs[name].has_edge(u, v, key):
                assert "marked" not in graphs[name].edges[u, v, key], (name, u, v, key)


def test_an_empty_corpus_gives_every_graph_empty():
    graphs = build_graphs(Corpus())
    assert all(graph.number_of_nodes() == 0 for graph in graphs.values()) and set(graphs) == set(GRAPH_NAMES)


def test_the_package_has_no_import_cycle():
    """Sources -> corpus -> graphs -> outputs, and the front door over them: no module imports one
    that imports it back (outputs once imported the front door, export.py and prepared.py each other)."""
    import ast
    from pathlib import Path

    import litgraph

    root = Path(litgraph.__file__).parent
    files = {".".join(("litgraph", *path.relative_to(root).with_suffix("").parts)).removesuffix(".__init__"): path
             for path in root.rglob("*.py")}
    imports: dict[str, set[str]] = {}
    for name, path in files.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = ".".join(package.split(".")[:len(package.split(".")) - node.level + 1] + [node.module or ""]).strip(".")
                found |= {f"{base}.{alias.name}" if f"{base}.{alias.name}" in files else base for alias in node.names}
        imports[name] = found - {name}

    def reachable(start: str) -> set[str]:
        seen, todo = set(), [start]
        while todo:
            for other in imports.get(todo.pop(), ()):
                if other not in seen:
                    seen.add(other)
                    todo.append(other)
        return seen

    assert [(a, b) for a in imports for b in imports[a] if a in reachable(b)] == []


@pytest.fixture(scope="module")
def served_corpus(two_trials, tmp_path_factory):
    """Both trials of the generated corpus to depth 2, as the real client fetches them."""
    with FakeNCBI(corpus=two_trials) as server:
        settings = settings_for(server, tmp_path_factory.mktemp("served"), rate=500.0)
        return build(*two_trials.studies, depth=2, max_papers=400, settings=settings, warn=lambda _: None).corpus


def contents(graph) -> tuple:
    """Everything a graph holds, in its order: attributes, nodes, edges both ways round."""
    edges = graph.edges(keys=True, data=True) if graph.is_multigraph() else graph.edges(data=True)
    backwards = graph.in_edges(keys=True, data=True) if graph.is_directed() else ()
    return graph.graph, list(graph.nodes(data=True)), list(edges), list(backwards)


def test_edges_written_into_the_adjacency_make_the_graphs_networkx_s_add_edges_from_makes(served_corpus, monkeypatch):
    fast = build_graphs(served_corpus, "test")
    monkeypatch.setattr(graph_module, "add_edges", lambda graph, edges, keep=False: graph.add_edges_from(edges))
    reference = build_graphs(served_corpus, "test")
    assert fast["combined"].number_of_edges() > 1000
    for name in GRAPH_NAMES:
        assert contents(fast[name]) == contents(reference[name]), name


def test_an_edge_to_a_node_not_in_the_graph_adds_the_node_as_networkx_does():
    graph = nx.MultiDiGraph()
    graph.add_node("a", type="paper")
    graph_module.add_edges(graph, [("a", "b", "cites", {"kind": "cites"}), ("a", "b", "cites", {"sources": ["x"]})])
    assert list(graph.nodes(data=True)) == [("a", {"type": "paper"}), ("b", {})]
    assert list(graph.edges(keys=True, data=True)) == [("a", "b", "cites", {"kind": "cites", "sources": ["x"]})]


def test_author_metrics_computed_on_another_core_give_the_graphs_computed_here(served_corpus, monkeypatch):
    monkeypatch.setattr(graph_module, "FORKED_AUTHORS", 10**9)
    here = build_graphs(served_corpus, "test")
    monkeypatch.setattr(graph_module, "FORKED_AUTHORS", 0)
    for _ in range(2):  # the second forks after igraph's PageRank (OpenMP) ran in this process
        forked = build_graphs(served_corpus, "test")
        for name in GRAPH_NAMES:
            assert contents(forked[name]) == contents(here[name]), name


def test_authors_resolved_on_another_core_reach_every_graph_built_meanwhile(served_corpus, monkeypatch):
    """Who is who is worked out in a child process while this one builds the paper graph and the
    graphs made from it; each paper's author ids, known only then, are in all of them."""
    monkeypatch.setattr(graph_module, "FORKED_RESOLVING", 10**9)
    here = build_graphs(served_corpus, "test")
    parent = os.getpid()

    def resolved_elsewhere(papers):
        assert os.getpid() != parent, "resolved in the build's own process"
        return resolve_authors(papers)

    monkeypatch.setattr(graph_module, "resolve_authors", resolved_elsewhere)
    monkeypatch.setattr(graph_module, "FORKED_RESOLVING", 0)
    forked = build_graphs(served_corpus, "test")
    for name in GRAPH_NAMES:
        assert contents(forked[name]) == contents(here[name]), name
    bylines = resolve_authors(served_corpus.papers).bylines
    for name in ("paper", "cocitation", "coupling", "combined", "trial"):
        papers = [(node, data) for node, data in forked[name].nodes(data=True) if data["type"] == "paper"]
        assert papers and all(data["author_ids"] == bylines[node] for node, data in papers), name
    assert sum(map(len, bylines.values())) > 1000


def test_authors_resolved_while_the_last_links_arrive_give_the_graphs_resolved_after(two_trials, tmp_path,
                                                                                      monkeypatch):
    """A build that is fetching resolves who is who in a thread once the last level's records are
    in, while that level's links still come: the graphs are those it would make after."""
    ahead = []
    authorship = pipeline.AuthorsAhead.authorship
    monkeypatch.setattr(pipeline.AuthorsAhead, "authorship",
                        lambda self, papers: ahead.append(authorship(self, papers)) or ahead[-1])
    built = {}
    with FakeNCBI(corpus=two_trials) as server:
        for least in (10**9, 0):
            monkeypatch.setattr(pipeline, "AHEAD_PAPERS", least)
            settings = settings_for(server, tmp_path / str(least), rate=500.0)
            built[least] = build(*two_trials.studies, depth=2, max_papers=400, settings=settings,
                                 warn=lambda _: None).graphs
    assert ahead[0] is None and ahead[1] is not None  # resolved after, then ahead
    for name in GRAPH_NAMES:
        assert contents(built[0][name]) == contents(built[10**9][name]), name


def test_authors_are_resolved_ahead_when_the_seeds_fill_the_limit(two_trials, tmp_path, monkeypatch):
    """Seeds that fill --max-papers leave no room for a next level: theirs is the last, however
    deep the build was allowed to go."""
    resolved_ahead = []
    authorship = pipeline.AuthorsAhead.authorship
    monkeypatch.setattr(pipeline.AuthorsAhead, "authorship",
                        lambda self, papers: resolved_ahead.append(authorship(self, papers)) or resolved_ahead[-1])
    monkeypatch.setattr(pipeline, "AHEAD_PAPERS", 0)
    seeds = [str(pmid) for pmid in list(two_trials.papers)[:40]]
    with FakeNCBI(corpus=two_trials) as server:
        result = build(*seeds, depth=1, max_papers=len(seeds), settings=settings_for(server, tmp_path, rate=500.0),
                       warn=lambda _: None)
    assert len(result.corpus.papers) == len(seeds)
    assert resolved_ahead and resolved_ahead[0] is not None


def test_authors_resolved_ahead_are_used_only_for_the_papers_they_were_resolved_from(served_corpus, monkeypatch):
    monkeypatch.setattr(pipeline, "AHEAD_PAPERS", 0)
    papers = dict(served_corpus.papers)
    ahead = pipeline.AuthorsAhead(fetching=lambda: True)
    ahead.begin(papers)
    changed = {**papers, next(iter(papers)): Paper(pmid="1")}
    assert ahead.authorship(changed) is None
    assert ahead.authorship(papers) == resolve_authors(papers)
    idle = pipeline.AuthorsAhead(fetching=lambda: False)  # a rebuild from the cache: nothing begun
    idle.begin(papers)
    assert idle.authorship(papers) is None
