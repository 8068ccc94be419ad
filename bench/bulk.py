"""Bulk data: ingest rates against litgraph's API-path parsers, peak memory as input grows, and the
registry-wide tables of a generated 1M-paper, 10M-citation, 20,000-trial store on DuckDB and on
Spark (local, 2 cores). Everything is generated here, into bench/results/bulk/.

    python bench/bulk.py ingest      # PubMed XML and citation pairs: records/s per core, peak memory
    python bench/bulk.py graph       # the registry-wide tables: DuckDB, then Spark
    python bench/bulk.py ingest --records 1000000 5000000   # the sizes compared for memory

Each measured step runs in its own process; its peak memory is the largest resident size of it
and its children (the JVM for Spark), sampled every 50 ms from /proc.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from _harness import RESULTS, ROOT

WORK = RESULTS / "bulk"
PMID = re.compile(rb'<PMID Version="1">(\d+)</PMID>')
SPARK_CONF = {"spark.driver.memory": "6g", "spark.sql.shuffle.partitions": "8", "spark.ui.enabled": "false"}


# --- measuring a step in its own process -----------------------------------------------------

def measured(task: str, *args: str) -> dict:
    """Run `bench/bulk.py --task TASK ARGS` and sample its process tree's resident memory."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, __file__, "--task", task, *args], stdout=subprocess.PIPE, text=True)
    peak = 0
    while process.poll() is None:
        peak = max(peak, tree_rss(process.pid))
        time.sleep(0.05)
    output = process.stdout.read()
    if process.returncode:
        raise RuntimeError(f"{task} failed ({process.returncode})")
    return {**json.loads(output.strip().splitlines()[-1]), "wall": time.perf_counter() - started,
            "peak_mb": peak / 1024}


