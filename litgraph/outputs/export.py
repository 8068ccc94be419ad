"""Graph files for scripts and other tools, each with a reader that gives the graph back.

Per graph G (`--format` name: file):
- json: `G.json`, networkx node-link JSON, attributes as they are.
- graphml, gexf: `G.graphml`, `G.gexf`, for Gephi, Cytoscape and yEd. These formats hold only
  scalars, so an attribute whose values are lists, dicts or of mixed types is written as JSON
  text on every element (and named in the file, so `read_graphml`/`read_gexf` decode it);
  missing values are left out; characters XML 1.0 forbids are dropped from text.
- csv: `G.nodes.csv` (id, type, label, ...) and `G.edges.csv` (source, target, kind, sources,
  ...); lists joined with "; ", nested values as JSON, text that would run as a formula quoted.
- cytoscape: `G.cyjs`, Cytoscape.js elements JSON (Cytoscape desktop opens it too).
- vosviewer: `G.vosviewer.json`, VOSviewer JSON: items (the map: label, cluster = community + 1,
  weights, scores, description, url) and links (the network: strength).
Per build, from the combined graph, which holds every paper:
- ris: `papers.ris`; bibtex: `papers.bib`; nbib: `papers.nbib` (MEDLINE, the papers with a PMID),
  the paper nodes for reference managers.
"""

from __future__ import annotations

import csv
import html
import json
import math
import re
import textwrap
from collections import defaultdict
from pathlib import Path
from typing import Any, Callable, Iterable
from xml.etree.ElementTree import SubElement, parse

import networkx as nx
from networkx.readwrite.gexf import GEXFWriter

from .nodelink import edges_of, json_text, plain
from .xmlcopy import xml_text
from .prepared import PreparedGraph, graph_of, prepared

PAPERS_FROM = "combined"  # the graph whose paper nodes go into the per-build formats
ENCODING_NOTE = "litgraph_encoding"  # GraphML graph attribute / GEXF meta description: what is JSON



# --- values ----------------------------------------------------------------------------------

def _write_text(path: Path, text: str | Iterable[str]) -> None:
    """The text, or its pieces as they come (a graph's node-link text, made while it is written)."""
    # a lone surrogate cannot be UTF-8; inside JSON strings "\udXXX" is its own escape
    with open(path, "w", encoding="utf-8", errors="backslashreplace", newline="") as handle:
        for piece in [text] if isinstance(text, str) else text:
            handle.write(piece)


# --- node-link JSON ------------------------------------------------------------------------

def write_json(graph: nx.Graph | PreparedGraph, path: str | Path) -> list[Path]:
    """Compact node-link JSON, as `networkx.node_link_data(graph, edges="edges")` gives it."""
    _write_text(path, prepared(graph).node_link.document())
    return [Path(path)]


def read_json(path: str | Path) -> nx.Graph:
    return nx.node_link_graph(json.loads(Path(path).read_text(encoding="utf-8")), edges="edges")


# --- GraphML and GEXF ----------------------------------------------------------------------

def write_graphml(graph: nx.Graph | PreparedGraph, path: str | Path) -> list[Path]:
    copy, note = prepared(graph).xml  # shared with write_gexf: what is added here is taken out again
    copy.graph[ENCODING_NOTE] = json.dumps(note)
    try:
        nx.write_graphml(copy, path)
    finally:
        del copy.graph[ENCODING_NOTE]
    return [Path(path)]


def read_graphml(path: str | Path) -> nx.Graph:
    read = nx.read_graphml(path, force_multigraph=True)  # keyed by the file's edge ids
    note = json.loads(read.graph.pop(ENCODING_NOTE, "{}"))
    return _decoded(read, read.edges(keys=True, data=True), note)


def write_gexf(graph: nx.Graph | PreparedGraph, path: str | Path) -> list[Path]:
    copy, note = prepared(graph).xml  # shared with write_graphml: what is added here is taken out again
    keyed = [(key, data) for *_, key, data in edges_of(copy) if key is not None]
    for key, data in keyed:
        data["id"] = key  # networkx's GEXF reader keeps an edge's id, not its key
    writer = GEXFWriter()
    try:
        writer.add_graph(copy)
    finally:
        for _, data in keyed:
            del data["id"]
    # GEXF keeps no graph attributes: they travel in the file's description, with the note
    SubElement(writer.xml.find("meta"), "description").text = json.dumps({ENCODING_NOTE: note, "graph": copy.graph})
    writer.write(path)
    return [Path(path)]


