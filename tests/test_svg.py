"""The SVG image: valid XML, one shape per node and one path per kind of link, a legend, the
page's positions for large graphs, and record text that stays text."""

from __future__ import annotations

from collections import Counter

import networkx as nx
import numpy as np
from lxml import etree

from litgraph.outputs.focus import FOCUS_SIZE
from litgraph.outputs.html import render_html
from litgraph.outputs.prepared import PreparedGraph
from litgraph.outputs.svg import render_svg, write_svg
from test_html import analysis_graphs, citation_graph, embedded_data, sample_graph

SVG = "{http://www.w3.org/2000/svg}"


def parsed(svg: str) -> etree._Element:
    return etree.fromstring(svg.encode("utf-8"))  # raises on anything that is not well-formed XML


def nodes(root: etree._Element) -> list[etree._Element]:
    return root.xpath("//*[@class='node']")


def test_the_image_is_valid_svg_with_a_shape_per_node(tmp_path):
    graph = sample_graph()
    assert write_svg(graph, tmp_path / "combined.svg") == [tmp_path / "combined.svg"]
    root = parsed((tmp_path / "combined.svg").read_text(encoding="utf-8"))
    assert root.tag == f"{SVG}svg" and root.findtext(f"{SVG}title") == "combined"
    shapes = nodes(root)
    assert len(shapes) == graph.number_of_nodes()
    assert Counter(shape.get("data-type") for shape in shapes) == Counter(t for _, t in graph.nodes(data="type"))
    assert Counter(shape.tag for shape in shapes) == {f"{SVG}circle": 5, f"{SVG}polygon": 3}  # dots; diamond, triangles


def test_links_are_one_path_per_kind_and_width():
    graph = sample_graph()
    root = parsed(render_svg(graph))
    paths = root.xpath("//*[@class='edge']")
    assert sorted(path.get("data-kind") for path in paths) == sorted(
        {kind for *_, kind in graph.edges(data="kind")})
    segments = sum(path.get("d").count("M") for path in paths)
    assert segments == graph.number_of_edges()
    cocited = parsed(render_svg(analysis_graphs()["cocitation"])).xpath("//*[@class='edge']")
    assert sorted(float(path.get("stroke-width")) for path in cocited) == [0.8, 2.0, 2.5]  # weights 1, 2, 3


def test_the_legend_names_what_is_drawn():
    legend = " ".join(parsed(render_svg(sample_graph())).xpath("//*[@class='legend']//text()"))
    for row in ("Trial (1)", "Paper (5)", "Author (2)", "Seed: listed by the trial or given (3)", "Retracted (1)",
                "Known only from a citation (1)",
                "Result reference (1)", "Cites (3)", "Authored (4)"):
        assert row in legend
    mesh = " ".join(parsed(render_svg(analysis_graphs()["mesh"])).xpath("//*[@class='legend']//text()"))
    assert "MeSH heading (3)" in mesh and "Indexed together (2)" in mesh


def test_large_graphs_are_drawn_as_the_page_opens():
    graph = PreparedGraph(citation_graph(FOCUS_SIZE + 200))
    focus = embedded_data(render_html(graph))["meta"]["focus"]
    page = np.array(focus["positions"], dtype=float).reshape(-1, 2)
    root = parsed(render_svg(graph))
    drawn = np.array([(float(shape.get("cx")), float(shape.get("cy"))) for shape in nodes(root)])
    assert len(drawn) == focus["shown"] == FOCUS_SIZE
    assert f"{FOCUS_SIZE} of {FOCUS_SIZE + 200:,} nodes" in root.xpath("string(//*[local-name()='text'][2])")
    for axis in (0, 1):  # the same picture, scaled and moved
        assert np.corrcoef(page[:, axis], drawn[:, axis])[0, 1] > 0.9999


def test_record_text_stays_text():
    graph = sample_graph(hostile=True)
    graph.nodes["pmid:111"]["label"] = 'x\x00\x1b"><script>window.__xss=1</script>'
    root = parsed(render_svg(graph, title='<script>alert(1)</script> "&'))
    assert root.findtext(f"{SVG}title") == '<script>alert(1)</script> "&'
    assert not root.xpath("//*[local-name()='script' or local-name()='foreignObject' or local-name()='a']")
    assert not [name for element in root.iter() for name in element.attrib if name.startswith("on")]
    labels = root.xpath("//*[@class='labels']/*/text()")
    assert 'x"><script>window.__xss=1</script>' in labels  # without the characters XML forbids


def test_tiny_graphs():
    assert nodes(parsed(render_svg(nx.Graph(name="empty")))) == []
    one = nx.Graph(name="one")
    one.add_node("pmid:1", type="paper", label="alone")
    assert len(nodes(parsed(render_svg(one)))) == 1
