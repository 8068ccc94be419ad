"""Candidates for screening: every paper the expansion found that is not a seed, with how it was
found, ranked, filtered, matched against the reviewer's library, and counted PRISMA-style.

Systematic reviewers chase citations ("snowballing") to find the studies their database searches
missed: backward (the papers a seed cites), forward (the papers citing a seed), and by similarity.
Each candidate says which paper(s) one hop nearer the seeds it was found from, in which direction,
at which depth and through which link sources; the seeds and trials it descends from; and its
rank: links to the seeds first, then papers citing it together with a seed (co-citation) and
references it shares with the seeds (coupling), then times cited in the build.

Pure: a Corpus (and a library's records) in, plain records out; nothing here reads or writes
files. The snapshot (`snapshot`) is what a build keeps in candidates.json, so a later build or
`litgraph candidates DIR` can work from it without the corpus.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field, fields, replace
from typing import Iterable

from .model import Corpus, LibraryRecord, fold, normal_doi, normal_title

DIRECTIONS = ("backward", "forward", "similar")  # cited by / citing / similar to the paper it was found from
SNAPSHOT_FORMAT = "litgraph-candidates/1"
YEAR_SLACK = 1  # a library's year may be the print year where PubMed has the electronic one


@dataclass
class Candidate:
    node: str
    pmid: str
    title: str
    authors: list[str]  # "Sun, Lingyun" (the sort names reference managers file under), in order
    short_authors: list[str]  # "Sun L", as MEDLINE's AU lines
    journal: str
    year: int | None
    doi: str
    pmcid: str
    abstract: str
    languages: list[str]
    publication_types: list[str]
    mesh: list[str]
    retracted: bool
    fetched: bool
    depth: int
    directions: list[str]  # of DIRECTIONS: how it is linked to the papers it was found from
    found_from: list[str]  # node ids of the papers one hop nearer the seeds linked to it
    seeds: list[str]  # node ids of the seed papers it descends from
    trials: list[str]  # NCT ids of the trials listing (or named by) those seeds
    sources: list[str]  # where its links to `found_from` were seen (elink-refs, reference-list, ...)
    seed_links: int  # seeds linked to it (citing, cited or similar)
    cocited_with_seeds: int  # papers of the build citing it and a seed
    coupled_with_seeds: int  # references it shares with the seeds
    cited_by: int  # papers of the build citing it
    rank: int = 0  # 1 is the candidate most tied to the seeds
    in_library: str = ""  # how the reviewer's library holds it ("PMID", "DOI", ...), with the record

    @property
    def url(self) -> str:
        return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/" if self.pmid else ""


CANDIDATE_FIELDS = tuple(item.name for item in fields(Candidate))


def find_candidates(corpus: Corpus) -> list[Candidate]:
    """Every paper of the corpus that is not a seed, with its provenance, best ranked first."""
    links = _Links(corpus)
    trials_of = _trials_of_seeds(corpus)
    seeds_of: dict[str, set[str]] = {seed: {seed} for seed in corpus.seeds}
    found = []
    for node, paper in corpus.papers.items():  # in depth order: a paper's parents are placed before it
        depth = corpus.depth.get(node, 0)
        if node in corpus.seeds:
            continue
        parents = {other: how for other, how in links.of(node).items() if corpus.depth.get(other, 0) == depth - 1}
        seeds_of[node] = set().union(*(seeds_of.get(parent, set()) for parent in parents))
        seeds = seeds_of[node]
        named = paper.named_authors
        found.append(Candidate(
            node=node, pmid=paper.pmid, title=paper.title or paper.citation, authors=[a.sort_name for a in named],
            short_authors=[a.citation_name for a in named], journal=paper.journal, year=paper.year, doi=paper.doi,
            pmcid=paper.pmcid, abstract=paper.abstract, languages=list(paper.languages),
            publication_types=list(paper.publication_types), mesh=list(paper.mesh), retracted=paper.retracted,
            fetched=paper.fetched, depth=depth,
            directions=[d for d in DIRECTIONS if any(d in how for how, _ in parents.values())],
            found_from=sorted(parents, key=_node_order),
            seeds=sorted(seeds, key=_node_order),
            trials=sorted({trial for seed in seeds for trial in trials_of.get(seed, ())}),
            sources=sorted({source for _, sources in parents.values() for source in sources}),
            seed_links=sum(1 for other in links.of(node) if other in corpus.seeds),
            cocited_with_seeds=len(links.citing[node] & links.seed_citers),
            coupled_with_seeds=len(links.cited[node] & links.seed_references),
            cited_by=len(links.citing[node]),
        ))
    found.sort(key=lambda c: (-c.seed_links, -(c.cocited_with_seeds + c.coupled_with_seeds), -c.cited_by, c.depth,
                              _node_order(c.node)))
    for rank, candidate in enumerate(found, start=1):
        candidate.rank = rank
    return found


class _Links:
    """Each candidate's links to its parents (the papers one level nearer the seeds) and to the seeds:
    other paper -> (directions, sources); and who cites whom."""

    def __init__(self, corpus: Corpus):
        self.depth, self.seeds = corpus.depth, corpus.seeds
        self.by_node: dict[str, dict[str, tuple[set[str], set[str]]]] = defaultdict(dict)
        self.citing: dict[str, set[str]] = defaultdict(set)  # paper -> papers citing it
        self.cited: dict[str, set[str]] = defaultdict(set)  # paper -> papers it cites
        for (citing, cited), sources in corpus.cites.items():
            self._add(cited, citing, "backward", sources)  # `cited` is found backward from `citing`
            self._add(citing, cited, "forward", sources)
            self.citing[cited].add(citing)
            self.cited[citing].add(cited)
        for (a, b), sources in corpus.similar.items():
            self._add(a, b, "similar", sources)
            self._add(b, a, "similar", sources)
        self.seed_citers = set().union(*(self.citing[seed] for seed in corpus.seeds)) - corpus.seeds
        self.seed_references = set().union(*(self.cited[seed] for seed in corpus.seeds))

    def _add(self, node: str, other: str, direction: str, sources: set[str]) -> None:
        if node in self.seeds:
            return  # a seed is no candidate (in a build seeded with 100,000 papers, 4 million pairs of sets)
        if other not in self.seeds and self.depth.get(other, 0) != self.depth.get(node, 0) - 1:
            return  # a link within a level, or away from the seeds: a candidate's provenance has no use for it
        how, seen = self.by_node[node].setdefault(other, (set(), set()))
        how.add(direction)
        seen.update(sources)

    def of(self, node: str) -> dict[str, tuple[set[str], set[str]]]:
        return self.by_node.get(node, {})


def _trials_of_seeds(corpus: Corpus) -> dict[str, set[str]]:
    trials: dict[str, set[str]] = defaultdict(set)
    for trial in corpus.trials.values():
        for reference in trial.references:
            trials[reference.node_id].add(trial.nct_id)
        for node in corpus.pubmed_si.get(trial.nct_id, ()):
            trials[node].add(trial.nct_id)
    return trials


def paper_name(node: str) -> str:
    """"pmid:123" -> "PMID 123"; a registry reference without a PMID keeps its node id."""
    return f"PMID {node[5:]}" if node.startswith("pmid:") else node


def _node_order(node: str) -> tuple[int, int, str]:
    return (0, int(node[5:]), "") if node.startswith("pmid:") else (1, 0, node)


# --- filters ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Filters:
    """What a reviewer leaves out. Papers whose year or language is unknown are kept: a filter
    drops only what it knows does not fit."""

    directions: tuple[str, ...] = ()  # keep papers found in one of these directions (all when empty)
    max_depth: int | None = None
    first_year: int | None = None
    last_year: int | None = None
    exclude_types: tuple[str, ...] = ()  # publication types, any case: "Editorial", "Comment"
    languages: tuple[str, ...] = ()  # MEDLINE codes to keep ("eng"); all when empty

    def keeps(self, candidate: Candidate) -> bool:
        if self.directions and not set(self.directions) & set(candidate.directions):
            return False
        if self.max_depth is not None and candidate.depth > self.max_depth:
            return False
        year = candidate.year
        if year is not None and ((self.first_year is not None and year < self.first_year)
                                 or (self.last_year is not None and year > self.last_year)):
            return False
        excluded = {kind.casefold() for kind in self.exclude_types}
        if excluded & {kind.casefold() for kind in candidate.publication_types}:
            return False
        wanted = {language.casefold() for language in self.languages}
        return not (wanted and candidate.languages and not wanted & {l.casefold() for l in candidate.languages})

    def describe(self) -> list[str]:
        """Each filter in words, for the report."""
        words = []
        if self.directions:
            words.append("found " + " or ".join(self.directions))
        if self.max_depth is not None:
            words.append(f"depth {self.max_depth} or less")
        if self.first_year is not None or self.last_year is not None:
            words.append(f"published {self.first_year or '…'}–{self.last_year or '…'}")
        if self.exclude_types:
            words.append("not " + ", ".join(self.exclude_types))
        if self.languages:
            words.append("in " + ", ".join(self.languages))
        return words


# --- the reviewer's library ------------------------------------------------------------------

def name_key(name: str) -> tuple[str, str]:
    """The folded surname and first initial of "Sun, Lingyun", "Sun L", "Sun LY" or "Lingyun Sun"
    ("" when the name gives no initial)."""
    name = (name or "").strip()
    if "," in name:
        last, given = name.split(",", 1)
    else:
        words = name.split()
        if len(words) > 1 and (words[-1].isupper() and len(words[-1]) <= 3 or len(words[-1].rstrip(".")) == 1):
            last, given = " ".join(words[:-1]), words[-1]  # "Sun L", "Sun LY": initials after the surname
        else:
            last, given = (words[-1], " ".join(words[:-1])) if words else ("", "")
    return fold(last), fold(given)[:1]


class Library:
    """A reviewer's records, indexed to tell which candidates they already hold: by PMID, then
    DOI, then normalised title with the year (within YEAR_SLACK) and the first author's surname,
    each of those two compared only when both records give it, and at least one of them must; the
    first author by surname and, where both give one, first initial."""

    def __init__(self, records: Iterable[LibraryRecord]):
        self.records = list(records)
        self.by_pmid = {r.pmid: r for r in reversed(self.records) if r.pmid}
        self.by_doi = {normal_doi(r.doi): r for r in reversed(self.records) if normal_doi(r.doi)}
        self.by_title: dict[str, list[LibraryRecord]] = defaultdict(list)
        for record in self.records:
            if normal_title(record.title):
                self.by_title[normal_title(record.title)].append(record)

    def matches(self, candidates: list[Candidate]) -> dict[str, str]:
        """How the library holds each candidate it holds: node -> "PMID (zotero.ris, record 3)".
        A record matched by title goes to one candidate only, the nearest in year (then the best
        ranked): a lab may publish one title twice, a year apart."""
        found = {}
        by_title: dict[int, list[tuple]] = defaultdict(list)  # record -> (years apart, rank, candidate, record)
        for candidate in candidates:
            reason = self._by_id(candidate)
            if reason:
                found[candidate.node] = reason
                continue
            for record in self.by_title.get(normal_title(candidate.title), []):
                apart = self._agrees(record, candidate)
                if apart is not None:
                    by_title[id(record)].append((apart, candidate.rank, candidate, record))
        for pairs in by_title.values():
            for _, _, candidate, record in sorted(pairs, key=lambda pair: pair[:2]):
                if candidate.node not in found:
                    found[candidate.node] = f"title, year and first author ({record.where})"
                    break
        return found

    def _by_id(self, candidate: Candidate) -> str:
        if candidate.pmid and candidate.pmid in self.by_pmid:
            return f"PMID ({self.by_pmid[candidate.pmid].where})"
        doi = normal_doi(candidate.doi)
        return f"DOI ({self.by_doi[doi].where})" if doi and doi in self.by_doi else ""

    @staticmethod
    def _agrees(record: LibraryRecord, candidate: Candidate) -> int | None:
        """Years apart when the record's year and first author agree with the candidate's (each
        compared when both give it, and at least one must be); None when they do not."""
        author = name_key(candidate.authors[0]) if candidate.authors else ("", "")
        theirs = name_key(record.first_author)
        years = record.year is not None and candidate.year is not None
        authors = bool(theirs[0] and author[0])
        if not (years or authors) or (authors and (theirs[0] != author[0] or
                                                   (theirs[1] and author[1] and theirs[1] != author[1]))):
            return None
        apart = abs(record.year - candidate.year) if years else 0
        return apart if apart <= YEAR_SLACK else None


# --- screening -------------------------------------------------------------------------------

@dataclass
class Screening:
    """The candidates a reviewer gets, and the counts of how they came to be (PRISMA-style)."""

    candidates: list[Candidate]  # all of them, with library matches marked
    exported: list[Candidate]
    counts: dict[str, int | dict[str, int]] = field(default_factory=dict)
    filters: list[str] = field(default_factory=list)  # the filters in words
    files: list[str] = field(default_factory=list)  # where the exported candidates were written, if they were


# The counts in words, in PRISMA's order: (key, words); found.* are the records each way found.
COUNT_WORDS = (("found.backward", "found by backward citation chasing (cited by a paper)"),
               ("found.forward", "found by forward citation chasing (citing a paper)"),
               ("found.similar", "found by similarity (PubMed's similar articles)"),
               ("duplicates", "duplicates among them (found more than one way)"),
               ("unique", "unique records"),
               ("not_new", "not new since the last build"),
               ("in_library", "already in your library"),
               ("excluded_by_filters", "excluded by filters"),
               ("exported", "exported for screening"))


def count_rows(counts: dict) -> list[tuple[str, int]]:
    """(words, number) for each count a screening has, in PRISMA's order."""
    rows = []
    for key, words in COUNT_WORDS:
        group, _, name = key.partition(".")
        value = counts.get(group, {}).get(name) if name else counts.get(group)
        if value is not None:
            rows.append((words, value))
    return rows


