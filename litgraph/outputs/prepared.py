"""What several writers need of one graph, computed once: its node-link text and its layout."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import networkx as nx
import numpy as np

from . import focus
from .layout import Layouts, page_positions
from .nodelink import NodeLink, NodeTexts, edges_of


@dataclass
class SharedWork:
    """What the graphs of one build share while they are written: positions in one frame (a
    paper sits in the same place in each graph) and node records encoded once."""

    layouts: Layouts = field(default_factory=Layouts)
    node_texts: NodeTexts = field(default_factory=NodeTexts)


class PreparedGraph:
    """A graph and, on first use, its node-link JSON (JSON file, page) and positions (page, SVG)."""

    def __init__(self, graph: nx.Graph, shared: SharedWork | None = None):
        self.graph = graph
        self.shared = shared or SharedWork()

    @property
    def name(self) -> str:
        return str(self.graph.graph.get("name") or "")

    def title(self, given: str | None = None) -> str:
        """`given`, else the graph's title, else its name."""
        if given is not None:
            return str(given)
        return str(self.graph.graph.get("title") or self.graph.graph.get("name") or "graph")

    @cached_property
    def node_link(self) -> NodeLink:
        return NodeLink.of(self.graph, self.shared.node_texts)

    @cached_property
    def xml(self) -> tuple[nx.Graph, dict]:
        """The copy GraphML and GEXF are written from, and its encoding note (see `xml_copy`)."""
        from .export import xml_copy  # export imports this module

        return xml_copy(self.graph)

    @cached_property
    def attributes(self) -> list[dict]:
        return [data for _, data in self.graph.nodes(data=True)]

    @cached_property
    def weights(self) -> np.ndarray:
        """Each edge's `weight` (1 when it has none), in node-link order."""
        return np.array([_weight(data.get("weight")) for *_, data in edges_of(self.graph)], dtype=float)

    @cached_property
    def radii(self) -> np.ndarray:
        """Each node's drawn radius, as the page and the SVG draw it (litgraph.kinds)."""
        encoded = self.node_link
        return focus.radii(self.attributes, focus.measures(self.attributes, encoded.targets, encoded.edge_kinds))

    @cached_property
    def focus(self) -> focus.Focus:
        """What the page opens on: see litgraph.outputs.focus."""
        encoded = self.node_link
        measure = focus.measures(self.attributes, encoded.targets, encoded.edge_kinds)
        return focus.plan(self.attributes, encoded.sources, encoded.targets, encoded.edge_kinds, self.weights,
                          measure, self.radii)

    @cached_property
    def positions(self) -> np.ndarray:
        """Whole page units, (nodes, 2), in the order of `node_link.ids`."""
        encoded = self.node_link
        return page_positions(self.shared.layouts.positions(encoded.ids, encoded.sources, encoded.targets))


def _weight(value) -> float:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0 else 1.0


def prepared(graph: nx.Graph | PreparedGraph) -> PreparedGraph:
    return graph if isinstance(graph, PreparedGraph) else PreparedGraph(graph)


def graph_of(graph: nx.Graph | PreparedGraph) -> nx.Graph:
    return graph.graph if isinstance(graph, PreparedGraph) else graph
