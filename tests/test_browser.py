"""The page in headless Chromium: offline, complete, searchable, filterable, clickable, and inert
to hostile record data. Skipped when Chromium or Playwright is missing (see tests/browser.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import browser
from conftest import EXAMPLE, GUARD_SITE
from litgraph import Settings, build
from litgraph.kinds import edge_width
from test_page_at_scale import label_clashes
from litgraph.outputs.focus import FOCUS_SIZE
from litgraph.outputs.html import render_fragment, show, write_html
from litgraph.outputs.svg import write_svg
from test_html import (DERIVED_REF, METRICS, RESULT_PAPER, RETRACTED, TRIAL, analysis_graphs, author_graph,
                       citation_graph, sample_graph, xss)
from test_index import StubBuild, build_summary

pytestmark = pytest.mark.skipif(browser.unavailable() is not None, reason=str(browser.unavailable()))

VIEW = "document.getElementById('lg-main').litgraph"
LARGE = FOCUS_SIZE + 1700  # laid out in Python, drawn without physics


@pytest.fixture(scope="module")
def chromium():
    with browser.chromium() as context:
        yield context


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("pages")
    hostile = {f"hostile-{name}": graph for name, graph in analysis_graphs(hostile=True).items()}
    graphs = {"combined": sample_graph(), "hostile": sample_graph(hostile=True), "large": citation_graph(LARGE),
              **analysis_graphs(), **hostile}
    paths = {}
    for name, graph in graphs.items():
        paths[name] = folder / f"{name}.html"
        write_html(graph, paths[name], title=f"{name} graph")
    return paths


def node_index(visit: browser.Visit, key: str) -> int:
    return visit.js(f"(key) => {VIEW}.model.nodes.findIndex((node) => node.key === key)", key)


def node_point(visit: browser.Visit, index: int) -> tuple[float, float]:
    """Where a node is on screen, in page coordinates."""
    point = visit.js(f"""(index) => {{
        const view = {VIEW};
        const at = view.network.canvasToDOM(view.network.getPosition(index));
        const box = view.ui.canvas.getBoundingClientRect();
        return [box.left + at.x, box.top + at.y];
    }}""", index)
    return point[0], point[1]


def drawn_node_count(visit: browser.Visit) -> int:
    return visit.js(f"{VIEW}.network.body.nodeIndices.length")


def panel_text(visit: browser.Visit) -> str:
    return visit.page.inner_text(".lg-panel-body")


def test_page_loads_offline_with_zero_external_requests(chromium, pages):
    for name in ("combined", "large"):
        visit = browser.visit(chromium, pages[name])
        assert visit.requests == [pages[name].resolve().as_uri()], visit.requests
        assert visit.problems() == []
        visit.page.close()


def test_a_small_graph_is_drawn_whole_and_a_large_one_opens_on_its_focus(chromium, pages):
    small = sample_graph().number_of_nodes()
    visit = browser.visit(chromium, pages["combined"])
    assert visit.js(f"{VIEW}.nodes.length") == drawn_node_count(visit) == small
    assert visit.js(f"{VIEW}.model.edges.length") == sample_graph().number_of_edges()
    assert visit.page.is_hidden('[data-action="all"]') and visit.page.inner_text(".lg-showing") == ""
    visit.page.close()
    visit = browser.visit(chromium, pages["large"])
    assert drawn_node_count(visit) == FOCUS_SIZE
    assert visit.page.inner_text(".lg-showing") == f"showing {FOCUS_SIZE} of {LARGE:,} papers"
    visit.page.click('[data-action="all"]')
    assert drawn_node_count(visit) == LARGE and visit.page.inner_text(".lg-showing") == ""
    positions = visit.js(f"Object.values({VIEW}.network.getPositions()).filter(p => isFinite(p.x + p.y)).length")
    assert positions == LARGE
    visit.page.click('[data-action="all"]')  # now "First picture"
    assert drawn_node_count(visit) == FOCUS_SIZE
    assert visit.problems() == []
    visit.page.close()


def test_nodes_are_drawn_where_python_placed_them_without_physics(chromium, pages):
    visit = browser.visit(chromium, pages["large"])
    assert visit.js(f"{VIEW}.network.physics.physicsEnabled") is False
    first = visit.js(f"""(() => {{ const view = {VIEW}; const k = 7; const node = view.shown.order[k];
        const at = view.network.getPosition(node);
        return [at.x, view.meta.focus.positions[2 * k], at.y, view.meta.focus.positions[2 * k + 1]]; }})()""")
    assert first[0] == first[1] and first[2] == first[3]
    visit.js(f"{VIEW}.showAll()")
    whole = visit.js(f"[{VIEW}.network.getPosition(7).x, {VIEW}.shown.full[14], {VIEW}.network.getPosition(7).y, "
                     f"{VIEW}.shown.full[15]]")
    assert whole[0] == whole[1] and whole[2] == whole[3]  # bench/page.py measures how fast
    visit.page.close()


def test_the_example_reads_without_overlapping_labels(chromium, tmp_path):
    """The built-in example, built offline from the record: labels clear of each other and of the
    nodes, the trial labelled with its id, papers sharing a label told apart."""
    result = build(str(EXAMPLE), offline=True, settings=Settings(cache_dir=tmp_path / "cache"), warn=lambda _: None)
    result.write(tmp_path / "out", formats=("html",))
    for name in ("combined", "trial", "author"):
        visit = browser.visit(chromium, tmp_path / "out" / f"{name}.html")
        clashes, labels = label_clashes(visit)
        assert clashes == [] and labels >= 10, name
        if name != "author":
            lines = visit.js(f"{VIEW}.labels.placed.filter((l) => l.node !== undefined && "
                             f"{VIEW}.model.nodes[l.node].type === 'trial').map((l) => l.block.lines[0])")
            assert lines == ["NCT01741857"]
            drawn = visit.js(f"{VIEW}.labels.placed.filter((l) => l.node !== undefined).map((l) => l.block.lines[0])")
            assert {"Liang 2010a", "Liang 2010b", "Wang 2014a", "Wang 2014b"} <= set(drawn)
        assert visit.problems() == []
        visit.page.close()


def test_search_selects_and_focuses_a_node(chromium, pages):
    visit = browser.visit(chromium, pages["combined"])
    page = visit.page
    for query, key, expected in (("20506343", RESULT_PAPER, "Overall survival with sunitinib"),
                                 ("motzer", "author:motzer-r", "Robert Motzer"),
                                 ("nct01741857", TRIAL, "Sunitinib in kidney cancer")):
        page.fill(".lg-search", query)
        page.wait_for_selector(".lg-results:not([hidden]) .lg-result")
        assert expected in page.inner_text(".lg-results .lg-result")
        page.press(".lg-search", "Enter")
        page.wait_for_selector(".lg-panel:not([hidden])")
        assert expected in panel_text(visit)
        assert visit.js(f"{VIEW}.network.getSelectedNodes()") == [node_index(visit, key)]
    page.close()


def test_kind_filter_hides_a_reference_kind(chromium, pages):
    visit = browser.visit(chromium, pages["combined"])
    page = visit.page
    total = drawn_node_count(visit)
    derived_edges = visit.js(f"{VIEW}.model.edges.filter((e) => e.kind === 'derived').map((e) => e.index)")
    assert derived_edges
    page.click('input[data-filter="kind"][data-value="derived"]')
    assert visit.js(f"{VIEW}.hiddenKinds.has('derived')") is True  # its edges are not drawn
    assert visit.js(f"(i) => {VIEW}.nodes.get(i).hidden", node_index(visit, DERIVED_REF)) is True  # its only link
    assert drawn_node_count(visit) == total - 1
    assert page.inner_text(".lg-showing") == "showing 4 of 5 papers"
    page.click('input[data-filter="kind"][data-value="derived"]')
    assert drawn_node_count(visit) == total
    page.click('input[data-filter="type"][data-value="author"]')
    assert drawn_node_count(visit) == total - 2
    page.close()


def test_year_range_hides_papers_outside_it(chromium, pages):
    visit = browser.visit(chromium, pages["combined"])
    page = visit.page
    page.fill(".lg-year-from", "2011")
    page.locator(".lg-showing", has_text="showing").wait_for()  # the input is debounced
    hidden = visit.js(f"{VIEW}.model.nodes.filter((n) => {VIEW}.nodes.get(n.index).hidden).map((n) => n.key)")
    assert sorted(hidden) == ["pmid:111", RESULT_PAPER]  # 2004 and 2010; undated papers stay
    assert visit.js("document.querySelectorAll('.lg-bar.lg-off').length") == 7  # 2004..2010
    page.close()


def test_png_export_downloads_the_view(chromium, pages):
    visit = browser.visit(chromium, pages["combined"])
    with visit.page.expect_download() as download:
        visit.page.click('[data-action="png"]')
    assert download.value.suggested_filename == "litgraph-combined.png"
    assert Path(download.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    visit.page.close()


def test_click_opens_the_panel_with_metadata_and_safe_links(chromium, pages):
    visit = browser.visit(chromium, pages["combined"])
    page = visit.page
    page.mouse.click(*node_point(visit, node_index(visit, RESULT_PAPER)))
    page.wait_for_selector(".lg-panel:not([hidden])")
    text = panel_text(visit)
    for expected in ("Overall survival with sunitinib", "J Clin Oncol", "2010", "Lin Sun, Robert Motzer",
                     "LISTED BY THE TRIAL", "Result reference of NCT01741857", "registry, pubmed-si", "Cited by"):
        assert expected in text, expected
    links = visit.js("""[...document.querySelectorAll('.lg-panel a')].map(
        (a) => [a.textContent, a.href, a.target, a.rel])""")
    assert links == [
        ["20506343", "https://pubmed.ncbi.nlm.nih.gov/20506343/", "_blank", "noopener noreferrer"],
        ["10.1200/JCO.2009.1", "https://doi.org/10.1200/JCO.2009.1", "_blank", "noopener noreferrer"],
        ["PMC2909070", "https://pmc.ncbi.nlm.nih.gov/articles/PMC2909070/", "_blank", "noopener noreferrer"],
        ["PMID 999", "https://pubmed.ncbi.nlm.nih.gov/999/", "_blank", "noopener noreferrer"],  # a clinical citer
    ]
    page.click(".lg-panel .lg-node-link >> text=Sunitinib in kidney cancer")  # follow a link to the trial
    text = panel_text(visit)
    assert "Completed" in text and "Phase 3" in text and "Renal cell carcinoma" in text and "May 2010" in text
    assert visit.js("document.querySelector('.lg-panel a').href") == "https://clinicaltrials.gov/study/NCT01741857"
    page.click(".lg-back")
    assert "Overall survival with sunitinib" in panel_text(visit)
    page.keyboard.press("Escape")
    assert page.is_hidden(".lg-panel")
    page.close()


@pytest.mark.parametrize("name", ["hostile", "hostile-cocitation", "hostile-mesh", "hostile-trial"])
def test_hostile_strings_never_execute(chromium, pages, name):
    visit = browser.visit(chromium, pages[name])
    page = visit.page
    tooltips = exercise_everything(visit)
    assert visit.js("window.__xss") is None
    # record markup shows as text; it never becomes elements or handlers
    assert sum("<img src=x onerror" in text for text in tooltips) >= 1
    assert visit.js("document.querySelectorAll('img, iframe, object, embed').length") == 0
    assert visit.js("""[...document.querySelectorAll('*')].filter(
        (e) => [...e.attributes].some((a) => a.name.startsWith('on'))).length""") == 0
    assert visit.requests == [pages[name].resolve().as_uri()]
    assert visit.problems() == []
    assert page.inner_text(".lg-title") == f"{name} graph"
    page.close()


def exercise_everything(visit: browser.Visit) -> list[str]:
    """Hover and click every node, open every link, colour every way, search: each path that
    puts record text on the page. Returns the tooltips' text."""
    page = visit.page
    empty_spot = visit.js(f"(() => {{ const box = {VIEW}.ui.canvas.getBoundingClientRect(); "
                          "return [box.left + 3, box.top + 3]; })()")
    tooltips = []
    for index in range(visit.js(f"{VIEW}.model.nodes.length")):
        page.mouse.move(*empty_spot)
        page.wait_for_selector(".lg-tip", state="hidden")
        x, y = node_point(visit, index)
        page.mouse.move(x, y)
        page.wait_for_selector(".lg-tip:not([hidden])", timeout=3000)
        tooltips.append(page.inner_text(".lg-tip"))
        page.mouse.click(x, y)
        page.wait_for_selector(".lg-panel:not([hidden])")
        if page.is_visible(".lg-other summary"):
            page.click(".lg-other summary")
        page.keyboard.press("Escape")  # the panel covers part of the canvas, and opening it moved the view:
        page.click('[data-action="fit"]')  # everything back in sight
    for index in range(visit.js(f"{VIEW}.model.edges.length")):
        visit.js(f"(i) => {VIEW}.openEdge(i)", index)
    for radio in page.query_selector_all('input[data-view="colour"]'):
        radio.check()
    page.fill(".lg-search", "onerror")
    page.wait_for_selector(".lg-results:not([hidden]) .lg-result")
    return tooltips


