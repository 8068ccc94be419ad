"""Author identity: how often litgraph's author nodes are the real people, on a generated corpus.

The corpus (tests/corpus.py) knows who wrote what; the fake E-utilities server serves it as
PubMed XML; litgraph builds a trial's neighbourhood from it, parsing every record itself. Each
authorship (an author of a paper) is then compared with the truth:

- pairwise precision: of the pairs of authorships put in one node, the share by one person;
  pairwise recall: of the pairs by one person, the share put in one node;
- B-cubed precision and recall: the same per authorship, averaged.

Two sets of records are scored: the papers as PubMed serves them (full names, ORCIDs on some
records, pre-2002 records with initials only), and the same with a share of the papers known
only from their registry citation ("Sun L, Akiyama K. Title. ..."), as in an offline build or
for a record PubMed lacks. Two baselines show what the rules buy: one node per surname +
initials, and one node per full name (per surname + initials where a record gives no more),
ORCIDs and evidence ignored.

    python bench/authors.py [--corpus 100000] [--papers 3000] [--registry-share 0.3]
"""

from __future__ import annotations

import argparse
import random
import time
from collections import Counter
from math import comb
from pathlib import Path
from typing import Callable, Hashable

from _harness import built_corpus, corpus_folder, first_trial

import corpus as corpus_model  # tests/corpus.py, on the path through _harness
from litgraph.authors import resolve_authors
from litgraph.expand import paper_from_citation
from litgraph.model import Author, Paper, fold

Authorship = tuple[str, int]  # (paper node id, 1-based position among its person authors)


def truth_of(papers: dict[str, Paper], known: corpus_model.Corpus) -> dict[Authorship, int]:
    """The person behind each authorship; group authors have none and are left out."""
    truth = {}
    for node, paper in papers.items():
        people = known.papers[int(paper.pmid)].authors
        persons = [author for author in paper.authors if author.has_name and not author.collective]
        assert len(persons) == len(people), f"{node}: {len(persons)} names for {len(people)} people"
        for position, (_, person) in enumerate(zip(persons, people), start=1):
            truth[node, position] = person[0]
    return truth


def litgraph_nodes(papers: dict[str, Paper]) -> dict[Authorship, Hashable]:
    bylines = resolve_authors(papers).bylines
    return {(node, position): author for node, authors in bylines.items()
            for position, author in enumerate(authors, start=1) if not author.startswith("author:group:")}


def keyed_nodes(key: Callable[[Author], Hashable]) -> Callable[[dict[str, Paper]], dict[Authorship, Hashable]]:
    """A baseline: one node per key, whatever else the records say."""
    def nodes(papers: dict[str, Paper]) -> dict[Authorship, Hashable]:
        return {(node, position): key(author) for node, paper in papers.items()
                for position, author in enumerate((a for a in paper.authors if a.has_name and not a.collective), 1)}
    return nodes


def surname_initials(author: Author) -> Hashable:
    return fold(author.last_name), author.folded_initials


def full_name(author: Author) -> Hashable:
    return fold(author.last_name), "".join(author.given_names) or author.folded_initials


def scores(truth: dict[Authorship, int], predicted: dict[Authorship, Hashable]) -> dict[str, float]:
    """Pairwise and B-cubed precision and recall of `predicted` against `truth`."""
    cells = Counter((predicted[key], truth[key]) for key in truth)
    node_sizes = Counter(predicted[key] for key in truth)
    person_sizes = Counter(truth.values())
    together = sum(comb(n, 2) for n in cells.values())
    b_precision = sum(n * n / node_sizes[node] for (node, _), n in cells.items()) / len(truth)
    b_recall = sum(n * n / person_sizes[person] for (_, person), n in cells.items()) / len(truth)
    precision = together / max(1, sum(comb(n, 2) for n in node_sizes.values()))
    recall = together / max(1, sum(comb(n, 2) for n in person_sizes.values()))
    return {"precision": precision, "recall": recall, "f1": 2 * precision * recall / max(precision + recall, 1e-12),
            "b3_precision": b_precision, "b3_recall": b_recall, "nodes": len(node_sizes), "people": len(person_sizes)}


def with_registry_citations(papers: dict[str, Paper], known: corpus_model.Corpus, share: float,
                            seed: int = 1) -> dict[str, Paper]:
    """A share of the papers replaced by what their registry citation says, parsed by litgraph.

    A citation the parser cannot split into as many names as the paper has people keeps its
    PubMed record, so the scores measure identity and not citation parsing.
    """
    draw = random.Random(seed)
    mixed = {}
    for node, paper in papers.items():
        truth = known.papers[int(paper.pmid)]
        cited = paper_from_citation(paper.pmid, corpus_model.full_citation(truth, known.people))
        persons = [author for author in cited.authors if not author.collective]
        replace = draw.random() < share and len(persons) == len(truth.authors)
        mixed[node] = cited if replace else paper
    return mixed


def fetched_papers(folder: Path, max_papers: int, work: Path) -> dict[str, Paper]:
    """A trial's neighbourhood (depth 2), fetched from the fake server and parsed by litgraph."""
    return {node: paper for node, paper in built_corpus(folder, max_papers, work).papers.items() if paper.fetched}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=int, default=100_000, help="papers in the generated corpus")
    parser.add_argument("--papers", type=int, default=3000, help="--max-papers of the build")
    parser.add_argument("--registry-share", type=float, default=0.3,
                        help="share of papers known only from a registry citation in the second set")
    options = parser.parse_args()
    folder = corpus_folder(options.corpus)
    known = corpus_model.load(folder)
    started = time.perf_counter()
    papers = fetched_papers(folder, options.papers, folder.parent / "runs" / f"authors-{options.papers}")
    print(f"fetched and parsed {len(papers):,} papers in {time.perf_counter() - started:.1f} s")
    mixed = with_registry_citations(papers, known, options.registry_share)
    registry = sum(1 for paper in mixed.values() if not paper.fetched)
    sets = {"PubMed records": papers, f"{registry / len(mixed):.0%} as registry citations": mixed}
    methods = {"litgraph": litgraph_nodes, "surname + initials": keyed_nodes(surname_initials),
               "full name, else initials": keyed_nodes(full_name)}
    initials_only = sum(1 for paper in papers.values() for author in paper.authors
                        if author.last_name and not author.given_names)
    print(f"{initials_only:,} authorships in PubMed records give initials only\n")
    print("| records | method | pairwise precision | pairwise recall | F1 | B³ precision | B³ recall "
          "| nodes / people |")
    print("|---|---|---|---|---|---|---|---|")
    for label, records in sets.items():
        truth = truth_of(records, known)
        for method, nodes in methods.items():
            found = scores(truth, nodes(records))
            print(f"| {label} | {method} | {found['precision']:.4f} | {found['recall']:.4f} | {found['f1']:.4f} "
                  f"| {found['b3_precision']:.4f} | {found['b3_recall']:.4f} "
                  f"| {found['nodes']:,} / {found['people']:,} |", flush=True)
    print(f"\n{len(truth):,} authorships by {found['people']:,} people; corpus {options.corpus:,} papers, "
          f"trial {first_trial(folder)}, depth 2")


if __name__ == "__main__":
    main()
