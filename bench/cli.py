"""The command line's own time: `litgraph --help`, a rerun of the built-in example's build (which
finds its folder up to date) and its warm rebuild (--force), each the median of --repeat whole
processes, against litgraph at --baseline (a git revision, main by default) in the same run, with
`python -c pass` as the floor no command can go below. A litgraph without --force rebuilds on
every rerun: its rerun is its rebuild.

The build fetches the example once from the fake server (serving the real fixtures named by
LITGRAPH_FIXTURES; without them the build has only the record); the rebuild builds it again from
the cache. What is left is importing and the work itself. Every process runs with Python's bytecode
written and read (PYTHONDONTWRITEBYTECODE unset), as an installed litgraph has it: `pip install .`
compiles it, and without it every run compiles litgraph's modules again.

    python bench/cli.py [--repeat 5] [--baseline main]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _harness import RESULTS, ROOT, TESTS, baseline_code, build_offers

EXAMPLE = ROOT / "examples" / "NCT01741857.txt"


def seconds(command: list[str], env: dict[str, str], cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, env=environment(env), cwd=cwd,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def environment(env: dict[str, str]) -> dict[str, str]:
    return {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"} | env


def median_of(repeat: int, command: list[str], env: dict[str, str], cwd: Path) -> float:
    return statistics.median(seconds(command, env, cwd) for _ in range(repeat))


def fake_server() -> tuple[subprocess.Popen, dict[str, str]]:
    fixtures = os.environ.get("LITGRAPH_FIXTURES")
    process = subprocess.Popen([sys.executable, str(TESTS / "fake_ncbi.py"), "--port", "0"]
                               + (["--fixtures", fixtures] if fixtures else []), stdout=subprocess.PIPE, text=True)
    return process, dict(process.stdout.readline().strip().split("=", 1) for _ in range(3))


def measure(name: str, code: Path | None, repeat: int, server_env: dict[str, str]) -> dict[str, float]:
    """Both figures for one version of litgraph (the installed one when `code` is None)."""
    work = RESULTS / "cli" / name
    work.mkdir(parents=True, exist_ok=True)
    env = {**server_env, "LITGRAPH_CACHE_DIR": str(work / "cache")} | ({"PYTHONPATH": str(code)} if code else {})
    found = subprocess.run([sys.executable, "-c", "import litgraph; print(litgraph.__file__)"], env=environment(env),
                           cwd=work, check=True, capture_output=True, text=True).stdout.strip()
    if not Path(found).is_relative_to(code or ROOT):
        raise RuntimeError(f"{name} imported litgraph from {found}")
    litgraph = [sys.executable, "-m", "litgraph"]
    rerun = litgraph + ["build", str(EXAMPLE), "--quiet", "--out", str(work / "out")]
    forcing = build_offers("--force", env)
    rebuild = rerun + ["--force"] if forcing else rerun
    seconds(rebuild, env, work)  # fills the cache and writes the bytecode (of --help's modules too)
    return {"help": median_of(repeat, litgraph + ["--help"], env, work),
            "rerun": median_of(repeat, rerun, env, work) if forcing else None,
            "rebuild": median_of(repeat, rebuild, env, work)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure; the median is printed")
    parser.add_argument("--baseline", default="main", help="git revision measured in the same run ('' for none)")
    options = parser.parse_args()
    versions = {"litgraph": None} | ({options.baseline: baseline_code(options.baseline)} if options.baseline else {})
    server, server_env = fake_server()
    try:
        floor = median_of(options.repeat, [sys.executable, "-c", "pass"], {}, ROOT)
        results = {name: measure(name, code, options.repeat, server_env) for name, code in versions.items()}
    finally:
        server.terminate()
        server.wait()
    print(f"median of {options.repeat} whole processes; `python -c pass` takes {floor:.2f} s\n")
    print("| command | " + " | ".join(versions) + " |")
    print("|---" * (len(versions) + 1) + "|")
    for figure, words in (("help", "`litgraph --help`"), ("rerun", "rerun of the example's build (up to date)"),
                          ("rebuild", "warm rebuild of the example (--force)")):
        print(f"| {words} | " + " | ".join(f"{result[figure] or result['rebuild']:.2f} s"
                                           for result in results.values()) + " |")
    if options.baseline:
        new, old = results["litgraph"], results[options.baseline]
        print(f"\n--help {old['help'] / new['help']:.1f}x faster than {options.baseline}, "
              f"warm rebuild {old['rebuild'] / new['rebuild']:.1f}x, rerun {(old['rerun'] or old['rebuild']) / new['rerun']:.1f}x")


if __name__ == "__main__":
    main()