def test_hostile_title_stays_text(chromium, tmp_path):
    path = tmp_path / "title.html"
    write_html(sample_graph(), path, title='<img src=x onerror="window.__xss=1"></title><script>window.__xss=2</script>')
    visit = browser.visit(chromium, path)
    assert visit.js("window.__xss") is None
    assert visit.page.title().startswith('<img src=x onerror="window.__xss=1"></title>')
    assert visit.page.inner_text(".lg-title").startswith("<img src=x")
    assert visit.js("document.querySelector('.lg-head').offsetHeight") < 120  # one line, ellipsis
    visit.page.close()


def test_year_layout_and_year_colours(chromium, pages):
    visit = browser.visit(chromium, pages["combined"])
    page = visit.page
    old, new = node_index(visit, "pmid:111"), node_index(visit, "pmid:333")  # 2004 and 2018
    colour_before = visit.js(f"(i) => {VIEW}.network.body.nodes[i].options.color.background", old)
    page.check('input[data-view="layout"][value="year"]')
    y = visit.js(f"(ids) => ids.map((i) => {VIEW}.network.getPosition(i).y)", [old, new])
    assert y[0] > y[1]  # older papers sit lower
    page.check('input[data-view="colour"][value="year"]')
    assert visit.js(f"(i) => {VIEW}.network.body.nodes[i].options.color.background", old) != colour_before
    assert page.is_visible(".lg-gradient")
    page.check('input[data-view="layout"][value="force"]')
    assert visit.js("window.__problems") == []
    page.close()


