"""Bibliometric analyses of a build: co-citation, bibliographic coupling and MeSH co-occurrence
graphs, node metrics, and the top-N tables of summary.json and the terminal.

Every graph here follows the data contract: nodes have `type` and `label`, edges `kind`,
`weight` and `sources` (the link sources of the citations behind the edge, or `pubmed` for
MeSH headings). Co-citation and coupling edges also list the papers that make them, so every
weight can be traced back to citations. To stay readable and fast on large builds, a co-citation
graph takes the MAX_PAPERS most cited papers, a coupling graph the MAX_PAPERS papers citing most,
and every analysis graph keeps its MAX_EDGES strongest links: `graph.graph["min_weight"]` is the
weakest weight kept (1 when nothing was cut). The functions take other limits for other needs.

Metrics are node attributes:
- papers: `cited_by` (papers in this build citing it), `pagerank` (on the citation graph,
  citing -> cited), `community` (Leiden on the citation graph taken as undirected).
- authors: `pagerank` (co-authorship weighted by papers together), `betweenness` (shortest
  paths in co-authorship hops, normalised as networkx does; estimated from a seeded sample of
  BETWEENNESS_SOURCES source nodes when the graph is too large for exact values, see
  BETWEENNESS_BUDGET and litgraph.betweenness), `community` (Leiden, weighted).
Communities are numbered from 0, the largest first. Everything random has a fixed seed, so
one corpus always gives the same numbers. PageRank and communities come from igraph, on arrays
made once from the graphs (`Network`); Leiden (Traag, Waltman and van Eck, 2019) optimises
modularity as Louvain does, but its communities are always connected.
"""

from __future__ import annotations

import math
import os
import random
import sys
import threading
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain, combinations
from typing import Callable, Iterable, Iterator

import networkx as nx
import numpy as np

from .arrays import pair_order
from .betweenness import TwinClasses, betweenness_of_classes
from .contract import TOP_ROWS
from .terminal import terminal_text

SEED = 42
# Betweenness costs one breadth-first search per source (per class of twin sources, see
# litgraph.betweenness), each a step per adjacency entry: about 20 ns a step. Within this many
# steps every node is a source (exact, 0.2 s); beyond, a seeded sample of BETWEENNESS_SOURCES
# nodes is. On a 10,000-paper build that finds the exact top 10 among its top 20, and its top 20
# among the exact top 40 (bench/graphs.py --betweenness measures it).
BETWEENNESS_BUDGET = 10_000_000
BETWEENNESS_SOURCES = 256
TOPIC_COMMUNITIES = 50  # communities per kind (the largest) whose topics are named
MAX_PAPERS = 1000  # papers in a co-citation (most cited) or coupling (most citing) graph
MAX_EDGES = 20_000  # links in an analysis graph: the strongest; graph.graph["min_weight"] says where it cut
GRAPH_LIMITS = ("min_weight", "papers_considered")  # graph attributes that say what an analysis graph left out

# MeSH check tags describe the study population, not its subject; on nearly every record, they
# would tie every heading to every other.
CHECK_TAGS = frozenset({
    "Humans", "Animals", "Male", "Female", "Pregnancy", "Infant, Newborn", "Infant", "Child, Preschool",
    "Child", "Adolescent", "Young Adult", "Adult", "Middle Aged", "Aged", "Aged, 80 and over", "Mice",
    "Rats", "Cattle", "Dogs", "Cats", "Rabbits", "Guinea Pigs", "Cricetinae", "Swine", "Chick Embryo",
})


# --- graphs --------------------------------------------------------------------------------

def cocitation_graph(papers: nx.MultiDiGraph, max_papers: int = MAX_PAPERS, max_edges: int = MAX_EDGES,
                     citations: Citations | None = None) -> nx.Graph:
    """The most cited papers linked by how many papers of the graph cite both (edge kind `cocited`).

    `citing_papers` lists those papers; `sources` are the sources of the citations involved.
    `citations` are the paper graph's, when the caller has them already.
    """
    return _shared_citation_graph(papers, citations or Citations.of(papers), linked="cited", kind="cocited",
                                  evidence="citing_papers", max_papers=max_papers, max_edges=max_edges)


