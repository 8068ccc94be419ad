"""Expansion at the speed NCBI allows: requests, wall time against the rate bound, warm reruns.

Runs litgraph against tests/fake_ncbi.py in its own process, serving a generated corpus with
NCBI's 3 requests/second enforced and a simulated latency, and prints:
  - requests made / the minimum for that expansion (one request per full batch), and the
    requests a per-PMID client would make (one efetch + one elink per paper) / ours;
  - fetch wall time / (NCBI's requests / 3 per second), at latency 0.1 s and 1 s, and / the
    dependency bound: the least time any client could take, as each wave of requests needs the
    answers of the wave before (registry and searches, then each level of papers), with iCite's
    requests going beside NCBI's under iCite's own rate;
  - fetch wall time with iCite (the default sources) / without it (--citations elink,reference-list):
    iCite's requests should make the build no slower than its NCBI part; and the CPU time the
    client and the server spent on each build (they share this machine's cores);
  - the cold build's whole process against its fetch phase: what is left after the last answer;
  - the warm rerun from the cache: network requests (must be 0), whole-process wall time and
    peak memory.

    python bench/expansion.py [--corpus 100000] [--sizes 1000,10000] [--latencies 0.1,1]
"""

from __future__ import annotations

import argparse
import json
import shutil

from _harness import RESULTS, Server, corpus_folder, first_trial, run_litgraph

from litgraph import Settings

RATE = 3.0
ICITE_RATE = Settings().icite_rate
NCBI_CALLS = ("esearch", "efetch", "elink")


def expansion(size: int, latency: float, corpus, trial: str) -> dict:
    work = RESULTS / "runs" / f"expansion-{size}-{latency}"
    shutil.rmtree(work, ignore_errors=True)
    args = ["build", trial, "--depth", "2", "--max-papers", str(size), "--out", "out", "--quiet"]
    with Server(corpus, rate_limit=int(RATE), latency=latency) as server:
        env = {**server.env, "LITGRAPH_CACHE_DIR": str(work / "cache")}
        serving = server.cpu_seconds()
        cold = run_litgraph(args + ["--format", "json"], env, work)
        cold["server_cpu"] = server.cpu_seconds() - serving
        warm = run_litgraph(args, env, work)  # the default formats, as a user reruns it
    with Server(corpus, rate_limit=int(RATE), latency=latency) as server:  # a server as fresh as the first
        env = {**server.env, "LITGRAPH_CACHE_DIR": str(work / "cache-ncbi")}
        serving = server.cpu_seconds()
        alone = run_litgraph(args + ["--format", "json", "--citations", "elink,reference-list"], env, work)
        alone["server_cpu"] = server.cpu_seconds() - serving
    requests = cold["summary"]["requests"]
    ncbi = sum(wave.get(call, 0) for wave in requests["waves_by_call"] for call in NCBI_CALLS)
    return {
        "papers": cold["summary"]["counts"]["papers"],
        "latency": latency,
        "requests": requests["network"],
        "minimum": requests["minimum"],
        "icite_requests": requests["network_by_service"].get("icite", 0),
        "per_pmid_client": requests["per_pmid_client"],
        "retries": requests["retries"],
        "fetch_seconds": cold["summary"]["seconds"]["fetch"],
        "cold_wall": cold["wall"],
        "rate_bound_seconds": ncbi / RATE,
        "waves": requests["waves"],
        "dependency_bound_seconds": dependency_bound(requests["waves_by_call"], latency),
        "ncbi_alone_fetch_seconds": alone["summary"]["seconds"]["fetch"],
        "cpu": [cold["cpu"], cold["server_cpu"]],
        "ncbi_alone_cpu": [alone["cpu"], alone["server_cpu"]],
        "warm_requests": warm["summary"]["requests"]["network"],
        "warm_wall": warm["wall"],
        "warm_peak_mb": warm["peak_mb"],
    }


def dependency_bound(waves: list[dict[str, int]], latency: float) -> float:
    """The least fetch time any client could take at RATE requests in any 1-second window (NCBI's
    rule), ICITE_RATE for iCite's, and `latency` per answer: each request goes as soon as its
    service's window allows, and a wave starts when the one before has its last answer. The
    registry's requests (ClinicalTrials.gov) are under neither limit."""
    sends: dict[str, list[float]] = {"ncbi": [], "icite": []}  # each service's requests, in order
    rates = {"ncbi": RATE, "icite": ICITE_RATE}
    start = 0.0
    for wave in waves:
        last = start
        for service, requests in (("ncbi", sum(wave.get(call, 0) for call in NCBI_CALLS)), ("icite", wave.get("icite", 0))):
            window, burst = sends[service], int(rates[service])
            for _ in range(requests):
                window.append(max(start, window[-burst] + 1 if len(window) >= burst else start))
                last = max(last, window[-1])
        start = last + latency
    return start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=int, default=100_000, help="papers in the generated corpus")
    parser.add_argument("--sizes", default="1000,10000", help="--max-papers of the builds")
    parser.add_argument("--latencies", default="0.1,1", help="seconds the server takes to answer")
    options = parser.parse_args()
    corpus = corpus_folder(options.corpus)
    trial = first_trial(corpus)
    rows = [expansion(int(size), float(latency), corpus, trial)
            for size in options.sizes.split(",") for latency in options.latencies.split(",")]
    print(f"\ncorpus {options.corpus:,} papers, trial {trial}, depth 2, server enforcing {RATE:g} requests/s\n")
    print("| papers | latency | requests (iCite's) | / minimum | per-PMID client / ours | retries "
          "| fetch wall / NCBI rate bound | / dependency bound (waves) | with iCite / without "
          "| CPU, client + server: with iCite / without | cold: whole process / fetch "
          "| warm: requests | warm: wall | warm: peak memory |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        print(f"| {row['papers']:,} | {row['latency']:g} s | {row['requests']} ({row['icite_requests']}) "
              f"| {row['requests'] / row['minimum']:.2f}x "
              f"| {row['per_pmid_client'] / row['requests']:.0f}x | {row['retries']} "
              f"| {row['fetch_seconds']:.1f} s / {row['rate_bound_seconds']:.1f} s = "
              f"{row['fetch_seconds'] / row['rate_bound_seconds']:.2f}x "
              f"| {row['dependency_bound_seconds']:.1f} s = {row['fetch_seconds'] / row['dependency_bound_seconds']:.2f}x "
              f"({' + '.join(map(str, row['waves']))}) "
              f"| {row['fetch_seconds']:.1f} s / {row['ncbi_alone_fetch_seconds']:.1f} s = "
              f"{row['fetch_seconds'] / row['ncbi_alone_fetch_seconds']:.2f}x "
              f"| {' + '.join(f'{cpu:.0f}' for cpu in row['cpu'])} s / "
              f"{' + '.join(f'{cpu:.0f}' for cpu in row['ncbi_alone_cpu'])} s "
              f"| {row['cold_wall']:.1f} s / {row['fetch_seconds']:.1f} s = {row['cold_wall'] / row['fetch_seconds']:.2f}x "
              f"| {row['warm_requests']} | {row['warm_wall']:.1f} s | {row['warm_peak_mb']:.0f} MB |")
    (RESULTS / "expansion.json").write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