# A report with its own styles for the elements and class names a fragment also uses.
REPORT_STYLE = """<style>body { font: 20px serif; color: rgb(1, 2, 3); } h1 { font-size: 40px; }
button { background: rgb(255, 0, 0); } .lg-title { color: rgb(0, 128, 0); }</style>"""


def test_the_same_fragment_twice_in_a_report_without_clashes(chromium, tmp_path):
    host = tmp_path / "report.html"
    fragments = [render_fragment(sample_graph(), title="First"), render_fragment(sample_graph(), title="Second"),
                 render_fragment(sample_graph(hostile=True), title=xss(98) + "Hostile")]
    host.write_text("<!DOCTYPE html><html><head><meta charset='utf-8'><title>report</title>" + REPORT_STYLE
                    + "</head><body><h1>Report</h1><button id='own'>own</button>" + "<hr>".join(fragments)
                    + "<p id='after'>after</p></body></html>", encoding="utf-8")
    visit = browser.visit(chromium, host, root=".lg:last-of-type")
    page = visit.page
    counts = visit.js("""[...document.querySelectorAll('.lg')].map((root) => [root.id, root.dataset.state,
        root.litgraph.network.body.nodeIndices.length])""")
    count = sample_graph().number_of_nodes()
    hostile = sample_graph(hostile=True).number_of_nodes()
    assert [row[1:] for row in counts] == [["ready", count], ["ready", count], ["ready", hostile]]
    assert visit.js("(() => { const ids = [...document.querySelectorAll('[id]')].map((e) => e.id); "
                    "return ids.length === new Set(ids).size; })()")
    # the report keeps its looks: nothing of the fragments' styles reaches it
    style = "(selector) => { const s = getComputedStyle(document.querySelector(selector)); " \
            "return [s.fontSize, s.color, s.backgroundColor]; }"
    assert visit.js(style, "h1")[0] == "40px" and visit.js(style, "#own")[2] == "rgb(255, 0, 0)"
    assert visit.js(style, "#after")[:2] == ["20px", "rgb(1, 2, 3)"]
    # each fragment works on its own
    first, second = (f"#{row[0]}" for row in counts[:2])
    page.click(f'{first} input[data-filter="type"][data-value="author"]')
    shown = "(root) => document.querySelector(root).litgraph.network.body.nodeIndices.length"
    assert visit.js(shown, first) == count - 2 and visit.js(shown, second) == count
    page.fill(f"{second} .lg-search", "motzer")
    page.press(f"{second} .lg-search", "Enter")
    assert page.is_visible(f"{second} .lg-panel") and page.is_hidden(f"{first} .lg-panel")
    assert visit.js("window.__xss") is None and visit.js("document.querySelectorAll('img').length") == 0
    assert visit.requests == [host.resolve().as_uri()]
    assert visit.problems() == []
    page.close()


