"""Author identity: how often litgraph's author nodes are the real people, on a generated corpus.

The corpus (tests/corpus.py) knows who wrote what; the fake E-utilities server serves it as
PubMed XML; litgraph builds a trial's neighbourhood from it, parsing every record itself. Each
authorship (an author of a paper) is then compared with the truth:

- pairwise precision: of the pairs of authorships put in one node, the share by one person;
  pairwise recall: of the pairs by one person, the share put in one node;
- B-cubed precision and recall: the same per authorship, averaged.

Three sets of records are scored: the papers as PubMed serves them (full names, ORCIDs on some
records, pre-2002 records with initials only); the same with a share of the papers known only
from their registry citation ("Sun L, Akiyama K. Title. ..."), as in an offline build or for a
record PubMed lacks; and the PubMed records with a share of the middle initials dropped ("John
Smith" for John A Smith), as some journals print them. Two baselines show what the rules buy:
one node per surname + initials, and one node per full name (per surname + initials where a
record gives no more), ORCIDs and evidence ignored. Then the rules one by one: the first three
(ORCID, full name, initials form), and each rule of litgraph.authors.RULES added in turn. Last,
the errors left: the pairs litgraph misses, by the kinds of the two records (the corpus's planted
name twins apart: Wang Dandan and Wang Dong, in one lab, are both "Wang D"), and the false pairs,
by how their node was identified and what joined its records.

    python bench/authors.py [--corpus 100000] [--seed 1] [--papers 3000] [--share 0.3]
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import time
from collections import Counter
from itertools import combinations
from math import comb
from pathlib import Path
from typing import Callable, Hashable

from _harness import built_corpus, corpus_folder, first_trial

import corpus as corpus_model  # tests/corpus.py, on the path through _harness
from litgraph.authors import RULES, resolve_authors
from litgraph.expand import paper_from_citation
from litgraph.model import Author, Paper, fold, is_initial

Authorship = tuple[str, int]  # (paper node id, 1-based position among its person authors)
RULE_NAMES = {"record-by-record": "each initials-only record on its own evidence",
              "coauthor-initials": "co-authors by all their initials", "middle-initial": "a middle initial dropped"}


def people_of(paper: Paper) -> list[Author]:
    """The byline's people: group authors have no person behind them and are left out."""
    return [author for author in paper.authors if author.has_name and not author.collective]


def truth_of(papers: dict[str, Paper], known: corpus_model.Corpus) -> dict[Authorship, int]:
    """The person behind each authorship."""
    truth = {}
    for node, paper in papers.items():
        people = known.papers[int(paper.pmid)].authors
        persons = people_of(paper)
        assert len(persons) == len(people), f"{node}: {len(persons)} names for {len(people)} people"
        for position, (_, person) in enumerate(zip(persons, people), start=1):
            truth[node, position] = person[0]
    return truth


def litgraph_nodes(papers: dict[str, Paper], rules: tuple[str, ...] = RULES) -> dict[Authorship, Hashable]:
    bylines = resolve_authors(papers, rules).bylines
    return {(node, position): author for node, authors in bylines.items()
            for position, author in enumerate(authors, start=1) if not author.startswith("author:group:")}


def with_rules(rules: tuple[str, ...]) -> Callable[[dict[str, Paper]], dict[Authorship, Hashable]]:
    return lambda papers: litgraph_nodes(papers, rules)


def keyed_nodes(key: Callable[[Author], Hashable]) -> Callable[[dict[str, Paper]], dict[Authorship, Hashable]]:
    """A baseline: one node per key, whatever else the records say."""
    def nodes(papers: dict[str, Paper]) -> dict[Authorship, Hashable]:
        return {(node, position): key(author) for node, paper in papers.items()
                for position, author in enumerate(people_of(paper), 1)}
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


def with_middle_initials_dropped(papers: dict[str, Paper], share: float, seed: int = 2) -> dict[str, Paper]:
    """A share of the authorships whose fore name ends in a middle initial ("John A", initials "JA")
    printed without it ("John", "J"); the papers are copied, not changed."""
    draw = random.Random(seed)
    dropped = {}
    for node, paper in papers.items():
        authors = [dataclasses.replace(author, fore_name=author.fore_name.rsplit(" ", 1)[0],
                                       initials=author.initials[:-1])
                   if _middle_initial(author) and draw.random() < share else author for author in paper.authors]
        dropped[node] = dataclasses.replace(paper, authors=authors) if authors != paper.authors else paper
    return dropped


def _middle_initial(author: Author) -> bool:
    words = author.fore_name.split()
    return len(words) > 1 and is_initial(words[-1].lower()) and len(author.initials) > 1


def record_kind(author: Author) -> str:
    if author.orcid:
        return "ORCID"
    if author.given_names:
        return "full name"
    return "initials only" if author.fore_name else "registry citation"


