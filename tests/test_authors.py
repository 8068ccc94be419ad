"""Author identity: which records become one author node, and which never do."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

import corpus as corpus_gen
from conftest import EXAMPLE, ROOT
from fake_ncbi import FakeNCBI
from litgraph import Build, Settings, build
from litgraph.authors import resolve_authors
from litgraph.model import Author, Paper, author_key, fold
from test_build import settings_for

sys.path.insert(0, str(ROOT / "bench"))
from authors import (keyed_nodes, litgraph_nodes, scores, surname_initials, truth_of,  # noqa: E402
                     with_middle_initials_dropped, with_registry_citations)


def named(full_name: str, orcid: str = "", affiliation: str = "") -> Author:
    """An author as PubMed lists them: "Lingyun Sun" -> fore name Lingyun, surname Sun, initials L."""
    *fore, last = full_name.split()
    initials = "".join(part[0] for word in fore for part in word.split("-"))
    return Author(last_name=last, fore_name=" ".join(fore), initials=initials, orcid=orcid,
                  affiliations=[affiliation] if affiliation else [])


def cited(short_name: str) -> Author:
    """An author as a registry citation gives them: "Sun L"."""
    last, initials = short_name.rsplit(" ", 1)
    return Author(last_name=last, initials=initials)


def paper(pmid: int, *authors: Author) -> Paper:
    return Paper(pmid=str(pmid), authors=list(authors), fetched=any(author.fore_name for author in authors))


def resolve(*papers: Paper) -> tuple[dict[str, list[str]], dict[str, dict]]:
    """Each paper's author node ids in order, and every author node's attributes."""
    authorship = resolve_authors({p.node_id: p for p in papers})
    return {node.removeprefix("pmid:"): byline for node, byline in authorship.bylines.items()}, authorship.people


def test_an_initials_form_joins_the_full_name_it_shares_a_coauthor_with():
    bylines, people = resolve(paper(1, named("Lingyun Sun"), named("Huayong Zhang")),
                              paper(2, cited("Sun L"), cited("Zhang H")))
    assert bylines["1"][0] == bylines["2"][0] == "author:sun_lingyun"
    person = people["author:sun_lingyun"]
    assert person["papers"] == 2 and person["evidence"] == ["coauthors"]
    assert person["variants"] == ["Lingyun Sun", "Sun L"] and person["name"] == "Lingyun Sun"


def test_an_initials_form_without_evidence_stays_its_own_node():
    bylines, people = resolve(paper(1, named("Lingyun Sun"), named("Huayong Zhang")),
                              paper(2, cited("Sun L"), cited("Akiyama K")))
    assert bylines["2"][0] == "author:sun_l" and people["author:sun_l"]["identity"] == "initials"


def test_an_initials_form_joins_on_a_matching_affiliation():
    lab = "Department of Rheumatology, Nanjing Drum Tower Hospital, Nanjing, China."
    old_record = Author(last_name="Sun", fore_name="L", initials="L", affiliations=[lab])  # pre-2002 MEDLINE
    bylines, people = resolve(paper(1, named("Lingyun Sun", affiliation=lab)), paper(2, old_record))
    assert bylines["2"] == ["author:sun_lingyun"] and people["author:sun_lingyun"]["evidence"] == ["affiliation"]


def test_wang_d_stays_apart_when_it_could_be_wang_dandan_or_wang_dong():
    lab = [named("Lingyun Sun"), named("Huayong Zhang")]
    bylines, people = resolve(paper(1, named("Dandan Wang"), *lab), paper(2, named("Dong Wang"), *lab),
                              paper(3, cited("Wang D"), cited("Sun L")))
    assert bylines["1"][0] == "author:wang_dandan" and bylines["2"][0] == "author:wang_dong"
    assert bylines["3"][0] == "author:wang_d"
    assert people["author:wang_dandan"]["papers"] == people["author:wang_dong"]["papers"] == 1


def test_wang_d_joins_the_one_wang_with_evidence():
    bylines, _ = resolve(paper(1, named("Dandan Wang"), named("Lingyun Sun")),
                         paper(2, named("Dong Wang"), named("Akiko Tanaka")),
                         paper(3, cited("Wang D"), cited("Sun L")))
    assert bylines["3"][0] == "author:wang_dandan"


def test_wang_d_joins_the_wang_with_a_clear_lead_in_evidence():
    dandan_lab = [named("Lingyun Sun"), named("Huayong Zhang"), named("Xuebing Feng")]
    bylines, people = resolve(paper(1, named("Dandan Wang"), *dandan_lab),
                              paper(2, named("Dong Wang"), named("Lingyun Sun")),
                              paper(3, cited("Wang D"), cited("Sun L"), cited("Zhang H"), cited("Feng X")))
    assert bylines["3"][0] == "author:wang_dandan"  # three co-authors in common against one
    assert people["author:wang_dandan"]["evidence"] == ["coauthors"]


def test_each_initials_only_record_joins_the_person_its_own_coauthors_point_to():
    """Grouped first, the three "Wang D" would be one group with co-authors of both Wangs, and stay
    apart from both; one by one, each goes where its co-authors are, and only the third is torn."""
    papers = [paper(1, named("Dandan Wang"), named("Lingyun Sun")), paper(2, named("Dong Wang"), named("Akiko Tanaka")),
              paper(3, cited("Wang D"), cited("Sun L")), paper(4, cited("Wang D"), cited("Tanaka A")),
              paper(5, cited("Wang D"), cited("Sun L"), cited("Tanaka A"))]
    bylines, _ = resolve(*papers)
    assert [bylines[pmid][0] for pmid in "345"] == ["author:wang_dandan", "author:wang_dong", "author:wang_d"]
    grouped_first = resolve_authors({p.node_id: p for p in papers}, rules=()).bylines  # as bench/authors.py measures
    assert {grouped_first[f"pmid:{pmid}"][0] for pmid in "345"} == {"author:wang_d"}


def test_coauthors_in_common_are_compared_by_all_their_initials():
    """Ji-Young Kim and Jae-Sung Kim are both "Kim J" by their first initial, but not one co-author."""
    bylines, _ = resolve(paper(1, named("Wei Zhang"), named("Ji-Young Kim")),
                         paper(2, named("Wei Zhang"), named("Jae-Sung Kim")),
                         paper(3, named("Wei Zhang"), named("Ji-Young Kim")))
    assert bylines["1"][0] == bylines["3"][0] == "author:zhang_wei" and bylines["2"][0] == "author:zhang_wei~2-1"


def test_a_full_name_without_its_middle_initial_joins_on_strong_evidence_only():
    lab = "Department of Cardiology, Massachusetts General Hospital, Boston, MA, USA."
    team = [named("Ann Lee"), named("Bo Chen"), named("Cy Diaz")]
    bylines, people = resolve(paper(1, named("John A Smith", affiliation=lab), *team),
                              paper(2, named("John Smith", affiliation=lab), *team))  # the same lab and team
    assert bylines["1"][0] == bylines["2"][0] == "author:smith_john-a"
    assert people["author:smith_john-a"]["variants"] == ["John A Smith", "Smith JA", "John Smith", "Smith J"]
    bylines, _ = resolve(paper(1, named("John A Smith", affiliation=lab), *team),
                         paper(2, named("John Smith"), named("Ann Lee")))  # one co-author: maybe another John
    assert bylines["2"][0] == "author:smith_john"


def test_a_full_name_without_a_middle_initial_stays_apart_when_it_could_be_two_people():
    lab = "Department of Cardiology, Massachusetts General Hospital, Boston, MA, USA."
    team = [named("Ann Lee"), named("Bo Chen"), named("Cy Diaz")]
    bylines, _ = resolve(paper(1, named("John A Smith", affiliation=lab), *team),
                         paper(2, named("John B Smith", affiliation=lab), *team),
                         paper(3, named("John Smith", affiliation=lab), *team))
    assert bylines["3"][0] == "author:smith_john"


def test_two_authors_with_the_same_initials_on_one_paper_are_two_nodes():
    bylines, people = resolve(paper(24756936, cited("Wang D"), cited("Lu L"), cited("Zhang H"), cited("Lu L")),
                              paper(2, cited("Lu L"), cited("Zhang H")))
    first, second = bylines["24756936"][1], bylines["24756936"][3]
    assert first != second and {first, second} == {"author:lu_l", "author:lu_l~24756936-4"}
    assert sum(people[node]["papers"] for node in (first, second)) == 3


def test_two_namesakes_on_one_paper_are_two_nodes():
    bylines, _ = resolve(paper(1, named("Wei Wang"), named("Wei Wang"), named("Jing Li")))
    assert bylines["1"] == ["author:wang_wei", "author:wang_wei~1-2", "author:li_jing"]


def test_namesakes_without_evidence_stay_apart_and_the_busier_keeps_the_plain_id():
    bylines, _ = resolve(paper(1, named("David Moore"), named("Anna Smith")),
                         paper(2, named("David Moore"), named("Anna Smith")),
                         paper(3, named("David Moore"), named("Kenji Sato")))
    assert bylines["1"][0] == bylines["2"][0] == "author:moore_david"
    assert bylines["3"][0] == "author:moore_david~3-1"


def test_an_orcid_ties_records_whatever_the_names_say():
    orcid = "0000-0002-1825-0097"
    bylines, people = resolve(paper(1, named("Dandan Wang", orcid=orcid)), paper(2, named("Dan-Dan Wang", orcid=orcid)))
    assert bylines["1"] == bylines["2"] == [f"author:orcid:{orcid}"]
    assert people[f"author:orcid:{orcid}"]["identity"] == "orcid"
    assert people[f"author:orcid:{orcid}"]["variants"] == ["Dandan Wang", "Wang D", "Dan-Dan Wang", "Wang DD"]


def test_a_record_without_the_orcid_joins_it_on_the_full_name_and_evidence():
    orcid = "0000-0002-1825-0097"
    bylines, people = resolve(paper(1, named("Dandan Wang", orcid=orcid), named("Lingyun Sun")),
                              paper(2, named("Dandan Wang"), named("Lingyun Sun")),
                              paper(3, named("Dandan Wang"), named("Kenji Sato")))
    assert bylines["1"][0] == bylines["2"][0] == f"author:orcid:{orcid}"
    assert people[f"author:orcid:{orcid}"]["evidence"] == ["coauthors", "name"]
    assert bylines["3"][0] == "author:wang_dandan"  # same name, nothing else in common


def test_two_orcids_are_two_people_and_a_bare_namesake_goes_where_the_evidence_points():
    first, second = "0000-0002-1825-0097", "0000-0001-5109-3700"
    bylines, _ = resolve(paper(1, named("Wei Zhang", orcid=first), named("Lingyun Sun")),
                         paper(2, named("Wei Zhang", orcid=second), named("Kenji Sato")),
                         paper(3, named("Wei Zhang"), named("Kenji Sato")))
    assert bylines["1"][0] == f"author:orcid:{first}" and bylines["2"][0] == f"author:orcid:{second}"
    assert bylines["3"][0] == f"author:orcid:{second}"


def test_diacritics_and_hyphens_are_folded_for_matching_but_kept_for_display():
    bylines, people = resolve(paper(1, named("Jürgen Müller"), named("Søren Jørgensen")),
                              paper(2, named("Jurgen Muller"), named("Soren Jorgensen")),
                              paper(3, named("Ji-Young Kim"), named("Min Park")),
                              paper(4, named("Jiyoung Kim"), named("Min Park")))
    assert bylines["1"] == bylines["2"] == ["author:muller_jurgen", "author:jorgensen_soren"]
    assert people["author:muller_jurgen"]["name"] == "Jürgen Müller"
    assert bylines["3"][0] == bylines["4"][0]


def test_names_in_every_script_keep_their_letters_and_latin_folds_to_ascii():
    assert fold("王小明") == "王小明" and fold("Иванов") == "иванов" and fold("محمد") == "محمد"
    assert fold("Ελένη Παπαδοπούλου") == fold("ΕΛΕΝΗ ΠΑΠΑΔΟΠΟΥΛΟΥ") == "ελενη παπαδοπουλου"  # accents, case
    assert fold("דָּוִד כֹּהֵן") == fold("דוד כהן") == "דוד כהן"  # Hebrew points
    assert fold("مُحَمَّد") == "محمد"  # Arabic vowel signs
    assert fold("कुमार") == "कुमार" and fold("김민준") == "김민준"  # vowel signs and syllables are letters
    assert fold("Jürgen Müller-Jørgensen") == "jurgen muller jorgensen" and fold("Ｗａｎｇ") == "wang"


def test_a_name_with_nothing_to_fold_gets_a_key_of_its_own_and_never_the_empty_one():
    assert fold("?") != fold("!") and fold("?") and fold("—")
    assert fold("") == fold("  ") == ""
    assert author_key(Author(last_name="?")) != author_key(Author(last_name="!"))


def test_authors_written_in_other_scripts_are_told_apart_by_their_names():
    """Names of one affiliation in Chinese, Cyrillic, Arabic, Greek and Hebrew: one node each."""
    def local(last: str, fore: str, initials: str = "") -> Author:
        return Author(last_name=last, fore_name=fore, initials=initials, affiliations=["北京大学"])
    bylines, people = resolve(paper(1, local("王", "小明")), paper(2, local("张", "伟")),
                              paper(3, local("Иванов", "Иван", "И")), paper(4, local("عبدالله", "محمد")),
                              paper(5, local("Παπαδοπούλου", "Ελένη", "Ε")), paper(6, local("כהן", "דוד")))
    assert [byline[0] for byline in bylines.values()] == [
        "author:王_小明", "author:张_伟", "author:иванов_иван", "author:عبدالله_محمد",
        "author:παπαδοπουλου_ελενη", "author:כהן_דוד"]
    assert people["author:张_伟"]["identity"] == "name"  # "伟" is a given name, not an initial


def test_a_name_in_another_script_is_one_person_across_its_spellings():
    lab = ["Αριστοτέλειο Πανεπιστήμιο Θεσσαλονίκης"]
    bylines, people = resolve(
        paper(1, Author(last_name="Παπαδοπούλου", fore_name="Ελένη", initials="Ε", affiliations=lab)),
        paper(2, Author(last_name="ΠΑΠΑΔΟΠΟΥΛΟΥ", fore_name="ΕΛΕΝΗ", initials="Ε", affiliations=lab)),
        paper(3, Author(last_name="Παπαδοπούλου", fore_name="Ε", initials="Ε", affiliations=lab)))  # initials only
    assert bylines["1"] == bylines["2"] == bylines["3"] == ["author:παπαδοπουλου_ελενη"]
    assert people["author:παπαδοπουλου_ελενη"]["name"] == "Ελένη Παπαδοπούλου"


def test_group_authors_are_one_node_by_name():
    group = Author(collective="ASPIRE Investigators")
    bylines, people = resolve(paper(1, named("Lingyun Sun"), group), paper(2, group))
    assert bylines["1"][1] == bylines["2"][0] == "author:group:aspire-investigators"
    assert people["author:group:aspire-investigators"]["identity"] == "group"


def test_a_group_author_in_common_is_no_evidence():
    group = Author(collective="ASPIRE Investigators")
    bylines, _ = resolve(paper(1, cited("Sun L"), group), paper(2, cited("Sun L"), group))
    assert bylines["1"][0] == "author:sun_l" and bylines["2"][0] == "author:sun_l~2-1"


def test_ids_do_not_depend_on_the_order_papers_arrive_in():
    papers = [paper(n, named(name), cited("Lu L")) for n, name in enumerate(
        ["Wei Wang", "Wei Wang", "Jing Li", "Dong Wang", "Wei Wang"], start=1)]
    shuffled = papers[:]
    random.Random(3).shuffle(shuffled)
    assert resolve(*papers) == resolve(*shuffled)


def test_the_registry_record_alone_gives_one_node_per_linked_initials_form(tmp_path):
    result = build(str(EXAMPLE), offline=True, settings=Settings(cache_dir=tmp_path / "cache"), warn=lambda _: None)
    people = result.graphs["author"]
    assert people.nodes["author:sun_l"]["papers"] == 10  # on every registered paper, tied by co-authors
    byline = result.graphs["paper"].nodes["pmid:24756936"]["author_ids"]
    assert byline[2] == "author:lu_l" and byline[8] == "author:lu_l~24756936-9"  # "Lu L" twice on one paper


def served(known: corpus_gen.Corpus, cache: Path, **limits) -> Build:
    """A build of the corpus's first trial, fetched from the fake server and parsed by litgraph."""
    with FakeNCBI(corpus=known) as server:
        return build(next(iter(known.studies)), settings=settings_for(server, cache), warn=lambda _: None, **limits)