def test_notebook_output_shows_the_graph_inline(chromium, tmp_path):
    """Two cells' outputs, as Jupyter puts them in its page: each an iframe with the whole page."""
    notebook = tmp_path / "notebook.html"
    cells = [show(sample_graph(hostile=True), title=xss(97) + '" onload="window.__xss=1')._repr_html_(),
             show(author_graph(), height=400)._repr_html_()]
    notebook.write_text("<!DOCTYPE html><html><head><meta charset='utf-8'><title>notebook</title></head><body>"
                        + "".join(f"<div class='output'>{cell}</div>" for cell in cells) + "</body></html>",
                        encoding="utf-8")
    visit = browser.visit(chromium, notebook, root=None)
    page = visit.page
    frames = [frame for frame in page.frames if frame != page.main_frame]
    assert len(frames) == 2
    for frame, count in zip(frames, (sample_graph(hostile=True).number_of_nodes(), 3)):
        frame.wait_for_selector('#lg-main[data-state="ready"]', state="attached")
        assert frame.evaluate("document.getElementById('lg-main').litgraph.network.body.nodeIndices.length") == count
        assert frame.evaluate("window.__problems") == [] and frame.evaluate("window.__xss") is None
    assert visit.js("document.querySelectorAll('iframe')[1].clientHeight") == 400
    assert visit.js("window.__xss") is None and visit.js("document.querySelectorAll('img').length") == 0
    assert visit.requests == [notebook.resolve().as_uri()] and visit.console_errors == []
    page.close()


