"""Reading PubMed's MEDLINE exports (.nbib / PubMed format text)."""

from __future__ import annotations

import pytest

from litgraph.sources.medline import looks_like_medline, parse_medline


def read(fixtures_dir, name: str) -> str:
    return (fixtures_dir / "medline" / name).read_text(encoding="utf-8")


def test_a_record_gives_the_paper_with_authors_in_order(fixtures_dir):
    (paper,) = parse_medline(read(fixtures_dir, "biopython_pubmed_result4.txt"))
    assert paper.pmid == "37195739" and paper.year == 2023 and paper.journal == "Mol Biol Cell"
    assert paper.title.startswith("High extracellular glucose promotes cell motility by modulating cell deformability")
    assert paper.doi == "10.1091/mbc.E22-12-0560"
    assert [(a.last_name, a.fore_name, a.initials) for a in paper.authors][:2] == [
        ("Oh", "Mijung", "M"), ("Batty", "Skylar", "S")]


def test_each_author_keeps_their_own_affiliations(fixtures_dir):
    (paper,) = parse_medline(read(fixtures_dir, "biopython_pubmed_result4.txt"))
    batty, kim = paper.authors[1], paper.authors[3]
    assert len(batty.affiliations) == 2 and batty.affiliations[1].startswith("Department of Molecular and Cellular")
    assert kim.affiliations[1].startswith("University of New Mexico Comprehensive Cancer Center")


def test_old_records_put_the_first_authors_affiliation_before_the_names(fixtures_dir):
    (paper,) = parse_medline(read(fixtures_dir, "biopython_pubmed_result1.txt"))
    assert paper.authors[0].last_name == "Mangalam"
    assert paper.authors[0].affiliations == ["tacg Informatics, Irvine, CA 92612, USA. hjm@tacgi.com"]
    assert "Programming Languages" in paper.mesh and "Computational Biology" in paper.mesh


def test_several_records_in_one_file(fixtures_dir):
    text = read(fixtures_dir, "biopython_pubmed_result2.txt")
    assert looks_like_medline(text)
    papers = list(parse_medline(text))
    assert len(papers) == 4 and len({p.pmid for p in papers}) == 4
    assert all(p.authors and p.title for p in papers)


def test_trial_numbers_orcids_and_retractions_are_read():
    text = ("PMID- 1\nTI  - A trial.\nDP  - 2019 Jan\nFAU - Sun, Lingyun\nAU  - Sun L\n"
            "AUID- ORCID: 0000-0002-1825-0097\nPT  - Journal Article\nPT  - Retracted Publication\n"
            "SI  - ClinicalTrials.gov/NCT01741857\n")
    (paper,) = parse_medline(text)
    assert paper.trial_ids == ["NCT01741857"] and paper.retracted
    assert paper.authors[0].orcid == "0000-0002-1825-0097"


def test_a_pmid_in_other_digits_is_not_medline():
    assert not looks_like_medline("PMID- \uff11\uff12\uff13\nTI  - A title.\n")


def test_every_field_agrees_with_biopythons_medline_reader(fixtures_dir):
    """Bio.Medline is the reference reader; litgraph reads the same tags in order so that each
    author keeps their own affiliations and ORCID, which Bio.Medline pools per record."""
    Medline = pytest.importorskip("Bio.Medline")
    for path in sorted((fixtures_dir / "medline").iterdir()):
        with path.open(encoding="utf-8") as handle:
            references = list(Medline.parse(handle))
        papers = list(parse_medline(path.read_text(encoding="utf-8")))
        assert [p.pmid for p in papers] == [r["PMID"] for r in references], path.name
        for paper, ref in zip(papers, references):
            people = [a for a in paper.authors if not a.collective]
            assert paper.title == ref.get("TI", ref.get("BTI", ""))
            assert [f"{a.last_name}, {a.fore_name}" for a in people] == ref.get("FAU", [])
            assert [a.collective for a in paper.authors if a.collective] == ref.get("CN", [])
            assert [a.initials for a in people] == [au.rpartition(" ")[2] for au in ref.get("AU", [])][:len(people)]
            assert [a for author in paper.authors for a in author.affiliations] == ref.get("AD", [])
            assert paper.publication_types == ref.get("PT", [])
            assert paper.abstract == ref.get("AB", "") and paper.languages == ref.get("LA", [])
            assert paper.mesh == [heading.split("/")[0].lstrip("*") for heading in ref.get("MH", [])]
            orcids = [auid for auid in ref.get("AUID", []) if "orcid" in auid.lower()]
            assert len([a for a in paper.authors if a.orcid]) == len(orcids)