@pytest.fixture(scope="module")
def served_build(tmp_path_factory):
    """A trial's neighbourhood as PubMed records, with the truth behind them."""
    known = corpus_gen.generate(1500, seed=11, n_trials=1)
    result = served(known, tmp_path_factory.mktemp("authors"), depth=2, max_papers=600)
    return known, {node: p for node, p in result.corpus.papers.items() if p.fetched}


def test_authors_of_served_pubmed_records_are_resolved_precisely(served_build):
    known, papers = served_build
    truth = truth_of(papers, known)
    found = scores(truth, litgraph_nodes(papers))
    baseline = scores(truth, keyed_nodes(surname_initials)(papers))
    assert found["precision"] >= 0.99 and found["recall"] >= 0.99
    assert baseline["precision"] < 0.9  # surname + initials alone merges people


def test_registry_citations_mixed_in_keep_precision(served_build):
    known, papers = served_build
    mixed = with_registry_citations(papers, known, share=0.3)
    found = scores(truth_of(mixed, known), litgraph_nodes(mixed))
    assert found["precision"] >= 0.99 and found["recall"] >= 0.95


def test_records_with_middle_initials_dropped_are_resolved_precisely(served_build):
    known, papers = served_build
    dropped = with_middle_initials_dropped(papers, share=0.3)
    assert sum(a.fore_name != b.fore_name for node in papers
               for a, b in zip(papers[node].authors, dropped[node].authors)) > 10
    found = scores(truth_of(dropped, known), litgraph_nodes(dropped))
    assert found["precision"] >= 0.99 and found["recall"] >= 0.99


def test_no_author_node_holds_two_authors_of_one_paper(served_build):
    _, papers = served_build
    for byline in resolve_authors(papers).bylines.values():
        assert len(byline) == len(set(byline))