def read_gexf(path: str | Path) -> nx.Graph:
    read = nx.read_gexf(path)
    described = _gexf_description(path)
    read.graph = dict(described.get("graph", {}))
    edges = [(u, v, data.pop("id", None), data) for u, v, data in read.edges(data=True)]
    for *_, data in edges:
        weight = data.get("weight")
        if isinstance(weight, float) and weight.is_integer():
            data["weight"] = int(weight)  # GEXF stores every weight as a float; litgraph's are counts
    return _decoded(read, edges, described.get(ENCODING_NOTE, {}))


def _gexf_description(path: Path) -> dict:
    element = parse(path).getroot().find("{*}meta/{*}description")
    return json.loads(element.text) if element is not None and element.text else {}


def _decoded(read: nx.Graph, edges: Iterable[tuple[Any, Any, Any, dict]], note: dict) -> nx.Graph:
    """The graph as written: its class, its edge keys (`<key>#<n>` ids) and JSON attributes decoded."""
    encoded = {scope: set(keys) for scope, keys in note.get("json_attributes", {}).items()}
    multigraph = note.get("multigraph", read.is_multigraph())
    graph = _graph_class(read.is_directed(), multigraph)()
    attributes = {key: value for key, value in read.graph.items() if key not in ("node_default", "edge_default")}
    graph.graph.update(_from_json(attributes, encoded.get("graph", set())))  # less what networkx's readers add
    graph.add_nodes_from((node, _from_json(data, encoded.get("node", set()))) for node, data in read.nodes(data=True))
    for u, v, edge_id, data in edges:
        values = _from_json(data, encoded.get("edge", set()))
        if multigraph:
            graph.add_edge(u, v, key=str(edge_id).rpartition("#")[0], **values)
        else:
            graph.add_edge(u, v, **values)
    return graph


def _graph_class(directed: bool, multigraph: bool) -> type[nx.Graph]:
    if multigraph:
        return nx.MultiDiGraph if directed else nx.MultiGraph
    return nx.DiGraph if directed else nx.Graph


def _from_json(data: dict, encoded: set[str]) -> dict:
    return {key: json.loads(value) if key in encoded else value for key, value in data.items()}


# --- CSV -------------------------------------------------------------------------------------

def write_csv(graph: nx.Graph | PreparedGraph, path: str | Path) -> list[Path]:
    """`<name>.nodes.csv` and `<name>.edges.csv`, provenance (`sources`) beside each edge."""
    graph = graph_of(graph)
    nodes_path, edges_path = Path(path).with_suffix(".nodes.csv"), Path(path).with_suffix(".edges.csv")
    node_rows = [{"id": node, **data} for node, data in graph.nodes(data=True)]
    _write_rows(nodes_path, node_rows, first=("id", "type", "label"))
    edge_rows = [{"source": u, "target": v, **data} for u, v, _, data in edges_of(graph)]
    _write_rows(edges_path, edge_rows, first=("source", "target", "kind", "sources", "weight"))
    return [nodes_path, edges_path]


def _write_rows(path: Path, rows: list[dict], first: tuple[str, ...]) -> None:
    present = {str(key) for row in rows for key in row}
    columns = [key for key in first if key in present] + sorted(present - set(first))
    with path.open("w", newline="", encoding="utf-8", errors="replace") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            writer.writerow({str(key): csv_cell(value) for key, value in row.items()})


def csv_cell(value: Any) -> str:
    """"" for missing, "a; b" for a list of scalars, JSON for anything nested. Text a spreadsheet
    would run as a formula (starting with =, +, -, @, a tab or a carriage return) starts with "'",
    as OWASP advises for CSV; numbers (-1.5 too) stay numbers."""
    value = plain(value)
    if isinstance(value, (int, float)):
        return str(value)
    text = _cell_text(value)
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list) and all(not isinstance(item, (list, dict)) for item in value):
        return "; ".join(_cell_text(item) for item in value)
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)  # spaced: a cell is read by people too
    return str(value)


