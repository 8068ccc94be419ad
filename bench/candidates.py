"""Candidates for screening, scored against a generated corpus whose truth is known.

1. Recall of the seeds' true one-hop neighbours among the candidates: every paper a seed cites or
   is cited by, in the corpus's truth; and the share of those NCBI makes visible at all (a citing
   paper is in ELink's citedin only from PubMed Central; a seed's references show through ELink
   when it is in PMC, or through its record's reference list when the publisher deposited one).
   Measured within the size limit (`--max-papers` large enough for every neighbour) and at a
   limit that cuts the first level (`--limit`), where expansion keeps the best-linked papers.
2. De-duplication against a generated library: a share of the candidates written into library
   files (RIS as EndNote writes it, CSV as Covidence does, BibTeX as Zotero does) in the forms
   reviewers' records take: the PMID only; the DOI only, in capitals or as a doi.org URL; the
   title only, upper-cased, punctuation dropped, with the year or one off (print against
   electronic) and the first author as "Sun L" or "Sun, Lingyun"; plus decoys: other papers of
   the corpus, many sharing a candidate's templated title but not its year or first author.
   Precision: of the candidates marked as held, the share truly held; recall: of those held,
   the share marked.

    python bench/candidates.py [--corpus 10000] [--seed 1] [--share 0.4] [--limit 100]
"""

from __future__ import annotations

import argparse
import csv
import random
import time
from collections import Counter
from pathlib import Path

from _harness import RESULTS, corpus_folder, first_trial

import corpus as corpus_model  # tests/corpus.py, on the path through _harness


def build_trial(folder: Path, max_papers: int, work: Path):
    from fake_ncbi import FakeNCBI

    from litgraph import Settings, build

    with FakeNCBI(corpus=folder) as server:
        settings = Settings(eutils_url=server.eutils_url, ctgov_url=server.ctgov_url, icite_url=server.icite_url,
                            cache_dir=work / "cache", rate=500.0, backoff=0.01)
        return build(first_trial(folder), depth=1, max_papers=max_papers, settings=settings, warn=lambda _: None)


def neighbour_recall(result, truth: corpus_model.Corpus) -> dict:
    seeds = [int(node[5:]) for node in result.corpus.seeds if node.startswith("pmid:") and int(node[5:]) in truth.papers]
    found = {int(c.pmid) for c in result.candidates if c.pmid}
    true, visible = set(), set()
    for seed in seeds:
        paper = truth.papers[seed]
        for cited in paper.refs:
            true.add(cited)
            if paper.pmcid or paper.refs_deposited:
                visible.add(cited)
        for citer in paper.cited_by:
            true.add(citer)
            if truth.papers[citer].pmcid:
                visible.add(citer)
    true -= set(seeds)
    visible -= set(seeds)
    return {"seeds": len(seeds), "true": len(true), "visible": len(visible), "found": len(found & true),
            "recall": len(found & true) / len(true), "recall_visible": len(found & visible) / len(visible),
            "candidates": len(result.candidates), "left_out": result.corpus.truncated}


FORMS = ("pmid", "doi", "doi-url", "title", "title-year-off", "title-initials")


def library_files(candidates, truth: corpus_model.Corpus, share: float, folder: Path, rng: random.Random):
    """Library files holding `share` of the candidates in FORMS, and decoys; the held nodes by form."""
    usable = [c for c in candidates if c.doi and c.year and c.authors]
    held = rng.sample(usable, int(len(usable) * share))
    forms = {c.node: FORMS[n % len(FORMS)] for n, c in enumerate(held)}
    ris, rows, bibtex = [], [], []
    for c in held:
        form = forms[c.node]
        if form == "pmid":
            ris.append(f"TY  - JOUR\nT1  - {c.title}\nAN  - {c.pmid}\nDB  - PubMed\nER  - \n")
        elif form == "doi":
            bibtex.append(f"@article{{k{c.pmid},\n\ttitle = {{{c.title}}},\n\tdoi = {{{c.doi.upper()}}},\n}}\n")
        elif form == "doi-url":
            rows.append([c.title, "", "", "", "", f"https://doi.org/{c.doi}"])
        else:
            title = "".join(ch for ch in c.title if ch.isalnum() or ch.isspace()).upper()
            year = c.year + (1 if form == "title-year-off" else 0)
            author = c.short_authors[0] if form == "title-initials" else c.authors[0]
            rows.append([title, author, year, "", "", ""])
    known = {c.node for c in candidates}
    by_title = {corpus_model_title(c.title) for c in candidates}
    decoys = [p for p in truth.papers.values() if f"pmid:{p.pmid}" not in known and corpus_model_title(p.title) in by_title]
    for paper in decoys:  # the same templated title as a candidate: another year or another author
        person = truth.people[paper.authors[0][0]] if paper.authors else None
        rows.append([paper.title, f"{person.last}, {person.fore}" if person else "", paper.year, "", "", ""])
    (folder / "endnote.ris").write_text("".join(ris), encoding="utf-8")
    (folder / "zotero.bib").write_text("\n".join(bibtex), encoding="utf-8")
    with (folder / "covidence.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Title", "Authors", "Published Year", "Journal", "Accession Number", "DOI"])
        writer.writerows(rows)
    return [folder / "endnote.ris", folder / "zotero.bib", folder / "covidence.csv"], forms, len(decoys)


