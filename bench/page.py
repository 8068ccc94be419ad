"""The page at scale in headless Chromium, against pyvis's default output in the same run.

Pages are written for synthetic citation graphs (preferential attachment, newer papers citing
older, tests/test_html.py's `citation_graph`) of 2,000 and 20,000 nodes and, when the
10,000-paper corpus is at hand, for that build's paper and combined graphs (bench/writers.py
keeps them). Each page is opened from file:// in headless Chromium (Debian's, flags and a
fresh profile as tests/browser.py sets them; every request that is not a local file is
blocked and counted) and measured:

- first picture: from navigation start to the first frame drawn with every node placed, which
  can be clicked (our page: its `readyAt`, the focused first picture, drawn while the browser
  still reads the whole graph; pyvis: the first frame after `stabilizationIterationsDone`, as
  pyvis shows only a loading bar until then), capped at --cap seconds;
- whole graph: until our page has read the whole graph (`completeAt`: search, growing and
  "show all" work from then on);
- show all: from the click on "Show all" to its first frame, and panning the whole graph;
- pan and zoom: milliseconds per frame while the mouse drags the view, then while it zooms
  (from the frames drawn; 17 ms is the display's 60 per second);
- redraw: one full frame of the whole graph, and one zoomed in to a node's neighbourhood;
- JS heap after load, the file's size, and requests to anything but the file.

    python bench/page.py [--sizes 2000,20000] [--cap 60] [--no-build-graphs]
"""

from __future__ import annotations

import argparse
import pickle
import sys
import tempfile
import time
from pathlib import Path

from _harness import RESULTS, TESTS

sys.path.insert(0, str(TESTS))
import browser  # noqa: E402
from test_html import citation_graph  # noqa: E402

from litgraph.outputs.html import write_html  # noqa: E402

BASELINE_NODES = 2000
READY = '#lg-main[data-state="ready"]'
VIEW = "document.getElementById('lg-main').litgraph"
# pyvis keeps its vis.Network in a global `network`: catch it when assigned, note its events.
WATCH_PYVIS = """
(() => {
  let held;
  Object.defineProperty(window, "network", { configurable: true, get: () => held, set: (value) => {
    held = value;
    value.once("stabilizationIterationsDone", () => value.once("afterDrawing", () => {
      window.__firstPicture = performance.now();
    }));
  } });
})();
"""
COUNT_FRAMES = """() => { window.__frames = 0; window.__counting = true;
  const tick = () => { window.__frames += 1; if (window.__counting) requestAnimationFrame(tick); };
  requestAnimationFrame(tick); return performance.now(); }"""
STOP_COUNTING = "() => { window.__counting = false; return [window.__frames, performance.now()]; }"


def our_pages(folder: Path, sizes: list[int], build_graphs: bool) -> list[tuple[str, Path, int, int]]:
    """(label, page, nodes, edges) for each graph measured."""
    graphs = [(f"synthetic {size:,}", citation_graph(size)) for size in sizes]
    built = RESULTS / "graphs-10000.pickle"  # left by bench/writers.py
    if build_graphs and built.exists():
        from_build = pickle.loads(built.read_bytes())
        graphs += [(f"10k build: {name}", from_build[name]) for name in ("paper", "combined")]
    pages = []
    for label, graph in graphs:
        path = folder / f"{label.replace(' ', '-').replace(':', '').replace(',', '')}.html"
        started = time.perf_counter()
        write_html(graph, path, title=label)
        print(f"  wrote {label} in {time.perf_counter() - started:.1f} s", flush=True)
        pages.append((label, path, graph.number_of_nodes(), graph.number_of_edges()))
    return pages


