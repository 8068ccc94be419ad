"""Registry officials matched to authors of their trial's papers, with the evidence recorded."""

from __future__ import annotations

from litgraph.investigators import Candidate, match_officials
from litgraph.model import Author, Official

PI = Official(name="Lingyun Sun", role="Principal Investigator",
              affiliation="The Affiliated Nanjing Drum Tower Hospital of Nanjing University Medical School")


def candidate(node, last, fore="", initials="", affiliations=(), papers=1):
    return Candidate(node, Author(last_name=last, fore_name=fore, initials=initials), list(affiliations), papers)


def test_a_full_name_in_either_order_matches_and_says_why():
    sun = candidate("author:sun_lingyun", "Sun", "Lingyun", "L", ["Nanjing Drum Tower Hospital, Nanjing University Medical School"], 8)
    (match,) = match_officials([PI], [sun, candidate("author:sun_li", "Sun", "Li", "L")], papers=10)
    assert match.node == "author:sun_lingyun"
    assert match.evidence == ["same full name", "author of 8 of the trial's 10 papers", "same affiliation"]
    reversed_name = Official(name="Sun Lingyun", role="Principal Investigator")
    assert [m.node for m in match_officials([reversed_name], [sun], papers=10)] == ["author:sun_lingyun"]


def test_initials_only_authors_match_only_when_no_full_name_does():
    initials = candidate("author:sun_l", "Sun", initials="L", papers=10)
    (match,) = match_officials([PI], [initials], papers=10)
    assert match.evidence[0] == "same surname and initials"
    full = candidate("author:sun_lingyun", "Sun", "Lingyun", "L")
    assert [m.node for m in match_officials([PI], [initials, full], papers=10)] == ["author:sun_lingyun"]


def test_names_that_disagree_do_not_match():
    others = [candidate("author:sun_wei", "Sun", "Wei", "W"), candidate("author:sun_w", "Sun", initials="W"),
              candidate("author:song_lingyun", "Song", "Lingyun", "L")]
    assert match_officials([PI], others, papers=3) == []


def test_a_surname_alone_is_no_evidence():
    contact = Official(name="Sun")
    assert match_officials([contact], [candidate("author:sun_l", "Sun", initials="L")], papers=1) == []


def test_diacritics_and_middle_initials_are_folded():
    official = Official(name="José María García")
    garcia = candidate("author:garcia_jose-maria", "García", "José María", "JM")
    assert [m.node for m in match_officials([official], [garcia], papers=1)] == ["author:garcia_jose-maria"]
    short = candidate("author:garcia_jm", "Garcia", initials="JM")
    assert [m.node for m in match_officials([official], [short], papers=1)] == ["author:garcia_jm"]


def test_the_examples_principal_investigator_is_found_from_the_record_alone(tmp_path):
    from conftest import EXAMPLE
    from litgraph import Settings, build

    trial = build(str(EXAMPLE), offline=True, settings=Settings(cache_dir=tmp_path / "cache")).graphs["trial"]
    (author, data), = [(v, d) for _, v, d in trial.out_edges("nct:NCT01741857", data=True) if d["kind"] == "investigator"]
    assert trial.nodes[author]["name"] == "Sun L" and data["official"] == "Lingyun Sun"
    assert data["evidence"] == ["same surname and initials", "author of 10 of the trial's 10 papers"]


def test_a_fore_name_of_initials_counts_as_initials_only():
    """Pre-2002 MEDLINE records print "T C" in the fore name: that is initials, not a full name."""
    old_record = candidate("author:sun_tc", "Sun", "T C", "TC")
    (match,) = match_officials([Official(name="Tian Chen Sun")], [old_record], papers=4)
    assert match.node == "author:sun_tc" and match.evidence[0] == "same surname and initials"
