"""The page of a real 2,000-paper build (depth 2, generated corpus, over loopback HTTP) at its
opening view, in headless Chromium: what a reviewer meets first. Skipped without Chromium."""

from __future__ import annotations

import random

import networkx as nx
import pytest

import browser
import corpus as corpus_gen
from conftest import settings_for
from fake_ncbi import FakeNCBI
from litgraph import build
from litgraph.outputs.focus import FOCUS_SIZE

pytestmark = pytest.mark.skipif(browser.unavailable() is not None, reason=str(browser.unavailable()))

VIEW = "document.getElementById('lg-main').litgraph"
PAPERS = 2000


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """combined.html and the graphs of a trial's 2,000-paper neighbourhood."""
    folder = tmp_path_factory.mktemp("build-2000")
    generated = corpus_gen.generate(6000, seed=3, n_trials=1)
    with FakeNCBI(corpus=generated) as server:
        result = build(next(iter(generated.studies)), depth=2, max_papers=PAPERS,
                       settings=settings_for(server, folder, rate=500.0), warn=lambda _: None)
    result.write(folder / "out", formats=("html",))
    return folder / "out", result


@pytest.fixture(scope="module")
def chromium():
    with browser.chromium() as context:
        yield context


@pytest.fixture
def page(chromium, built):
    visit = browser.visit(chromium, built[0] / "combined.html")
    yield visit
    assert visit.problems() == []
    visit.page.close()


def screen_of(visit, index: int) -> dict:
    """Where node `index` is drawn: centre and radius in page pixels."""
    return visit.js(f"""(i) => {{ const view = {VIEW}; const box = view.ui.canvas.getBoundingClientRect();
        const at = view.network.canvasToDOM(view.network.getPosition(i)); const scale = view.network.getScale();
        return {{x: box.left + at.x, y: box.top + at.y, r: view.radiusOf(i) * scale, inCanvas: at.x >= 0
                 && at.y >= 0 && at.x <= box.width && at.y <= box.height}}; }}""", index)


def test_the_build_is_large_enough_to_need_a_focus(built):
    assert built[1].graphs["paper"].number_of_nodes() == PAPERS
    assert built[1].graphs["combined"].number_of_nodes() > 1.5 * PAPERS


def test_the_opening_view_draws_a_focus_with_the_trial_large_and_labelled(page, built):
    combined = built[1].graphs["combined"]
    drawn = page.js(f"{VIEW}.drawnCount()")
    assert 150 <= drawn <= FOCUS_SIZE
    assert page.page.inner_text(".lg-showing").startswith("showing ")
    trial = page.js(f"{VIEW}.model.nodes.findIndex((n) => n.type === 'trial')")
    spot = screen_of(page, trial)
    assert spot["inCanvas"] and spot["r"] >= 10
    label = page.js(f"(i) => {{ const l = {VIEW}.labels.placed.find((p) => p.node === i); "
                    "return l && {lines: l.block.lines, fonts: l.block.fonts, box: l.box}; }", trial)
    nct = next(node for node, data in combined.nodes(data=True) if data["type"] == "trial").removeprefix("nct:")
    assert label["lines"][0] == nct and label["lines"][1]  # the NCT id and the title's start
    assert all(int(font.split("px")[0].split()[-1]) >= 10 for font in label["fonts"])
    # every reference the registry lists is in the first picture
    references = [v for _, v, kind in combined.out_edges(f"nct:{nct}", data="kind")
                  if kind in ("background", "result", "derived")]
    shown = page.js(f"(keys) => keys.map((k) => {VIEW}.shown.inView[{VIEW}.model.nodes.findIndex((n) => n.key === k)])",
                    references)
    assert shown == [1] * len(references)


def label_clashes(visit) -> list:
    """Pairs of drawn labels that overlap, and labels over another node's shape (as vis-network
    bounds it, in canvas pixels, less the corners a round node leaves empty); and how many labels."""
    return visit.js(f"""(() => {{ const view = {VIEW}; const clashes = [];
        const labels = view.labels.placed.filter((l) => l.node !== undefined);
        const apart = (a, b) => !(a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h);
        labels.forEach((l, k) => labels.slice(k + 1).forEach((m) => apart(l.box, m.box) || clashes.push(["labels", l.node, m.node])));
        for (const i of view.drawnNodes()) {{
          const b = view.network.getBoundingBox(i);
          const a = view.network.canvasToDOM({{x: b.left, y: b.top}}); const z = view.network.canvasToDOM({{x: b.right, y: b.bottom}});
          const inset = (z.x - a.x) * 0.15;
          const shape = {{x: a.x + inset, y: a.y + inset, w: z.x - a.x - 2 * inset, h: z.y - a.y - 2 * inset}};
          for (const l of labels) if (l.node !== i && !apart(l.box, shape)) clashes.push(["node", l.node, i]);
        }}
        return [clashes, labels.length]; }})()""")