def coupling_graph(papers: nx.MultiDiGraph, max_papers: int = MAX_PAPERS, max_edges: int = MAX_EDGES,
                   citations: Citations | None = None) -> nx.Graph:
    """The papers citing most linked by how many references of the graph they share (kind `coupled`).

    `shared_references` lists those references; `sources` are the sources of the citations involved.
    `citations` are the paper graph's, when the caller has them already.
    """
    return _shared_citation_graph(papers, citations or Citations.of(papers), linked="citing", kind="coupled",
                                  evidence="shared_references", max_papers=max_papers, max_edges=max_edges)


class SourceBits:
    """Source names as the bits of an int, so that the sources of many links combine by bitwise or."""

    def __init__(self, names: Iterable[str]) -> None:
        self.names = sorted(set(names))
        if len(self.names) > 63:
            raise ValueError(f"too many sources to hold as bits: {len(self.names)}")
        self.bit = {name: 1 << place for place, name in enumerate(self.names)}

    def mask(self, names: Iterable[str]) -> int:
        return sum(self.bit[name] for name in set(names))

    def names_of(self, mask: int) -> list[str]:
        """The names in a mask, sorted."""
        return [name for place, name in enumerate(self.names) if mask >> place & 1]


class Citations:
    """Citations as arrays: papers numbered in id order, citations sorted by citing then cited
    paper, and the sources of each citation as bits."""

    def __init__(self, papers: Iterable[str], cites: Iterable[tuple[str, str, list[str]]]) -> None:
        in_order = list(papers)
        self.names = np.array(sorted(in_order), dtype=object)
        number = {name: index for index, name in enumerate(self.names)}
        self.in_graph_order = np.array([number[name] for name in in_order], dtype=np.int64)
        citing, cited, kinds = list(zip(*((number[u], number[v], tuple(sources)) for u, v, sources in cites))) or [()] * 3
        self.sources = SourceBits(chain.from_iterable(set(kinds)))
        mask_of = {sources: self.sources.mask(sources) for sources in set(kinds)}
        citing, cited = np.array(citing, dtype=np.int64), np.array(cited, dtype=np.int64)
        masks = np.array([mask_of[sources] for sources in kinds], dtype=np.int64)
        order = pair_order(citing, cited)
        self.citing, self.cited, self.masks = citing[order], cited[order], masks[order]

    @classmethod
    def of(cls, papers: nx.MultiDiGraph) -> Citations:
        """The `cites` edges of a paper graph."""
        return cls(papers, ((u, v, data["sources"]) for u, v, data in papers.edges(data=True) if data["kind"] == "cites"))

    def linked_pairs(self) -> tuple[np.ndarray, np.ndarray]:
        """Each pair of papers one cites the other of, once (a paper citing one that cites it back too)."""
        code = np.unique(np.minimum(self.citing, self.cited) * len(self.names) + np.maximum(self.citing, self.cited))
        return code // max(len(self.names), 1), code % max(len(self.names), 1)