def test_a_jupyter_kernel_shows_a_build_inline_and_the_browser_draws_it(chromium, tmp_path):
    """A real IPython kernel runs the two cells a user would type; its output, placed in a page as
    Jupyter places it, draws every node of the graph."""
    nbclient = pytest.importorskip("nbclient")
    nbformat = pytest.importorskip("nbformat")
    pytest.importorskip("ipykernel")
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell(f"import litgraph\nresult = litgraph.build({str(EXAMPLE)!r}, offline=True)"),
        nbformat.v4.new_code_cell('result.show("trial", height=450)'),
    ])
    kernel_env = {**os.environ, "PYTHONPATH": str(GUARD_SITE)}  # the kernel may reach loopback only, too
    nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute(env=kernel_env)

    (output,) = notebook.cells[1].outputs
    assert output["output_type"] == "execute_result" and "text/html" in output["data"]
    page = tmp_path / "notebook.html"
    page.write_text(f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>notebook</title></head>"
                    f"<body><div class='output'>{output['data']['text/html']}</div></body></html>", encoding="utf-8")
    visit = browser.visit(chromium, page, root=None)
    (frame,) = [frame for frame in visit.page.frames if frame != visit.page.main_frame]
    frame.wait_for_selector('#lg-main[data-state="ready"]', state="attached")
    expected = build(str(EXAMPLE), offline=True, settings=Settings(cache_dir=tmp_path / "other")).graphs["trial"]
    assert frame.evaluate("document.getElementById('lg-main').litgraph.network.body.nodeIndices.length") == \
        expected.number_of_nodes()
    assert frame.evaluate("window.__problems") == [] and visit.console_errors == []
    assert visit.js("document.querySelector('iframe').clientHeight") == 450
    visit.page.close()


