"""From seeds to a Corpus: fetch each level of papers, ask every citation source chosen for their
links, follow them, stop at the depth and size the user set.

Depth N means: papers up to N citation hops from the seeds, with metadata. Links are looked up
for every level, the last one included: those of the last level bring no new papers, they close
the graph, so the citations among its papers are all there. When `max_papers` cuts a level, the
papers kept are those linked to the most papers already in the corpus (ties broken by PMID), so
the picture stays centred on the seeds. The next level is chosen from what all the sources say.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Collection, Iterable, Sequence

from .heard import HeardLinks
from .model import Author, Corpus, Paper, PaperLinks, Problem, Trial, paper_node_id
from .progress import Progress
from .sources.citations import DEFAULT_CITATIONS, CitationSource
from .sources.entrez import Entrez
from .sources.jobs import batches
from .sources.net import FetchError
from .sources.pubmed import SearchResult
from .sources.trials import parse_citation

SI_TRIALS_PER_SEARCH = 40  # NCT…[si] terms OR-ed into one ESearch; keeps the URL short


@dataclass(frozen=True)
class Limits:
    depth: int = 1
    max_papers: int = 500
    links: tuple[str, ...] = ("refs", "citedin")  # the links followed to the next level
    citations: tuple[str, ...] = DEFAULT_CITATIONS  # the sources asked (sources.citations.SOURCES)


def seed_corpus(trials: Iterable[Trial], pmids: Iterable[str] = (), papers: Iterable[Paper] = ()) -> Corpus:
    """The corpus the records alone give: trials and their references, the PMIDs and PubMed
    records the user gave."""
    corpus = Corpus()
    for trial in trials:
        corpus.trials[trial.nct_id] = trial
        for reference in trial.references:
            paper = corpus.papers.get(reference.node_id) or paper_from_citation(reference.pmid, reference.citation)
            paper.retracted = paper.retracted or reference.retracted
            _add_seed(corpus, paper)
    for paper in papers:
        _store_papers(corpus, [], [paper])
        _add_seed(corpus, corpus.papers[paper.node_id])
    for pmid in pmids:
        _add_seed(corpus, corpus.papers.get(paper_node_id(pmid)) or Paper(pmid=pmid))
    return corpus


TrialSearch = tuple[list[str], SearchResult | FetchError]


def search_trial_publications(entrez: Entrez, nct_ids: Iterable[str]) -> list[TrialSearch]:
    """PubMed's answer to `NCT…[si]` for the trials: papers whose record names one of them.

    Several trials share one search; which trial each paper reports is read from its record's
    DataBankList once it is fetched (or is clear when the search named one trial).
    """
    answers: list[TrialSearch] = []
    for chunk in batches(sorted(set(nct_ids)), SI_TRIALS_PER_SEARCH):
        try:
            answers.append((chunk, entrez.esearch(" OR ".join(f"{nct_id}[si]" for nct_id in chunk))))
        except FetchError as error:
            answers.append((chunk, error))
    return answers


def add_trial_publications(corpus: Corpus, answers: list[TrialSearch]) -> None:
    """The papers found by `search_trial_publications` become seeds of the trials."""
    for chunk, answer in answers:
        if isinstance(answer, FetchError):
            corpus.problems.append(Problem(answer.what, answer.reason, [], "eutils"))
            continue
        for pmid in answer.ids:
            node = paper_node_id(pmid)
            if node not in corpus.papers:
                _add_seed(corpus, Paper(pmid=pmid))
            if len(chunk) == 1:
                corpus.add_trial_paper(chunk[0], node)


def _add_seed(corpus: Corpus, paper: Paper) -> None:
    corpus.papers[paper.node_id] = paper
    corpus.seeds.add(paper.node_id)
    corpus.depth[paper.node_id] = 0


def paper_from_citation(pmid: str, citation: str) -> Paper:
    """What a registry citation says about a paper, until (or unless) PubMed tells more."""
    parsed = parse_citation(citation) if citation else {}
    return Paper(
        pmid=pmid,
        citation=citation,
        title=parsed.get("title", ""),
        journal=parsed.get("journal", ""),
        year=parsed.get("year"),
        doi=parsed.get("doi", ""),
        authors=[Author(last_name=last, initials=initials) if initials else Author(collective=last)
                 for last, initials in parsed.get("authors", [])],
    )


def expand(corpus: Corpus, entrez: Entrez, limits: Limits = Limits(), progress: Progress | None = None,
           sources: Sequence[CitationSource] = (),
           records_in: Callable[[dict[str, Paper]], None] | None = None) -> Corpus:
    """Fetch the seeds and their neighbourhood into `corpus`, one level at a time, asking each of
    `sources` for the links of every level. `records_in(papers)` is told once every paper's record
    is in (the last level's efetch answers), while the links of that level may still be coming.

    A level's records and links are fetched together, in one wave of concurrent requests; the
    next level is chosen from the links once the wave is in. The last level's links only close
    the graph: no level follows them. The citations are added once the papers are all known: only
    those between two papers of the build are kept, of the millions of links a large build hears of.
    """
    progress = progress or Progress()
    by_name = {source.name: source for source in sources}
    heard = HeardLinks()
    level = [node for node in sorted(corpus.seeds) if node.startswith("pmid:")]
    for depth in range(limits.depth + 1):
        ids = [node.removeprefix("pmid:") for node in level]
        unfetched = [node.removeprefix("pmid:") for node in level if not corpus.papers[node].fetched]
        fetches = entrez.efetch_jobs(unfetched)
        asked = {source.name: source.jobs(ids) for source in sources}
        jobs = fetches + [job for source_jobs in asked.values() for job in source_jobs]
        if jobs:
            corpus.add_wave({"efetch": len(fetches), **{name: len(source_jobs) for name, source_jobs in asked.items()}})
        corpus.ids_asked += len(unfetched) + len(ids) * sum(1 for source_jobs in asked.values() if source_jobs)
        progress.wave(depth, limits.depth, len(jobs))
        heard.level_begins()
        # The last level's records are every record the build will have: so are those of a level
        # that leaves no room for another (seeds filling --max-papers)
        last = depth == limits.depth or not _room(corpus, limits.max_papers)
        records_due = len(fetches) if last and records_in else None
        if records_due == 0:
            records_in(corpus.papers)
        for result in entrez.run(jobs):
            if result.error:
                corpus.problems.append(Problem(result.error.what, result.error.reason, result.ids, result.service))
            elif result.utility == "efetch":
                _store_papers(corpus, result.ids, result.records)
            else:
                _store_links(corpus, by_name[result.utility], result.records, limits.links, heard)
            if result.utility == "efetch" and records_due:
                records_due -= 1
                if not records_due:
                    records_in(corpus.papers)
            progress.advance(len(corpus.papers))
        for source in sources:  # the records of the level are all in: what they say of their links
            found = [source.from_record(corpus.papers[node]) for node in level]
            _store_links(corpus, source, [links for links in found if links], limits.links, heard)
        if depth == limits.depth:  # the last level's links only close the graph
            break
        level = _next_level(corpus, heard, limits)
        for node in level:
            corpus.depth[node] = depth + 1
            corpus.papers[node] = Paper(pmid=node.removeprefix("pmid:"))
        if not level:
            break
    progress.finish()
    _settle(corpus, heard.citations(corpus.papers))
    return corpus


def _store_papers(corpus: Corpus, asked: list[str], papers: list[Paper]) -> None:
    returned = set()
    for paper in papers:
        returned.add(paper.pmid)
        known = corpus.papers.get(paper.node_id)
        paper.retracted = paper.retracted or bool(known and known.retracted)
        paper.citation = known.citation if known else ""
        corpus.papers[paper.node_id] = paper
        for nct_id in paper.trial_ids:
            corpus.add_trial_paper(nct_id, paper.node_id)
    corpus.missing += [pmid for pmid in asked if pmid not in returned]


def _store_links(corpus: Corpus, source: CitationSource, found: list[PaperLinks], link_types: tuple[str, ...],
                 heard: HeardLinks) -> None:
    """Record what a source knows of each paper: which links it knows, what iCite says of it, its
    similar articles; its citations go to `heard`, to be added once the build's papers are known."""
    names, similar = source.names, "similar" in link_types
    for links in found:
        node = paper_node_id(links.pmid)
        if links.error:
            corpus.problems.append(Problem(f"{source.name} PMID {links.pmid}", links.error, [links.pmid]))
            continue
        heard.add(names, links, similar)
        if links.references is not None or links.citing is not None:
            known = corpus.link_sources.setdefault(node, set())
            if links.references is not None:
                known.add(names.refs_data)
            if links.citing is not None:
                known.add(names.citedin_data)
        if links.impact:
            corpus.impact[node] = links.impact
        if similar:
            for other in links.similar or ():
                corpus.add_similar(node, paper_node_id(other))


def _room(corpus: Corpus, max_papers: int) -> int:
    """How many more papers the build may take."""
    return max(0, max_papers - len(corpus.papers))


def _next_level(corpus: Corpus, heard: HeardLinks, limits: Limits) -> list[str]:
    """The papers the level's followed links lead to that the build may still take: those led to
    by the most of the level's papers first, then by PMID."""
    room = _room(corpus, limits.max_papers)
    reached = heard.reached(corpus.papers, limits.links)
    corpus.truncated += max(0, len(reached) - room)
    return [f"pmid:{pmid}" for pmid, _ in reached[:room]]


def _settle(corpus: Corpus, heard: dict[tuple[str, str], frozenset[str]]) -> None:
    """Add the citations `heard` between the corpus's papers (HeardLinks.citations) to those it came
    with, drop links to papers beyond the limits, and put everything in a fixed order; each link's
    sources become one frozenset shared by every link with the same (a few kinds for millions of
    links: 430 MB at 100,000 papers as a set each).

    Answers arrive in whatever order the network delivers them; sorting here makes the same
    answers give the same corpus, graphs and files, byte for byte. The citations heard come
    settled already (in order, between the papers, one set per combination): when the corpus came
    with none, they are kept as they are (settling 2 million again took 2.4 s).
    """
    papers = corpus.papers
    corpus.papers = dict(sorted(papers.items(), key=lambda item: (corpus.depth.get(item[0], 0), _node_order(item[0]))))
    if corpus.cites:
        joined = {pair: heard.get(pair, frozenset()) | sources for pair, sources in corpus.cites.items()}
        corpus.cites = _settled(heard | joined, papers)
    else:
        corpus.cites = heard
    corpus.similar = _settled(corpus.similar, papers)
    corpus.missing.sort(key=int)
    corpus.problems.sort(key=lambda problem: (problem.what, problem.reason))


def _settled(links: dict[tuple[str, str], Collection[str]], papers: dict) -> dict[tuple[str, str], frozenset[str]]:
    """The links between `papers`, in the order of their pairs, with one frozenset of sources for
    each combination of sources."""
    shared: dict[frozenset[str], frozenset[str]] = {}
    settled = {}
    for pair in sorted(links):
        if pair[0] in papers and pair[1] in papers:
            sources = frozenset(links[pair])
            settled[pair] = shared.setdefault(sources, sources)
    return settled


def _node_order(node: str) -> tuple[int, int, str]:
    """PMIDs in numeric order, then references known only by their citation."""
    return (0, int(node[5:]), "") if node.startswith("pmid:") else (1, 0, node)
