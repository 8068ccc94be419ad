"""Graphs as node-link JSON text, made as it is written.

The JSON file and the HTML page carry the same nodes, so a build encodes each node once
(`NodeTexts`): a paper is a node of four graphs. Edges are text in G.json only (a page has them
as columns), encoded in batches as it is written, which bounds the memory of the edge records
built for it. json's C encoder reads the graph's own attribute dicts: only the rare value it
cannot write (a set, a numpy integer, an object) goes through `json_default`, and only a record
or batch holding NaN, an infinity or a key JSON cannot have is converted by `plain` first.
"""

from __future__ import annotations

import json
import math
import numbers
from dataclasses import dataclass, field
from itertools import islice
from operator import itemgetter
from typing import Any, Hashable, Iterable, Iterator

import networkx as nx
import numpy as np
import orjson

BATCH = 20_000  # records per encoder call


def json_default(value: Any) -> Any:
    """What json cannot write as something it can: sets sorted, numpy scalars unwrapped, bytes
    decoded, anything else as its text."""
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=str)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def plain(value: Any) -> Any:
    """A JSON value for anything: as `json_default`, and non-finite floats None, keys text."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return plain(json_default(value))


# ASCII only, non-ASCII as \u escapes: faster to encode and to write, and a lone surrogate from
# a bad record survives as its escape. No check for circular containers (a tenth of the time):
# graph attributes are records, and a cycle would still stop with a RecursionError.
_ENCODER = json.JSONEncoder(ensure_ascii=True, separators=(",", ":"), allow_nan=False, check_circular=False,
                            default=json_default)


_FAST_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY


def json_text(value: Any) -> str:
    """Compact JSON for any value: orjson (several times faster than json's C encoder, NaN as
    null), or json's ASCII output for what orjson refuses (a lone surrogate from a bad record)."""
    try:
        return orjson.dumps(value, default=json_default, option=_FAST_OPTIONS).decode()
    except (orjson.JSONEncodeError, TypeError):
        pass
    try:
        return _ENCODER.encode(value)
    except (ValueError, TypeError):  # NaN or infinity, or a key JSON cannot have: convert all first
        return _ENCODER.encode(plain(value))


class NodeTexts:
    """Node records as JSON text by node id, for the graphs of one build written together.

    A text is reused for a node of another graph only when its attributes are equal to those
    it was encoded from; the attributes must not change while the graphs are written.
    """

    def __init__(self) -> None:
        self._known: dict[Hashable, tuple[dict, str]] = {}

    def text(self, node: Hashable, attributes: dict) -> str:
        known = self._known.get(node)
        if known is not None and known[0] == attributes:
            return known[1]
        text = json_text(dict(attributes, id=node))  # as networkx's node_link_data: "id" last, winning
        self._known[node] = (attributes, text)
        return text


def edges_of(graph: nx.Graph) -> Iterator[tuple[Any, Any, Any, dict]]:
    """(u, v, key, attributes) for every edge, key None in simple graphs, in networkx's order."""
    if graph.is_multigraph():
        return iter(graph.edges(keys=True, data=True))
    return ((u, v, None, attributes) for u, v, attributes in graph.edges(data=True))


@dataclass
class NodeLink:
    """One graph as networkx node-link JSON ("edges" form), in pieces, and what pages and images
    need besides: the node ids in order, and each edge's ends as node indices and its kind
    (its `kind` attribute, else its key, else "link"). The text is made as it is written, batch
    by batch: nodes from `node_texts`, which keeps each node's once for every graph and writer,
    edges anew (only G.json has them; a page has the columns), so no graph's whole text is held
    (the combined graph of 100,000 papers: 270 MB of edges, 128 MB of nodes joined again)."""

    header: str  # '"directed":…,"multigraph":…,"graph":{…}'
    graph: nx.Graph
    node_texts: NodeTexts
    ids: list[Hashable] = field(default_factory=list)
    sources: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    targets: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    edge_kinds: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, graph: nx.Graph, node_texts: NodeTexts | None = None) -> "NodeLink":
        header = (f'"directed":{json_text(graph.is_directed())},"multigraph":{json_text(graph.is_multigraph())},'
                  f'"graph":{json_text(graph.graph)}')
        encoded = cls(header, graph, node_texts or NodeTexts(), ids=list(graph))
        encoded._add_edges()
        return encoded

    def _add_edges(self) -> None:
        position = {node: at for at, node in enumerate(self.ids)}.__getitem__
        sources: list[int] = []
        targets: list[int] = []
        for batch in _batches(edges_of(self.graph)):
            sources += map(position, map(itemgetter(0), batch))
            targets += map(position, map(itemgetter(1), batch))
            self.edge_kinds += [str(data.get("kind") or key or "link") for _, _, key, data in batch]
        self.sources = np.array(sources, dtype=np.int64)
        self.targets = np.array(targets, dtype=np.int64)

    def node_batches(self) -> Iterator[str]:
        """The node objects, comma-joined, a batch at a time."""
        text = self.node_texts.text
        for batch in _batches(self.graph.nodes(data=True)):
            yield ",".join([text(node, attributes) for node, attributes in batch])

    def edge_batches(self) -> Iterator[str]:
        keyed = self.graph.is_multigraph()
        for batch in _batches(edges_of(self.graph)):
            if keyed:
                records = [dict(data, source=u, target=v, key=key) for u, v, key, data in batch]
            else:
                records = [dict(data, source=u, target=v) for u, v, _, data in batch]
            yield _batch_text(records)

    def members(self) -> Iterator[str]:
        """The document's members in pieces, without its braces, so a page can add its own."""
        yield self.header
        yield ',"nodes":['
        yield from _comma_joined(self.node_batches())
        yield '],"edges":['
        yield from _comma_joined(self.edge_batches())
        yield "]"

    def document(self) -> Iterator[str]:
        """The node-link JSON document in pieces."""
        yield "{"
        yield from self.members()
        yield "}"


def _batches(items: Iterable) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, BATCH)):
        yield batch


def _batch_text(records: list) -> str:
    return json_text(records)[1:-1]  # the records without the list's brackets


def _comma_joined(pieces: Iterable[str]) -> Iterator[str]:
    for number, piece in enumerate(pieces):
        if number:
            yield ","
        yield piece