def pyvis_page(folder: Path) -> tuple[str, Path, int, int]:
    """pyvis's default output (in_line resources, default physics) for the 2,000-node graph."""
    from pyvis.network import Network

    graph = citation_graph(BASELINE_NODES)
    network = Network(directed=True, cdn_resources="in_line")
    for node, data in graph.nodes(data=True):
        network.add_node(node, label=data["label"], title=data["title"])
    for u, v in graph.edges():
        network.add_edge(u, v)
    path = folder / "pyvis-2000.html"
    network.write_html(str(path))
    return f"pyvis defaults {BASELINE_NODES:,}", path, graph.number_of_nodes(), graph.number_of_edges()


def measure_ours(context, path: Path, cap: float) -> dict:
    started = time.perf_counter()
    try:
        visit = browser.visit(context, path, timeout_ms=int(cap * 1000))
    except AssertionError:
        return {"first_picture": None, "wall": time.perf_counter() - started}
    result = {"first_picture": visit.js(f"{VIEW}.readyAt") / 1000, "complete": visit.js(f"{VIEW}.completeAt") / 1000,
              "wall": time.perf_counter() - started}
    result.update(interaction(visit, f"{VIEW}.network", f"{VIEW}.ui.canvas"))
    if visit.js(f"!{VIEW}.shown.isFocusWhole()"):
        result["show_all_s"] = visit.js(f"""new Promise((done) => {{ const view = {VIEW}; const t = performance.now();
            view.network.once("afterDrawing", () => done((performance.now() - t) / 1000)); view.showAll(); }})""")
        box = visit.js(f"(() => {{ const r = {VIEW}.ui.canvas.getBoundingClientRect(); "
                       "return [r.left + r.width / 2, r.top + r.height / 2]; })()")
        result["show_all_pan_fps"] = frame_rate(visit, lambda: drag(visit.page, box))
    return result


def measure_pyvis(context, path: Path, cap: float) -> dict:
    context.add_init_script(WATCH_PYVIS)
    started = time.perf_counter()
    visit = browser.visit(context, path, root=None, timeout_ms=int(cap * 1000))
    try:
        visit.page.wait_for_function("window.__firstPicture !== undefined", timeout=cap * 1000)
    except Exception:  # still stabilising at the cap
        return {"first_picture": None, "wall": time.perf_counter() - started, "blocked": len(visit.blocked),
                "heap_mb": heap_mb(visit)}
    result = {"first_picture": visit.js("window.__firstPicture") / 1000, "wall": time.perf_counter() - started}
    result.update(interaction(visit, "window.network", "document.getElementById('mynetwork')"))
    return result


def interaction(visit: browser.Visit, network: str, canvas: str) -> dict:
    """Pan and zoom frame rates, whole-graph and zoomed-in redraw times, heap, blocked requests."""
    page = visit.page
    box = visit.js(f"(() => {{ const r = {canvas}.getBoundingClientRect(); "
                   "return [r.left, r.top, r.width, r.height]; })()")
    centre = (box[0] + box[2] / 2, box[1] + box[3] / 2)
    overview_ms = redraw_ms(visit, network)
    pan_fps = frame_rate(visit, lambda: drag(page, centre))
    zoom_fps = frame_rate(visit, lambda: wheel(page, centre))
    visit.js(f"(() => {{ const n = {network}; "
             "n.moveTo({ position: n.getPosition(n.body.nodeIndices[0]), scale: 1.5 }); })()")
    return {"pan_fps": pan_fps, "zoom_fps": zoom_fps, "overview_ms": overview_ms,
            "zoomed_ms": redraw_ms(visit, network), "heap_mb": heap_mb(visit), "blocked": len(visit.blocked)}


