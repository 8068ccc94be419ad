"""Graph building: wall time per stage and extra memory of `build_graphs`, Corpus in, graphs out,
against litgraph as it is at --baseline (a git revision, main by default) in the same run.

Each run is a process of its own, so its memory is its own: the corpus is loaded, the peak
resident size is reset, `build_graphs` runs once, and the extra memory is the peak minus the
resident size before it. Stage times come from wrapping the functions named in STAGES; a stage
called inside another is printed indented under it, and `other` is what no stage accounts for.
Each figure is the least of --repeat runs (the machine may be busy with other work); the CPU
time of the whole call is printed too, with that of the child process computing the author
metrics on the other core (litgraph.forked; its stages are not timed). The baseline's code is taken from git into
bench/results/baseline/ and imported in its own processes.

Then the graphs both made are compared: everything must be equal but the metrics that change by
design (`community`, and the `community_topics` named after communities; PageRank to the
tolerance the baseline's power iteration stopped at), and for the paper graph (citations
taken as undirected) and the author graph, each build's communities: how many, their modularity
and how many are not connected.

With --betweenness it also compares the sampled betweenness of the largest corpus's author graph
with the exact values (a minute at 10,000 papers): for a few seeds, how many of the exact top 10
are in the sampled top 20, how many of the top 20 agree, and the worst exact rank in the sampled
top 20; for litgraph's estimate and for igraph's betweenness from a sample of sources.

The corpora are pickled `litgraph.model.Corpus` objects, built once from the fake server (a trial
of a generated 100,000-paper corpus, --max-papers SIZE) and kept in bench/results/.

    python bench/graphs.py [--sizes 1000,10000,100000] [--repeat 3] [--baseline main] [--betweenness]
"""

from __future__ import annotations

import argparse
import functools
import importlib
import json
import os
import pickle
import resource
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

from _harness import RESULTS, baseline_code, corpus_pickle

BY_DESIGN = ("community",)  # node attributes the new code computes differently on purpose

STAGES = {  # module -> functions timed, in the order they are printed
    "litgraph.graphs": ["resolve_authors", "graph_parts", "trial_graph", "paper_graph", "Citations", "coauthor_graph",
                        "combined_graph", "cocitation_graph", "coupling_graph", "mesh_graph", "add_metrics"],
    "litgraph.analysis": ["pagerank", "_pagerank", "betweenness", "communities", "_communities", "community_topics"],
}


class StageClock:
    """Wraps the STAGES functions so each call adds its wall time to its stage, noting how deep it ran."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self.depth: dict[str, int] = {}
        self.running = 0

    def install(self) -> None:
        for module_name, names in STAGES.items():
            module = importlib.import_module(module_name)
            for name in names:
                if hasattr(module, name):  # so that earlier versions of litgraph can be measured too
                    setattr(module, name, self._timed(name, getattr(module, name)))

    def _timed(self, name: str, function):
        @functools.wraps(function)
        def timed(*args, **kwargs):
            self.depth.setdefault(name, self.running)
            self.running += 1
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.running -= 1
                self.seconds[name] += time.perf_counter() - started
                self.calls[name] += 1
        return timed


def resident_kb(field: str) -> int:
    """VmRSS (now) or VmHWM (peak) of this process, in kB."""
    status = Path("/proc/self/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith(field + ":")))


def measure(path: Path, dump: Path | None = None) -> dict:
    """One build_graphs run on the pickled corpus: stage times, total, extra memory, graph sizes;
    the graphs are pickled to `dump` after it."""
    corpus = pickle.loads(path.read_bytes())
    clock = StageClock()
    clock.install()
    import litgraph
    from litgraph.graphs import build_graphs

    Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM, so the peak is this run's
    before = resident_kb("VmRSS")
    started, cpu = time.perf_counter(), time.process_time()
    graphs = build_graphs(corpus, "bench")
    total, cpu = time.perf_counter() - started, time.process_time() - cpu
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # the author metrics' process, if forked
    if dump:
        dump.write_bytes(pickle.dumps(graphs, protocol=pickle.HIGHEST_PROTOCOL))
    return {
        "code": str(Path(litgraph.__file__).parent), "papers": len(corpus.papers), "citations": len(corpus.cites),
        "total": total, "cpu": cpu + children.ru_utime + children.ru_stime,
        "extra_mb": (resident_kb("VmHWM") - before) / 1024, "child_peak_mb": children.ru_maxrss / 1024,
        "stages": [(name, clock.depth[name], clock.calls[name], clock.seconds[name])
                   for names in STAGES.values() for name in names if name in clock.calls],
        "graphs": {name: [graph.number_of_nodes(), graph.number_of_edges()] for name, graph in graphs.items()},
    }


def in_own_process(path: Path, code: Path | None = None, dump: Path | None = None) -> dict:
    """measure() in a child process, importing litgraph from `code` (a folder holding it) when given."""
    env = {**os.environ, "PYTHONPATH": str(code)} if code else None
    command = [sys.executable, __file__, "--measure", str(path)] + (["--dump", str(dump)] if dump else [])
    result = json.loads(subprocess.run(command, check=True, capture_output=True, text=True, env=env).stdout)
    if code and not Path(result["code"]).is_relative_to(code):
        raise RuntimeError(f"the baseline run imported litgraph from {result['code']}, not from {code}")
    return result


def least_of(runs: list[dict]) -> dict:
    """The first run, with each time and the memory the least over all runs."""
    best = dict(runs[0])
    for key in ("total", "cpu", "extra_mb", "child_peak_mb"):
        best[key] = min(run[key] for run in runs)
    best["stages"] = [(name, depth, calls, min(run["stages"][index][3] for run in runs))
                      for index, (name, depth, calls, _) in enumerate(runs[0]["stages"])]
    return best


def print_table(columns: list[tuple[str, dict]]) -> None:
    """Stages as rows, one column per (heading, result); a stage a version does not have is "–"."""
    print("| stage | " + " | ".join(heading for heading, _ in columns) + " |")
    print("|---" * (len(columns) + 1) + "|")
    names: dict[str, tuple[int, int]] = {}
    for _, row in columns:
        for name, depth, calls, _ in row["stages"]:
            names.setdefault(name, (depth, calls))
    for name, (depth, calls) in names.items():
        label = "&nbsp;&nbsp;" * depth + name + (f" (×{calls})" if calls > 1 else "")
        cells = [next((f"{seconds:.2f} s" for stage, _, _, seconds in row["stages"] if stage == name), "–")
                 for _, row in columns]
        print(f"| {label} | " + " | ".join(cells) + " |")
    other = [row["total"] - sum(seconds for _, depth, _, seconds in row["stages"] if depth == 0) for _, row in columns]
    print("| other | " + " | ".join(f"{seconds:.2f} s" for seconds in other) + " |")
    print("| **build_graphs** | " + " | ".join(f"**{row['total']:.2f} s**" for _, row in columns) + " |")
    print("| CPU time | " + " | ".join(f"{row['cpu']:.2f} s" for _, row in columns) + " |")
    print("| extra memory (peak RSS) | " + " | ".join(f"{row['extra_mb']:.0f} MB" for _, row in columns) + " |")
    print("| forked child's peak RSS (most of it pages shared with the parent) | "
          + " | ".join(f"{row.get('child_peak_mb', 0):.0f} MB" for _, row in columns) + " |")
    for heading, row in columns:
        sizes = ", ".join(f"{name} {nodes:,}/{edges:,}" for name, (nodes, edges) in row["graphs"].items())
        print(f"\n{heading}: {row['papers']:,} papers, {row['citations']:,} citations; nodes/edges: {sizes}")


def differences(new: dict, old: dict) -> list[str]:
    """What differs between two builds' graphs beyond BY_DESIGN and PageRank's last digits."""
    found = []
    # the baseline's power iteration stopped once a step changed the ranks of n nodes by n·1e-10 in all
    tolerance = {"pagerank": 1e-10 * max(map(len, new.values())) / (1 - 0.85)}
    for name, graph in new.items():
        before = old[name]
        if list(graph.nodes) != list(before.nodes):
            found.append(f"{name}: nodes")
        if list(graph.edges(**({"keys": True} if graph.is_multigraph() else {}), data=True)) != list(
                before.edges(**({"keys": True} if before.is_multigraph() else {}), data=True)):
            found.append(f"{name}: edges")
        for node, data in graph.nodes(data=True):
            was = before.nodes[node] if node in before else {}
            if {key for key in data if key not in BY_DESIGN} != {key for key in was if key not in BY_DESIGN}:
                found.append(f"{name}: attributes of {node}")
            elif any(not _close(data[key], was[key], tolerance.get(key, 0.0)) for key in data if key not in BY_DESIGN):
                found.append(f"{name}: {node} " + ", ".join(key for key in data if key not in BY_DESIGN
                                                            and not _close(data[key], was[key], tolerance.get(key, 0.0))))
        if {key: value for key, value in graph.graph.items() if key != "community_topics"} != {
                key: value for key, value in before.graph.items() if key != "community_topics"}:
            found.append(f"{name}: graph attributes")
    return found


def _close(value, other, tolerance: float) -> bool:
    if isinstance(value, float) and isinstance(other, float):
        return abs(value - other) <= tolerance
    return value == other


def community_quality(builds: dict[str, dict]) -> list[str]:
    """Table rows: per graph (paper, author) and build, its communities' count and modularity, and
    how many of them are not connected."""
    import igraph
    import networkx as nx

    rows = []
    first = next(iter(builds.values()))
    citations = nx.Graph()
    citations.add_nodes_from(first["paper"])
    citations.add_edges_from((u, v) for u, v, kind in first["paper"].edges(data="kind") if kind == "cites")
    for name, graph in (("paper", citations), ("author", first["author"])):
        nodes = list(graph)
        number = {node: place for place, node in enumerate(nodes)}
        network = igraph.Graph(n=len(nodes), edges=[(number[u], number[v]) for u, v in graph.edges()])
        weights = [weight for _, _, weight in graph.edges(data="weight", default=1)]
        for label, graphs in builds.items():
            membership = [graphs[name].nodes[node]["community"] for node in nodes]
            apart = sum(len(network.induced_subgraph(members).components()) > 1
                        for members in igraph.VertexClustering(network, membership))
            rows.append(f"| {name} | {label} | {max(membership, default=-1) + 1:,} | "
                        f"{network.modularity(membership, weights=weights):.4f} | {apart} |")
    return rows


def betweenness_accuracy(path: Path, seeds: int = 5) -> None:
    """The sampled betweenness of a corpus's author graph against the exact values: litgraph's
    (twin classes, linear scaling) and igraph's (sources= a sample: plain sampling, as networkx's `k`)."""
    import random

    import igraph
    import numpy as np

    from litgraph.analysis import BETWEENNESS_SOURCES
    from litgraph.betweenness import TwinClasses, betweenness_of_classes
    from litgraph.graphs import build_graphs

    authors = build_graphs(pickle.loads(path.read_bytes()))["author"]
    classes = TwinClasses(authors)
    started = time.perf_counter()
    exact = betweenness_of_classes(classes)
    print(f"\nbetweenness of {len(classes.nodes):,} authors ({classes.count:,} twin classes): exact in "
          f"{time.perf_counter() - started:.1f} s; sampled:\n")
    ranked = sorted(exact, key=lambda node: (-exact[node], node))
    rank = {node: place for place, node in enumerate(ranked, start=1)}
    nodes = list(authors)
    number = {node: place for place, node in enumerate(nodes)}
    network = igraph.Graph(n=len(nodes), edges=[(number[u], number[v]) for u, v in authors.edges()])

    def by_igraph(sources: int, seed: int) -> dict:
        sample = random.Random(seed).sample(range(len(nodes)), sources)
        others = np.full(len(nodes), sources)
        others[sample] -= 1  # a source is not between itself and anyone
        return dict(zip(nodes, np.array(network.betweenness(sources=sample)) / others))  # ranks are all we need

    estimators = [("litgraph", BETWEENNESS_SOURCES, lambda seed: betweenness_of_classes(classes, BETWEENNESS_SOURCES, seed))]
    estimators += [("igraph", sources, lambda seed, sources=sources: by_igraph(sources, seed))
                   for sources in (BETWEENNESS_SOURCES, 2 * BETWEENNESS_SOURCES)]
    print("| by | sources | seed | exact top 10 in sampled top 20 | top 20 in common | worst exact rank in sampled top 20 | time |")
    print("|---|---|---|---|---|---|---|")
    for label, sources, estimate in estimators:
        for seed in range(seeds):
            started = time.perf_counter()
            sampled = estimate(seed)
            seconds = time.perf_counter() - started
            top = sorted(sampled, key=lambda node: (-sampled[node], node))[:20]
            print(f"| {label} | {sources} | {seed} | {len(set(ranked[:10]) & set(top))} | {len(set(ranked[:20]) & set(top))} "
                  f"| {max(rank[node] for node in top)} | {seconds:.2f} s |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="papers in the corpora")
    parser.add_argument("--repeat", type=int, default=1, help="runs per size; the least figures are printed")
    parser.add_argument("--baseline", default="main", help="git revision measured in the same run ('' for none)")
    parser.add_argument("--betweenness", action="store_true", help="compare sampled and exact betweenness")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # the child process: one corpus
    parser.add_argument("--dump", type=Path, help=argparse.SUPPRESS)  # where the child pickles its graphs
    options = parser.parse_args()
    if options.measure:
        print(json.dumps(measure(options.measure, options.dump)))
        return
    RESULTS.mkdir(exist_ok=True)
    baseline = baseline_code(options.baseline) if options.baseline else None
    results = []
    for size in (int(size) for size in options.sizes.split(",")):
        corpus = corpus_pickle(size)
        dumps = {"new": RESULTS / "graphs-new.pickle", "baseline": RESULTS / "graphs-baseline.pickle"}
        new = least_of([in_own_process(corpus, dump=dumps["new"]) for _ in range(options.repeat)])
        columns = [(f"{new['papers']:,} papers", new)]
        if baseline:
            old = least_of([in_own_process(corpus, baseline, dumps["baseline"]) for _ in range(options.repeat)])
            columns.append((f"{options.baseline}", old))
        print()
        print_table(columns)
        if baseline:
            print(f"\nbuild_graphs: {old['total'] / new['total']:.1f}x faster than {options.baseline} "
                  f"({old['total']:.2f} s / {new['total']:.2f} s; CPU {old['cpu'] / new['cpu']:.1f}x)")
        builds = {"litgraph (Leiden)": pickle.loads(dumps["new"].read_bytes())}
        if baseline:
            builds[f"{options.baseline}"] = pickle.loads(dumps["baseline"].read_bytes())
            found = differences(*builds.values())
            print(f"graphs against {options.baseline}: " + ("the same but for " + ", ".join(BY_DESIGN) + " and the "
                  "community topics" if not found else f"{len(found)} differences: " + "; ".join(found[:10])))
        print("\n| graph | build | communities | modularity | not connected |\n|---|---|---|---|---|")
        print("\n".join(community_quality(builds)))
        for path in dumps.values():
            path.unlink(missing_ok=True)
        results.append({"new": new, "baseline": old if baseline else None})
    (RESULTS / "graphs.json").write_text(json.dumps(results, indent=2))
    if options.betweenness:
        betweenness_accuracy(corpus_pickle(max(int(size) for size in options.sizes.split(","))))


if __name__ == "__main__":
    main()