def _shared_citation_graph(papers: nx.MultiDiGraph, citations: Citations, *, linked: str, kind: str, evidence: str,
                           max_papers: int, max_edges: int) -> nx.Graph:
    """Papers on the `linked` end of citations ("cited" or "citing"), one edge per pair that shares
    papers on the other end (hubs), weighted by how many they share."""
    hubs, members = (citations.citing, citations.cited) if linked == "cited" else (citations.cited, citations.citing)
    kept = _most_linked(members, len(citations.names), max_papers)
    among = np.isin(members, kept)
    pairs = linked_pairs(hubs[among], members[among], citations.masks[among])
    min_weight = _weakest_kept(pairs.weights, max_edges)
    graph = nx.Graph(min_weight=min_weight, papers_considered=len(kept))
    strong = np.flatnonzero(pairs.weights >= min_weight)
    starts, ends = pairs.starts[strong], pairs.starts[strong] + pairs.weights[strong]
    first, second = citations.names[pairs.first[strong]].tolist(), citations.names[pairs.second[strong]].tolist()
    graph.add_nodes_from((node, papers.nodes[node]) for node in dict.fromkeys(chain.from_iterable(zip(first, second))))
    hub_names = citations.names[pairs.hubs]
    graph.add_edges_from((a, b, {"kind": kind, "weight": end - start, evidence: hub_names[start:end].tolist(),
                                 "sources": citations.sources.names_of(mask)})
                         for a, b, start, end, mask in zip(first, second, starts.tolist(), ends.tolist(),
                                                           pairs.masks[strong].tolist()))
    return graph


def _most_linked(members: np.ndarray, count: int, max_papers: int) -> np.ndarray:
    """The papers (at most `max_papers`) at the `members` end of the most citations; ties by id."""
    counts = np.bincount(members, minlength=count)
    ranked = np.lexsort((np.arange(count), -counts))
    return ranked[:min(max_papers, np.count_nonzero(counts))]


@dataclass
class LinkedPairs:
    """Every pair of members linked through a hub (two papers cited by one paper, two authors of one
    paper), in runs sorted by pair (first < second) and, within a run, by the hub's first appearance."""

    first: np.ndarray
    second: np.ndarray
    hubs: np.ndarray  # one per link, in runs
    starts: np.ndarray  # where each pair's run begins
    weights: np.ndarray  # each pair's number of hubs
    masks: np.ndarray  # each pair's sources, as bits: those of both members' links to all its hubs


def linked_pairs(hubs: np.ndarray, members: np.ndarray, masks: np.ndarray) -> LinkedPairs:
    """The pairs linked through hubs, from links hub -> member (in their order) and their sources' bits."""
    first_appearance = np.full(hubs.max(initial=-1) + 1, len(hubs))
    np.minimum.at(first_appearance, hubs, np.arange(len(hubs)))
    order = pair_order(hubs, members)
    hubs, members, masks = hubs[order], members[order], masks[order]
    # each link pairs with the later links of its hub
    later = np.searchsorted(hubs, hubs, side="right") - np.arange(len(hubs)) - 1
    left = np.repeat(np.arange(len(hubs)), later)
    right = left + 1 + np.arange(len(left)) - np.repeat(np.cumsum(later) - later, later)
    code = members[left] * (members.max(initial=0) + 1) + members[right]
    order = pair_order(code, first_appearance[hubs[left]])
    left, right, code = left[order], right[order], code[order]
    starts = np.flatnonzero(np.concatenate([[True], code[1:] != code[:-1]])) if len(code) else np.zeros(0, np.int64)
    either = masks[left] | masks[right]
    return LinkedPairs(first=members[left][starts], second=members[right][starts], hubs=hubs[left], starts=starts,
                       weights=np.diff(starts, append=len(left)),
                       masks=np.bitwise_or.reduceat(either, starts) if len(starts) else either)


def _weakest_kept(weights: np.ndarray | list[int], max_edges: int) -> int:
    """The smallest weight w for which at most `max_edges` links weigh w or more."""
    at_least = np.cumsum(np.bincount(np.asarray(weights, dtype=np.int64), minlength=2)[::-1])[::-1]
    return int(np.argmax(np.append(at_least, 0)[1:] <= max_edges)) + 1


