"""The links the sources tell of, kept as numbers until the build's papers are known (litgraph.heard)."""

import random

import litgraph.heard
from litgraph.heard import HeardLinks
from litgraph.model import CITATION_SOURCES, PaperLinks

ELINK, ICITE, LISTS = (CITATION_SOURCES[name] for name in ("elink", "icite", "reference-list"))


def held(*pmids):
    return dict.fromkeys(f"pmid:{pmid}" for pmid in pmids)


def test_a_citation_between_held_papers_names_every_source_that_saw_it():
    heard = HeardLinks()
    heard.add(ELINK, PaperLinks("1", references=["2", "3"], citing=["4"]))
    heard.add(ICITE, PaperLinks("2", citing=["1"]))
    heard.add(LISTS, PaperLinks("1", references=["2"]))
    assert heard.citations(held(1, 2, 4)) == {
        ("pmid:1", "pmid:2"): {"elink-refs", "icite", "reference-list"},
        ("pmid:4", "pmid:1"): {"elink-citedin"},  # 3 is not held: its citation is dropped
    }


def test_pairs_come_in_the_order_of_their_node_ids_as_text_and_share_one_set_per_combination():
    heard = HeardLinks()
    heard.add(ELINK, PaperLinks("10", references=["9", "100"]))
    heard.add(ELINK, PaperLinks("9", references=["10"]))
    citations = heard.citations(held(9, 10, 100))
    assert list(citations) == [("pmid:10", "pmid:100"), ("pmid:10", "pmid:9"), ("pmid:9", "pmid:10")]
    assert len({id(sources) for sources in citations.values()}) == 1


def test_a_paper_citing_itself_and_what_is_no_pmid_are_left_out():
    heard = HeardLinks()
    heard.add(ELINK, PaperLinks("1", references=["1", "abc", "", "2", "99999999999999999999"]))
    assert heard.citations(held(1, 2)) == {("pmid:1", "pmid:2"): {"elink-refs"}}


def test_papers_known_by_their_citation_alone_hold_no_links():
    heard = HeardLinks()
    heard.add(ELINK, PaperLinks("1", references=["2"]))
    assert heard.citations({"pmid:1": None, "ref:sun-2009": None}) == {}


def test_the_next_level_is_what_the_most_papers_of_this_level_lead_to_then_by_pmid():
    heard = HeardLinks()
    heard.add(ELINK, PaperLinks("1", references=["7", "5"], citing=["8"]))
    heard.add(ICITE, PaperLinks("1", references=["5"]))  # two sources, one paper leading there: once
    heard.add(ELINK, PaperLinks("2", references=["8", "5", "1"]))
    assert heard.reached(held(1, 2), ("refs", "citedin")) == [(5, 2), (8, 2), (7, 1)]
    assert heard.reached(held(1, 2), ("refs",)) == [(5, 2), (7, 1), (8, 1)]


def test_the_next_level_comes_from_this_level_alone():
    heard = HeardLinks()
    heard.add(ELINK, PaperLinks("1", references=["2", "3"]))
    heard.level_begins()
    heard.add(ELINK, PaperLinks("2", references=["4"]))
    assert heard.reached(held(1, 2, 3), ("refs", "citedin")) == [(4, 1)]
    assert heard.citations(held(1, 2, 3, 4)) == {(f"pmid:{a}", f"pmid:{b}"): {"elink-refs"}
                                                   for a, b in ((1, 2), (1, 3), (2, 4))}


def test_similar_articles_lead_on_only_when_asked_and_are_no_citations():
    heard = HeardLinks()
    heard.add(ELINK, PaperLinks("1", similar=["2"]), similar=True)
    heard.add(ELINK, PaperLinks("3", similar=["4"]))
    assert heard.reached(held(1, 3), ("refs", "similar")) == [(2, 1)]
    assert heard.citations(held(1, 2, 3, 4)) == {}


def test_the_same_as_sets_of_strings_on_many_answers_kept_across_flushes(monkeypatch):
    """The arrays give what a dict of pairs with a set of sources each gives, also when the PMIDs
    are made numbers in several chunks."""
    monkeypatch.setattr(litgraph.heard, "FLUSH", 5_000)
    rng = random.Random(4)
    heard, expected, reached = HeardLinks(), {}, {}
    papers = [str(pmid) for pmid in rng.sample(range(1, 5_000), 600)]
    keep = held(*papers[:400])
    for _ in range(300):  # many times the PMIDs one flush holds
        names = rng.choice([ELINK, ICITE, LISTS])
        owner = rng.choice(papers[:400])
        refs = [rng.choice(papers) for _ in range(rng.randrange(0, 400))]
        citing = [rng.choice(papers) for _ in range(rng.randrange(0, 400))] if names.citedin_edge else None
        heard.add(names, PaperLinks(owner, references=refs, citing=citing))
        for citing_paper, cited_paper, name in ([(owner, ref, names.refs_edge) for ref in refs] +
                                                [(other, owner, names.citedin_edge) for other in citing or ()]):
            if f"pmid:{citing_paper}" in keep and f"pmid:{cited_paper}" in keep and citing_paper != cited_paper:
                expected.setdefault((f"pmid:{citing_paper}", f"pmid:{cited_paper}"), set()).add(name)
        for other in refs + (citing or []):
            if f"pmid:{other}" not in keep:
                reached.setdefault(int(other), set()).add(owner)
    citations = heard.citations(keep)
    assert list(citations) == sorted(expected) and citations == expected
    assert heard.reached(keep, ("refs", "citedin")) == sorted(((pmid, len(owners)) for pmid, owners in reached.items()),
                                                              key=lambda item: (-item[1], item[0]))
