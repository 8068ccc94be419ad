"""The HTML page and fragment, read as text: self-contained, escaped, complete, with a legend.

`sample_graph` builds graphs in the shape of the data contract (the browser tests use it too);
with hostile=True every record field carries markup that would run if it were ever parsed.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
from html.parser import HTMLParser

import networkx as nx
import numpy as np
import pytest

from litgraph.outputs.focus import FOCUS_SIZE
from litgraph.outputs.html import render_fragment, render_html, show, write_fragment, write_html
from litgraph.outputs.layout import SPACING, Layouts, page_positions, spread_layout

TRIAL = "nct:NCT01741857"
RESULT_PAPER = "pmid:20506343"
DERIVED_REF = "ref:3f2a9c1b7d4e"
RETRACTED = "pmid:222"


def xss(n: int) -> str:
    """A payload that sets window.__xss if it is ever parsed as HTML or run as script."""
    return f'<img src=x onerror="window.__xss={n}"></script><script>window.__xss={n}</script>'


# What litgraph.analysis puts on nodes: paper communities 0-2 and an author community 0, which
# is another grouping than paper community 0.
METRICS = {
    RESULT_PAPER: dict(community=0, cited_by=2, pagerank=0.31),
    "pmid:111": dict(community=0, cited_by=1, pagerank=0.22),
    RETRACTED: dict(community=1, cited_by=1, pagerank=0.12),
    "pmid:333": dict(community=1, cited_by=0, pagerank=0.05),
    DERIVED_REF: dict(community=2, cited_by=0, pagerank=0.05),
    "author:sun-lin": dict(community=0, pagerank=0.5, betweenness=0.0),
    "author:motzer-r": dict(community=0, pagerank=0.5, betweenness=0.0),
}


# What NIH's iCite says of the result paper (the attributes litgraph's iCite source sets).
ICITE = dict(citation_count=123, rcr=2.5, nih_percentile=87.2, apt=0.75, is_clinical=True, cited_by_clinical=3,
             clinical_citations=["111", "999"], link_data=["icite-citedin", "icite-refs", "reference-list"])


def sample_graph(name: str = "combined", hostile: bool = False) -> nx.Graph:
    """A small graph per the data contract: one trial, its three reference kinds, citations,
    a similar-article link, authors; a retracted paper and a paper known only from a citation;
    the metrics of METRICS."""
    h = (lambda n, text: xss(n) + text) if hostile else (lambda n, text: text)
    graph = nx.MultiDiGraph(name=name)
    graph.add_node(TRIAL, type="trial", label="NCT01741857", nct_id=h(1, "NCT01741857") if hostile else "NCT01741857",
                   title=h(2, "Sunitinib in kidney cancer"), status="COMPLETED", phase="PHASE3",
                   conditions=[h(3, "Renal cell carcinoma")], interventions=["Sunitinib"], sponsor=h(4, "Pfizer"),
                   start_date="2010-05", completion_date="2014-01", enrollment=410)
    papers = {
        RESULT_PAPER: dict(pmid="20506343", title=h(5, "Overall survival with sunitinib"), year=2010, seed=True, depth=0,
                           doi="javascript:window.__xss=6" if hostile else "10.1200/JCO.2009.1", pmcid="PMC2909070"),
        "pmid:111": dict(pmid="111", title=h(7, "Background on angiogenesis"), year=2004, seed=True, depth=0),
        DERIVED_REF: dict(pmid="", title="", year=None, seed=True, depth=0, fetched=False,
                          citation=h(8, "Sun L et al. A derived analysis. 2015")),
        RETRACTED: dict(pmid="222", title=h(9, "A retracted result"), year=2012, retracted=True, depth=1),
        "pmid:333": dict(pmid='333"><svg onload="window.__xss=10">' if hostile else "333",
                         title=h(11, "A later meta-analysis"), year=2018, depth=1),
    }
    for node, values in papers.items():
        graph.add_node(node, **_paper(values, hostile))
    _link(graph, TRIAL, RESULT_PAPER, "result", ["registry", "pubmed-si"])
    _link(graph, TRIAL, "pmid:111", "background", ["registry"])
    _link(graph, TRIAL, DERIVED_REF, "derived", ["registry"])
    _link(graph, "pmid:333", RESULT_PAPER, "cites", ["elink-citedin"])
    _link(graph, "pmid:333", RETRACTED, "cites", ["elink-refs", "reference-list"])
    _link(graph, RESULT_PAPER, "pmid:111", "cites", ["reference-list"])
    _link(graph, RETRACTED, RESULT_PAPER, "similar", ["elink-similar"])
    authors = {
        "author:sun-lin": dict(name=h(12, "Lin Sun"), orcid="javascript:window.__xss=13//0000-0002-1825-0097"
                               if hostile else "0000-0002-1825-0097", affiliations=[h(14, "Dept of Oncology")]),
        "author:motzer-r": dict(name="Robert Motzer", orcid="", affiliations=[]),
    }
    for node, values in authors.items():
        graph.add_node(node, type="author", label=values["name"], papers=2, variants=[values["name"]], **values)
        for position, paper in enumerate((RESULT_PAPER, RETRACTED), start=1):
            graph.add_edge(node, paper, key="authored", kind="authored", position=position, sources=["pubmed"])
    for node, values in METRICS.items():
        graph.nodes[node].update(values)
    graph.graph["community_topics"] = {"paper": {"0": ["Sunitinib", "Kidney Neoplasms"]}}
    graph.nodes[RESULT_PAPER].update(ICITE)
    graph.nodes["pmid:333"]["link_data"] = []  # no source knows its citations
    if hostile:
        hostile_id = 'pmid:"><img src=x onerror="window.__xss=15">'
        graph.add_node(hostile_id, **_paper(dict(pmid="444", title=h(16, "x"), year=2016), hostile))
        _link(graph, hostile_id, RESULT_PAPER, '"><img src=x onerror="window.__xss=17">', ["\u2028<!--"])
        # record text used as a lookup key must not reach Object.prototype
        graph.add_node("odd:1", type="constructor", label="__proto__", title="toString")
        _link(graph, "odd:1", RESULT_PAPER, "__proto__", ["constructor"])
    return graph


def _paper(values: dict, hostile: bool) -> dict:
    attributes = dict(type="paper", journal=xss(18) + "J Clin Oncol" if hostile else "J Clin Oncol",
                      doi="", pmcid="", authors=["Lin Sun", "Robert Motzer"], mesh=["Sunitinib", "Kidney Neoplasms"],
                      publication_types=["Journal Article"], retracted=False, seed=False, fetched=True, citation="")
    attributes.update(values)
    attributes["label"] = attributes["title"][:30] or attributes["citation"][:30]
    return attributes


def _link(graph: nx.MultiDiGraph, u: str, v: str, kind: str, sources: list[str]) -> None:
    graph.add_edge(u, v, key=kind, kind=kind, sources=sources)


def author_graph() -> nx.Graph:
    graph = nx.Graph(name="author")
    for key, name in (("author:a", "Ann Lee"), ("author:b", "Bo Chen"), ("author:c", "Cy Diaz")):
        graph.add_node(key, type="author", label=name, name=name, orcid="", affiliations=[], papers=1, variants=[name])
    graph.add_edge("author:a", "author:b", kind="coauthor", weight=3, sources=["pubmed"])
    graph.add_edge("author:b", "author:c", kind="coauthor", weight=1, sources=["registry"])
    return graph


def analysis_graphs(hostile: bool = False) -> dict[str, nx.Graph]:
    """The newer graphs: co-citation (weighted paper links), MeSH co-occurrence, and a trial
    with an investigator matched to an author."""
    h = (lambda n, text: xss(n) + text) if hostile else (lambda n, text: text)
    cocitation = nx.Graph(name="cocitation", min_weight=1)
    for node, values in METRICS.items():
        if node.startswith("pmid:"):
            cocitation.add_node(node, **_paper(dict(pmid=node[5:], title=h(20, f"Paper {node}"), year=2010), False),
                                **values)
    cocitation.add_edge(RESULT_PAPER, "pmid:111", kind="cocited", weight=3,
                        citing_papers=["pmid:1", "pmid:2", "pmid:3"], sources=["elink-refs"])
    cocitation.add_edge("pmid:111", RETRACTED, kind="cocited", weight=2, citing_papers=["pmid:5", "pmid:6"],
                        sources=["elink-refs"])
    cocitation.add_edge(RETRACTED, "pmid:333", kind="cocited", weight=1, citing_papers=[h(21, "pmid:4")],
                        sources=["reference-list"])
    mesh = nx.Graph(name="mesh", min_weight=1)
    for heading, count in (("Sunitinib", 4), (h(22, "Kidney Neoplasms"), 3), ("Angiogenesis", 1)):
        mesh.add_node(f"mesh:{heading}", type="mesh", label=heading, name=heading, papers=count)
    mesh.add_edge("mesh:Sunitinib", f"mesh:{h(22, 'Kidney Neoplasms')}", kind="cooccurs", weight=3, sources=["pubmed"])
    mesh.add_edge("mesh:Sunitinib", "mesh:Angiogenesis", kind="cooccurs", weight=1, sources=["pubmed"])
    trial = sample_graph("trial", hostile)
    trial.add_edge(TRIAL, "author:motzer-r", key="investigator", kind="investigator", sources=["registry"],
                   role=h(23, "PRINCIPAL_INVESTIGATOR"))
    return {"cocitation": cocitation, "mesh": mesh, "trial": trial}


def citation_graph(count: int, seed: int = 1) -> nx.MultiDiGraph:
    """A citation-like graph of `count` papers (preferential attachment, newer cites older)."""
    base = nx.barabasi_albert_graph(count, 2, seed=seed)
    graph = nx.MultiDiGraph(name="paper")
    for node in base:
        graph.add_node(f"pmid:{node + 1}", type="paper", label=f"P{node}", pmid=str(node + 1), title=f"Paper {node}",
                       year=2024 - node * 30 // count, seed=node < 5, depth=0 if node < 5 else 1, fetched=True,
                       retracted=False, authors=[], mesh=[], publication_types=[], journal="", doi="", pmcid="",
                       citation="")
    for a, b in base.edges():
        newer, older = max(a, b), min(a, b)
        graph.add_edge(f"pmid:{newer + 1}", f"pmid:{older + 1}", key="cites", kind="cites", sources=["elink-refs"])
    return graph


# --- helpers reading the page ------------------------------------------------------------------

def embedded_data(page: str) -> dict:
    """The page's whole-graph data, its edges turned back into node-link records (source, target,
    kind and attributes), and the first picture's ("first") with its "meta"."""
    first, whole = (re.search(rf'<script type="application/json" class="{name}">(.*?)</script>', page, re.S)
                    for name in ("lg-first", "lg-data"))
    assert first and whole, "a data script is missing"
    data, first = json.loads(whole.group(1)), json.loads(first.group(1))
    data["edges"] = edge_records(data["edges"], data["nodes"])
    return {**data, "meta": first["meta"], "first": first}


