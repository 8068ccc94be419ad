"""Shared by the benchmarks: a generated corpus, the fake NCBI server in its own process or in this
one, and litgraph runs measured as whole processes (wall time, peak memory)."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests"
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(TESTS))


def corpus_folder(papers: int, seed: int = 1) -> Path:
    """A generated corpus, written once and reused by later runs."""
    folder = RESULTS / f"corpus-{papers}-{seed}"
    if not (folder / "manifest.json").exists():
        print(f"generating a {papers:,}-paper corpus in {folder} ...", flush=True)
        subprocess.run([sys.executable, str(TESTS / "corpus.py"), "--papers", str(papers), "--seed", str(seed),
                        "--out", str(folder)], check=True)
    return folder


def first_trial(folder: Path) -> str:
    return sorted(path.stem for path in (folder / "studies").glob("NCT*.json"))[0]


class Server:
    """tests/fake_ncbi.py in a child process, so it does not share the client's interpreter."""

    def __init__(self, corpus: Path, rate_limit: int | None = 3, latency: float = 0.0, full_citations: bool = False):
        limit = ["--rate-limit", str(rate_limit)] if rate_limit is not None else []  # None: no limit
        self.process = subprocess.Popen(
            [sys.executable, str(TESTS / "fake_ncbi.py"), "--corpus", str(corpus), "--port", "0",
             *limit, "--latency", str(latency)] + ["--full-citations"] * full_citations,
            stdout=subprocess.PIPE, text=True)
        self.env = dict(line.strip().split("=", 1) for line in (self.process.stdout.readline() for _ in range(3)))

    def __enter__(self) -> "Server":
        return self

    def cpu_seconds(self) -> float:
        """The CPU time the server has used so far (Linux's /proc)."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def __exit__(self, *exc_info) -> None:
        self.process.terminate()
        self.process.wait()


def run_litgraph(args: list[str], env: dict[str, str], cwd: Path) -> dict:
    """One `litgraph` process: its wall time, CPU time, peak memory (of its largest process, and of
    it with its forked children: see TreeMemory), and the summary.json it wrote."""
    cwd.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "litgraph", *args], cwd=cwd, env={**os.environ, **env},
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    with TreeMemory(process.pid) as tree:
        _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    errors = process.stderr.read().decode()
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"litgraph {' '.join(args)} failed: {errors}")
    out = Path(args[args.index("--out") + 1]) if "--out" in args else None
    summary = json.loads(((cwd / out) if out else cwd).joinpath("summary.json").read_text())
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "peak_mb": usage.ru_maxrss / 1024,
            "tree_peak_mb": tree.peak / 2**20, "summary": summary, "stderr": errors}


class TreeMemory:
    """The peak memory of a process and its descendants together, sampled every SAMPLE seconds as
    the sum of their proportional set sizes (Linux's Pss: a page shared by n processes counts 1/n
    in each), so a forked child's copy-on-write pages count once, and only once copied. The
    largest process's resident size (ru_maxrss) leaves out what its children copied; their
    resident sizes added would count the pages they share several times. 0 where /proc has no
    smaps_rollup."""

    SAMPLE = 0.5

    def __init__(self, pid: int) -> None:
        import threading

        self.pid, self.peak = pid, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> "TreeMemory":
        self._thread.start()
        return self

    def __exit__(self, *_) -> None:
        self._stop.set()
        self._thread.join()

    def _watch(self) -> None:
        while not self._stop.wait(self.SAMPLE):
            self.peak = max(self.peak, sum(map(_pss, _tree(self.pid))))


def _tree(pid: int) -> list[int]:
    """The process and its descendants, through /proc/<pid>/task/<tid>/children."""
    found, waiting = [], [pid]
    while waiting:
        pid = waiting.pop()
        found.append(pid)
        for children in Path(f"/proc/{pid}/task").glob("*/children"):
            try:
                waiting += map(int, children.read_text().split())
            except OSError:  # the task ended meanwhile
                pass
    return found


def _pss(pid: int) -> int:
    """Bytes: the process's proportional set size, 0 if it has ended."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def build_offers(option: str, env: dict[str, str]) -> bool:
    """Whether the litgraph `env` runs has this option of `litgraph build` (a baseline may predate it)."""
    usage = subprocess.run([sys.executable, "-m", "litgraph", "build", "--help"], env={**os.environ, **env},
                           cwd=RESULTS, capture_output=True, text=True, check=True).stdout  # no litgraph/ there
    return option in usage


def built_corpus(folder: Path, max_papers: int, work: Path, seeds: list[str] | tuple = ()):
    """A trial's neighbourhood (depth 2) fetched from the fake server in this process: a litgraph
    Corpus; `seeds` are PMIDs that join the trial's references as seed papers."""
    from fake_ncbi import FakeNCBI

    from litgraph import Settings, build

    with FakeNCBI(corpus=folder) as server:
        settings = Settings(eutils_url=server.eutils_url, ctgov_url=server.ctgov_url, icite_url=server.icite_url,
                            cache_dir=work / "cache", rate=500.0, icite_rate=500.0, backoff=0.01)
        return build(first_trial(folder), *seeds, depth=2, max_papers=max_papers, settings=settings,
                     warn=lambda _: None).corpus


def corpus_pmids(folder: Path, count: int) -> list[str]:
    """The first `count` PMIDs of a generated corpus."""
    with (folder / "papers.jsonl").open(encoding="utf-8") as lines:
        return [str(json.loads(line)["pmid"]) for line, _ in zip(lines, range(count))]


def corpus_pickle(size: int) -> Path:
    """A pickled litgraph Corpus of `size` papers, built once from the fake server and kept in
    bench/results/: a trial of the 100,000-paper corpus to depth 2, or, where that holds fewer papers
    (16,502 do), the trial and the corpus's first `size` PMIDs as seeds, with the citations among them."""
    import pickle

    path = RESULTS / f"corpus-graphs-{size}.pickle"
    if not path.exists():
        folder, work = corpus_folder(100_000), RESULTS / "runs" / f"graphs-{size}"
        print(f"building a {size:,}-paper corpus from the fake server ...", flush=True)
        corpus = built_corpus(folder, size, work)
        if len(corpus.papers) < size:
            print(f"depth 2 holds {len(corpus.papers):,} papers: seeding {size:,} PMIDs ...", flush=True)
            corpus = built_corpus(folder, size, work, corpus_pmids(folder, size))
        path.write_bytes(pickle.dumps(corpus))
    return path


def baseline_code(revision: str) -> Path:
    """litgraph/ as it is at a git revision, in bench/results/baseline/ (made anew each run): import it
    with PYTHONPATH set to this folder)."""
    folder = RESULTS / "baseline"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", revision, "litgraph"],
                             check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder
