"""Writing a build's outputs: seconds per writer and graph, and the memory writing adds.

For each corpus (a pickled litgraph.model.Corpus), its graphs are built once and kept in
bench/results/, then written in a fresh process the way `Build.write` writes them (largest
graph first, one SharedWork for all): per graph, the node-link encoding shared by the JSON
file and the page, the layout (pages above FOCUS_SIZE nodes, SVG), and each file.
Prints the best of --repeat runs and the peak memory above what the loaded graphs take.

With --layouts it also lays out the largest graph with litgraph's layout and with igraph's
Fruchterman-Reingold (grid), and prints how long each took and how close each put linked nodes
and the nodes of one community.

    python bench/writers.py [--sizes 1000,10000]
                            [--formats html,json] [--repeat 3] [--layouts]
"""

from __future__ import annotations

import argparse
import json
import pickle
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _harness import RESULTS, corpus_pickle

STAGES = ("encode", "layout", "html", "fragment", "svg", "json")


def graphs_file(size: int) -> Path:
    """The graphs of a corpus of `size` papers, built once (building is not what this measures)."""
    corpus_path = corpus_pickle(size)
    target = RESULTS / f"graphs-{size}.pickle"
    if not target.exists():
        from litgraph.graphs import build_graphs

        print(f"building the graphs of {corpus_path} once ...", flush=True)
        corpus = pickle.loads(corpus_path.read_bytes())
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(pickle.dumps(build_graphs(corpus, "bench"), protocol=pickle.HIGHEST_PROTOCOL))
    return target


def measure(graphs_path: Path, formats: tuple[str, ...]) -> dict:
    """One run in this process: seconds per graph and stage, and the peak memory writing added."""
    from litgraph.collector import collector_paused
    from litgraph.outputs import PAGE_SUFFIXES, _largest_first
    from litgraph.outputs.export import GRAPH_WRITERS
    from litgraph.outputs.focus import FOCUS_SIZE
    from litgraph.outputs.html import write_fragment, write_html
    from litgraph.outputs.prepared import PreparedGraph, SharedWork
    from litgraph.outputs.svg import write_svg

    writers = {"html": write_html, "fragment": write_fragment, "svg": write_svg, "json": GRAPH_WRITERS["json"][1]}
    suffixes = {**PAGE_SUFFIXES, "json": ".json"}
    graphs = pickle.loads(graphs_path.read_bytes())
    before = _peak_mb()
    shared = SharedWork()
    rows = []
    with tempfile.TemporaryDirectory() as folder, collector_paused():
        started = time.perf_counter()
        for name, graph in _largest_first(graphs):
            item = PreparedGraph(graph, shared)
            row = {"graph": name, "nodes": graph.number_of_nodes(), "edges": graph.number_of_edges()}
            row["encode"] = _seconds(lambda: item.node_link)
            laid_out = "svg" in formats or ("html" in formats or "fragment" in formats) and (
                graph.number_of_nodes() > FOCUS_SIZE)
            row["layout"] = _seconds(lambda: item.positions) if laid_out else 0.0
            for fmt in formats:
                row[fmt] = _seconds(lambda: writers[fmt](item, Path(folder) / f"{name}{suffixes[fmt]}"))
            rows.append(row)
        total = time.perf_counter() - started
    return {"rows": rows, "total": total, "extra_mb": _peak_mb() - before}


def _seconds(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def in_fresh_process(graphs_path: Path, formats: tuple[str, ...]) -> dict:
    command = [sys.executable, __file__, "--measure", str(graphs_path), "--formats", ",".join(formats)]
    return json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)


