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

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable, Iterable

import networkx as nx
import numpy as np

from .analysis import Citations, Network, SourceBits, add_metrics, author_metrics, cocitation_graph, coupling_graph, linked_pairs, mesh_graph, paper_metrics
from .authors import Authorship, resolve_authors
from .collector import collector_paused
from .forked import Forked
from .investigators import Candidate, match_officials
from .model import Corpus, Impact, Paper, Trial

Edge = tuple[str, str, str, dict]  # (u, v, kind, attributes): kind is also the edge key
# Author graphs from this size have their metrics computed on another core (litgraph.forked): below
# it a child process costs more than it saves.
FORKED_AUTHORS = 2_000
FORKED_RESOLVING = 2_000  # papers from which who is who is resolved on another core (litgraph.forked)
IMPACT_ATTRIBUTES = ("citation_count", "rcr", "nih_percentile", "apt", "is_clinical", "cited_by_clinical")


@dataclass
class Parts:
    """Nodes and edges made once and added to every graph that holds them. networkx copies each
    attribute dict into a graph, so graphs share the lists in them (sources, authors) but no dict."""

    papers: dict[str, dict]  # paper node id -> attributes
    trials: dict[str, dict]  # trial node id -> attributes
    links: list[Edge]  # cites, then similar
    references: list[Edge]  # trial -> paper, by reference kind
    people: dict[str, dict] = field(default_factory=dict)  # author node id -> attributes
    authored: list[Edge] = field(default_factory=list)  # author -> paper
    investigators: list[Edge] = field(default_factory=list)  # trial -> author: a registry official matched to an author


def build_graphs(corpus: Corpus, name: str = "", authorship: Authorship | None = None) -> dict[str, nx.Graph]:
    """Every graph of the contract, by name, with metrics on paper and author nodes. `authorship`
    is `resolve_authors(corpus.papers)` when the caller has it already."""
    with collector_paused():
        return _build_graphs(corpus, name, authorship)


def _build_graphs(corpus: Corpus, name: str, authorship: Authorship | None) -> dict[str, nx.Graph]:
    graphs, citations, coauthors, measured = _graphs_without_metrics(corpus, authorship)  # parts freed by now
    add_metrics(graphs, citations, coauthors, *measured)
    for graph_name, graph in graphs.items():
        graph.graph.update(name=graph_name, title=f"{name} — {graph_name} graph" if name else f"{graph_name} graph")
    return graphs


def _graphs_without_metrics(corpus: Corpus, authorship: Authorship | None = None
                            ) -> tuple[dict[str, nx.Graph], Citations, Network, tuple[Callable[[], tuple[dict, dict]], dict]]:
    """The graphs, the paper graph's citations, the author graph as a Network, and the author and
    paper metrics. Work is done on the other core twice, when the build is large enough to be worth
    a process: who is who (unless the caller has it) while this core builds what needs no authors,
    the paper graph and those made from it; then the author metrics, begun as soon as the author
    graph is made, while this core builds the rest. The paper metrics go where this core would
    otherwise wait: before who is who is known if it is not yet, else beside the author metrics."""
    resolving = (None if authorship is not None
                 else Forked(resolve_authors, corpus.papers, fork=len(corpus.papers) >= FORKED_RESOLVING))
    parts = graph_parts(corpus)
    papers = paper_graph(parts)
    citations = Citations(parts.papers, ((u, v, data["sources"]) for u, v, kind, data in parts.links if kind == "cites"))
    of_papers = {"cocitation": cocitation_graph(papers, citations=citations),
                 "coupling": coupling_graph(papers, citations=citations), "mesh": mesh_graph(papers)}
    measured_papers = paper_metrics(citations) if resolving is not None and not resolving.ready() else None
    authorship = resolving.result() if resolving is not None else authorship
    add_authors(parts, corpus, authorship)
    authors, coauthors = coauthor_graph(authorship)
    measured_authors = Forked(author_metrics, authors, coauthors, fork=len(authors) >= FORKED_AUTHORS).result
    graphs = {
        "trial": trial_graph(parts),
        "paper": papers,
        "author": authors,
        "combined": combined_graph(parts, last=True),  # the last made from the parts
        **of_papers,
    }
    return graphs, citations, coauthors, (measured_authors, measured_papers or paper_metrics(citations))


