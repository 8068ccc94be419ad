"""Graph building: wall time per stage and extra memory of `build_graphs`, Corpus in, graphs out.

Each run is a process of its own, so its memory is its own: the corpus is loaded, the peak
resident size is reset, `build_graphs` runs once, and the extra memory is the peak minus the
resident size before it. Stage times come from wrapping the functions named in STAGES; a stage
called inside another is printed indented under it, and `other` is what no stage accounts for.
Each figure is the least of --repeat runs (the machine may be busy with other work); the CPU
time of the whole call is printed too.

With --betweenness it also compares the sampled betweenness of the largest corpus's author graph
with the exact values (a minute at 10,000 papers): for a few seeds, how many of the exact top 10
are in the sampled top 20, how many of the top 20 agree, and the worst exact rank in the sampled
top 20.

The corpora are pickled `litgraph.model.Corpus` objects, built once from the fake server (a trial
of a generated 100,000-paper corpus, depth 2, --max-papers SIZE) and kept in bench/results/.

    python bench/graphs.py [--sizes 1000,10000] [--repeat 3] [--betweenness]
"""

from __future__ import annotations

import argparse
import functools
import importlib
import json
import pickle
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

from _harness import RESULTS, corpus_pickle

STAGES = {  # module -> functions timed, in the order they are printed
    "litgraph.graphs": ["resolve_authors", "graph_parts", "trial_graph", "paper_graph", "Citations", "coauthor_graph",
                        "combined_graph", "cocitation_graph", "coupling_graph", "mesh_graph", "add_metrics"],
    "litgraph.analysis": ["pagerank", "betweenness", "communities"],
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


def measure(path: Path) -> dict:
    """One build_graphs run on the pickled corpus: stage times, total, extra memory, graph sizes."""
    corpus = pickle.loads(path.read_bytes())
    clock = StageClock()
    clock.install()
    from litgraph.graphs import build_graphs

    Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM, so the peak is this run's
    before = resident_kb("VmRSS")
    started, cpu = time.perf_counter(), time.process_time()
    graphs = build_graphs(corpus, "bench")
    total, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {
        "papers": len(corpus.papers), "citations": len(corpus.cites), "total": total, "cpu": cpu,
        "extra_mb": (resident_kb("VmHWM") - before) / 1024,
        "stages": [(name, clock.depth[name], clock.calls[name], clock.seconds[name])
                   for names in STAGES.values() for name in names if name in clock.calls],
        "graphs": {name: [graph.number_of_nodes(), graph.number_of_edges()] for name, graph in graphs.items()},
    }


def in_own_process(path: Path) -> dict:
    output = subprocess.run([sys.executable, __file__, "--measure", str(path)], check=True,
                            capture_output=True, text=True).stdout
    return json.loads(output)


def least_of(runs: list[dict]) -> dict:
    """The first run, with each time and the memory the least over all runs."""
    best = dict(runs[0])
    for key in ("total", "cpu", "extra_mb"):
        best[key] = min(run[key] for run in runs)
    best["stages"] = [(name, depth, calls, min(run["stages"][index][3] for run in runs))
                      for index, (name, depth, calls, _) in enumerate(runs[0]["stages"])]
    return best


def print_table(results: list[dict]) -> None:
    print("| stage | " + " | ".join(f"{row['papers']:,} papers" for row in results) + " |")
    print("|---" * (len(results) + 1) + "|")
    for index, (name, depth, calls, _) in enumerate(results[-1]["stages"]):
        label = "&nbsp;&nbsp;" * depth + name + (f" (×{calls})" if calls > 1 else "")
        print(f"| {label} | " + " | ".join(f"{row['stages'][index][3]:.2f} s" for row in results) + " |")
    other = [row["total"] - sum(seconds for _, depth, _, seconds in row["stages"] if depth == 0) for row in results]
    print("| other | " + " | ".join(f"{seconds:.2f} s" for seconds in other) + " |")
    print("| **build_graphs** | " + " | ".join(f"**{row['total']:.2f} s**" for row in results) + " |")
    print("| CPU time | " + " | ".join(f"{row['cpu']:.2f} s" for row in results) + " |")
    print("| extra memory (peak RSS) | " + " | ".join(f"{row['extra_mb']:.0f} MB" for row in results) + " |")
    for row in results:
        sizes = ", ".join(f"{name} {nodes:,}/{edges:,}" for name, (nodes, edges) in row["graphs"].items())
        print(f"\n{row['papers']:,} papers, {row['citations']:,} citations; nodes/edges: {sizes}")


def betweenness_accuracy(path: Path, seeds: int = 5) -> None:
    """The sampled betweenness of a corpus's author graph against the exact values."""
    from litgraph.analysis import BETWEENNESS_SOURCES
    from litgraph.betweenness import TwinClasses, betweenness_of_classes
    from litgraph.graphs import build_graphs

    classes = TwinClasses(build_graphs(pickle.loads(path.read_bytes()))["author"])
    started = time.perf_counter()
    exact = betweenness_of_classes(classes)
    print(f"\nbetweenness of {len(classes.nodes):,} authors ({classes.count:,} twin classes): exact in "
          f"{time.perf_counter() - started:.1f} s; sampled from {BETWEENNESS_SOURCES} sources:\n")
    ranked = sorted(exact, key=lambda node: (-exact[node], node))
    rank = {node: place for place, node in enumerate(ranked, start=1)}
    print("| seed | exact top 10 in sampled top 20 | top 20 in common | worst exact rank in sampled top 20 | time |")
    print("|---|---|---|---|---|")
    for seed in range(seeds):
        started = time.perf_counter()
        sampled = betweenness_of_classes(classes, BETWEENNESS_SOURCES, seed)
        seconds = time.perf_counter() - started
        top = sorted(sampled, key=lambda node: (-sampled[node], node))[:20]
        print(f"| {seed} | {len(set(ranked[:10]) & set(top))} | {len(set(ranked[:20]) & set(top))} "
              f"| {max(rank[node] for node in top)} | {seconds:.2f} s |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="papers in the corpora")
    parser.add_argument("--repeat", type=int, default=1, help="runs per size; the least figures are printed")
    parser.add_argument("--betweenness", action="store_true", help="compare sampled and exact betweenness")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # the child process: one corpus
    options = parser.parse_args()
    if options.measure:
        print(json.dumps(measure(options.measure)))
        return
    sizes = [int(size) for size in options.sizes.split(",")]
    results = [least_of([in_own_process(corpus_pickle(size)) for _ in range(options.repeat)]) for size in sizes]
    print_table(results)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "graphs.json").write_text(json.dumps(results, indent=2))
    if options.betweenness:
        betweenness_accuracy(corpus_pickle(max(sizes)))


if __name__ == "__main__":
    main()