def read_csv(path: str | Path) -> tuple[list[dict], list[dict]]:
    """The rows of `<name>.nodes.csv` and `<name>.edges.csv`, as text."""
    def rows(file: Path) -> list[dict]:
        with file.open(newline="", encoding="utf-8") as handle:
            return list(csv.DictReader(handle))

    return rows(Path(path).with_suffix(".nodes.csv")), rows(Path(path).with_suffix(".edges.csv"))


# --- Cytoscape.js ------------------------------------------------------------------------------

def write_cytoscape(graph: nx.Graph | PreparedGraph, path: str | Path) -> list[Path]:
    """Elements JSON: node data `id` + attributes; edge data `id`, `source`, `target` + attributes."""
    graph = graph_of(graph)
    multigraph = graph.is_multigraph()
    nodes = [{"data": {**data, "id": str(node)}} for node, data in graph.nodes(data=True)]
    edges = [{"data": {**data, "id": f"{key}#{index}" if multigraph else f"e{index}", "source": str(u),
                       "target": str(v)}} for index, (u, v, key, data) in enumerate(edges_of(graph))]
    document = {"data": graph.graph, "directed": graph.is_directed(), "multigraph": multigraph,
                "elements": {"nodes": nodes, "edges": edges}}
    _write_text(path, json_text(document))
    return [Path(path)]


def read_cytoscape(path: str | Path) -> nx.Graph:
    document = json.loads(Path(path).read_text(encoding="utf-8"))
    graph = _graph_class(document["directed"], document["multigraph"])()
    graph.graph.update(document.get("data", {}))
    for element in document["elements"]["nodes"]:
        data = dict(element["data"])
        graph.add_node(data.pop("id"), **data)
    for element in document["elements"]["edges"]:
        data = dict(element["data"])
        ends, edge_id = (data.pop("source"), data.pop("target")), data.pop("id")
        if graph.is_multigraph():
            graph.add_edge(*ends, key=edge_id.rpartition("#")[0], **data)
        else:
            graph.add_edge(*ends, **data)
    return graph


# --- VOSviewer -------------------------------------------------------------------------------

VOSVIEWER_CLUSTERS = 1000  # VOSviewer numbers clusters 1 to 1000
_WEIGHTS = {"papers": "Papers", "cited_by": "Citations"}
_SCORES = {"year": "Year", "pagerank": "PageRank", "betweenness": "Betweenness"}


def write_vosviewer(graph: nx.Graph | PreparedGraph, path: str | Path) -> list[Path]:
    """VOSviewer JSON: the map (items) and the network (links, parallel edges summed into strength)."""
    graph = graph_of(graph)
    strengths = vosviewer_links(graph)
    linked: dict[str, list[float]] = defaultdict(list)
    for (a, b), strength in strengths.items():
        linked[a].append(strength)
        linked[b].append(strength)
    items = [_vosviewer_item(str(node), data, linked[str(node)]) for node, data in graph.nodes(data=True)]
    links = [{"source_id": a, "target_id": b, "strength": strength} for (a, b), strength in strengths.items()]
    document = {"config": {"terminology": _terminology(graph)}, "network": {"items": items, "links": links}}
    _write_text(path, json_text(document))
    return [Path(path)]


def vosviewer_links(graph: nx.Graph) -> dict[tuple[str, str], float]:
    """Undirected pairs and their strength: the weights (1 when unweighted) of every edge between them."""
    strengths: dict[tuple[str, str], float] = defaultdict(int)
    for u, v, _, data in edges_of(graph):
        if u != v:
            weight = plain(data.get("weight"))
            strengths[tuple(sorted((str(u), str(v))))] += weight if isinstance(weight, (int, float)) else 1
    return dict(strengths)