def node_colour(visit: browser.Visit, key: str) -> str:
    return visit.js(f"(i) => {VIEW}.network.body.nodes[i].options.color.background", node_index(visit, key))


def test_colour_by_community_groups_nodes_and_lists_the_groups(chromium, pages):
    visit = browser.visit(chromium, pages["combined"])
    page = visit.page
    page.check('input[data-view="colour"][value="community"]')
    colours = {key: node_colour(visit, key) for key in METRICS}
    assert colours[RESULT_PAPER] == colours["pmid:111"]  # paper community 0
    assert colours[RETRACTED] == colours["pmid:333"] != colours[RESULT_PAPER]  # paper community 1
    # author community 0 is another grouping than paper community 0: another colour
    assert colours["author:sun-lin"] == colours["author:motzer-r"] not in (colours[RESULT_PAPER], colours[RETRACTED])
    rows = page.inner_text(".lg-communities").splitlines()
    # papers first (the main actors), then by size and number; named by their MeSH headings
    assert rows == ["Papers: Sunitinib · Kidney Neoplasms", "2", "Papers: community 1", "2", "Authors: community 0", "2",
                    "1 smaller community"]
    page.check('input[data-view="colour"][value="type"]')
    assert page.is_hidden(".lg-communities")
    assert node_colour(visit, RESULT_PAPER) == "#3b82f6"
    assert visit.problems() == []
    page.close()


def test_panel_says_what_icite_knows_and_how_complete_the_links_are(chromium, pages):
    visit = browser.visit(chromium, pages["combined"])
    visit.js(f"(i) => {VIEW}.openNode(i)", node_index(visit, RESULT_PAPER))
    text = panel_text(visit)
    for expected in ("Cited in PubMed\n123 times (iCite)", "Relative citation ratio\n2.50 (87th percentile",
                     "Potential to translate\n0.75", "Clinical article\nyes",
                     "Cited by clinical articles\nPMID 111\nPMID 999\n(3 in all)",
                     "Citation data\nciting papers in iCite (NIH-OCC); references in iCite"):
        assert expected in text, expected
    # PMID 111 is in the graph: a button to it; 999 is not: a link to PubMed
    assert visit.js("[...document.querySelectorAll('.lg-panel a')].map((a) => a.href)").count(
        "https://pubmed.ncbi.nlm.nih.gov/999/") == 1
    visit.js(f"(i) => {VIEW}.openNode(i)", node_index(visit, "pmid:333"))
    assert "Citation data\nnone: no source knows its references or who cites it" in panel_text(visit)
    # sized by citations in all of PubMed
    before = visit.js(f"(i) => {VIEW}.radiusOf(i)", node_index(visit, RESULT_PAPER))
    visit.page.check('input[data-view="size"][value="pubmed"]')
    after = visit.js(f"(i) => {VIEW}.radiusOf(i)", node_index(visit, RESULT_PAPER))
    assert after == pytest.approx(min(7 + 1.2 * 123 ** 0.5, 38), abs=0.01) and after != before  # kinds.PAPER_SIZES
    assert visit.problems() == []
    visit.page.close()


