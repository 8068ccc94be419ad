"""Reading the files users hand litgraph: a large PubMed XML file (plain and gzipped), random
binary data and a gzip bomb, read by litgraph's reader (`read_sources`) against the whole file in
memory, unpacked whole when gzipped, then parsed: how litgraph read every file before it sniffed
the first bytes and streamed. Each read runs in a fresh process, so its peak memory (the
process's resident high-water mark, imports included) is its own; the run of least CPU time of
--repeat runs is shown (CPU time, unlike wall time, hardly depends on what else the machine runs).

The PubMed XML is EFetch output as tests/fake_ncbi.py renders it from a generated corpus; every
file is made once and kept in bench/results/inputs/.

    python bench/inputs.py [--records 50000] [--random-mb 200] [--bomb-mb 300] [--repeat 3]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from _harness import RESULTS, corpus_folder

FOLDER = RESULTS / "inputs"
CHUNK = 1 << 20


def pubmed_xml(records: int) -> Path:
    """`records` PubMed records of the generated corpus in one PubmedArticleSet."""
    path = FOLDER / f"pubmed-{records}.xml"
    if not path.exists():
        import corpus as corpus_model
        from fake_ncbi import PUBMED_PROLOG, DataStore

        corpus = corpus_model.load(corpus_folder(max(records, 1000)))
        store = DataStore(corpus)
        print(f"writing {path} ...", flush=True)
        with _made(path) as handle:
            handle.write(PUBMED_PROLOG + b"<PubmedArticleSet>\n")
            for pmid in sorted(corpus.papers)[:records]:
                handle.write(store.article(pmid))
            handle.write(b"</PubmedArticleSet>\n")
    return path


def gzipped(source: Path) -> Path:
    path = source.with_name(source.name + ".gz")
    if not path.exists():
        print(f"writing {path} ...", flush=True)
        with source.open("rb") as plain, _made(path) as raw, gzip.GzipFile(fileobj=raw, mode="wb") as packed:
            shutil.copyfileobj(plain, packed, CHUNK)
    return path


def random_file(megabytes: int) -> Path:
    path = FOLDER / f"random-{megabytes}mb.bin"
    if not path.exists():
        with _made(path) as handle:
            for _ in range(megabytes):
                handle.write(os.urandom(CHUNK))
    return path


def gzip_bomb(megabytes: int) -> Path:
    """Text (so its first bytes pass for a record) that unpacks to `megabytes` from a few hundred kB."""
    path = FOLDER / f"bomb-{megabytes}mb.txt.gz"
    if not path.exists():
        line = b"Brief Title: a record page that never ends\n"
        with _made(path) as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9) as packed:
            for _ in range(megabytes):
                packed.write(line * (CHUNK // len(line)))
    return path


@contextmanager
def _made(path: Path):
    """A file written under a temporary name and renamed once complete, so a cut run leaves none."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with partial.open("wb") as handle:
        yield handle
    partial.rename(path)


def whole(path: Path) -> str:
    """The file in memory whole (unpacked whole when gzipped), then parsed or decoded whole."""
    from litgraph.sources.pubmed import ROOTS, read_articles, root_name

    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    if root_name(data[:1 << 16]) in ROOTS:
        return f"{len(read_articles(data)):,} papers"
    data.decode("utf-8-sig", errors="replace")  # what followed (format tests, then refusal) is not counted
    return f"{len(data) / 1e6:,.0f} MB read and decoded"


def streamed(path: Path) -> str:
    from litgraph import InputError
    from litgraph.sources.inputs import read_sources

    try:
        return f"{len(read_sources([str(path)]).papers):,} papers"
    except InputError as error:
        return "refused: " + str(error).removeprefix(f"{path}: ")[:48] + "…"


READERS = {"whole file, then parsed": whole, "litgraph": streamed}


def measure(reader: str, path: Path) -> dict:
    import litgraph.sources.inputs  # noqa: F401  (imports are not what is measured)

    started, cpu = time.perf_counter(), time.process_time()
    outcome = READERS[reader](path)
    return {"outcome": outcome, "seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu,
            "peak_mb": _peak_mb()}


def _peak_mb() -> float:
    """This process's resident high-water mark; unlike ru_maxrss, it is not the forking parent's."""
    status = Path("/proc/self/status").read_text()
    return int(status.split("VmHWM:")[1].split()[0]) / 1024


def best_of(repeat: int, reader: str, path: Path) -> dict:
    command = [sys.executable, __file__, "--measure", reader, str(path)]
    runs = [json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
            for _ in range(repeat)]
    return min(runs, key=lambda run: run["cpu"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=50_000, help="PubMed records in the XML file")
    parser.add_argument("--random-mb", type=int, default=200, help="size of the random binary file")
    parser.add_argument("--bomb-mb", type=int, default=300, help="what the gzip bomb unpacks to")
    parser.add_argument("--repeat", type=int, default=3, help="runs per file and reader, each in a fresh process")
    parser.add_argument("--measure", nargs=2, metavar=("READER", "PATH"), help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.measure:
        print(json.dumps(measure(options.measure[0], Path(options.measure[1]))))
        return
    xml = pubmed_xml(options.records)
    files = [xml, gzipped(xml), random_file(options.random_mb), gzip_bomb(options.bomb_mb)]
    print("\n| file | size | reader | outcome | CPU seconds | wall seconds | peak memory |")
    print("|---|---|---|---|---|---|---|")
    ratios = []
    for path in files:
        runs = {reader: best_of(options.repeat, reader, path) for reader in READERS}
        for reader, run in runs.items():
            print(f"| {path.name} | {path.stat().st_size / 1e6:,.1f} MB | {reader} | {run['outcome']} | "
                  f"{run['cpu']:.2f} | {run['seconds']:.2f} | {run['peak_mb']:,.0f} MB |")
        before, after = runs.values()
        ratios.append(f"{path.name}: {before['cpu'] / max(after['cpu'], 1e-3):.1f}x less CPU time, "
                      f"{before['peak_mb'] / after['peak_mb']:.1f}x less peak memory")
    print("\nlitgraph against the whole file in memory: " + "; ".join(ratios))


if __name__ == "__main__":
    main()