def _vosviewer_item(node: str, data: dict, strengths: list[float]) -> dict:
    item = {"id": node, "label": str(data.get("label") or node), "description": _vosviewer_description(node, data)}
    url = _url(data)
    if url:
        item["url"] = url
    community = data.get("community")
    if isinstance(community, int) and 0 <= community < VOSVIEWER_CLUSTERS:
        item["cluster"] = community + 1
    item["weights"] = {"Links": len(strengths), "Total link strength": sum(strengths),
                       **{label: data[key] for key, label in _WEIGHTS.items() if _is_number(data.get(key))}}
    item["scores"] = {label: data[key] for key, label in _SCORES.items() if _is_number(data.get(key))}
    return item


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _url(data: dict) -> str:
    if data.get("pmid"):
        return f"https://pubmed.ncbi.nlm.nih.gov/{data['pmid']}/"
    if data.get("orcid"):
        return f"https://orcid.org/{data['orcid']}"
    if data.get("nct_id"):
        return f"https://clinicaltrials.gov/study/{data['nct_id']}"
    return ""


def _vosviewer_description(node: str, data: dict) -> str:
    """VOSviewer reads descriptions as HTML, so record text is escaped."""
    lines = [data.get("title"), data.get("journal"), "; ".join(data.get("affiliations") or []), node]
    return "<br>".join(html.escape(str(line)) for line in lines if line)


def _terminology(graph: nx.Graph) -> dict:
    types = {str(kind) for _, kind in graph.nodes(data="type")}
    kinds = {str(kind) for *_, kind in graph.edges(data="kind")}
    item = types.pop() if len(types) == 1 else "item"
    link = f"{kinds.pop()} link" if len(kinds) == 1 else "link"
    return {"item": item, "items": f"{item}s", "link": link, "links": f"{link}s"}


def read_vosviewer(path: str | Path) -> nx.Graph:
    """Items as nodes (their fields as attributes), links as edges with `strength`."""
    network = json.loads(Path(path).read_text(encoding="utf-8"))["network"]
    graph = nx.Graph()
    graph.add_nodes_from((item["id"], item) for item in network["items"])
    graph.add_edges_from((link["source_id"], link["target_id"], {"strength": link["strength"]})
                         for link in network["links"])
    return graph


# --- RIS and BibTeX --------------------------------------------------------------------------

def paper_nodes(graph: nx.Graph) -> list[tuple[str, dict]]:
    return sorted((node, data) for node, data in graph.nodes(data=True) if data.get("type") == "paper")


def _one_line(value: Any) -> str:
    return " ".join(xml_text(str(value)).split())


def write_ris(graph: nx.Graph | PreparedGraph, path: str | Path) -> list[Path]:
    """One RIS record per paper node: TY, ID, TI, AU..., PY, JO, DO, AN (PMID), UR, KW..., N1, ER."""
    graph = graph_of(graph)
    _write_text(path, "".join(ris_record(node, data) for node, data in paper_nodes(graph)))
    return [Path(path)]


def ris_record(node: str, data: dict, notes: Iterable[str] = ()) -> str:
    """A paper's RIS record (its node attributes, plus `abstract` and `languages` where given),
    with `notes` as N1 lines after litgraph's own; a line break in a value becomes a space."""
    fields = [("TY", "JOUR" if data.get("journal") else "GEN"), ("ID", node), ("TI", data.get("title"))]
    fields += [("AU", name) for name in data.get("author_names") or []]
    fields += [("PY", data.get("year")), ("JO", data.get("journal")), ("AB", data.get("abstract")),
               ("DO", data.get("doi")), ("AN", data.get("pmid")), ("UR", _url(data))]
    fields += [("LA", language) for language in data.get("languages") or []]
    fields += [("KW", heading) for heading in data.get("mesh") or []]
    fields += [("N1", note) for note in [*_notes(data), *notes]]
    lines = [f"{tag}  - {_one_line(value)}" for tag, value in fields if value not in (None, "")]
    return "\n".join([*lines, "ER  - ", "", ""])


def _notes(data: dict) -> list[str]:
    notes = ["Retracted publication"] if data.get("retracted") else []
    if data.get("fetched") is False and data.get("citation"):
        notes.append(f"As cited by the trial registry: {data['citation']}")
    return notes