def graph_parts(corpus: Corpus) -> Parts:
    """The papers, trials and their links; the authors come with `add_authors`."""
    papers = {node: paper_attributes(corpus, node, paper) for node, paper in corpus.papers.items()}
    distinguish_labels(papers, _paper_suffix, lambda item: (str(item[1]["title"] or item[1]["citation"]).casefold(), item[0]))
    return Parts(
        papers=papers,
        trials={trial.node_id: trial_attributes(trial) for trial in corpus.trials.values()},
        links=[(citing, cited, "cites", {"kind": "cites", "sources": sorted(sources)})
               for (citing, cited), sources in corpus.cites.items()]
        + [(a, b, "similar", {"kind": "similar", "sources": sorted(sources)}) for (a, b), sources in corpus.similar.items()],
        references=reference_edges(corpus),
    )


def add_authors(parts: Parts, corpus: Corpus, authorship: Authorship) -> None:
    """The people, their `authored` and `investigator` edges, and each paper's `author_ids`: filled
    into the list its attributes hold, which every graph made from them already shares."""
    for node, attributes in parts.papers.items():
        attributes["author_ids"].extend(authorship.bylines[node])
    distinguish_labels(authorship.people, lambda label, number: f" [{number + 1}]", lambda item: (-item[1]["papers"], item[0]))
    parts.people = authorship.people
    parts.authored = [(author, paper, "authored", {"kind": "authored", "position": position,
                                                   "sources": [authorship.sources[paper]]})
                      for paper, byline in authorship.bylines.items() for position, author in enumerate(byline, start=1)]
    parts.investigators = investigator_edges(corpus, authorship, parts.references)


def investigator_edges(corpus: Corpus, authorship: Authorship, references: list[Edge]) -> list[Edge]:
    """trial -> author for each registry official whose name agrees with an author of the
    trial's papers, with the evidence for the match (see `litgraph.investigators`)."""
    papers_of = papers_by_trial(references)
    edges = []
    for trial in corpus.trials.values():
        papers = papers_of.get(trial.node_id, [])
        for match in match_officials(trial.officials, _candidates(corpus, authorship, papers), len(papers)):
            edges.append((trial.node_id, match.node, "investigator", {
                "kind": "investigator", "official": match.official.name, "role": match.official.role,
                "evidence": match.evidence, "sources": ["registry"]}))
    return edges


def _candidates(corpus: Corpus, authorship: Authorship, papers: list[str]) -> list[Candidate]:
    """The authors of these papers, each with their fullest name form and how many they wrote."""
    found: dict[str, Candidate] = {}
    for paper in papers:
        named = corpus.papers[paper].named_authors
        for author, node in zip(named, authorship.bylines[paper]):
            known = found.get(node)
            if known is None or (author.given_names and not known.name.given_names):
                found[node] = Candidate(node, author, authorship.people[node]["affiliations"],
                                        known.trial_papers if known else 0)
            found[node].trial_papers += 1
    return list(found.values())


def papers_by_trial(references: list[Edge]) -> dict[str, list[str]]:
    """trial -> the papers it references, each once, in reference order."""
    papers_of: dict[str, dict[str, None]] = defaultdict(dict)
    for trial, paper, _, _ in references:
        papers_of[trial][paper] = None
    return {trial: list(papers) for trial, papers in papers_of.items()}


def reference_edges(corpus: Corpus) -> list[Edge]:
    """One edge per (trial, paper, kind) with every source that saw it.

    The registry lists a reference (a reference listed twice is still one sighting); PubMed's
    record of a paper names the trial (`pubmed-si`). A paper PubMed ties to the trial joins the
    registry's edge to it, or is `derived` when the registry does not list it.
    """
    edges: dict[tuple[str, str, str], list[str]] = {}
    for trial in corpus.trials.values():
        registered: dict[str, str] = {}
        for reference in trial.references:
            edges.setdefault((trial.node_id, reference.node_id, reference.kind), ["registry"])
            registered.setdefault(reference.node_id, reference.kind)
        for node in sorted(corpus.pubmed_si.get(trial.nct_id, ())):
            edges.setdefault((trial.node_id, node, registered.get(node, "derived")), []).append("pubmed-si")
    return [(trial, paper, kind, {"kind": kind, "sources": sources}) for (trial, paper, kind), sources in edges.items()]


