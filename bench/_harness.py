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

    def __init__(self, corpus: Path, rate_limit: int | None = 3, latency: float = 0.0, full_citations: bool = False,
                 rendered: bool = False):
        limit = ["--rate-limit", str(rate_limit)] if rate_limit is not None else []  # None: no limit
        self.process = subprocess.Popen(
            [sys.executable, str(TESTS / "fake_ncbi.py"), "--corpus", str(corpus), "--port", "0",
             *limit, "--latency", str(latency)] + ["--full-citations"] * full_citations + ["--rendered"] * rendered,
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


def run_litgraph(args: list[str], env: dict[str, str], cwd: Path, beside: tuple[int, ...] = ()) -> dict:
    """One `litgraph` process: its wall time, CPU time, peak memory (of its largest process, and of
    it with its forked children: see MachineMemory, `beside` the processes left out of that), and
    the summary.json it wrote."""
    cwd.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "litgraph", *args], cwd=cwd, env={**os.environ, **env},
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    with MachineMemory(beside) as machine:
        _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    errors = process.stderr.read().decode()
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"litgraph {' '.join(args)} failed: {errors}")
    out = Path(args[args.index("--out") + 1]) if "--out" in args else None
    summary = json.loads(((cwd / out) if out else cwd).joinpath("summary.json").read_text())
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "peak_mb": usage.ru_maxrss / 1024,
            "machine_peak_mb": machine.peak / 2**20, "summary": summary, "stderr": errors}


class MachineMemory:
    """The most memory the machine had in use at once, above what it had when the sampling began,
    sampled every SAMPLE seconds from /proc/meminfo (MemTotal - MemAvailable), less the resident
    size of the processes `beside` (the fake server): a build with its forked children, each page
    counted once however many processes share it, and a child's copy-on-write copies counted once
    copied. The largest process's resident size (ru_maxrss) leaves out what the children copy;
    their resident sizes added would count shared pages several times; their proportional set
    sizes would be exact, but reading them (smaps_rollup) stalls a large build's memory
    management. Whatever else the machine starts meanwhile counts too: measure on a quiet one.
    0 where /proc is missing."""

    SAMPLE = 0.2

    def __init__(self, beside: tuple[int, ...] = ()) -> None:
        import threading

        self.beside, self.peak = beside, 0
        self._start = self._used()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> "MachineMemory":
        self._thread.start()
        return self

    def __exit__(self, *_) -> None:
        self._stop.set()
        self._thread.join()

    def _watch(self) -> None:
        while not self._stop.wait(self.SAMPLE):
            self.peak = max(self.peak, self._used() - self._start)

    def _used(self) -> int:
        try:
            info = dict(line.split(":", 1) for line in Path("/proc/meminfo").read_text().splitlines())
            used = (int(info["MemTotal"].split()[0]) - int(info["MemAvailable"].split()[0])) * 1024
            return used - sum(_resident(pid) for pid in self.beside)
        except (OSError, KeyError, ValueError):
            return 0


def _resident(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, IndexError, ValueError):
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
