"""Parsing PubMed XML: Bio.Entrez.read against litgraph's lxml iterparse reader.

Both read the same EFetch answers, as the fake server renders them from a generated corpus, and
extract what litgraph needs. Each runs in its own process so peak memory is its own.

    python bench/parse.py [--records 5000]
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import subprocess
import sys
import time

from _harness import RESULTS, Server, corpus_folder

BATCH = 500


def fetch_answers(records: int) -> list[bytes]:
    import requests

    corpus = corpus_folder(max(records, 1000))
    pmids = sorted(int(path) for path in _pmids(corpus))[:records]
    with Server(corpus, rate_limit=1000) as server:
        url = server.env["LITGRAPH_EUTILS_URL"] + "/efetch.fcgi"
        return [requests.post(url, data={"db": "pubmed", "id": ",".join(map(str, pmids[i:i + BATCH]))}).content
                for i in range(0, len(pmids), BATCH)]


def _pmids(corpus):
    import json

    return json.loads((corpus / "index.json").read_text())["cards"]["pmid"]


def with_biopython(answers: list[bytes]) -> int:
    from Bio import Entrez

    Entrez.local_cache = str(RESULTS / "dtd-cache")
    count = 0
    for answer in answers:
        for article in Entrez.read(io.BytesIO(answer))["PubmedArticle"]:
            citation = article["MedlineCitation"]
            _ = (str(citation["PMID"]), str(citation["Article"]["ArticleTitle"]),
                 [a.get("LastName") for a in citation["Article"].get("AuthorList", [])],
                 [r for ref in article["PubmedData"].get("ReferenceList", []) for r in ref["Reference"]])
            count += 1
    return count


def with_litgraph(answers: list[bytes]) -> int:
    from litgraph.sources.pubmed import parse_articles

    return sum(1 for answer in answers for _ in parse_articles(answer))


def measure(method: str, folder) -> None:
    answers = [path.read_bytes() for path in sorted(folder.glob("answer-*.xml"))]
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    count = {"biopython": with_biopython, "litgraph": with_litgraph}[method](answers)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    print(f"{method} {count} {seconds:.3f} {peak / 1024:.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=5000)
    parser.add_argument("--measure", choices=("biopython", "litgraph"), help=argparse.SUPPRESS)
    options = parser.parse_args()
    folder = RESULTS / f"parse-{options.records}"
    if options.measure:
        return measure(options.measure, folder)
    folder.mkdir(parents=True, exist_ok=True)
    if not list(folder.glob("answer-*.xml")):
        for index, answer in enumerate(fetch_answers(options.records)):
            (folder / f"answer-{index:03}.xml").write_bytes(answer)
    size = sum(path.stat().st_size for path in folder.glob("answer-*.xml")) / 1e6
    results = {}
    for method in ("biopython", "litgraph"):
        out = subprocess.run([sys.executable, __file__, "--records", str(options.records), "--measure", method],
                             capture_output=True, text=True, check=True, env={**os.environ}).stdout.split()
        results[method] = (int(out[1]), float(out[2]), float(out[3]))
    print(f"\n{options.records:,} generated PubMed records in {len(list(folder.glob('answer-*.xml')))} "
          f"EFetch answers, {size:.0f} MB\n")
    print("| reader | records/s | seconds | peak memory added |")
    print("|---|---|---|---|")
    for method, (count, seconds, peak) in results.items():
        print(f"| {method} | {count / seconds:,.0f} | {seconds:.2f} | {peak:.0f} MB |")
    bio, ours = results["biopython"], results["litgraph"]
    print(f"\nlitgraph reads {bio[1] / ours[1]:.1f}x faster with {bio[2] / max(ours[2], 1):.1f}x less added memory")


if __name__ == "__main__":
    main()
