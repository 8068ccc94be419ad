"""Citations against the corpus truth: what each source knows of the citations among a build's
papers, what their union holds, and what it costs in requests.

Builds a trial of a generated corpus to depth 1 and 2 against tests/fake_ncbi.py, in this process
with no rate enforced (requests are counted here; bench/expansion.py times them), and prints:
  - per source and for the union of all, recall of the true citations among the papers held (of
    the corpus's citations between two papers of the build, the share whose edge names the source,
    or that has an edge at all) and precision (of the edges, the share that are true citations);
  - the union against what the sources jointly know (a citation is known to ELink when the citing
    paper is in PMC, to reference lists when its record lists them, to iCite when NIH-OCC holds its
    references and iCite a record of either paper): the goal is 0.99 or more;
  - closure alone: ELink only, against a server where every paper is in PMC (--full-citations),
    so that everything missing would be the expansion's fault: the goal is 0.99 or more;
  - requests per call against the minimum (one request per full batch of each wave).

The server's iCite answers are shaped on the real record in shared/fixtures: set LITGRAPH_FIXTURES.

    python bench/citations.py [--corpus 100000] [--max-papers 100000] [--depths 1,2]
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

from _harness import RESULTS, corpus_folder, first_trial

import corpus as corpus_model
from fake_ncbi import DataStore, FakeNCBI, real_icite_record
from litgraph import Settings, build
from litgraph.kinds import CITATION_SOURCE_NAMES
from litgraph.model import CITATION_SOURCES

SOURCES = ("elink", "icite", "reference-list")


def run(corpus, trial: str, depth: int, max_papers: int, citations: tuple[str, ...], full: bool, work: Path):
    """A cold build: its corpus, and the requests the server saw by call."""
    shutil.rmtree(work, ignore_errors=True)
    with FakeNCBI(corpus=corpus, full_citations=full) as server:
        settings = Settings(eutils_url=server.eutils_url, ctgov_url=server.ctgov_url, icite_url=server.icite_url,
                            cache_dir=work / "cache", rate=500.0, icite_rate=500.0, backoff=0.01)
        result = build(trial, depth=depth, max_papers=max_papers, citations=citations, settings=settings,
                       warn=lambda _: None)
        sent = {call: len(server.requests(call)) for call in ("ctgov", "esearch", "efetch", "elink", "icite")}
    planned: dict[str, int] = {}
    for wave in result.requests["waves_by_call"]:
        for call, count in wave.items():
            planned[call] = planned.get(call, 0) + count
    return result.corpus, {call: (sent[call], planned.get(call, 0)) for call in sent if sent[call] or planned.get(call)}


def citations_held(built) -> dict[tuple[int, int], set[str]]:
    return {(int(citing[5:]), int(cited[5:])): sources for (citing, cited), sources in built.cites.items()
            if citing.startswith("pmid:") and cited.startswith("pmid:")}


def true_citations(corpus, built) -> tuple[set[int], set[tuple[int, int]]]:
    """The corpus papers the build holds, and the true citations among them."""
    held = {int(node[5:]) for node in built.papers if node.startswith("pmid:") and int(node[5:]) in corpus.papers}
    return held, {(citing, cited) for citing in held for cited in corpus.papers[citing].refs if cited in held}


def knowers(corpus, coverage: DataStore) -> dict:
    """For each source, whether it can know a citation (citing, cited): the fake server's coverage."""
    return {
        "elink": lambda citing, cited: bool(corpus.papers[citing].pmcid),
        "reference-list": lambda citing, cited: corpus.papers[citing].refs_deposited,
        "icite": lambda citing, cited: coverage.icite_knows_references(citing) and (
            coverage.icite_holds(citing) or coverage.icite_holds(cited)),
    }


def measure(corpus, coverage: DataStore, trial: str, depth: int, max_papers: int) -> dict:
    built, requests = run(corpus, trial, depth, max_papers, SOURCES, False, RESULTS / "runs" / f"citations-{depth}")
    held, true = true_citations(corpus, built)
    edges = citations_held(built)
    recall = {}
    for source in SOURCES:
        names = {CITATION_SOURCES[source].refs_edge, CITATION_SOURCES[source].citedin_edge} - {""}
        recall[source] = len({pair for pair, seen in edges.items() if seen & names} & true) / len(true)
    recall["union"] = len(set(edges) & true) / len(true)
    can_know = knowers(corpus, coverage)
    known = {pair for pair in true if any(knows(*pair) for knows in can_know.values())}
    closed, _ = run(corpus, trial, depth, max_papers, ("elink",), True, RESULTS / "runs" / f"citations-{depth}-full")
    closed_held, closed_true = true_citations(corpus, closed)
    return {"depth": depth, "papers": len(built.papers), "true": len(true), "edges": len(edges), "recall": recall,
            "precision": len(set(edges) & true) / len(edges), "jointly_known": len(known),
            "of_jointly_known": len(set(edges) & known) / len(known),
            "closure": {"papers": len(closed.papers), "true": len(closed_true),
                        "recall": len(set(citations_held(closed)) & closed_true) / len(closed_true)},
            "requests": requests}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=int, default=100_000, help="papers in the generated corpus")
    parser.add_argument("--max-papers", type=int, default=100_000, help="--max-papers of the builds")
    parser.add_argument("--depths", default="1,2", help="--depth of the builds")
    options = parser.parse_args()
    folder = corpus_folder(options.corpus)
    corpus, trial = corpus_model.load(folder), first_trial(folder)
    coverage = DataStore(corpus, real_icite_record())
    if coverage.icite_template is None:
        raise SystemExit("the real iCite record is needed to shape iCite's answers: set LITGRAPH_FIXTURES")
    rows = [measure(corpus, coverage, trial, int(depth), options.max_papers) for depth in options.depths.split(",")]
    names = [CITATION_SOURCE_NAMES[source] for source in SOURCES]
    print(f"\ncorpus {options.corpus:,} papers, trial {trial}, --max-papers {options.max_papers:,}\n")
    print("| depth | papers | true citations among them | recall: " + " | ".join(names) +
          " | all sources | precision | of what the sources jointly know | closure alone: ELink, all in PMC |")
    print("|---" * (6 + len(names)) + "|---|")
    for row in rows:
        recall, closure = row["recall"], row["closure"]
        print(f"| {row['depth']} | {row['papers']:,} | {row['true']:,} | "
              + " | ".join(f"{recall[source]:.3f}" for source in SOURCES)
              + f" | {recall['union']:.3f} | {row['precision']:.3f} | {row['of_jointly_known']:.3f} "
                f"({row['jointly_known']:,}) | {closure['recall']:.3f} ({closure['papers']:,} papers) |")
    print("\n| depth | call | requests | minimum | / minimum |\n|---|---|---|---|---|")
    for row in rows:
        for call, (sent, minimum) in row["requests"].items():
            print(f"| {row['depth']} | {call} | {sent} | {minimum} | {sent / minimum:.2f}x |")
    (RESULTS / "citations.json").write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