def paper_attributes(corpus: Corpus, node: str, paper: Paper) -> dict:
    """The paper's node attributes; its `author_ids` are filled in by `add_authors`."""
    named = paper.named_authors
    return {
        "type": "paper",
        "label": paper_label(paper),
        "pmid": paper.pmid,
        "title": paper.title,
        "journal": paper.journal,
        "year": paper.year,
        "doi": paper.doi,
        "pmcid": paper.pmcid,
        "authors": [author.display_name for author in named],
        "author_names": [author.sort_name for author in named],
        "author_ids": [],
        "mesh": list(paper.mesh),
        "publication_types": list(paper.publication_types),
        "retracted": paper.retracted,
        "seed": node in corpus.seeds,
        "depth": corpus.depth.get(node, 0),
        "fetched": paper.fetched,
        "citation": paper.citation,
        "link_data": sorted(corpus.link_sources.get(node, ())),
        **impact_attributes(corpus.impact.get(node)),
    }


def impact_attributes(impact: Impact | None) -> dict:
    """What iCite says of a paper across all of PubMed; None (and no clinical citations) where it
    holds no record of it."""
    if impact is None:
        return dict.fromkeys(IMPACT_ATTRIBUTES) | {"clinical_citations": []}
    return {name: getattr(impact, name) for name in IMPACT_ATTRIBUTES} | {"clinical_citations": list(impact.clinical_citations)}


def distinguish_labels(nodes: dict[str, dict], suffix, order) -> None:
    """Nodes sharing a label get suffixes in `order` (of (id, attributes) items), as citation styles
    tell apart two papers of one author and year: "Liang 2010a", "Liang 2010b"; namesake authors
    become "Wang D [1]", "Wang D [2]"."""
    by_label: dict[str, list[tuple[str, dict]]] = defaultdict(list)
    for item in nodes.items():
        by_label[item[1]["label"]].append(item)
    for label, items in by_label.items():
        if len(items) > 1:
            for number, (_, attributes) in enumerate(sorted(items, key=order)):
                attributes["label"] = label + suffix(label, number)


def _paper_suffix(label: str, number: int) -> str:
    """"Liang 2010" + "a"; a label without a year, "Sun (a)"."""
    return _letter(number) if label[-1:].isdigit() else f" ({_letter(number)})"


def _letter(number: int) -> str:
    """a, b, ..., z, aa, ab, ..."""
    letters = ""
    number += 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def paper_label(paper: Paper) -> str:
    """"Sun 2009"; without an author, the title's first words (a year alone names nothing)."""
    first = paper.authors[0] if paper.authors else None
    name = (first.last_name or first.collective) if first else ""
    if not name:
        words = (paper.title or paper.citation).split()
        name = " ".join(words[:3]) + ("…" if len(words) > 3 else "")
    label = " ".join(str(part) for part in (name, paper.year) if part)
    return label or f"PMID {paper.pmid}"


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
        "officials": [", ".join(part for part in (o.name, o.role, o.affiliation) if part) for o in trial.officials],
    }


def trial_graph(parts: Parts) -> nx.MultiDiGraph:
    """Each trial and the papers it lists; the officials matched to authors; and the authors
    whose papers belong to two trials or more, who tie trials together beyond shared papers."""
    graph = nx.MultiDiGraph()
    papers_of = papers_by_trial(parts.references)
    for trial, attributes in parts.trials.items():
        graph.add_node(trial, **attributes)
        graph.add_nodes_from((paper, parts.papers[paper]) for paper in papers_of.get(trial, ()))
    add_edges(graph, parts.references)
    trials_of: dict[str, set[str]] = defaultdict(set)  # paper -> the trials listing it
    for trial, paper, _, _ in parts.references:
        trials_of[paper].add(trial)
    reach: dict[str, set[str]] = defaultdict(set)  # author -> the trials whose papers they wrote
    widest: dict[str, int] = defaultdict(int)  # author -> the most trials one of their papers is listed by
    for author, paper, _, _ in parts.authored:
        trials = trials_of.get(paper)
        if trials:  # most papers of a large build are in no trial's list (1.8 s at 100,000 papers)
            reach[author] |= trials
            widest[author] = max(widest[author], len(trials))
    # An author of one shared paper adds nothing the paper does not show: only papers of their
    # own in different trials make them a link between trials.
    linking = {author for author, trials in reach.items() if len(trials) > widest[author]}
    linking |= {author for _, author, _, _ in parts.investigators}
    graph.add_nodes_from((author, parts.people[author]) for author in sorted(linking))
    add_edges(graph, parts.investigators)
    add_edges(graph, (edge for edge in parts.authored if edge[0] in linking and edge[1] in trials_of))
    return graph


