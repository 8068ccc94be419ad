"""Citations end to end: the paper graph holds every citation its sources know among its papers,
the outermost level included, against the generated corpus's truth."""

from __future__ import annotations

from conftest import settings_for
from litgraph import build


def pmid_pairs(graph, kind: str = "cites") -> set[tuple[int, int]]:
    return {(int(u[5:]), int(v[5:])) for u, v, key in graph.edges(keys=True) if key == kind}


def held_pmids(graph, corpus) -> set[int]:
    """The corpus papers a graph holds (a trial may list a PMID PubMed does not have)."""
    return {int(node[5:]) for node in graph if node.startswith("pmid:") and int(node[5:]) in corpus.papers}


def known_to_pubmed(corpus, citing: int) -> bool:
    """PubMed shows a paper's references when it is in PMC (elink) or deposited a reference list."""
    paper = corpus.papers[citing]
    return bool(paper.pmcid) or paper.refs_deposited


def test_a_depth_2_graph_holds_every_citation_known_among_its_papers_the_last_level_included(
        trials_server, two_trials, tmp_path):
    nct = next(iter(two_trials.studies))
    result = build(nct, depth=2, max_papers=100_000, settings=settings_for(trials_server, tmp_path))

    paper = result.graphs["paper"]
    held = held_pmids(paper, two_trials)
    truth = {(citing, cited) for citing in held for cited in two_trials.papers[citing].refs
             if cited in held and known_to_pubmed(two_trials, citing)}
    assert pmid_pairs(paper) == truth
    outermost = {node for node, depth in paper.nodes(data="depth") if depth == 2}
    closing = [sources for u, v, sources in paper.edges(data="sources") if u in outermost and v in outermost
               and "reference-list" not in sources]
    assert closing  # links between papers of the last level, which only looking up that level finds