def mesh_graph(papers: nx.Graph, max_edges: int = MAX_EDGES) -> nx.Graph:
    """MeSH headings (check tags left out) linked by the papers indexed with both (kind `cooccurs`).

    Nodes are `mesh:<heading>` with type `mesh` and `papers` (how many papers carry the heading).
    """
    counts: Counter = Counter()
    pairs: Counter = Counter()
    for _, headings in papers.nodes(data="mesh"):
        topics = sorted({heading for heading in headings or () if heading not in CHECK_TAGS})
        counts.update(topics)
        pairs.update(combinations(topics, 2))
    min_weight = _weakest_kept(list(pairs.values()), max_edges)
    graph = nx.Graph(min_weight=min_weight)
    graph.add_nodes_from((f"mesh:{heading}", {"type": "mesh", "label": heading, "name": heading, "papers": count})
                         for heading, count in sorted(counts.items()))
    graph.add_edges_from((f"mesh:{a}", f"mesh:{b}", {"kind": "cooccurs", "weight": weight, "sources": ["pubmed"]})
                         for (a, b), weight in sorted(pairs.items()) if weight >= min_weight)
    return graph


# --- metrics -------------------------------------------------------------------------------

class Network:
    """A graph as igraph holds it, made once from arrays: node i is names[i], edge j joins sources[j]
    and targets[j] and weighs weights[j] (None: every edge weighs 1)."""

    def __init__(self, names: list, sources: np.ndarray, targets: np.ndarray, weights: np.ndarray | None = None,
                 directed: bool = False) -> None:
        igraph = _igraph()

        self.names = names
        self.graph = igraph.Graph(n=len(names), edges=np.column_stack([sources, targets]).tolist(), directed=directed)
        self.weights = None if weights is None else np.asarray(weights, dtype=float).tolist()

    @classmethod
    def of(cls, graph: nx.Graph, weight: str | None = None) -> Network:
        """A networkx graph's nodes and edges (edges without `weight` weigh 1)."""
        names = list(graph)
        number = {node: place for place, node in enumerate(names)}
        links = graph.edges(data=weight, default=1) if weight else ((u, v, 1) for u, v in graph.edges())
        sources, targets, weights = list(zip(*((number[u], number[v], value) for u, v, value in links))) or [()] * 3
        return cls(names, np.array(sources, np.int64), np.array(targets, np.int64),
                   np.array(weights, float) if weight else None, directed=graph.is_directed())


@contextmanager
def seeded(seed: int) -> Iterator[None]:
    """igraph's random numbers drawn from `seed`, then from its default (Python's random module)
    again; one thread at a time, as igraph has one generator."""
    igraph = _igraph()

    with _IGRAPH_RANDOM:
        igraph.set_random_number_generator(random.Random(seed))
        try:
            yield
        finally:
            igraph.set_random_number_generator(random)


_IGRAPH_RANDOM = threading.Lock()


def _igraph():
    """igraph, imported here rather than at the top (a rebuild whose metrics are remembered never
    needs it), with one OpenMP thread: its PageRank (PRPACK) sums in parallel, and with two threads
    the same graph's ranks differed in their last digits from call to call, so the files did too.
    OpenMP reads OMP_NUM_THREADS once, when igraph loads it; the environment is left as it was."""
    if "igraph" not in sys.modules:
        given = os.environ.get("OMP_NUM_THREADS")
        os.environ["OMP_NUM_THREADS"] = "1"
        try:
            import igraph  # noqa: F401 - loaded for the line below
        finally:
            if given is None:
                del os.environ["OMP_NUM_THREADS"]
            else:
                os.environ["OMP_NUM_THREADS"] = given
    return sys.modules["igraph"]


def pagerank(graph: nx.Graph, weight: str | None = None, alpha: float = 0.85) -> dict:
    """PageRank; a node without out-links spreads its rank over all nodes. Undirected edges count
    both ways (and a loop twice, as in the node's degree: networkx counts it once)."""
    network = Network.of(graph, weight)
    return dict(zip(network.names, _pagerank(network, alpha).tolist()))


def _pagerank(network: Network, alpha: float = 0.85) -> np.ndarray:
    """igraph's PageRank (PRPACK, which solves for it rather than iterating to a tolerance)."""
    return np.array(network.graph.pagerank(damping=alpha, weights=network.weights))