def missed_pairs(papers: dict[str, Paper], truth: dict[Authorship, int], predicted: dict[Authorship, Hashable],
                 twins: set[int]) -> Counter:
    """Pairs of authorships by one person in two nodes, by the kinds of the two records (and twins apart)."""
    by_person: dict[int, Counter] = {}
    for key, person in truth.items():
        node, position = key
        author = people_of(papers[node])[position - 1]
        by_person.setdefault(person, Counter())[predicted[key], record_kind(author)] += 1
    missed = Counter()
    for person, cells in by_person.items():
        for (first_node, first_kind), (second_node, second_kind) in combinations(cells, 2):
            if first_node != second_node:
                kinds = " – ".join(sorted((first_kind, second_kind)))
                missed["planted name twins" if person in twins else kinds] += cells[first_node, first_kind] * \
                    cells[second_node, second_kind]
    return missed


def false_pairs(truth: dict[Authorship, int], predicted: dict[Authorship, Hashable],
                people: dict[str, dict]) -> Counter:
    """Pairs of authorships by two people in one node, by how the node was identified and what joined it."""
    by_node: dict[Hashable, Counter] = {}
    for key, node in predicted.items():
        by_node.setdefault(node, Counter())[truth[key]] += 1
    wrong = Counter()
    for node, persons in by_node.items():
        joined = f"{people[node]['identity']}: {', '.join(people[node]['evidence']) or '-'}"
        wrong[joined] += sum(first * second for first, second in combinations(persons.values(), 2))
    return +wrong


def fetched_papers(folder: Path, max_papers: int, work: Path) -> dict[str, Paper]:
    """A trial's neighbourhood (depth 2), fetched from the fake server and parsed by litgraph."""
    return {node: paper for node, paper in built_corpus(folder, max_papers, work).papers.items() if paper.fetched}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=int, default=100_000, help="papers in the generated corpus")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated corpus")
    parser.add_argument("--papers", type=int, default=3000, help="--max-papers of the build")
    parser.add_argument("--share", type=float, default=0.3,
                        help="share of papers known only from a registry citation in the second set, and of middle "
                             "initials dropped in the third")
    options = parser.parse_args()
    folder = corpus_folder(options.corpus, options.seed)
    known = corpus_model.load(folder)
    started = time.perf_counter()
    papers = fetched_papers(folder, options.papers, folder.parent / "runs" / f"authors-{options.papers}")
    print(f"fetched and parsed {len(papers):,} papers in {time.perf_counter() - started:.1f} s")
    mixed = with_registry_citations(papers, known, options.share)
    registry = sum(1 for paper in mixed.values() if not paper.fetched)
    sets = {"PubMed records": papers, f"{registry / len(mixed):.0%} as registry citations": mixed,
            f"{options.share:.0%} of middle initials dropped": with_middle_initials_dropped(papers, options.share)}
    methods = {"surname + initials": keyed_nodes(surname_initials), "full name, else initials": keyed_nodes(full_name),
               "litgraph: ORCID, full name, initials form": with_rules(())}
    methods |= {f"+ {RULE_NAMES.get(rule, rule)}": with_rules(RULES[:count]) for count, rule in enumerate(RULES, 1)}
    initials_only = sum(1 for paper in papers.values() for author in paper.authors
                        if author.last_name and not author.given_names)
    print(f"{initials_only:,} authorships in PubMed records give initials only\n")
    print("| records | method | pairwise precision | pairwise recall | F1 | B³ precision | B³ recall "
          "| nodes / people |")
    print("|---|---|---|---|---|---|---|---|")
    twins = {person for group in known.truth["name_twins"] for person in group}
    missed = {}
    for label, records in sets.items():
        truth = truth_of(records, known)
        for method, nodes in methods.items():
            predicted = nodes(records)
            found = scores(truth, predicted)
            print(f"| {label} | {method} | {found['precision']:.4f} | {found['recall']:.4f} | {found['f1']:.4f} "
                  f"| {found['b3_precision']:.4f} | {found['b3_recall']:.4f} "
                  f"| {found['nodes']:,} / {found['people']:,} |", flush=True)
        pairs = sum(comb(n, 2) for n in Counter(truth.values()).values())
        # predicted: by litgraph with every rule
        missed[label] = (missed_pairs(records, truth, predicted, twins), pairs,
                         false_pairs(truth, predicted, resolve_authors(records).people))
    print(f"\n{len(truth):,} authorships by {found['people']:,} people; corpus {options.corpus:,} papers "
          f"(seed {options.seed}), trial {first_trial(folder)}, depth 2\n")
    print("Pairs by one person that litgraph leaves in two nodes, by the kinds of the two records:\n")
    print("| records | records missed together | pairs | share of all pairs by one person |")
    print("|---|---|---|---|")
    for label, (counts, pairs, _) in missed.items():
        for kinds, count in counts.most_common():
            print(f"| {label} | {kinds} | {count:,} | {count / pairs:.2%} |")
    print("\nPairs by two people that litgraph puts in one node, by how the node was identified and what "
          "joined its records:\n")
    print("| records | identity: evidence | pairs |")
    print("|---|---|---|")
    for label, (_, _, wrong) in missed.items():
        for joined, count in wrong.most_common():
            print(f"| {label} | {joined} | {count:,} |")


if __name__ == "__main__":
    main()
