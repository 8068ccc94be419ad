"""The links the citation sources tell of while a build expands, kept as PMID numbers.

A large build hears of millions of links, most to papers it never holds: a famous paper's record
lists its thousands of citing papers. Kept as they came (a PMID string each, then a set of sources
for every pair of papers), they took a 100,001-paper build longer to sort out after its last answer
than to fetch its last level. Here each answer's PMIDs are only appended to a list, and turned into
arrays of numbers a million at a time; which papers a level reaches, and the citations between the
papers of the build with the sources that saw each, are then worked out with numpy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .arrays import pair_order
from .model import CitationNames, PaperLinks

KINDS = ("refs", "citedin", "similar")  # what a run of PMIDs is to its paper: the link types
FLUSH = 1 << 20  # PMIDs held as strings before they are made numbers (and the strings freed)
NOT_A_PMID = -1


@dataclass
class _Runs:
    """Runs of PMIDs as arrays: each run is one paper's list of one kind from one source."""

    others: np.ndarray  # every PMID of every run, run after run
    owners: np.ndarray  # per run: the paper whose list it is
    sizes: np.ndarray
    kinds: np.ndarray  # per run: its place in KINDS
    names: np.ndarray  # per run: the code of its edge's source name (HeardLinks._codes)


class HeardLinks:
    """Everything the citation sources said of papers' links in one build."""

    def __init__(self) -> None:
        self._codes: dict[str, int] = {}  # the edge source names heard (CitationNames.refs_edge...), in order
        self._done: list[_Runs] = []
        self._others: list[str] = []
        self._owners: list[str] = []
        self._sizes: list[int] = []
        self._kinds: list[int] = []
        self._names: list[int] = []
        self._level = 0  # the first run of the level being heard, counted over every run

    def add(self, names: CitationNames, links: PaperLinks, similar: bool = False) -> None:
        """One source's lists for one paper; its similar articles too when `similar` (they lead
        to the next level; they are no citations)."""
        for kind, pmids, name in ((0, links.references, names.refs_edge), (1, links.citing, names.citedin_edge),
                                  (2, links.similar if similar else None, None)):
            if pmids:
                self._others.extend(pmids)
                self._owners.append(links.pmid)
                self._sizes.append(len(pmids))
                self._kinds.append(kind)
                self._names.append(0 if name is None else self._codes.setdefault(name, len(self._codes)))
        if len(self._others) >= FLUSH:
            self._flush()

    def level_begins(self) -> None:
        """What is heard from now on is the next level's: `reached` looks at it alone."""
        self._flush()
        self._level = sum(len(runs.sizes) for runs in self._done)

    def reached(self, held: dict, kinds: tuple[str, ...]) -> list[tuple[int, int]]:
        """The papers not in `held` (node id -> anything) that the level's lists of these kinds
        lead to, as (PMID, how many of the level's papers lead there), most led to first, then by
        PMID."""
        self._flush()
        runs = _joined(self._done)
        followed = np.isin(runs.kinds, [KINDS.index(kind) for kind in kinds if kind in KINDS])
        followed[:self._level] = False
        owners, others = _expanded(runs, followed)
        outside = (others != NOT_A_PMID) & ~_within(others, _held_pmids(held))
        others, owners = others[outside], owners[outside]
        order, first = _distinct_pairs(others, owners)  # a paper leading to another twice leads there once
        pmids, counts = np.unique(others[order][first], return_counts=True)
        ranked = np.lexsort((pmids, -counts))
        return list(zip(pmids[ranked].tolist(), counts[ranked].tolist()))

    def citations(self, held: dict) -> dict[tuple[str, str], frozenset[str]]:
        """(citing, cited) -> the names of the sources that saw it, for every citation between two
        papers of `held` (node id -> anything), in the order of the pairs of node ids; one
        frozenset for every pair seen by the same sources."""
        self._flush()
        runs = _joined(self._done)
        citing, cited, bits = _citations_in(runs)
        pmids = _held_pmids(held)
        kept = _within(citing, pmids) & _within(cited, pmids) & (citing != cited)
        citing, cited = np.searchsorted(pmids, citing[kept]), np.searchsorted(pmids, cited[kept])
        bits = bits[kept]
        labels = [f"pmid:{pmid}" for pmid in pmids.tolist()]
        nodes = np.array(labels, dtype=object)
        rank = np.empty(len(nodes), dtype=np.int64)
        rank[sorted(range(len(labels)), key=labels.__getitem__)] = np.arange(len(labels))  # as node ids sort
        order, first = _distinct_pairs(rank[citing], rank[cited])
        citing, cited, bits = citing[order], cited[order], bits[order]
        starts = np.flatnonzero(first)
        masks = np.bitwise_or.reduceat(bits, starts) if len(starts) else bits
        sets = {mask: frozenset(name for name, code in self._codes.items() if mask >> code & 1)
                for mask in np.unique(masks).tolist()}
        return dict(zip(zip(nodes[citing[starts]].tolist(), nodes[cited[starts]].tolist()),
                        map(sets.__getitem__, masks.tolist())))

    def _flush(self) -> None:
        if not self._sizes:
            return
        self._done.append(_Runs(_numbers(self._others), _numbers(self._owners), np.array(self._sizes, dtype=np.int64),
                                np.array(self._kinds, dtype=np.int8), np.array(self._names, dtype=np.int8)))
        self._others, self._owners, self._sizes, self._kinds, self._names = [], [], [], [], []