def betweenness(graph: nx.Graph) -> tuple[dict, dict]:
    """Normalised betweenness in hops, and how it was computed (exact, or sampled with a fixed seed)."""
    classes = TwinClasses(graph)
    if classes.count * classes.entries <= BETWEENNESS_BUDGET or len(graph) <= BETWEENNESS_SOURCES:
        return betweenness_of_classes(classes), {"method": "exact"}
    values = betweenness_of_classes(classes, BETWEENNESS_SOURCES, SEED)
    return values, {"method": "sampled", "sources": BETWEENNESS_SOURCES, "seed": SEED}


def communities(graph: nx.Graph) -> dict:
    """The community of each node (see `_communities`), edges weighed by their `weight`."""
    network = Network.of(graph, "weight")
    return dict(zip(network.names, _communities(network).tolist()))


def _communities(network: Network) -> np.ndarray:
    """Leiden communities of an undirected network: modularity, seeded, iterated until an iteration
    improves nothing. Numbered by size (0 = largest), ties by first member (as text)."""
    with seeded(SEED):
        found = network.graph.community_leiden(objective_function="modularity", weights=network.weights,
                                               n_iterations=-1)
    membership = np.array(found.membership, dtype=np.int64)
    if not len(membership):
        return membership
    text_rank = np.empty(len(membership), dtype=np.int64)
    text_rank[sorted(range(len(membership)), key=lambda node: str(network.names[node]))] = np.arange(len(membership))
    first = np.full(membership.max() + 1, len(membership))
    np.minimum.at(first, membership, text_rank)
    number = np.empty(len(first), dtype=np.int64)
    number[np.lexsort((first, -np.bincount(membership)))] = np.arange(len(first))
    return number[membership]


def add_metrics(graphs: dict[str, nx.Graph], citations: Citations | None = None,
                coauthors: Network | None = None,
                measured_authors: Callable[[], tuple[dict, dict]] | None = None,
                measured_papers: dict[str, dict] | None = None) -> None:
    """Compute paper and author metrics and set them on those nodes in every graph holding them.

    `citations` are the paper graph's and `coauthors` the author graph's (weighted), when the
    caller has them already; `measured_authors` gives `author_metrics`'s answer when the caller
    had it computed elsewhere (on another core, while it built the other graphs), and
    `measured_papers` is `paper_metrics`'s when the caller has it already.
    """
    values = measured_papers if measured_papers is not None else paper_metrics(citations or Citations.of(graphs["paper"]))
    authors = graphs["author"]
    coauthors = coauthors or Network.of(authors, "weight")
    author_values, method = measured_authors() if measured_authors else author_metrics(authors, coauthors)
    values = values | {node: {"pagerank": rank, **author_values[node]}
                       for node, rank in zip(coauthors.names, _pagerank(coauthors).tolist())}
    authors.graph["betweenness"] = method
    for graph in graphs.values():
        for node, attributes in graph.nodes(data=True):
            attributes.update(values.get(node, {}))
    topics = community_topics(graphs)
    for graph in graphs.values():
        graph.graph["community_topics"] = topics


def paper_metrics(citations: Citations) -> dict[str, dict]:
    """Each paper's `cited_by`, `pagerank` and `community`, by node, from the paper graph's citations."""
    papers = citations.names.tolist()
    paper_rank = _pagerank(Network(papers, citations.citing, citations.cited, directed=True))
    paper_community = _communities(Network(papers, *citations.linked_pairs()))
    cited_by = np.bincount(citations.cited, minlength=len(papers))
    return {node: {"cited_by": count, "pagerank": rank, "community": community}
            for node, count, rank, community in zip(papers, cited_by.tolist(), paper_rank.tolist(),
                                                    paper_community.tolist())}


def author_metrics(authors: nx.Graph, coauthors: Network) -> tuple[dict[str, dict], dict]:
    """Each author's `betweenness` and `community`, by node; and how betweenness was computed.
    `coauthors` is the author graph as a weighted Network. (PageRank is not here: litgraph.forked
    runs this in a child process, and igraph's PageRank runs OpenMP code, which hangs in a child
    forked after the parent has run it.)"""
    author_betweenness, method = betweenness(authors)
    values = {node: {"betweenness": author_betweenness[node], "community": community}
              for node, community in zip(coauthors.names, _communities(coauthors).tolist())}
    return values, method