def read_ris(path: str | Path) -> list[dict[str, list[str]]]:
    """Each record as tag -> values, in file order."""
    records, current = [], defaultdict(list)
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        tag, _, value = line.partition("  - ")
        if tag == "ER":
            records.append(dict(current))
            current = defaultdict(list)
        elif value or tag:
            current[tag].append(value)
    return records


def write_medline(graph: nx.Graph | PreparedGraph, path: str | Path) -> list[Path]:
    """One MEDLINE (PubMed format, .nbib) record per paper node with a PMID, tags as PubMed writes them."""
    graph = graph_of(graph)
    _write_text(path, "".join(medline_record(data) for _, data in paper_nodes(graph) if data.get("pmid")))
    return [Path(path)]


MEDLINE_WIDTH = 80  # PubMed wraps its lines near 80 columns, continuing them after six spaces
# Readers join a wrapped line back only for the tags of running text (Bio.Medline's "textkeys");
# other tags' continuation lines read as further values, so those are written on one line.
MEDLINE_WRAPPED = frozenset({"TI", "AB", "AD", "JT", "SO"})


def medline_record(data: dict, notes: Iterable[str] = ()) -> str:
    """A paper's MEDLINE record: PMID, DP, TI, LID, AB, FAU/AU (CN for a group), LA, PT, TA, PMC,
    MH, AID, and GN (general note) lines for litgraph's notes and `notes`; blank line after."""
    short = data.get("short_authors") or [_citation_name(name) for name in data.get("author_names") or []]
    doi = f"{data['doi']} [doi]" if data.get("doi") else ""
    fields = [("PMID", data.get("pmid")), ("DP", data.get("year")), ("TI", data.get("title")), ("LID", doi),
              ("AB", data.get("abstract"))]
    for name, initials in zip(data.get("author_names") or [], short):
        fields += [("FAU", name), ("AU", initials)] if "," in name else [("CN", name)]
    fields += [("LA", language) for language in data.get("languages") or []]
    fields += [("PT", kind) for kind in data.get("publication_types") or []]
    fields += [("TA", data.get("journal")), ("PMC", data.get("pmcid"))]
    fields += [("MH", heading) for heading in data.get("mesh") or []]
    fields += [("AID", doi)] + [("GN", note) for note in [*_notes(data), *notes]]
    lines = [_medline_line(tag, _one_line(value)) for tag, value in fields if value not in (None, "")]
    return "\n".join(lines) + "\n\n"


def _medline_line(tag: str, value: str) -> str:
    if tag not in MEDLINE_WRAPPED:
        return f"{tag:<4}- {value}"
    wrapped = textwrap.wrap(value, MEDLINE_WIDTH - 6, break_long_words=False, break_on_hyphens=False) or [""]
    return f"{tag:<4}- " + "\n      ".join(wrapped)


def _citation_name(sort_name: str) -> str:
    """"Kim, Ji-Young" -> "Kim JY"; a name without a comma (a group) stays whole."""
    surname, comma, given = sort_name.partition(",")
    if not comma:
        return sort_name
    initials = "".join(word[0].upper() for word in re.split(r"[\s.-]+", given) if word)
    return f"{surname.strip()} {initials}".strip()


# Braces become commands, not \{ and \}: BibTeX counts every brace, escaped or not, and other
# parsers skip escaped ones, so only commands keep both reading the field where it ends.
_LATEX_SPECIALS = {"\\": r"\textbackslash{}", "{": r"\textbraceleft{}", "}": r"\textbraceright{}", "&": r"\&",
                   "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}",
                   "^": r"\textasciicircum{}"}
_LATEX_ESCAPE = re.compile("|".join(re.escape(char) for char in _LATEX_SPECIALS))
_LATEX_UNESCAPE = {escaped: char for char, escaped in _LATEX_SPECIALS.items()}
_LATEX_ESCAPED = re.compile("|".join(re.escape(escaped) for escaped in _LATEX_UNESCAPE))


def _latex(value: Any) -> str:
    return _LATEX_ESCAPE.sub(lambda match: _LATEX_SPECIALS[match.group()], _one_line(value))