def corpus_model_title(title: str) -> str:
    from litgraph.model import normal_title

    return normal_title(title)


def deduplication(result, truth, share: float, work: Path, seed: int) -> dict:
    from litgraph.candidates import Library, screen
    from litgraph.sources.library import read_library

    work.mkdir(parents=True, exist_ok=True)
    files, forms, decoys = library_files(result.candidates, truth, share, work, random.Random(seed))
    started = time.perf_counter()
    screening = screen(result.candidates, library=Library(read_library(files)))
    seconds = time.perf_counter() - started
    marked = {c.node for c in screening.candidates if c.in_library}
    held = set(forms)
    by_form = Counter(forms[node] for node in marked & held)
    twins = {c.node for c in screening.candidates if c.node in marked - held and _has_twin(c, truth)}
    return {"held": len(held), "decoys": decoys, "marked": len(marked), "true": len(marked & held), "twins": len(twins),
            "precision_apart": len(marked & held) / len(marked - twins) if marked - twins else 1.0,
            "precision": len(marked & held) / len(marked) if marked else 1.0, "recall": len(marked & held) / len(held),
            "by_form": {form: f"{by_form[form]}/{sum(1 for f in forms.values() if f == form)}" for form in FORMS},
            "seconds": seconds}


def _has_twin(candidate, truth) -> bool:
    """Whether another paper of the corpus has the candidate's title, first author and year (±1):
    the corpus reuses its title templates, and a lab its titles."""
    from litgraph.candidates import name_key

    mine = name_key(candidate.authors[0])
    for paper in truth.papers.values():
        if str(paper.pmid) == candidate.pmid or not paper.authors:
            continue
        person = truth.people[paper.authors[0][0]]
        if corpus_model_title(paper.title) == corpus_model_title(candidate.title) and \
                abs(paper.year - candidate.year) <= 1 and name_key(f"{person.last}, {person.fore}") == mine:
            return True
    return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--share", type=float, default=0.4)
    parser.add_argument("--limit", type=int, default=100, help="a --max-papers that cuts the trial's first level")
    args = parser.parse_args()
    folder = corpus_folder(args.corpus, args.seed)
    truth = corpus_model.load(folder)
    work = RESULTS / "runs" / f"candidates-{args.corpus}-{args.seed}"
    for limit in (100_000, args.limit):
        result = build_trial(folder, limit, work)
        recall = neighbour_recall(result, truth)
        print(f"max_papers {limit:,}: {recall['seeds']} seeds, {recall['true']:,} true one-hop neighbours "
              f"({recall['visible']:,} visible to NCBI), {recall['candidates']:,} candidates, "
              f"{recall['left_out']:,} left out by the limit; recall {recall['recall']:.3f} of all, "
              f"{recall['recall_visible']:.3f} of the visible")
    result = build_trial(folder, 100_000, work)
    dedup = deduplication(result, truth, args.share, work / "library", args.seed)
    print(f"library: {dedup['held']:,} candidates held, {dedup['decoys']:,} decoys sharing a candidate's title; "
          f"{dedup['marked']:,} marked, {dedup['true']:,} truly held: precision {dedup['precision']:.3f}, "
          f"recall {dedup['recall']:.3f} ({dedup['seconds'] * 1000:.0f} ms)")
    print(f"  {dedup['twins']} of the false matches are a candidate's twin in the corpus (the same title, first "
          f"author and year ±1, another paper); apart from them precision {dedup['precision_apart']:.3f}")
    print("  by form: " + ", ".join(f"{form} {found}" for form, found in dedup["by_form"].items()))


if __name__ == "__main__":
    main()