def redraw_ms(visit: browser.Visit, network: str, times: int = 5) -> float:
    costs = visit.js(f"""(() => {{ const n = {network}; const costs = [];
        for (let i = 0; i < {times}; i++) {{
          const t = performance.now(); n.redraw(); costs.push(performance.now() - t);
        }}
        return costs.sort((a, b) => a - b); }})()""")
    return costs[len(costs) // 2]


def frame_rate(visit: browser.Visit, gesture) -> float:
    began = visit.js(COUNT_FRAMES)
    gesture()
    visit.page.wait_for_timeout(300)  # the frames the gesture asked for
    frames, ended = visit.js(STOP_COUNTING)
    return frames / ((ended - began) / 1000)


def drag(page, centre: tuple[float, float]) -> None:
    page.mouse.move(*centre)
    page.mouse.down()
    for step in range(1, 41):
        page.mouse.move(centre[0] + 6 * step, centre[1] + 3 * step)
        page.wait_for_timeout(16)
    page.mouse.up()


def wheel(page, centre: tuple[float, float]) -> None:
    page.mouse.move(*centre)
    for step in range(30):
        page.mouse.wheel(0, -60 if step < 15 else 60)
        page.wait_for_timeout(16)


def heap_mb(visit: browser.Visit) -> float:
    session = visit.page.context.new_cdp_session(visit.page)
    try:
        return session.send("Runtime.getHeapUsage")["usedSize"] / 2**20
    finally:
        session.detach()


def row(label: str, path: Path, nodes: int, edges: int, result: dict, cap: float, baseline: float | None) -> str:
    first = f"{result['first_picture']:.2f} s" if result["first_picture"] is not None else f"not within {cap:g} s"
    if result["first_picture"] is not None:
        first += f" ({(baseline or cap) / result['first_picture']:.0f}x faster)" if baseline != result["first_picture"] else ""
    whole = f"{result['complete']:.2f} s" if result.get("complete") else "–"
    frame = {key: f"{1000 / result[key]:.0f}" if key in result else "–" for key in ("pan_fps", "zoom_fps", "show_all_pan_fps")}
    redraw = {key: f"{result[key]:.0f}" if key in result else "–" for key in ("overview_ms", "zoomed_ms")}
    show_all = f"{result['show_all_s']:.2f} s, {frame['show_all_pan_fps']} ms/frame" if "show_all_s" in result else "–"
    return (f"| {label} | {nodes:,} | {edges:,} | {path.stat().st_size / 2**20:.1f} | {first} | {whole} | "
            f"{frame['pan_fps']} | {frame['zoom_fps']} | {redraw['overview_ms']} | {redraw['zoomed_ms']} | {show_all} "
            f"| {result.get('heap_mb', 0):.0f} | {result.get('blocked', 0)} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000,20000", help="nodes of the synthetic graphs")
    parser.add_argument("--cap", type=float, default=60, help="seconds to wait for a first picture")
    parser.add_argument("--no-build-graphs", dest="build_graphs", action="store_false",
                        help="skip the 10k build's graphs even when bench/results has them")
    options = parser.parse_args()
    if browser.unavailable():
        sys.exit(browser.unavailable())
    with tempfile.TemporaryDirectory() as folder:
        print("writing pages ...", flush=True)
        pages = our_pages(Path(folder), [int(size) for size in options.sizes.split(",")], options.build_graphs)
        baseline = pyvis_page(Path(folder))
        with browser.chromium() as context:
            theirs = measure_pyvis(context, baseline[1], options.cap)
        rows = []
        for label, path, nodes, edges in pages:
            with browser.chromium() as context:  # a fresh profile per page
                rows.append(row(label, path, nodes, edges, measure_ours(context, path, options.cap), options.cap,
                                theirs["first_picture"]))
            print(f"  measured {label}", flush=True)
        rows.append(row(*baseline, theirs, options.cap, theirs["first_picture"]))
    print("\nfirst picture: x faster than pyvis's defaults at 2,000 nodes in the same run (its time, or the cap)")
    print("\n| page | nodes | edges | file (MB) | first picture | whole graph | panning (ms/frame) | zooming (ms/frame) "
          "| redraw all (ms) | redraw zoomed in (ms) | show all: drawn, panning | JS heap (MB) | requests blocked |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