def report(corpus_path: Path, runs: list[dict], formats: tuple[str, ...]) -> None:
    best = min(runs, key=lambda run: run["total"])
    stages = [stage for stage in STAGES if stage in ("encode", "layout") or stage in formats]
    print(f"\n{corpus_path.name}: best of {len(runs)} runs, formats {','.join(formats)}\n")
    print("| graph | nodes | edges | " + " | ".join(stages) + " | all |")
    print("|---|---|---|" + "---|" * (len(stages) + 1))
    for row in best["rows"]:
        cells = " | ".join(f"{row[stage]:.2f}" for stage in stages)
        print(f"| {row['graph']} | {row['nodes']:,} | {row['edges']:,} | {cells} | {sum(row[s] for s in stages):.2f} |")
    sums = " | ".join(f"{sum(row[stage] for row in best['rows']):.2f}" for stage in stages)
    print(f"| **all** | | | {sums} | **{best['total']:.2f} s** |")
    totals = ", ".join(f"{run['total']:.2f}" for run in runs)
    print(f"\npeak memory added by writing: {max(run['extra_mb'] for run in runs):.0f} MB "
          f"(highest of the runs); every run's total: {totals} s")


def layout_comparison(graphs_path: Path) -> None:
    """litgraph's layout of the largest graph against igraph's Fruchterman-Reingold (grid, from the
    same random start): seconds, and how close it puts linked nodes and nodes of one community,
    as the median distance over the median distance of random pairs (less is closer)."""
    import random

    import igraph
    import numpy as np

    from litgraph.outputs.layout import SEED, iterations_for, spread_layout

    graph = max(pickle.loads(graphs_path.read_bytes()).values(), key=lambda graph: graph.number_of_nodes())
    nodes = list(graph)
    number = {node: place for place, node in enumerate(nodes)}
    ends = np.array([(number[u], number[v]) for u, v in graph.edges()])
    groups = np.unique([f"{data.get('type')} {data.get('community')}" for _, data in graph.nodes(data=True)],
                       return_inverse=True)[1]
    pairs = np.random.default_rng(0).integers(0, len(nodes), (20_000, 2))

    def closeness(positions: np.ndarray) -> tuple[float, float]:
        apart = np.linalg.norm(positions[pairs[:, 0]] - positions[pairs[:, 1]], axis=1)
        linked = np.linalg.norm(positions[ends[:, 0]] - positions[ends[:, 1]], axis=1)
        same = groups[pairs[:, 0]] == groups[pairs[:, 1]]
        return float(np.median(linked) / np.median(apart)), float(np.median(apart[same]) / np.median(apart))

    network = igraph.Graph(n=len(nodes), edges=ends.tolist())
    start = (np.random.default_rng(SEED).uniform(-1.0, 1.0, (len(nodes), 2)) * np.sqrt(len(nodes))).tolist()
    igraph.set_random_number_generator(random.Random(SEED))
    layouts = [(f"litgraph ({iterations_for(len(nodes))} steps)", lambda: spread_layout(len(nodes), ends[:, 0], ends[:, 1]))]
    layouts += [(f"igraph Fruchterman-Reingold, grid ({steps} steps)", lambda steps=steps: np.array(
        network.layout_fruchterman_reingold(niter=steps, seed=start, grid=True).coords)) for steps in (30, 300)]
    print(f"\nlayout of {graph.graph.get('name')} ({len(nodes):,} nodes, {len(ends):,} edges)\n")
    print("| layout | seconds | linked nodes: distance / random pairs' | one community: distance / random pairs' |")
    print("|---|---|---|---|")
    for label, layout in layouts:
        started = time.perf_counter()
        positions = layout()
        seconds = time.perf_counter() - started
        linked, together = closeness(positions)
        print(f"| {label} | {seconds:.2f} | {linked:.2f} | {together:.2f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="papers in the corpora (built once from the fake server)")
    parser.add_argument("--formats", default="html,json", help=f"from {', '.join(STAGES[2:])} (default html,json)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per corpus, each in a fresh process")
    parser.add_argument("--layouts", action="store_true", help="litgraph's layout against igraph's on the largest graph")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # the child process: one run
    options = parser.parse_args()
    formats = tuple(options.formats.split(","))
    if options.measure:
        print(json.dumps(measure(options.measure, formats)))
        return
    for size in options.sizes.split(","):
        graphs_path = graphs_file(int(size))
        report(graphs_path, [in_fresh_process(graphs_path, formats) for _ in range(options.repeat)], formats)
        if options.layouts:
            layout_comparison(graphs_path)


if __name__ == "__main__":
    main()