def test_no_two_labels_overlap_and_no_label_covers_another_node(page):
    clashes, labels = label_clashes(page)
    assert clashes == [] and labels >= 40


def test_a_click_on_any_drawn_node_selects_exactly_that_node(page):
    drawn = page.js(f"{VIEW}.drawnNodes().slice()")
    for index in random.Random(5).sample(drawn, 40):
        spot = screen_of(page, index)
        if not spot["inCanvas"]:
            continue
        page.page.mouse.click(spot["x"], spot["y"])
        assert page.js(f"{VIEW}.network.getSelectedNodes()") == [index]
        assert page.js(f"{VIEW}.current") == {"node": index}
        page.page.keyboard.press("Escape")
        page.js(f"{VIEW}.fit()")


def test_a_tiny_node_answers_within_the_minimum_hit_area(page):
    small = page.js(f"{VIEW}.drawnNodes().reduce((a, b) => ({VIEW}.radiusOf(a) <= {VIEW}.radiusOf(b) ? a : b))")
    spot = screen_of(page, small)
    page.page.mouse.click(spot["x"] + spot["r"] + 4, spot["y"])  # just beside its drawn edge
    assert page.js(f"{VIEW}.network.getSelectedNodes()")[:1] in ([small], [])
    page.page.mouse.move(spot["x"], spot["y"])
    page.page.wait_for_selector(".lg-tip:not([hidden])", timeout=3000)


def test_growing_a_node_brings_its_hidden_neighbours_beside_it(page):
    candidates = page.js(f"{VIEW}.drawnNodes().filter((i) => {VIEW}.shown.hiddenNeighbours(i).length >= 3)")
    index = candidates[0]
    hidden = page.js(f"(i) => {VIEW}.shown.hiddenNeighbours(i)", index)
    before = page.js(f"{VIEW}.drawnCount()")
    page.js(f"(i) => {VIEW}.openNode(i)", index)
    page.page.click(".lg-grow-box .lg-grow")
    assert page.js(f"{VIEW}.drawnCount()") == before + len(hidden)
    assert page.js(f"(ids) => ids.every((i) => {VIEW}.shown.inView[i] === 1)", hidden)
    assert page.page.is_hidden(".lg-grow-box")  # nothing of it is hidden any more
    near = page.js(f"""(([i, ids]) => {{ const view = {VIEW};
        const d = (a, b) => Math.hypot(view.shown.x[a] - view.shown.x[b], view.shown.y[a] - view.shown.y[b]);
        return ids.map((j) => d(i, j) / view.spacing); }})""", [index, hidden])
    assert sorted(near)[len(near) // 2] < 8  # placed beside it, not across the picture


def test_add_next_and_show_all_and_back(page, built):
    total = built[1].graphs["combined"].number_of_nodes()
    before = page.js(f"{VIEW}.drawnCount()")
    page.page.click('[data-action="more"]')
    assert page.js(f"{VIEW}.drawnCount()") == before + 50
    page.page.click('[data-action="all"]')
    assert page.js(f"{VIEW}.drawnCount()") == total and page.page.inner_text(".lg-showing") == ""
    page.page.mouse.click(*[value + 200 for value in page.js(f"[{VIEW}.ui.canvas.getBoundingClientRect().left, "
                                                             f"{VIEW}.ui.canvas.getBoundingClientRect().top]")])
    page.page.click('[data-action="all"]')  # "First picture"
    assert page.js(f"{VIEW}.drawnCount()") == before


def test_search_brings_a_hidden_paper_in_with_its_path_to_the_trial(page, built):
    combined = built[1].graphs["combined"]
    hidden = page.js(f"""{VIEW}.model.nodes.filter((n) => n.type === 'paper' && n.attrs.pmid && !{VIEW}.shown.inView[n.index])
        .map((n) => [n.index, n.attrs.pmid]).slice(-1)[0]""")
    index, pmid = hidden
    page.page.fill(".lg-search", pmid)
    page.page.wait_for_selector(".lg-results:not([hidden]) .lg-result")
    assert "not shown" in page.page.inner_text(".lg-results .lg-result")
    page.page.press(".lg-search", "Enter")
    page.page.wait_for_selector(".lg-panel:not([hidden])")
    assert page.js(f"{VIEW}.network.getSelectedNodes()") == [index]
    highlighted = page.js(f"[...{VIEW}.focus.nodes]")
    keys = page.js(f"(ids) => ids.map((i) => {VIEW}.model.nodes[i].key)", highlighted)
    trial = next(node for node, data in combined.nodes(data=True) if data["type"] == "trial")
    assert trial in keys and all(page.js(f"(i) => {VIEW}.drawn[i]", i) == 1 for i in highlighted)
    # the highlighted nodes hold a chain of links of the graph from the paper to the trial
    assert nx.has_path(combined.to_undirected(as_view=True).subgraph(keys), f"pmid:{pmid}", trial)