def _citations_in(runs: _Runs) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every citation heard as (citing, cited) PMIDs, with its source name as a bit."""
    is_citation = runs.kinds < KINDS.index("similar")
    owners, others = _expanded(runs, is_citation)
    refs = np.repeat(runs.kinds[is_citation] == KINDS.index("refs"), runs.sizes[is_citation])
    bits = np.repeat(np.left_shift(np.int64(1), runs.names[is_citation].astype(np.int64)), runs.sizes[is_citation])
    return np.where(refs, owners, others), np.where(refs, others, owners), bits


def _numbers(pmids: list[str]) -> np.ndarray:
    """PMIDs as numbers; one that is none (a source's bad record) as NOT_A_PMID."""
    try:
        return np.array(pmids, dtype=np.int64)
    except (ValueError, OverflowError):
        return np.array([int(pmid) if pmid.isdecimal() and len(pmid) < 18 else NOT_A_PMID for pmid in pmids],
                        dtype=np.int64)


def _joined(done: list[_Runs]) -> _Runs:
    if not done:
        empty = np.zeros(0, dtype=np.int64)
        return _Runs(empty, empty, empty, empty.astype(np.int8), empty.astype(np.int8))
    if len(done) > 1:
        done[:] = [_Runs(*(np.concatenate([getattr(runs, name) for runs in done])
                           for name in ("others", "owners", "sizes", "kinds", "names")))]
    return done[0]


def _expanded(runs: _Runs, chosen: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(owner, other) for every PMID of the chosen runs."""
    return np.repeat(runs.owners[chosen], runs.sizes[chosen]), runs.others[np.repeat(chosen, runs.sizes)]


def _distinct_pairs(first: np.ndarray, second: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The order that sorts the pairs (first, then second), and in that order, True where a pair
    is not the one before it."""
    order = pair_order(first, second)
    first, second = first[order], second[order]
    return order, np.r_[True, (first[1:] != first[:-1]) | (second[1:] != second[:-1])][:len(order)]


def _held_pmids(held: dict) -> np.ndarray:
    """The PMIDs of the papers held, sorted (papers known only by a citation have none)."""
    return np.array(sorted({int(node[5:]) for node in held if node.startswith("pmid:")}), dtype=np.int64)


def _within(values: np.ndarray, sorted_values: np.ndarray) -> np.ndarray:
    """np.isin(values, sorted_values) for sorted, distinct `sorted_values`, by binary search:
    twice as fast as np.isin's sorting for millions of PMIDs against 100,000, and with none of
    the memory its table takes over a range of PMIDs."""
    if not len(sorted_values):
        return np.zeros(len(values), dtype=bool)
    places = np.minimum(np.searchsorted(sorted_values, values), len(sorted_values) - 1)
    return sorted_values[places] == values
