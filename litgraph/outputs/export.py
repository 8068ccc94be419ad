"""Graph files for scripts and other tools: node-link JSON, GraphML, GEXF, CSV.

GraphML and GEXF allow only scalar attributes, so lists travel as JSON text and missing values
are left out rather than written as "None"; JSON keeps the attributes as they are.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Callable

import networkx as nx

FORMATS = ("json", "graphml", "gexf", "csv")


def write_json(graph: nx.Graph, path: Path) -> list[Path]:
    data = nx.node_link_data(graph, edges="edges")
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1, default=sorted), encoding="utf-8")
    return [path]


def read_json(path: Path) -> nx.Graph:
    return nx.node_link_graph(json.loads(Path(path).read_text(encoding="utf-8")), edges="edges")


def scalar_copy(graph: nx.Graph) -> nx.Graph:
    """A copy whose attributes GraphML and GEXF writers accept: lists as JSON, no None values."""
    copy = graph.__class__()
    copy.graph.update({key: _scalar(value) for key, value in graph.graph.items() if value is not None})
    copy.add_nodes_from((node, _scalars(data)) for node, data in graph.nodes(data=True))
    if graph.is_multigraph():
        copy.add_edges_from((u, v, key, _scalars(data)) for u, v, key, data in graph.edges(keys=True, data=True))
    else:
        copy.add_edges_from((u, v, _scalars(data)) for u, v, data in graph.edges(data=True))
    return copy


def _scalars(data: dict) -> dict:
    return {key: _scalar(value) for key, value in data.items() if value is not None}


def _scalar(value):
    if isinstance(value, (list, tuple, set, dict)):
        return json.dumps(sorted(value) if isinstance(value, set) else value, ensure_ascii=False)
    return value


def write_graphml(graph: nx.Graph, path: Path) -> list[Path]:
    nx.write_graphml(scalar_copy(graph), path, named_key_ids=True)
    return [path]


def write_gexf(graph: nx.Graph, path: Path) -> list[Path]:
    nx.write_gexf(scalar_copy(graph), path)
    return [path]


def write_csv(graph: nx.Graph, path: Path) -> list[Path]:
    """`<name>.nodes.csv` and `<name>.edges.csv`; list values joined with "; "."""
    nodes_path = path.with_suffix(".nodes.csv")
    edges_path = path.with_suffix(".edges.csv")
    node_rows = [{"id": node, **data} for node, data in graph.nodes(data=True)]
    _write_rows(nodes_path, node_rows, first=("id", "type", "label"))
    edge_rows = [{"source": u, "target": v, **data} for u, v, data in graph.edges(data=True)]
    _write_rows(edges_path, edge_rows, first=("source", "target", "kind", "sources"))
    return [nodes_path, edges_path]


def _write_rows(path: Path, rows: list[dict], first: tuple[str, ...]) -> None:
    columns = list(first) + sorted({key for row in rows for key in row} - set(first))
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            writer.writerow({key: _cell(value) for key, value in row.items()})


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple, set)):
        return "; ".join(str(item) for item in value)
    return str(value)


WRITERS: dict[str, tuple[str, Callable[[nx.Graph, Path], list[Path]]]] = {
    "json": (".json", write_json),
    "graphml": (".graphml", write_graphml),
    "gexf": (".gexf", write_gexf),
    "csv": (".csv", write_csv),
}


def write_graph(graph: nx.Graph, folder: Path, name: str, formats: tuple[str, ...]) -> list[Path]:
    written = []
    for fmt in formats:
        suffix, writer = WRITERS[fmt]
        written += writer(graph, folder / f"{name}{suffix}")
    return written
