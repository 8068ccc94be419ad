"""Betweenness centrality of an unweighted undirected graph: Brandes' algorithm in numpy.

With every node a source, the values are `nx.betweenness_centrality(graph)`'s, to rounding. From
a seeded sample of sources they are an estimate, with the pair (s, t) counting on a node v
between them in proportion to d(s, v) / d(s, t) ("linear scaling", Geisberger, Sanders and
Schultes, 2008): over both directions of a pair the shares add up to one, so the estimate is
unbiased and exact with every source, but a sampled source no longer inflates the nodes right
next to it, and the most central nodes come out in the right order with half the sources plain
sampling needs. What makes it fast:

- Twins, nodes with the same closed neighbourhood (such as the one-paper co-authors of one paper),
  have the same shortest paths to every other node and lie on none between each other. So the
  search runs on the graph of twin classes, a class counting as many paths as it has members,
  one search serves every source of a class, and each member gets an equal share of its class's
  betweenness.
- The search goes breadth-first a level at a time over a CSR adjacency, and the dependencies are
  accumulated a level at a time, with numpy; Python only loops over levels and batches of sources.
"""

from __future__ import annotations

import random
from itertools import chain

import networkx as nx
import numpy as np

# Sources searched together: about this many adjacency entries in all. Together they share numpy's
# per-call cost; apart, a large graph's search is not slowed by arrays the size of several.
ENTRIES_PER_BATCH = 1_000_000


class TwinClasses:
    """The twin classes of a graph's nodes, and which classes are adjacent (CSR, both directions)."""

    def __init__(self, graph: nx.Graph) -> None:
        self.nodes = list(graph)
        neighbourhoods = [neighbours for _, neighbours in graph.adjacency()]
        keys: dict[frozenset, int] = {}
        self.of_node = np.array([keys.setdefault(frozenset(neighbours).union((node,)), len(keys))
                                 for node, neighbours in zip(self.nodes, neighbourhoods)], dtype=np.int64)
        self.count = len(keys)
        self.size = np.bincount(self.of_node, minlength=self.count).astype(float)
        self._link(neighbourhoods)

    def _link(self, neighbourhoods: list) -> None:
        index = dict(zip(self.nodes, self.of_node.tolist()))
        degree = np.fromiter(map(len, neighbourhoods), dtype=np.int64, count=len(neighbourhoods))
        heads = np.fromiter(map(index.__getitem__, chain.from_iterable(neighbourhoods)), dtype=np.int64,
                            count=int(degree.sum()))
        tails = np.repeat(self.of_node, degree)
        apart = tails != heads  # twins are linked within their class only
        links = np.unique(tails[apart] * self.count + heads[apart])  # each class pair once, by tail then head
        self.neighbours = links % self.count
        self.starts = np.zeros(self.count + 1, dtype=np.int64)
        np.cumsum(np.bincount(links // self.count, minlength=self.count), out=self.starts[1:])
        self.degree = np.diff(self.starts)

    @property
    def entries(self) -> int:
        """Adjacency entries between classes: the steps of one search."""
        return len(self.neighbours)

    def edges_from(self, frontier: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(tail, head) of every adjacency entry of the frontier, in a search of several sources laid
        end to end: class c of the search b is at b * self.count + c."""
        frontier = frontier[self.degree[frontier % self.count] > 0]
        if not frontier.size:
            return frontier, frontier
        classes = frontier % self.count
        counts = self.degree[classes]
        ends = np.cumsum(counts)
        # positions in self.neighbours: one run of consecutive entries per frontier class
        steps = np.ones(ends[-1], dtype=np.int64)
        steps[0] = self.starts[classes[0]]
        steps[ends[:-1]] = self.starts[classes[1:]] - self.starts[classes[:-1]] - counts[:-1] + 1
        heads = self.neighbours[np.cumsum(steps)]
        if frontier[-1] >= self.count:  # searches after the first: their heads move to their own row
            heads += np.repeat(frontier - classes, counts)
        return np.repeat(frontier, counts), heads


def betweenness_centrality(graph: nx.Graph, sources: int | None = None, seed: int = 0) -> dict:
    """Normalised betweenness in hops: exact, or estimated from `sources` nodes drawn with `seed`."""
    return betweenness_of_classes(TwinClasses(graph), sources, seed)


def betweenness_of_classes(classes: TwinClasses, sources: int | None = None, seed: int = 0) -> dict:
    """betweenness_centrality of the graph the classes were made of."""
    count = len(classes.nodes)
    if count < 3:
        return dict.fromkeys(classes.nodes, 0.0)
    sampled = None if sources is None else random.Random(seed).sample(range(count), sources)
    searches = classes.size if sampled is None else np.bincount(classes.of_node[sampled], minlength=classes.count)
    through_class = np.zeros(classes.count)
    batch = max(1, ENTRIES_PER_BATCH // max(classes.entries, 1))
    searched = np.flatnonzero(searches)
    for first in range(0, len(searched), batch):
        chunk = searched[first:first + batch]
        through_class += searches[chunk] @ _dependencies(classes, chunk)
    values = (through_class / classes.size)[classes.of_node] * _scale(count, sampled)
    return dict(zip(classes.nodes, values.tolist()))


def _scale(count: int, sampled: list[int] | None) -> np.ndarray | float:
    """From the sums over sources to normalised values: each node's sum stands for the count - 1
    sources other than itself, and is divided by the (count - 1)(count - 2) pairs it can be between."""
    if sampled is None:
        return 1 / ((count - 1) * (count - 2))
    scale = np.full(count, 1 / (len(sampled) * (count - 2)))
    scale[sampled] = 1 / (max(len(sampled) - 1, 1) * (count - 2))
    return scale


def _dependencies(classes: TwinClasses, sources: np.ndarray) -> np.ndarray:
    """Brandes from each source class, searched together: a row per source of how much each class
    lies on the shortest paths from it, linearly scaled and counted for both directions of a pair.

    A class counts as its size wherever it is an inner node or the target of a path, and as one
    where it is the source.
    """
    cells = len(sources) * classes.count
    size = np.tile(classes.size, len(sources))
    distance = np.full(cells, -1, dtype=np.int32)
    paths = np.zeros(cells)  # shortest paths from the source, inner classes counted by size
    onward = np.zeros(cells)  # paths × size: how many paths a class passes on
    frontier = np.arange(len(sources)) * classes.count + sources
    distance[frontier] = 0
    paths[frontier] = onward[frontier] = 1
    levels = []
    while frontier.size:
        level = len(levels) + 1
        tails, heads = classes.edges_from(frontier)
        found = distance[heads]
        distance[heads[found < 0]] = level
        on_paths = np.flatnonzero((found < 0) | (found == level))
        tails, heads = tails[on_paths], heads[on_paths]
        paths += np.bincount(heads, weights=onward[tails], minlength=cells)
        frontier_next = np.flatnonzero(distance == level)
        onward[frontier_next] = paths[frontier_next] * size[frontier_next]
        levels.append((frontier, tails, heads))
        frontier = frontier_next
    # per_hop[v]: the pairs (source, t) through v, each divided by d(source, t); × d(source, v) below
    per_hop = np.zeros(cells)
    for frontier, tails, heads in reversed(levels):
        share = np.bincount(tails, weights=(size[heads] / distance[heads] + per_hop[heads]) / paths[heads],
                            minlength=cells)
        per_hop[frontier] = onward[frontier] * share[frontier]
    return (2 * per_hop * np.maximum(distance, 0)).reshape(len(sources), classes.count)
