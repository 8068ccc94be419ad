"""The candidates view (candidates.html) and the "new since" mark of the graph pages, in headless
Chromium: sort, tick, download the ticked as RIS and CSV (the build's own records), show only what
is new; offline, with no request beyond the file. Skipped without Chromium or Playwright."""

from __future__ import annotations

import csv
import io

import pytest

import browser
from test_updates import node, review  # noqa: F401  (the rebuilt review folder)

pytestmark = pytest.mark.skipif(browser.unavailable() is not None, reason=str(browser.unavailable()))
rispy = pytest.importorskip("rispy")
VIEW = "document.getElementById('lg-candidates').litgraphCandidates"


@pytest.fixture(scope="module")
def chromium():
    with browser.chromium() as context:
        yield context


def open_candidates(context, folder) -> browser.Visit:
    visit = browser.visit(context, folder / "candidates.html", root=None)
    visit.page.wait_for_selector('#lg-candidates[data-state="ready"]', state="attached")
    return visit


def shown_ranks(visit: browser.Visit) -> list[int]:
    return [int(text) for text in visit.page.locator("tbody tr td:nth-child(2)").all_inner_texts()]


def test_the_view_lists_every_candidate_by_rank_and_sorts_by_year(chromium, review):
    _, later, _, folder = review
    visit = open_candidates(chromium, folder)
    assert shown_ranks(visit) == list(range(1, len(later.candidates) + 1))
    visit.page.click('th button[data-sort="year"]')
    years = [int(t) for t in visit.page.locator("tbody tr td:nth-child(4)").all_inner_texts() if t]
    assert years == sorted(years, reverse=True)  # newest first
    visit.page.click('th button[data-sort="year"]')
    years = [int(t) for t in visit.page.locator("tbody tr td:nth-child(4)").all_inner_texts() if t]
    assert years == sorted(years)
    visit.page.click('th button[data-sort="direction"]')
    directions = visit.js(f"{VIEW}.shown().map((row) => row.directions.join(' '))")
    assert directions == sorted(directions)
    visit.page.screenshot(path=str(folder / "candidates-sorted.png"))
    assert visit.problems() == [] and all(url.startswith("file:") for url in visit.requests)


def test_the_ticked_candidates_download_as_the_builds_own_ris_and_csv_records(chromium, review):
    _, later, _, folder = review
    visit = open_candidates(chromium, folder)
    for row in (1, 4, 2):
        visit.page.click(f"tbody tr:nth-child({row}) input[type=checkbox]")
    assert visit.page.inner_text(".ticked") == "3 ticked"
    with visit.page.expect_download() as ris:
        visit.page.click('[data-action="ris"]')
    text = open(ris.value.path(), encoding="utf-8").read()
    records = rispy.load(io.StringIO(text))
    assert [r["accession_number"] for r in records] == [c.pmid for c in later.candidates[:4] if c.rank != 3]
    whole = (folder / "candidates.ris").read_text(encoding="utf-8")
    assert all(record in whole for record in text.split("\n\n") if record.strip())  # the file's records, verbatim
    with visit.page.expect_download() as table:
        visit.page.click('[data-action="csv"]')
    rows = list(csv.DictReader(open(table.value.path(), encoding="utf-8", newline="")))
    assert [row["rank"] for row in rows] == ["1", "2", "4"] and rows[0]["found_from"] and rows[0]["abstract"]
    visit.page.screenshot(path=str(folder / "candidates-ticked.png"))
    assert visit.problems() == []


def test_the_view_shows_only_what_is_new_when_asked(chromium, review):
    _, later, grown, folder = review
    visit = open_candidates(chromium, folder)
    visit.page.check(".only-new")
    nodes = visit.js(f"{VIEW}.shown().map((row) => row.node)")
    assert set(nodes) == {node(p) for p in grown["new"]}
    assert visit.page.locator("tbody .tag.new").count() == len(nodes)
    visit.page.fill(".filter", f"update {grown['new'][2]}")
    assert visit.js(f"{VIEW}.shown().map((row) => row.pmid)") == [str(grown["new"][2])]
    visit.page.screenshot(path=str(folder / "candidates-new.png"))


def test_the_graph_page_marks_what_is_new_and_can_show_only_that(chromium, review):
    _, _, grown, folder = review
    visit = browser.visit(chromium, folder / "combined.html")
    view = "document.getElementById('lg-main').litgraph"
    visit.page.check('input[data-filter="new"]')
    drawn = visit.js(f"{view}.drawnList.map((i) => {view}.model.nodes[i])"
                     ".map((n) => [n.key, n.type])")
    assert drawn and {key for key, kind in drawn if kind != "trial"} <= {node(p) for p in grown["new"]}
    assert any(kind == "trial" for _, kind in drawn)
    visit.page.screenshot(path=str(folder / "combined-new.png"))
    assert visit.problems() == []