def edge_records(columns: dict, nodes: list[dict]) -> list[dict]:
    """Edge columns as node-link edge records."""
    return [{**columns["table"][place], "source": nodes[source]["id"], "target": nodes[target]["id"],
             "kind": columns["kinds"][kind]}
            for source, target, kind, place in zip(columns["from"], columns["to"], columns["kind"], columns["attrs"])]


class _Elements(HTMLParser):
    """Start tags as a browser's tokenizer sees them (script contents are not markup)."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.texts: dict[int, str] = {}
        self.in_script = False
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self.in_script = tag == "script"

    def handle_endtag(self, tag):
        self.in_script = False

    def handle_data(self, data):
        if self.in_script:
            self.texts[len(self.tags) - 1] = self.texts.get(len(self.tags) - 1, "") + data


def elements(page: str, tag: str) -> list[dict]:
    return [attrs for name, attrs in _Elements(page).tags if name == tag]


def content_security_policy(page: str) -> str:
    return next(meta["content"] for meta in elements(page, "meta") if meta.get("http-equiv") == "Content-Security-Policy")


def scripts(page: str) -> list[str]:
    parsed = _Elements(page)
    return [parsed.texts.get(i, "") for i, (name, attrs) in enumerate(parsed.tags) if name == "script" and not attrs]


# --- self-contained ----------------------------------------------------------------------------

EXTERNAL = [
    re.compile(r"""\b(?:src|href|action|poster|data)\s*=\s*["']?\s*(?:https?:)?//""", re.I),
    re.compile(r"""url\(\s*["']?\s*(?:https?:)?//""", re.I),
    re.compile(r"@import", re.I),
    re.compile(r"<link\b", re.I),
    re.compile(r"<script[^>]*\bsrc\s*=", re.I),
]