def tree_rss(root: int) -> int:
    """kB resident in `root` and its descendants."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                parents[int(entry)] = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    family, total = {root}, 0
    changed = True
    while changed:
        grown = {pid for pid, parent in parents.items() if parent in family} | family
        changed, family = grown != family, grown
    for pid in family:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        total += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
    return total


def task(name: str, args: list[str]) -> dict:
    """One measured step, run in the child process."""
    from litgraph.bulk import graph, ingest

    if name == "ingest-pubmed":
        done = ingest(args[1], pubmed=[args[0]], workers=int(args[2]))
        return {"records": done.records, "seconds": done.seconds}
    if name == "ingest-citations":
        done = ingest(args[1], citations=[args[0]])
        return {"records": done.citations, "seconds": done.seconds}
    if name == "graph":
        conf = SPARK_CONF if args[2] == "spark" else None
        result = graph(args[0], trials="all", depth=0, out=args[1], engine=args[2], pages=0,
                       master="local[2]" if args[2] == "spark" else None, spark_conf=conf)
        return {"rows": result.rows, "seconds": result.seconds, "iterations": result.iterations, "steps": result.steps}
    raise ValueError(name)


# --- ingest ----------------------------------------------------------------------------------

def pubmed_files(records: int, articles: list[bytes], per_file: int = 10_000) -> Path:
    """`records` records in files of `per_file`: the generated articles again and again under new PMIDs."""
    import gzip

    import bulk_files

    folder = WORK / f"pubmed-{records}"
    if folder.is_dir():
        return folder
    folder.mkdir(parents=True)
    made = 0
    for number in range(1, records // per_file + 1):
        batch = []
        while len(batch) < per_file:
            offset = 40_000_000 + made - int(PMID.search(articles[made % len(articles)]).group(1))
            article = articles[made % len(articles)]
            batch.append(PMID.sub(lambda m: f'<PMID Version="1">{int(m.group(1)) + offset}</PMID>'.encode(), article, 1))
            made += 1
        (folder / f"pubmed99n{number:04d}.xml.gz").write_bytes(gzip.compress(bulk_files.article_set(batch), 1))
    return folder


def citation_file(pairs: int) -> Path:
    """`pairs` citations in an NIH-OCC-shaped zip (each paper cites ten earlier ones)."""
    import zipfile

    path = WORK / f"occ-{pairs}.zip"
    if path.exists():
        return path
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive, archive.open("open_citation_collection.csv", "w") as out:
        out.write(b"citing,referenced\n")
        for start in range(0, pairs, 1_000_000):
            lines = [f"{1_000_000 + n // 10},{1 + (n * 7919) % (1_000_000 + n // 10 - 1)}\n" for n in
                     range(start, min(pairs, start + 1_000_000))]
            out.write("".join(lines).encode())
    return path


def api_rates(articles: list[bytes], corpus) -> tuple[float, float]:
    """records/s of read_articles on 400-record EFetch answers; links/s of parse_elink on 200-PMID ELink answers."""
    import bulk_files
    from fake_ncbi import DataStore, EUtilities, History

    from litgraph.sources.pubmed import parse_elink, read_articles

    answers = [bulk_files.article_set(articles[start:start + 400]) for start in range(0, len(articles), 400)]
    started = time.perf_counter()
    records = sum(len(read_articles(answer)) for answer in answers)
    xml_rate = records / (time.perf_counter() - started)
    service = EUtilities(DataStore(corpus), History())
    pmids = list(corpus.papers)
    bodies = [service.answer("elink", {"dbfrom": ["pubmed"], "db": ["pubmed"], "cmd": ["neighbor"],
                                       "linkname": ["pubmed_pubmed_refs"], "id": [str(p) for p in pmids[s:s + 200]]}).body
              for s in range(0, len(pmids), 200)]
    started = time.perf_counter()
    links = sum(len(ids) for body in bodies for link_set in parse_elink(body) for ids in link_set.links.values())
    return xml_rate, links / (time.perf_counter() - started)


def bench_ingest(sizes: list[int]) -> None:
    import corpus as corpus_model
    from fake_ncbi import ArticleRenderer

    corpus = corpus_model.generate(5_000, seed=3, n_trials=5)
    renderer = ArticleRenderer(corpus)
    articles = [renderer.xml(pmid) for pmid in corpus.papers]
    xml_rate, link_rate = api_rates(articles, corpus)
    print(f"API path, one core: read_articles {xml_rate:,.0f} records/s on EFetch answers; "
          f"parse_elink {link_rate:,.0f} links/s on ELink answers")
    print("| input | records | workers | wall | records/s | per core | / API parser per core | peak memory |")
    print("|---|---|---|---|---|---|---|---|")
    for records in sizes:
        folder = pubmed_files(records, articles)
        for workers in (1, 2):
            shutil.rmtree(WORK / "store-ingest", ignore_errors=True)
            run = measured("ingest-pubmed", str(folder), str(WORK / "store-ingest"), str(workers))
            rate = run["records"] / run["seconds"]
            print(f"| PubMed XML | {run['records']:,} | {workers} | {run['wall']:.1f} s | {rate:,.0f} | "
                  f"{rate / workers:,.0f} | {rate / workers / xml_rate:.2f}x | {run['peak_mb']:,.0f} MB |", flush=True)
    for pairs in [size * 10 for size in sizes]:
        shutil.rmtree(WORK / "store-ingest", ignore_errors=True)
        run = measured("ingest-citations", str(citation_file(pairs)), str(WORK / "store-ingest"))
        rate = run["records"] / run["seconds"]
        print(f"| NIH-OCC pairs | {run['records']:,} | 1 | {run['wall']:.1f} s | {rate:,.0f} | {rate:,.0f} | "
              f"{rate / link_rate:.0f}x | {run['peak_mb']:,.0f} MB |", flush=True)
    shutil.rmtree(WORK / "store-ingest", ignore_errors=True)


# --- the registry-wide graph -----------------------------------------------------------------

def registry_store(papers: int, citations: int, trials: int) -> Path:
    """A store written straight as Parquet parts: `papers` papers, `citations` heavy-tailed citations
    (paper i cites i·u² for uniform u: old papers collect most), `trials` trials of 8 references."""
    import numpy as np
    import pyarrow as pa

    from litgraph.bulk.store import SCHEMAS, Store

    folder = WORK / f"store-{papers}-{citations}-{trials}"
    if (folder / "manifest.json").exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    store = Store(folder, create=True)
    rng = np.random.default_rng(5)
    pmids = np.arange(1, papers + 1, dtype=np.int64)
    named = rng.choice(papers, trials * 2, replace=False)  # papers whose record names a trial
    trial_of = {int(pmids[place]): f"NCT{10_000_000 + number % trials:08d}" for number, place in enumerate(named)}
    empty = [[] for _ in range(papers)]
    paper_rows = pa.table({
        "pmid": pmids, "seq": np.ones(papers, np.int32), "title": [f"Paper {n}" for n in pmids],
        "journal": ["J Test"] * papers, "year": (1980 + pmids * 44 // papers).astype(np.int32),
        "doi": [""] * papers, "pmcid": [""] * papers, "mesh": empty, "publication_types": empty,
        "retracted": np.zeros(papers, bool), "is_book": np.zeros(papers, bool), "reference_pmids": empty,
        "trial_ids": [[trial_of[int(p)]] if int(p) in trial_of else [] for p in pmids]}, schema=SCHEMAS["papers"])
    write(store, "pubmed", "papers", paper_rows, 1)
    citing = rng.integers(2, papers + 1, citations, dtype=np.int64)
    cited = np.maximum(1, (citing * rng.random(citations) ** 2).astype(np.int64))
    keep = cited < citing
    pairs = pa.table({"citing": citing[keep], "referenced": cited[keep]}).group_by(["citing", "referenced"]).aggregate([])
    write(store, "citations", "citations", pairs.append_column("seq", pa.array(np.full(pairs.num_rows, 2, np.int32))), 2)
    ncts = [f"NCT{10_000_000 + n:08d}" for n in range(trials)]
    references = rng.choice(pmids, (trials, 8))
    trial_rows = pa.table({"nct_id": ncts, "seq": [3] * trials, "title": [f"Trial {n}" for n in ncts],
                           "official_title": [""] * trials, "status": ["COMPLETED"] * trials, "phase": ["Phase 3"] * trials,
                           "conditions": [["Condition"]] * trials, "interventions": [["Drug: X"]] * trials,
                           "sponsor": ["Sponsor"] * trials, "start_date": ["2015-03"] * trials,
                           "completion_date": ["2018-01"] * trials, "enrollment": [640] * trials,
                           "source": ["bench"] * trials}, schema=SCHEMAS["trials"])
    kinds = np.array(["background", "result", "derived"])[rng.integers(0, 3, trials * 8)]
    reference_rows = pa.table({"nct_id": np.repeat(ncts, 8), "seq": np.full(trials * 8, 3, np.int32),
                               "position": np.tile(np.arange(8, dtype=np.int32), trials), "kind": kinds,
                               "citation": [""] * (trials * 8), "pmid": references.ravel().astype(str),
                               "retracted": np.zeros(trials * 8, bool),
                               "paper": np.char.add("pmid:", references.ravel().astype(str))},
                              schema=SCHEMAS["trial_references"])
    write(store, "aact", "trials", trial_rows, 3, extra={"trial_references": reference_rows,
                                                        "officials": SCHEMAS["officials"].empty_table()})
    return folder


def write(store, kind: str, table: str, rows, seq: int, extra: dict | None = None) -> None:
    from litgraph.bulk.store import PartWriter, Unit

    written, counts = {}, {}
    for name, content in {table: rows, **(extra or {})}.items():
        part = PartWriter(store.incoming(), f"{seq:06d}-bench", name)
        part.write(content)
        written[name], counts[name] = part.close(), part.rows
    store.commit(Unit(kind, f"bench-{table}", {}, seq, rows=counts), written)


def bench_graph(papers: int, citations: int, trials: int, engines: list[str]) -> None:
    store = registry_store(papers, citations, trials)
    print(f"store: {papers:,} papers, {citations:,} citations drawn, {trials:,} trials")
    print("| engine | wall | peak memory | pagerank iterations | tables |")
    print("|---|---|---|---|---|")
    for engine in engines:
        out = WORK / f"registry-{engine}"
        shutil.rmtree(out, ignore_errors=True)
        run = measured("graph", str(store), str(out), engine)
        tables = ", ".join(f"{rows:,} {name}" for name, rows in run["rows"].items())
        print(f"| {engine} | {run['wall']:.1f} s | {run['peak_mb']:,.0f} MB | {run['iterations']} | {tables} |", flush=True)
        print("  steps: " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in run["steps"].items()), flush=True)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    sys.path.insert(0, str(ROOT))
    if argv[:1] == ["--task"]:
        print(json.dumps(task(argv[1], argv[2:])))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("part", nargs="?", choices=("ingest", "graph"), help="one part only (default both)")
    parser.add_argument("--records", type=int, nargs="+", default=[100_000, 500_000],
                        help="PubMed records compared (citation pairs: ten times as many)")
    parser.add_argument("--papers", type=int, default=1_000_000)
    parser.add_argument("--citations", type=int, default=10_000_000)
    parser.add_argument("--trials", type=int, default=20_000)
    parser.add_argument("--engines", nargs="+", default=["duckdb", "spark"])
    args = parser.parse_args(argv)
    WORK.mkdir(parents=True, exist_ok=True)
    if args.part in (None, "ingest"):
        bench_ingest(args.records)
    if args.part in (None, "graph"):
        bench_graph(args.papers, args.citations, args.trials, args.engines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