def community_topics(graphs: dict[str, nx.Graph], count: int = TOPIC_COMMUNITIES) -> dict[str, dict[str, list[str]]]:
    """What the largest communities are about: their most frequent MeSH headings (check tags left
    out), from the papers in a paper community and the papers written by an author community's
    members. Keys are community numbers as text, so the table reads the same from JSON."""
    papers = graphs["paper"]
    headings = {node: data.get("mesh") or () for node, data in papers.nodes(data=True)}
    members: dict[str, dict[int, list]] = {"paper": defaultdict(list), "author": defaultdict(list)}
    for node, data in papers.nodes(data=True):
        if isinstance(data.get("community"), int) and data["community"] < count:
            members["paper"][data["community"]].append(headings[node])
    people = graphs["author"].nodes
    for paper, authors in papers.nodes(data="author_ids"):
        for author in authors or ():
            number = people[author].get("community") if author in people else None
            if isinstance(number, int) and number < count:
                members["author"][number].append(headings[paper])
    overall = Counter(heading for paper in headings.values() for heading in set(paper) if heading not in CHECK_TAGS)
    return {kind: {str(number): _telling_headings(groups[number], overall, len(headings)) for number in sorted(groups)}
            for kind, groups in members.items()}


# --- top-N tables --------------------------------------------------------------------------

def top_tables(graphs: dict[str, nx.Graph], rows: int = TOP_ROWS) -> dict:
    """The tables summary.json keeps and `litgraph summary` prints, from graphs with metrics, and
    `why_empty`: for each empty table, why."""
    papers, authors = graphs["paper"], graphs["author"]
    cited = sorted(((node, data) for node, data in papers.nodes(data=True) if data["cited_by"]),
                   key=lambda item: (-item[1]["cited_by"], -item[1]["pagerank"], item[0]))
    central = sorted(authors.nodes(data=True),
                     key=lambda item: (-item[1]["betweenness"], -item[1]["pagerank"], item[0]))
    tables = {
        "betweenness": authors.graph.get("betweenness", {}),
        "most_cited_papers": [{"id": node, "label": data["label"], "title": data.get("title", ""),
                               "year": data.get("year"), "cited_by": data["cited_by"],
                               "pagerank": round(data["pagerank"], 6)} for node, data in cited[:rows]],
        "central_authors": [{"id": node, "name": data["name"], "papers": data["papers"],
                             "betweenness": round(data["betweenness"], 6), "pagerank": round(data["pagerank"], 6),
                             "community": data["community"]} for node, data in central[:rows]],
        "largest_communities": {kind: _largest_communities(graph, rows, graph.graph.get("community_topics", {}).get(kind, {}))
                                for kind, graph in (("paper", papers), ("author", authors))},
    }
    citations = _why_no_citations(papers)
    empty = {"most_cited_papers": (tables["most_cited_papers"], citations),
             "central_authors": (tables["central_authors"], "no authors are known"),
             "paper_communities": (tables["largest_communities"]["paper"], citations),
             "author_communities": (tables["largest_communities"]["author"], "no two authors wrote a paper together")}
    tables["why_empty"] = {table: why for table, (rows_kept, why) in empty.items() if not rows_kept}
    return tables


def _why_no_citations(papers: nx.Graph) -> str:
    """Why no paper of the build cites another (the reason the paper tables are empty)."""
    records = [data for _, data in papers.nodes(data=True)]
    if not records:
        return "the build has no papers"
    if not any(data.get("fetched") for data in records):
        return "no citation links are known: no PubMed record could be had, only the registry's citations"
    if not any(data.get("link_data") for data in records):
        return "no citation links are known: no citation source asked has any for these papers, or they could not be fetched"
    return "none of these papers cites another"


