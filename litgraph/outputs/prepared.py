"""What several writers need of one graph, computed once: its node-link text and its layout."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import networkx as nx
import numpy as np

from . import focus
from ..kinds import PAPER_SIZES
from .layout import Layouts, page_positions
from .nodelink import NodeLink, NodeTexts, edges_of, json_text
from .xmlcopy import xml_copy


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
        return xml_copy(self.graph)

    @cached_property
    def attributes(self) -> list[dict]:
        return [data for _, data in self.graph.nodes(data=True)]

    @cached_property
    def weights(self) -> np.ndarray:
        """Each edge's `weight` (1 when it has none), in node-link order."""
        return np.array([_weight(data.get("weight")) for *_, data in edges_of(self.graph)], dtype=float)

    @cached_property
    def _edge_attributes(self) -> tuple[list[str], np.ndarray]:
        """Each edge's attributes but its kind (and its key where that is its kind), as JSON texts,
        each distinct text once, and each edge's place among them: a citation graph's 100,000
        edges have a handful of distinct attribute sets."""
        table: dict[str, int] = {}
        places = []
        for _, _, key, data in edges_of(self.graph):
            attributes = {name: value for name, value in data.items() if name != "kind"}
            if key is not None and key != data.get("kind"):
                attributes["key"] = key
            places.append(table.setdefault(json_text(attributes), len(table)))
        return list(table), np.array(places, dtype=np.int64)

    def edge_columns(self, edges: np.ndarray | None = None) -> str:
        """The edges (all, or those at `edges`, then with their "ids") as JSON columns: "from" and
        "to" node indices, "kind" an index into "kinds", "attrs" an index into "table"."""
        encoded = self.node_link
        table, places = self._edge_attributes
        names = sorted(set(encoded.edge_kinds))
        number = {name: place for place, name in enumerate(names)}
        picked = np.arange(len(encoded.edge_kinds)) if edges is None else edges
        kinds = [number[encoded.edge_kinds[index]] for index in picked.tolist()]
        used = sorted(set(places[picked].tolist()))
        renumber = {old: new for new, old in enumerate(used)}
        columns = (f'"kinds":{json_text(names)},"from":{json_text(encoded.sources[picked].tolist())},'
                   f'"to":{json_text(encoded.targets[picked].tolist())},"kind":{json_text(kinds)},'
                   f'"attrs":{json_text([renumber[place] for place in places[picked].tolist()])},'
                   f'"table":[{",".join(table[place] for place in used)}]')
        return "{" + columns + (f',"ids":{json_text(picked.tolist())}' if edges is not None else "") + "}"

    @cached_property
    def radii(self) -> np.ndarray:
        """Each node's drawn radius, as the page and the SVG draw it (litgraph.kinds)."""
        encoded = self.node_link
        return focus.radii(self.attributes, focus.measures(self.attributes, encoded.targets, encoded.edge_kinds))

    @cached_property
    def other_sizes(self) -> dict[str, np.ndarray]:
        """Radii by what else a paper's size can say (kinds.PAPER_SIZES), for those some paper of
        the graph has; other nodes keep their radius."""
        sizes = {}
        for name, (_, attribute, rule) in PAPER_SIZES.items():
            values = [data.get(attribute) if data.get("type") == "paper" else None for data in self.attributes]
            if any(isinstance(value, (int, float)) and not isinstance(value, bool) for value in values):
                sizes[name] = np.array([rule.radius(float(value)) if isinstance(value, (int, float)) and
                                        not isinstance(value, bool) else (rule.base if data.get("type") == "paper"
                                                                          else radius)
                                        for value, data, radius in zip(values, self.attributes, self.radii.tolist())])
        return sizes

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