def test_page_is_self_contained():
    page = render_html(sample_graph(), title="NCT01741857")
    for pattern in EXTERNAL:
        assert not pattern.search(page), pattern.pattern
    assert "@version 9.1.2" in page  # vis-network is inlined, not linked
    assert "window.vis && window.vis.Network" in page
    assert len(page) > 400_000


def test_content_security_policy_allows_exactly_the_inline_scripts():
    page = render_html(sample_graph(), title="t")
    policy = content_security_policy(page)
    assert "default-src 'none'" in policy
    allowed = set(re.findall(r"'sha256-([^']+)'", policy))
    found = {base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() for s in scripts(page)}
    assert found == allowed and len(found) == 4  # vis-network, the page script, mounting and completing


def test_write_html_writes_the_page(tmp_path):
    path = tmp_path / "combined.html"
    assert write_html(sample_graph(), path, title="Combined") == [path]
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert page == render_html(sample_graph(), title="Combined")


# --- escaping ----------------------------------------------------------------------------------

def test_hostile_data_is_escaped_everywhere():
    graph = sample_graph(hostile=True)
    page = render_html(graph, title=xss(99) + "Title")
    # Only our six script elements exist: two data blocks and four code blocks.
    assert len(elements(page, "script")) == 6 and page.count("</script") == 6
    assert not {"img", "iframe", "object", "embed"} & {tag for tag, _ in _Elements(page).tags}
    assert not [attrs for _, attrs in _Elements(page).tags if any(name.startswith("on") for name in attrs)]
    for fragment in ("<img src=x", "<svg onload", "<!--", "window.__xss=99</"):
        assert fragment not in page
    assert "<title>&lt;img src=x onerror=&#34;window.__xss=99&#34;&gt;" in page
    assert '<h1 class="lg-title">&lt;img src=x onerror=' in page
    data = embedded_data(page)
    assert data["nodes"][0]["title"] == graph.nodes[TRIAL]["title"]  # escaped, yet exact after parsing