def paper_graph(parts: Parts) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    graph.add_nodes_from(parts.papers.items())
    add_edges(graph, parts.links)
    return graph


def coauthor_graph(authorship: Authorship) -> tuple[nx.Graph, Network]:
    """Authors linked by the number of papers they wrote together, in the order they first write
    together (paper by paper, and by id within a paper); and the same links as a Network, for the
    metrics."""
    people = np.array(sorted(authorship.people), dtype=object)
    bits = SourceBits(authorship.sources.values())
    pairs = linked_pairs(*_authorships(authorship, people, bits))
    order = np.lexsort((pairs.second, pairs.first, pairs.hubs[pairs.starts]))  # by first paper together, then ids
    weights = pairs.weights[order]
    first, second = people[pairs.first[order]].tolist(), people[pairs.second[order]].tolist()
    graph = nx.Graph()
    graph.add_nodes_from(authorship.people.items())
    graph.add_edges_from((a, b, {"kind": "coauthor", "weight": weight, "sources": bits.names_of(mask)})
                         for a, b, weight, mask in zip(first, second, weights.tolist(), pairs.masks[order].tolist()))
    return graph, Network(people.tolist(), pairs.first[order], pairs.second[order], weights)


def _authorships(authorship: Authorship, people: np.ndarray, bits: SourceBits) -> tuple[np.ndarray, ...]:
    """Every author of every paper, paper by paper: the paper's place, the author's place in
    `people`, and the source of the paper's author list as bits."""
    number = {person: place for place, person in enumerate(people)}
    bylines = authorship.bylines.values()
    sizes = [len(byline) for byline in bylines]
    authors = np.fromiter((number[author] for byline in bylines for author in byline), np.int64, sum(sizes))
    sources = np.array([bits.mask([authorship.sources[paper]]) for paper in authorship.bylines], dtype=np.int64)
    return np.repeat(np.arange(len(sizes)), sizes), authors, np.repeat(sources, sizes)


def combined_graph(parts: Parts, last: bool = False) -> nx.MultiDiGraph:
    """Every node and edge of `parts`. When `last` (no graph is made from `parts` after it), the
    graph keeps the parts' own attribute dicts as its edges' rather than copies: 2 million fewer
    dicts at 100,000 papers, 400 MB less at the graphs' peak (bench/graphs.py; no faster)."""
    graph = nx.MultiDiGraph()
    for nodes in (parts.papers, parts.trials, parts.people):
        graph.add_nodes_from(nodes.items())
    for edges in (parts.links, parts.references, parts.investigators, parts.authored):
        add_edges(graph, edges, keep=last)
    return graph


def add_edges(graph: nx.MultiDiGraph, edges: Iterable[Edge], keep: bool = False) -> None:
    """`graph.add_edges_from(edges)`, written into networkx's adjacency directly where both ends are
    nodes already: one dict of keys per node pair, shared by the successor and predecessor dicts,
    and a dict of attributes per edge (with `keep`, the edge's own dict: the caller hands it over).
    add_edges_from goes through add_edge and two views an edge, which took most of the time graphs
    of 100,000 edges took to build."""
    successors, predecessors = graph._succ, graph._pred
    for u, v, key, attributes in edges:
        if u not in successors or v not in successors:
            graph.add_edge(u, v, key, **attributes)
            continue
        keys = successors[u].get(v)
        if keys is None:
            keys = successors[u][v] = predecessors[v][u] = {}
        known = keys.get(key)
        if known is None:
            keys[key] = attributes if keep else attributes.copy()
        else:
            known.update(attributes)