def test_panel_shows_the_metrics(chromium, pages):
    visit = browser.visit(chromium, pages["combined"])
    visit.js(f"(i) => {VIEW}.openNode(i)", node_index(visit, RESULT_PAPER))
    text = panel_text(visit)
    for expected in ("Cited in this build\n2 times", "PageRank\n0.310", "Community\nPapers: Sunitinib · Kidney Neoplasms (2 members here)"):
        assert expected in text, expected
    visit.js(f"(i) => {VIEW}.openNode(i)", node_index(visit, "author:sun-lin"))
    assert "Betweenness\n0.00" in panel_text(visit)
    visit.page.close()


def test_weighted_links_are_wider_and_say_what_they_count(chromium, pages):
    visit = browser.visit(chromium, pages["cocitation"])
    widths = visit.js(f"{VIEW}.model.edges.map((e) => {VIEW}.looks.edgeWidth(e))")
    assert widths == [edge_width("cocited", weight) for weight in (3, 2, 1)]  # the page widens as kinds.py does
    visit.js(f"(i) => {VIEW}.openNode(i)", node_index(visit, "pmid:111"))  # one end of one link, the other of another
    text = panel_text(visit)
    assert text.count("Co-cited with") == 1 and "Co-cited with\n2\n" in text  # undirected: one group
    assert "cited together by 3 papers" in text and "cited together by 2 papers" in text
    visit.js(f"{VIEW}.openEdge(0)")
    assert "Citing papers\npmid:1\npmid:2\npmid:3" in panel_text(visit)
    visit.page.close()


def test_the_svg_image_opens_offline_with_every_node(chromium, tmp_path):
    graph = sample_graph(hostile=True)
    write_svg(graph, tmp_path / "hostile.svg")
    visit = browser.visit(chromium, tmp_path / "hostile.svg", root=None)
    assert visit.js("document.documentElement.localName") == "svg"
    assert visit.js("document.querySelectorAll('.node').length") == graph.number_of_nodes()
    assert visit.js("document.querySelectorAll('script, foreignObject, a').length") == 0
    assert visit.js("window.__xss") is None
    assert visit.requests == [(tmp_path / "hostile.svg").resolve().as_uri()]
    visit.page.close()


def test_the_index_links_every_page_offline(chromium, tmp_path):
    graphs = {"combined": sample_graph(hostile=True), "author": author_graph()}
    StubBuild(graphs, build_summary(hostile=True)).write(tmp_path, ("html", "svg", "json"))
    visit = browser.visit(chromium, tmp_path / "index.html", root=None)
    page = visit.page
    assert visit.js("document.querySelectorAll('.graph').length") == 2
    for name in graphs:
        page.click(f'.graph[data-graph="{name}"] h3 a')
        page.wait_for_selector('#lg-main[data-state="ready"]', state="attached")
        assert page.url == (tmp_path / f"{name}.html").resolve().as_uri()
        page.click("text=All graphs")  # and back to the index
        page.wait_for_selector(".graphs")
    page.click('.graph[data-graph="combined"] .files a >> text=image')
    assert visit.js("document.querySelectorAll('.node').length") == graphs["combined"].number_of_nodes()
    assert all(url.startswith("file://") for url in visit.requests) and not visit.blocked
    assert visit.js("window.__xss") is None and visit.console_errors == []
    page.close()