def test_unusual_values_become_plain_json(tmp_path):
    graph = nx.Graph(name="paper")
    graph.add_node(1, type="paper", label="x", year=float("nan"), mesh={"b", "a"}, depth=np.int64(2),
                   title="bad \ud800 surrogate", extra=object())
    graph.add_node((2, 3), type="paper", label="tuple id", year=None)
    graph.add_edge(1, (2, 3), kind="cites", sources="registry")
    write_html(graph, tmp_path / "odd.html", title="odd")
    data = embedded_data((tmp_path / "odd.html").read_text(encoding="utf-8"))
    attributes = data["nodes"][0]
    assert attributes["year"] is None and attributes["mesh"] == ["a", "b"] and attributes["depth"] == 2
    assert attributes["title"] == "bad \ud800 surrogate"  # as a JSON escape: the page stays valid UTF-8
    assert [node["id"] for node in data["nodes"]] == [1, [2, 3]]
    assert data["edges"] == [{"kind": "cites", "sources": "registry", "source": 1, "target": [2, 3]}]


# --- completeness and legend -------------------------------------------------------------------

@pytest.mark.parametrize("graph", [sample_graph(), sample_graph("trial"), author_graph(), sample_graph(hostile=True)],
                         ids=["combined", "trial", "author", "hostile"])
def test_every_node_and_edge_is_in_the_page(graph):
    data = embedded_data(render_html(graph, title="t"))
    assert [node["id"] for node in data["nodes"]] == list(graph.nodes)
    assert len(data["edges"]) == graph.number_of_edges()
    pairs = sorted((edge["source"], edge["target"], edge["kind"]) for edge in data["edges"])
    assert pairs == sorted((u, v, d["kind"]) for u, v, d in graph.edges(data=True))


def legend(page: str, what: str) -> list[str]:
    return re.findall(rf'data-filter="{what}" data-value="([^"]*)"', page)


def test_legend_lists_the_types_and_kinds_present():
    page = render_html(sample_graph(), title="t")
    assert legend(page, "type") == ["trial", "paper", "author"]
    assert legend(page, "kind") == ["background", "result", "derived", "cites", "similar", "authored"]
    for mark in ("Seed: listed by the trial or given", "Retracted", "Known only from a citation"):
        assert mark in page
    authors = render_html(author_graph(), title="t")
    assert legend(authors, "type") == ["author"] and legend(authors, "kind") == ["coauthor"]
    assert '<ul class="lg-legend lg-marks">' not in authors and "Publication years" not in authors


def test_legend_names_the_types_and_kinds_of_the_newer_graphs():
    graphs = analysis_graphs()
    cocitation = render_html(graphs["cocitation"], title="t")
    assert legend(cocitation, "kind") == ["cocited"] and ">Co-cited<" in cocitation
    mesh = render_html(graphs["mesh"], title="t")
    assert legend(mesh, "type") == ["mesh"] and legend(mesh, "kind") == ["cooccurs"]
    assert ">MeSH heading<" in mesh and ">Indexed together<" in mesh and "<rect" in mesh  # a square swatch
    trial = render_html(graphs["trial"], title="t")
    assert legend(trial, "kind") == ["background", "result", "derived", "investigator", "cites", "similar",
                                     "authored"]


def test_colour_by_community_is_offered_when_nodes_have_communities():
    assert 'value="community" data-view="colour"' in render_html(sample_graph(), title="t")
    mesh = render_html(analysis_graphs()["mesh"], title="t")
    assert 'value="community"' not in mesh and 'data-view="colour"' not in mesh  # no years either


def test_header_counts():
    page = render_html(sample_graph("trial"), title="t")
    assert "1 trial" in page and "5 papers" in page and "2 authors" in page
    assert f"{sample_graph().number_of_edges()} links" in page


# --- fragment ----------------------------------------------------------------------------------

def test_fragments_have_their_own_ids():
    first = render_fragment(sample_graph(), title="One")
    second = render_fragment(author_graph(), title="Two")
    ids = [re.match(r'<div class="lg" id="(lg-[0-9a-f]+)"', fragment).group(1) for fragment in (first, second)]
    assert ids[0] != ids[1]
    for fragment, uid in zip((first, second), ids):
        assert not {"html", "head", "body", "meta"} & {tag for tag, _ in _Elements(fragment).tags}
        assert f'getElementById("{uid}")' in fragment
        assert f'name="{uid}-colour"' in fragment or "Publication years" not in fragment
    assert embedded_data(second)["meta"]["name"] == "author"


def test_write_fragment_writes_one_div(tmp_path):
    assert write_fragment(sample_graph(), tmp_path / "combined.fragment.html") == [tmp_path / "combined.fragment.html"]
    fragment = (tmp_path / "combined.fragment.html").read_text(encoding="utf-8")
    assert fragment.startswith('<div class="lg" id="lg-') and fragment.rstrip().endswith("</div>")
    assert "All graphs" not in fragment  # the link back to a build's index is for pages only


# --- notebooks ---------------------------------------------------------------------------------

def test_show_puts_the_whole_page_in_a_sandboxed_iframe():
    view = show(sample_graph(), title="In a notebook", height=500)
    frames = [attrs for tag, attrs in _Elements(view._repr_html_()).tags]
    assert [tag for tag, _ in _Elements(view._repr_html_()).tags] == ["iframe"]
    frame = frames[0]
    assert frame["srcdoc"] == render_html(sample_graph(), title="In a notebook")  # unescaped by the parser
    assert "height:500px" in frame["style"]
    assert "allow-scripts" in frame["sandbox"] and "allow-same-origin" not in frame["sandbox"]


# --- large graphs ------------------------------------------------------------------------------

def test_every_page_gets_its_positions_from_python():
    small = embedded_data(render_html(citation_graph(200), title="small"))
    assert small["positions"] is None  # the first picture is the whole graph
    assert small["meta"]["focus"]["shown"] == 200 and len(small["meta"]["focus"]["positions"]) == 2 * 200
    data = embedded_data(render_html(citation_graph(FOCUS_SIZE + 500), title="big"))
    focus = data["meta"]["focus"]
    assert focus["shown"] == FOCUS_SIZE and sorted(data["order"]) == list(range(FOCUS_SIZE + 500))
    assert data["first"]["indices"] == data["order"][:FOCUS_SIZE]
    assert [node["id"] for node in data["first"]["nodes"]] == [data["nodes"][i]["id"] for i in data["order"][:FOCUS_SIZE]]
    first = np.array(focus["positions"], dtype=float).reshape(-1, 2)
    assert first.shape == (FOCUS_SIZE, 2) and len({tuple(p) for p in first.tolist()}) == FOCUS_SIZE
    positions = np.array(data["positions"], dtype=float).reshape(-1, 2)  # "show all": flat x0, y0, x1, y1...
    assert positions.shape == (FOCUS_SIZE + 500, 2) and np.isfinite(positions).all()
    assert len({tuple(p) for p in positions.tolist()}) > 0.95 * len(positions)