def _verbatim(value: Any) -> str:
    """An identifier (DOI, PMID, PMCID, URL, year) as it is, but for the braces and backslashes
    that could end its field: fields read verbatim (doi, url) cannot escape them."""
    return re.sub(r"[{}\\]", "", _one_line(value or ""))


def bibtex_key(node: str) -> str:
    """`pmid19489103`, `ref1a2b3c4d5e6f`: the node id without punctuation."""
    return re.sub(r"[^A-Za-z0-9]", "", node)


def write_bibtex(graph: nx.Graph | PreparedGraph, path: str | Path) -> list[Path]:
    """One entry per paper node: @article when the journal is known, else @misc."""
    graph = graph_of(graph)
    entries = []
    for node, data in paper_nodes(graph):
        fields = {
            "author": " and ".join(_bibtex_name(name) for name in data.get("author_names") or []),
            "title": f"{{{_latex(data['title'])}}}" if data.get("title") else "",
            "journal": _latex(data.get("journal") or ""),
            "year": _verbatim(data.get("year")),
            "doi": _verbatim(data.get("doi")),
            "pmid": _verbatim(data.get("pmid")),
            "pmcid": _verbatim(data.get("pmcid")),
            "url": _verbatim(_url(data)),
            "keywords": _latex("; ".join(data.get("mesh") or [])),
            "note": _latex(". ".join(_notes(data))),
        }
        body = "".join(f"  {name} = {{{value}}},\n" for name, value in fields.items() if value)
        entries.append(f"@{'article' if data.get('journal') else 'misc'}{{{bibtex_key(node)},\n{body}}}\n")
    _write_text(path, "\n".join(entries))
    return [Path(path)]


def _bibtex_name(name: str) -> str:
    """"Sun, Lingyun" as is; a group name, or one holding " and ", braced so BibTeX keeps it whole."""
    escaped = _latex(name)
    whole = "," not in name or re.search(r"\band\b", name, re.IGNORECASE)
    return f"{{{escaped}}}" if whole else escaped


def read_bibtex(path: str | Path) -> list[dict[str, str]]:
    """Each entry as field -> text (LaTeX escapes undone), plus `ENTRYTYPE` and `ID`."""
    entries = []
    for match in re.finditer(r"^@(\w+)\{([^,]*),\n(.*?)^\}", Path(path).read_text(encoding="utf-8"), re.M | re.S):
        entry = {"ENTRYTYPE": match.group(1), "ID": match.group(2)}
        for field in re.finditer(r"^  (\w+) = \{(.*)\},$", match.group(3), re.M):
            entry[field.group(1)] = _LATEX_ESCAPED.sub(lambda m: _LATEX_UNESCAPE[m.group()], field.group(2))
        entries.append(entry)
    return entries


# --- formats -----------------------------------------------------------------------------------

Writer = Callable[[nx.Graph | PreparedGraph, Path], list[Path]]
GRAPH_WRITERS: dict[str, tuple[str, Writer]] = {
    "json": (".json", write_json),
    "graphml": (".graphml", write_graphml),
    "gexf": (".gexf", write_gexf),
    "csv": (".csv", write_csv),
    "cytoscape": (".cyjs", write_cytoscape),
    "vosviewer": (".vosviewer.json", write_vosviewer),
}
PAPER_WRITERS: dict[str, tuple[str, Writer]] = {
    "ris": ("papers.ris", write_ris),
    "bibtex": ("papers.bib", write_bibtex),
    "nbib": ("papers.nbib", write_medline),
}
FORMATS = tuple(GRAPH_WRITERS) + tuple(PAPER_WRITERS)


def write_graph(graph: nx.Graph | PreparedGraph, folder: Path, name: str, formats: tuple[str, ...]) -> list[Path]:
    """The graph in each per-graph format; for the combined graph, the per-build paper lists too."""
    written = []
    for fmt in formats:
        if fmt in GRAPH_WRITERS:
            suffix, writer = GRAPH_WRITERS[fmt]
            written += writer(graph, folder / f"{name}{suffix}")
        elif fmt in PAPER_WRITERS and name == PAPERS_FROM:
            file_name, writer = PAPER_WRITERS[fmt]
            written += writer(graph, folder / file_name)
    return written