def screen(candidates: list[Candidate], filters: Filters = Filters(), library: Library | None = None,
           only: set[str] | None = None, keep_library: bool = False) -> Screening:
    """Mark what the library holds and keep what passes: `only` (node ids, the new papers of an
    update), then the library (its papers are kept only with `keep_library`), then the filters."""
    held = library.matches(candidates) if library else {}
    marked = [replace(c, in_library=held.get(c.node, "")) for c in candidates]
    found = Counter(direction for c in marked for direction in c.directions)
    considered = [c for c in marked if only is None or c.node in only]
    in_library = [c for c in considered if c.in_library]
    unscreened = considered if keep_library else [c for c in considered if not c.in_library]
    exported = [c for c in unscreened if filters.keeps(c)]
    counts: dict[str, int | dict[str, int]] = {
        "found": {direction: found[direction] for direction in DIRECTIONS},
        "identified": sum(found.values()),
        "duplicates": sum(found.values()) - sum(1 for c in marked if c.directions),
        "unique": len(marked),
    }
    if only is not None:
        counts["not_new"] = len(marked) - len(considered)
    counts.update(in_library=len(in_library), excluded_by_filters=len(unscreened) - len(exported),
                  exported=len(exported))
    return Screening(marked, exported, counts, filters.describe())


# --- what a build keeps -----------------------------------------------------------------------

def snapshot(corpus: Corpus, candidates: list[Candidate]) -> dict:
    """What candidates.json holds: every candidate, and what a later build is compared with
    (every paper's ids and retraction, the seeds, every link). No date: the same corpus gives
    the same bytes."""
    return {
        "format": SNAPSHOT_FORMAT,
        "papers": {node: {"pmid": p.pmid, "doi": p.doi, "pmcid": p.pmcid, "retracted": p.retracted, "title": p.title}
                   for node, p in corpus.papers.items()},
        "seeds": sorted(corpus.seeds, key=_node_order),
        "cites": [list(pair) for pair in corpus.cites],
        "similar": [list(pair) for pair in corpus.similar],
        "candidates": [{name: getattr(candidate, name) for name in CANDIDATE_FIELDS} for candidate in candidates],
    }


def candidates_of(document: dict) -> list[Candidate]:
    """The candidates of a snapshot; fields a newer litgraph added are left out."""
    return [Candidate(**{name: item[name] for name in CANDIDATE_FIELDS if name in item})
            for item in document.get("candidates", [])]
