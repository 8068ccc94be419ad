"""networkx graphs from a Corpus, with the node ids, attributes and edge kinds of the data contract.

trial, paper and combined graphs are MultiDiGraphs keyed by edge kind, so a paper that is both
cited by and similar to another keeps both edges, while a link seen by two sources stays one
edge with two sources. The author graph is an undirected Graph of co-authorship between the
people `litgraph.authors` resolved. The combined graph holds trials, papers and authors with
their reference, citation, similar and `authored` edges, but no `coauthor` edges: co-authorship
follows from the `authored` edges and has its own graph, and in the combined one it doubled the
edges and buried the rest. The cocitation, coupling and mesh graphs, and the metrics
on paper and author nodes, come from `litgraph.analysis`.
"""

from __future__ import annotations

from collections import Counter
from itertools import combinations

import networkx as nx

from .analysis import add_metrics, cocitation_graph, coupling_graph, mesh_graph
from .authors import Authorship, resolve_authors
from .model import Corpus, Paper, Trial

GRAPH_NAMES = ("trial", "paper", "author", "combined", "cocitation", "coupling", "mesh")


def build_graphs(corpus: Corpus, name: str = "") -> dict[str, nx.Graph]:
    """Every graph of the contract, by name, with metrics on paper and author nodes."""
    authorship = resolve_authors(corpus.papers)
    paper_data = {node: paper_attributes(corpus, node, paper, authorship.bylines[node])
                  for node, paper in corpus.papers.items()}
    coauthors = coauthor_graph(authorship)
    papers = paper_graph(corpus, paper_data)
    graphs = {
        "trial": trial_graph(corpus, paper_data),
        "paper": papers,
        "author": coauthors,
        "combined": combined_graph(corpus, paper_data, authorship),
        "cocitation": cocitation_graph(papers),
        "coupling": coupling_graph(papers),
        "mesh": mesh_graph(papers),
    }
    add_metrics(graphs)
    for graph_name, graph in graphs.items():
        graph.graph.update(name=graph_name, title=f"{name} — {graph_name} graph" if name else f"{graph_name} graph")
    return graphs


def paper_attributes(corpus: Corpus, node: str, paper: Paper, author_ids: list[str]) -> dict:
    return {
        "type": "paper",
        "label": paper_label(paper),
        "pmid": paper.pmid,
        "title": paper.title,
        "journal": paper.journal,
        "year": paper.year,
        "doi": paper.doi,
        "pmcid": paper.pmcid,
        "authors": [author.display_name for author in paper.authors if author.has_name],
        "author_names": [author.sort_name for author in paper.authors if author.has_name],
        "author_ids": list(author_ids),
        "mesh": list(paper.mesh),
        "publication_types": list(paper.publication_types),
        "retracted": paper.retracted,
        "seed": node in corpus.seeds,
        "depth": corpus.depth.get(node, 0),
        "fetched": paper.fetched,
        "citation": paper.citation,
        "link_data": sorted(corpus.link_sources.get(node, ())),
    }


def paper_label(paper: Paper) -> str:
    first = paper.authors[0] if paper.authors else None
    name = (first.last_name or first.collective) if first else ""
    if name or paper.year:
        return " ".join(str(part) for part in (name, paper.year) if part)
    if paper.pmid:
        return f"PMID {paper.pmid}"
    return " ".join(paper.citation.split()[:4]) + "…"


def trial_attributes(trial: Trial) -> dict:
    return {
        "type": "trial",
        "label": trial.nct_id,
        "nct_id": trial.nct_id,
        "title": trial.title,
        "official_title": trial.official_title,
        "status": trial.status,
        "phase": trial.phase,
        "conditions": list(trial.conditions),
        "interventions": list(trial.interventions),
        "sponsor": trial.sponsor,
        "start_date": trial.start_date,
        "completion_date": trial.completion_date,
        "enrollment": trial.enrollment,
    }


def _add_trials(graph: nx.MultiDiGraph, corpus: Corpus, papers: dict[str, dict]) -> None:
    for trial in corpus.trials.values():
        graph.add_node(trial.node_id, **trial_attributes(trial))
        for reference in trial.references:
            node = reference.node_id
            if node not in graph:
                graph.add_node(node, **papers[node])
            _add_edge(graph, trial.node_id, node, reference.kind, "registry")


def _add_edge(graph, u: str, v: str, kind: str, source: str, **attributes) -> None:
    """One edge per (u, v, kind); a second sighting adds its source instead of a second edge."""
    if graph.has_edge(u, v, key=kind):
        sources = graph.edges[u, v, kind]["sources"]
        if source not in sources:
            sources.append(source)
    else:
        graph.add_edge(u, v, key=kind, kind=kind, sources=[source], **attributes)


def trial_graph(corpus: Corpus, papers: dict[str, dict]) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    _add_trials(graph, corpus, papers)
    return graph


def _add_papers(graph: nx.MultiDiGraph, corpus: Corpus, papers: dict[str, dict]) -> None:
    graph.add_nodes_from(papers.items())
    graph.add_edges_from((citing, cited, "cites", {"kind": "cites", "sources": sorted(sources)})
                         for (citing, cited), sources in corpus.cites.items())
    graph.add_edges_from((a, b, "similar", {"kind": "similar", "sources": sorted(sources)})
                         for (a, b), sources in corpus.similar.items())


def paper_graph(corpus: Corpus, papers: dict[str, dict]) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    _add_papers(graph, corpus, papers)
    return graph


def coauthor_graph(authorship: Authorship) -> nx.Graph:
    """Authors linked by the number of papers they wrote together."""
    weights: Counter = Counter()
    sources: dict[tuple[str, str], set[str]] = {}
    for paper, byline in authorship.bylines.items():
        for pair in combinations(sorted(byline), 2):
            weights[pair] += 1
            sources.setdefault(pair, set()).add(authorship.sources[paper])
    graph = nx.Graph()
    graph.add_nodes_from(authorship.people.items())
    graph.add_edges_from((a, b, {"kind": "coauthor", "weight": weight, "sources": sorted(sources[a, b])})
                         for (a, b), weight in weights.items())
    return graph


def combined_graph(corpus: Corpus, papers: dict[str, dict], authorship: Authorship) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    _add_papers(graph, corpus, papers)
    _add_trials(graph, corpus, papers)
    graph.add_nodes_from(authorship.people.items())
    for paper, byline in authorship.bylines.items():
        for position, author in enumerate(byline, start=1):
            graph.add_edge(author, paper, key="authored", kind="authored", position=position,
                           sources=[authorship.sources[paper]])
    return graph