def test_a_trial_among_more_seeds_than_the_focus_holds_still_opens_the_page_with_its_references():
    graph = citation_graph(FOCUS_SIZE * 3)
    for node in list(graph)[::2]:
        graph.nodes[node]["seed"] = True  # a build given more seed PMIDs than the first picture holds
    graph.add_node("trial:NCT01741857", type="trial", label="NCT01741857", nct_id="NCT01741857", title="A trial")
    references = [f"pmid:{n}" for n in range(FOCUS_SIZE * 3, FOCUS_SIZE * 3 - 12, -1)]  # the youngest, least cited
    for node, kind in zip(references, ["background"] * 8 + ["result"] * 4):
        graph.add_edge("trial:NCT01741857", node, key=kind, kind=kind, sources=["registry"])
    data = embedded_data(render_html(graph, title="many seeds"))
    first = [node["id"] for node in data["first"]["nodes"]]
    assert first[:13] == ["trial:NCT01741857"] + sorted(references, key=first.index)
    assert set(references) <= set(first) and len(first) == FOCUS_SIZE


def test_seeds_beyond_what_a_ring_can_label_are_laid_out_by_forces():
    graph = citation_graph(FOCUS_SIZE * 3)
    for node in graph:
        graph.nodes[node]["seed"] = True
    focus = embedded_data(render_html(graph, title="all seeds"))["meta"]["focus"]
    first = np.array(focus["positions"], dtype=float).reshape(-1, 2)
    distance = np.hypot(*(first - first.mean(axis=0)).T)
    assert distance.std() > 0.25 * distance.mean()  # a cloud, not a ring (on which every distance is the same)


def test_spread_layout_keeps_linked_nodes_close():
    graph = nx.connected_caveman_graph(40, 12)  # 40 dense groups joined in a ring
    edges = np.array(graph.edges())
    positions = spread_layout(graph.number_of_nodes(), edges[:, 0], edges[:, 1])
    linked = np.linalg.norm(positions[edges[:, 0]] - positions[edges[:, 1]], axis=1).mean()
    rng = np.random.default_rng(0)
    pairs = rng.integers(0, len(positions), (5000, 2))
    random = np.linalg.norm(positions[pairs[:, 0]] - positions[pairs[:, 1]], axis=1).mean()
    assert linked * 4 < random


def test_page_positions_give_each_node_room_and_pull_in_far_outliers():
    positions = np.random.default_rng(1).normal(0, 10, (1000, 2))
    positions[0] = (5000, 0)  # a lone node pushed far away by the rest
    page = page_positions(positions)
    low, high = np.percentile(page, [2, 98], axis=0)
    assert math.isclose(float(np.prod(high - low)) / len(page), SPACING**2, rel_tol=0.05)  # room per node
    assert np.hypot(*page[0]) < 1.2 * np.percentile(np.hypot(page[:, 0], page[:, 1]), 98)


def test_a_graph_inside_one_laid_out_before_keeps_its_places():
    papers = nx.barabasi_albert_graph(600, 2, seed=3)
    combined = papers.copy()
    combined.add_edges_from((f"author {n}", n) for n in range(0, 600, 2))  # authors beside their papers
    layouts = Layouts()
    first = dict(zip(combined, layouts.positions(list(combined), *_ends(combined))))
    second = dict(zip(papers, layouts.positions(list(papers), *_ends(papers))))
    moved = np.array([np.hypot(*(second[n] - first[n])) for n in papers])
    spread = np.std([first[n] for n in papers], axis=0).mean()
    assert np.median(moved) < 0.5 * spread  # settled from the combined layout (laid out anew: about 1.4)
    unrelated = nx.path_graph(["a", "b", "c"])
    layouts.positions(list(unrelated), *_ends(unrelated))
    assert set(layouts.known) == set(combined) | {"a", "b", "c"}  # laid out apart, kept beside the frame
    overlapping = nx.path_graph([0, 1, "d", "e", "f", "g", "h", "i", "j", "k"])  # too few known nodes
    layouts.positions(list(overlapping), *_ends(overlapping))
    assert set(layouts.known) == set(overlapping)  # laid out anew, a new frame


def _ends(graph: nx.Graph) -> tuple[np.ndarray, np.ndarray]:
    index = {node: position for position, node in enumerate(graph)}
    ends = np.array([(index[u], index[v]) for u, v in graph.edges()])
    return ends[:, 0], ends[:, 1]


def test_spread_layout_handles_tiny_inputs():
    assert spread_layout(0, np.array([], int), np.array([], int)).shape == (0, 2)
    assert np.isfinite(spread_layout(1, np.array([], int), np.array([], int))).all()
    assert page_positions(np.zeros((0, 2))).shape == (0, 2)
