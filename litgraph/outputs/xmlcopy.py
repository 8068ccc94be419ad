"""A copy of a graph that XML formats (GraphML, GEXF) can carry, and text XML 1.0 allows.

Made once per graph (PreparedGraph.xml) and shared by the GraphML and GEXF writers.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

import networkx as nx

from .nodelink import edges_of, json_text, plain

_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SCALARS = (bool, int, float, str)


def xml_text(text: str) -> str:
    """The text without the characters XML 1.0 forbids."""
    return _XML_FORBIDDEN.sub("", text)


def _xml_json(value: Any) -> str:
    """JSON text that XML can carry: characters XML forbids stay as JSON escapes."""
    return _XML_FORBIDDEN.sub(lambda match: f"\\u{ord(match.group()):04x}", json_text(value))


def xml_copy(graph: nx.Graph) -> tuple[nx.Graph, dict]:
    """A copy GraphML and GEXF writers accept, and a note of what it encodes.

    An attribute keeps its type when all its values share one of bool, int, float, str;
    otherwise every value of it is JSON text. None is left out. Multigraph edges get unique
    keys, `<key>#<n>`, because GraphML and GEXF need unique edge ids.
    """
    nodes = [(xml_text(str(node)), data) for node, data in graph.nodes(data=True)]
    edges = list(edges_of(graph))
    encoded = {"graph": _mixed_keys([graph.graph]), "node": _mixed_keys(data for _, data in nodes),
               "edge": _mixed_keys(data for *_, data in edges)}
    copy = graph.__class__()
    copy.graph.update(_xml_values(graph.graph, encoded["graph"]))
    copy.add_nodes_from((node, _xml_values(data, encoded["node"])) for node, data in nodes)
    for index, (u, v, key, data) in enumerate(edges):
        ends = (xml_text(str(u)), xml_text(str(v)))
        if graph.is_multigraph():
            copy.add_edge(*ends, key=f"{xml_text(str(key))}#{index}", **_xml_values(data, encoded["edge"]))
        else:
            copy.add_edge(*ends, **_xml_values(data, encoded["edge"]))
    note = {"json_attributes": {scope: sorted(keys) for scope, keys in encoded.items() if keys},
            "multigraph": graph.is_multigraph()}
    return copy, note


def _mixed_keys(records) -> set[str]:
    """Attributes that cannot keep one XML type: lists, dicts, or values of several types."""
    types: dict[str, set[type]] = defaultdict(set)
    for data in records:
        for key, value in data.items():
            value = plain(value)
            if value is not None:
                types[xml_text(str(key))].add(type(value))
    return {key for key, seen in types.items() if len(seen) > 1 or not seen <= set(_SCALARS)}


def _xml_values(data: dict, encoded: set[str]) -> dict:
    values = {}
    for key, value in data.items():
        key, value = xml_text(str(key)), plain(value)
        if value is None:
            continue
        values[key] = _xml_json(value) if key in encoded else xml_text(value) if isinstance(value, str) else value
    return values
