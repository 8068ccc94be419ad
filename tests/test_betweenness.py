"""Betweenness in numpy: networkx's values when exact, and a sample of sources that ranks the most
central nodes as the exact values do."""

from __future__ import annotations

import random

import networkx as nx
import numpy as np
import pytest

from litgraph.analysis import BETWEENNESS_SOURCES, SEED
from litgraph.betweenness import TwinClasses, betweenness_centrality


def coauthorship(people: int, papers: int, seed: int = 1) -> nx.Graph:
    """Papers of 1 to 8 authors, drawn more often from people who already wrote more: cliques that
    overlap in a few prolific authors, and many one-paper authors who are twins."""
    draw = random.Random(seed)
    written = list(range(people))  # a person appears once per paper written, plus once
    graph = nx.Graph()
    graph.add_nodes_from(range(people))
    for _ in range(papers):
        byline = {draw.choice(written) for _ in range(draw.randint(1, 8))}
        graph.add_edges_from((a, b) for a in byline for b in byline if a < b)
        written += byline
    return graph


def two_cliques_and_a_tail() -> nx.Graph:
    """Triangles a-b-c and c-d-e share c, and e leads on to f: a and b are twins, so are d's partners."""
    return nx.Graph([("a", "b"), ("a", "c"), ("b", "c"), ("c", "d"), ("c", "e"), ("d", "e"), ("e", "f")])


GRAPHS = {
    "path": nx.path_graph(6),
    "karate club": nx.karate_club_graph(),
    "les miserables": nx.les_miserables_graph(),
    "two cliques and a tail": two_cliques_and_a_tail(),
    "co-authorship in pieces": nx.union(coauthorship(150, 60, seed=2), nx.complete_graph(range(1000, 1004))),
}


@pytest.mark.parametrize("graph", GRAPHS.values(), ids=GRAPHS.keys())
def test_with_every_node_a_source_the_values_are_networkx_s(graph):
    assert betweenness_centrality(graph) == pytest.approx(nx.betweenness_centrality(graph), rel=1e-9, abs=1e-15)


def test_a_sample_of_sources_gives_the_same_values_for_the_same_seed_and_estimates_the_exact_ones():
    graph = GRAPHS["les miserables"]
    exact = betweenness_centrality(graph)
    estimate = betweenness_centrality(graph, 40, seed=7)
    assert estimate == betweenness_centrality(graph, 40, seed=7) != betweenness_centrality(graph, 40, seed=8)
    assert max(estimate, key=estimate.get) == max(exact, key=exact.get)
    assert sum(estimate.values()) == pytest.approx(sum(exact.values()), rel=0.1)


def test_twins_share_one_class_and_one_search():
    classes = TwinClasses(two_cliques_and_a_tail())
    of = dict(zip(classes.nodes, classes.of_node.tolist()))
    assert of["a"] == of["b"] and len({of["c"], of["d"], of["e"], of["f"]}) == 4
    assert classes.count == 5 and classes.entries == 2 * 5  # a/b-c, c-d, c-e, d-e, e-f


def test_a_node_whose_neighbours_all_know_each_other_lies_between_no_one():
    values = betweenness_centrality(coauthorship(300, 150))
    graph = coauthorship(300, 150)
    simplicial = [node for node in graph
                  if all(graph.has_edge(a, b) for a in graph[node] for b in graph[node] if a != b)]
    assert simplicial and all(values[node] == 0 for node in simplicial)


def rank_correlation(a: list[float], b: list[float]) -> float:
    """Spearman's: the correlation of the ranks."""
    return float(np.corrcoef(np.argsort(np.argsort(a)), np.argsort(np.argsort(b)))[0, 1])


def test_the_sample_finds_the_most_central_authors_and_ranks_them_nearly_as_the_exact_values_do():
    graph = coauthorship(3000, 1500)
    exact = betweenness_centrality(graph)
    sampled = betweenness_centrality(graph, BETWEENNESS_SOURCES, seed=SEED)
    ranked = sorted(exact, key=exact.get, reverse=True)
    sampled_top = sorted(sampled, key=sampled.get, reverse=True)[:20]
    assert len(set(ranked[:10]) & set(sampled_top)) >= 9 and set(sampled_top) <= set(ranked[:50])
    # close values among the first 20 swap places; over the first 100 the order holds
    assert rank_correlation([exact[node] for node in ranked[:100]], [sampled[node] for node in ranked[:100]]) > 0.8