def _largest_communities(graph: nx.Graph, rows: int, topics: dict[str, list[str]]) -> list[dict]:
    members: dict[int, list[tuple[str, dict]]] = defaultdict(list)
    for node, data in graph.nodes(data=True):
        members[data["community"]].append((node, data))
    tables = []
    for number in sorted(members)[:rows]:
        group = sorted(members[number], key=lambda item: (-item[1]["pagerank"], item[0]))
        if len(group) < 2:
            break  # numbered by size: the rest are single nodes
        row = {"community": number, "size": len(group), "central": [data["label"] for _, data in group[:3]]}
        row["topics"] = topics.get(str(number), [])
        tables.append(row)
    return tables


def _telling_headings(headings: list[Iterable[str]], overall: Counter, papers: int, count: int = 3) -> list[str]:
    """The headings that say what a community is about: frequent in it and more frequent in it than
    in the build's papers as a whole (a heading on every paper, "Treatment Outcome", tells nothing),
    scored by count × log(share here / share overall); ties by count, then name."""
    counts = Counter(heading for paper in headings for heading in set(paper) if heading not in CHECK_TAGS)
    size = max(len(headings), 1)

    def score(item: tuple[str, int]) -> float:
        heading, here = item
        return here * math.log1p((here / size) / (overall.get(heading, here) / max(papers, 1)))

    ranked = sorted(counts.items(), key=lambda item: (-score(item), -item[1], item[0]))
    telling = [heading for heading, here in ranked if here >= 2 or size < 4]
    return telling[:count]


def format_tables(tables: dict, rows: int = 10) -> str:
    """The top-N tables as plain text for the terminal."""
    sampled = tables.get("betweenness", {}).get("method") == "sampled"
    why = tables.get("why_empty", {})  # summaries of older builds have none
    sections = [
        _text_table("Most cited papers (citations from papers in this build)",
                    ("cited by", "PageRank", "year", "paper"),
                    [(row["cited_by"], f"{row['pagerank']:.4f}", row["year"] or "",
                      _paper_text(row)) for row in tables["most_cited_papers"][:rows]], why.get("most_cited_papers")),
        _text_table("Central authors (co-authorship betweenness" + (", sampled)" if sampled else ")"),
                    ("betweenness", "PageRank", "papers", "author"),
                    [(f"{row['betweenness']:.4f}", f"{row['pagerank']:.4f}", row["papers"],
                      f"{row['name']}  [{row['id']}]") for row in tables["central_authors"][:rows]],
                    why.get("central_authors")),
    ]
    for graph, title in (("paper", "Largest paper communities (citations)"),
                         ("author", "Largest author communities (co-authorship)")):
        sections.append(_text_table(title, ("community", "size", "central members"), [
            (row["community"], row["size"], "; ".join(row["central"])
             + (f"  — {', '.join(row['topics'])}" if row.get("topics") else ""))
            for row in tables["largest_communities"][graph][:rows]], why.get(f"{graph}_communities")))
    return "\n\n".join(sections)


def _paper_text(row: dict) -> str:
    title = row["title"] if len(row["title"]) <= 70 else row["title"][:69] + "…"
    return f"{row['label']}: {title}  [{row['id']}]" if title else f"{row['label']}  [{row['id']}]"


def _text_table(title: str, headers: tuple[str, ...], rows: list[tuple], why_empty: str | None = None) -> str:
    """Right-aligned numeric columns, the last (text) column left-aligned."""
    if not rows:
        return f"{title}\n  (none{f': {why_empty}' if why_empty else ''})"
    cells = [tuple(terminal_text(value) for value in row) for row in rows]  # record text: see litgraph.terminal
    widths = [max(len(headers[i]), *(len(row[i]) for row in cells)) for i in range(len(headers) - 1)]

    def line(values: tuple[str, ...]) -> str:
        return "  " + "  ".join([value.rjust(width) for value, width in zip(values, widths)] + [values[-1]])

    return "\n".join([title, line(headers)] + [line(row) for row in cells])
