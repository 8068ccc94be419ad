"""Reading ClinicalTrials.gov records: the example page, real v2/classic/legacy records, citations."""

from __future__ import annotations

import dataclasses
import gzip
import json
from collections import Counter

import pytest

from conftest import EXAMPLE
from litgraph.model import Official
from litgraph.sources.trials import (
    NOT_A_RECORD,
    TrialFormatError,
    detect_and_parse,
    normalise_nct,
    parse_citation,
    parse_classic_json,
    parse_legacy_xml,
    parse_record_text,
    parse_v2_studies,
    parse_v2_study,
)

EXAMPLE_PMIDS = ["19489103", "20506343", "20517294", "20650877", "20345339",
                 "22302582", "22414555", "22829849", "24756936", "24661633"]
LUPUS_CENTRE = "The Affiliated Nanjing Drum Tower Hospital of Nanjing University Medical School"


def ctgov(fixtures_dir, name: str) -> bytes:
    return (fixtures_dir / "ctgov" / name).read_bytes()


def kinds(trial) -> Counter:
    return Counter(reference.kind for reference in trial.references)


def without_source(trial):
    return dataclasses.replace(trial, source="")


# --- the built-in example: a record page copied as text ------------------------------------

@pytest.fixture
def example_text() -> str:
    return EXAMPLE.read_text(encoding="utf-8")


def test_example_gives_the_trial_fields(example_text):
    trial = parse_record_text(example_text, source="NCT01741857.txt")
    assert trial.nct_id == "NCT01741857" and trial.node_id == "nct:NCT01741857"
    assert trial.title == ("Umbilical Cord Derived Mesenchymal Stem Cells Transplantation for Active and "
                           "Refractory Systemic Lupus Erythematosus")
    assert trial.official_title.startswith("Phase I/II: Umbilical Cord Derived")
    assert trial.status == "UNKNOWN"  # "Unknown status" in the API v2 spelling
    assert trial.phase == "Phase 1, Phase 2"  # from "Study Phase", not the summary's "Phase 1"
    assert trial.conditions == ["Systemic Lupus Erythematosus"]
    assert trial.interventions == ["Biological: human umbilical cord derived MSC transplantation for SLE"]
    assert trial.sponsor == LUPUS_CENTRE
    assert (trial.start_date, trial.completion_date) == ("2012-01", "2013-12")
    assert trial.enrollment == 40
    assert trial.source == "NCT01741857.txt"


def test_example_officials_are_the_overall_officials_without_degrees_not_facility_contacts(example_text):
    officials = parse_record_text(example_text).officials
    assert officials == [Official(name="Lingyun Sun", role="Principal Investigator", affiliation=LUPUS_CENTRE)]


def test_example_gives_ten_references_in_page_order_with_their_registered_kinds(example_text):
    references = parse_record_text(example_text).references
    assert [reference.pmid for reference in references] == EXAMPLE_PMIDS
    assert [reference.kind for reference in references] == ["background"] * 8 + ["derived"] * 2
    assert references[0].citation == (
        "Sun L, Akiyama K, Zhang H, Yamaza T, Hou Y, Zhao S, Xu T, Le A, Shi S. Mesenchymal stem cell "
        "transplantation reverses multiorgan dysfunction in systemic lupus erythematosus mice and humans. "
        "Stem Cells. 2009 Jun;27(6):1421-32. doi: 10.1002/stem.68.")
    assert references[-1].citation.endswith("Arthritis Res Ther. 2014 Mar 25;16(2):R79. doi: 10.1186/ar4520.")
    assert not any(reference.retracted for reference in references)


def _same_line_labels(text: str) -> str:
    labels = ["Unique Protocol Identification Number", "Brief Title", "Official Title", "Overall Recruitment Status",
              "Study Start Date", "Study Completion Date", "Name of the Sponsor", "Study Phase", "Enrollment",
              "Intervention Type", "Intervention Name(s)", "First Name & Middle Initial & Last Name & Degree",
              "Organizational Affiliation", "Official's Role", "PubMed Identifier", "Citation", "Results Reference",
              "Primary Disease or Condition Being Studied in the Trial, or the Focus of the Study"]
    for label in labels:
        text = text.replace(f"\n{label}\n", f"\n{label}: ")
    return text


@pytest.mark.parametrize("variant", [
    pytest.param(lambda text: text.replace("\n", "\r\n"), id="windows-line-endings"),
    pytest.param(lambda text: text.replace(" ", "\u00a0"), id="non-breaking-spaces"),
    pytest.param(lambda text: text.replace("\n", "\n\n\n"), id="extra-blank-lines"),
    pytest.param(lambda text: "\n\n  " + text.replace("\n", " \t\n   ") + "  \n", id="surrounding-whitespace"),
    pytest.param(_same_line_labels, id="label-colon-value"),
])
def test_copied_page_variants_read_the_same(example_text, variant):
    assert parse_record_text(variant(example_text)) == parse_record_text(example_text)


RECORD_WITHOUT_NCT_LABEL = """\
Brief Title
A Small Trial
Unique Protocol Identification Number
ORG-2020-01
Overall Recruitment Status
Active, not recruiting
Study Phase
Not Applicable
Study Start Date
March 3, 2020 (Actual)
Overall Study Officials:
First Name & Middle Initial & Last Name & Degree
Ann B. Smith, M.D., Ph.D.
Official's Role
Study Chair
First Name & Middle Initial & Last Name & Degree
Carl Dee
Organizational Affiliation
Some University
Facility Information:
Facility Contact:
First Name & Middle Initial & Last Name & Degree
Not An Official, RN
Citations:
Citation
Doe J. A book without a PubMed record. Springfield: Example Press; 1999.
Results Reference
Yes
PubMed Identifier
12345
Citation
Roe R. A paper. J Things. 2001;1(1):1-2.
Results Reference
No
PubMed Identifier
67890
Citation
Poe P. Another paper. J Things. 2002;2(1):3-4.
Results Reference
Derived

This record is NCT00000102; see also NCT00000999.
"""


def test_record_page_without_nct_label_and_with_unusual_references():
    trial = parse_record_text(RECORD_WITHOUT_NCT_LABEL)
    assert trial.nct_id == "NCT00000102"  # the protocol number is the sponsor's own id: first NCT in the text
    assert (trial.status, trial.phase, trial.start_date) == ("ACTIVE_NOT_RECRUITING", "Not Applicable", "2020-03-03")
    assert trial.officials == [Official("Ann B. Smith", "Study Chair"), Official("Carl Dee", "", "Some University")]
    assert [(r.pmid, r.kind) for r in trial.references] == [("", "result"), ("12345", "background"),
                                                            ("67890", "derived")]
    assert trial.references[0].citation == "Doe J. A book without a PubMed record. Springfield: Example Press; 1999."


def test_record_page_without_any_nct_number_is_refused():
    with pytest.raises(TrialFormatError, match="no NCT number"):
        parse_record_text("Brief Title\nSomething\n", source="notes.txt")


# --- real API v2 records ---------------------------------------------------------------------

@pytest.mark.parametrize("name, nct_id, expected_kinds, without_pmid", [
    ("aact_v2_NCT00465816.json", "NCT00465816", {"background": 2}, 1),
    ("aact_v2_NCT00973089.json", "NCT00973089", {"background": 1}, 0),
    ("aact_v2_NCT02552212.json", "NCT02552212", {"result": 2, "derived": 2}, 0),
    ("aact_v2_NCT03475563.json", "NCT03475563", {"result": 3}, 0),
    ("aact_v2_NCT03630471.json", "NCT03630471", {"background": 9, "derived": 3}, 2),
    ("aact_v2_NCT04207047.json", "NCT04207047", {}, 0),
])
def test_v2_references_per_kind_and_references_without_pmid_kept(fixtures_dir, name, nct_id, expected_kinds,
                                                                  without_pmid):
    trial = parse_v2_study(ctgov(fixtures_dir, name), source=name)
    assert trial.nct_id == nct_id and trial.source == name
    assert kinds(trial) == Counter(expected_kinds)
    assert sum(not reference.pmid for reference in trial.references) == without_pmid
    assert all(reference.citation for reference in trial.references)


def test_v2_record_gives_the_trial_fields(fixtures_dir):
    trial = parse_v2_study(json.loads(ctgov(fixtures_dir, "aact_v2_NCT03630471.json")))
    assert trial.title == ("Effectiveness of a Problem-solving Intervention for Common Adolescent Mental Health "
                           "Problems in India")
    assert (trial.status, trial.phase, trial.sponsor) == ("COMPLETED", "Not Applicable", "Sangath")
    assert (trial.start_date, trial.completion_date, trial.enrollment) == ("2018-08-20", "2019-02-28", 250)
    assert trial.interventions == ["Behavioral: PRIDE 'Step 1' problem-solving intervention",
                                   "Behavioral: Enhanced usual care"]
    assert trial.officials == [Official("Vikram Patel", "Principal Investigator",
                                        "Harvard Medical School (HMS and HSDM)")]
    books = [reference for reference in trial.references if not reference.pmid]
    assert [book.citation[:22] for book in books] == ["Lazarus RS, Folkman S.", "Stewart-Brown S. The W"]
    assert len({reference.node_id for reference in trial.references}) == 12  # each book is its own ref: node


def test_v2_record_without_references_module_has_no_references(fixtures_dir):
    trial = parse_v2_study(ctgov(fixtures_dir, "aact_v2_NCT04207047.json"))
    assert trial.references == [] and trial.phase == "Not Applicable" and trial.sponsor == "LUTRONIC Corporation"


def test_hand_trimmed_v2_record_leaves_missing_fields_empty(fixtures_dir):
    trial = parse_v2_study(ctgov(fixtures_dir, "aact_v2_NCT00465816.json"))
    assert (trial.status, trial.phase, trial.sponsor, trial.enrollment, trial.officials) == ("", "", "", None, [])


def test_v2_phases_and_retractions_are_read():
    study = {"protocolSection": {
        "identificationModule": {"nctId": "nct1741857"},
        "designModule": {"phases": ["EARLY_PHASE1", "PHASE2"]},
        "contactsLocationsModule": {"overallOfficials": [{"name": "Jo Bloggs, PhD", "role": "STUDY_DIRECTOR"}]},
        "armsInterventionsModule": {"interventions": [{"type": "DIETARY_SUPPLEMENT", "name": "Vitamin D"}]},
        "referencesModule": {"references": [
            {"pmid": "1", "type": "RESULT", "citation": "A.", "retractions": [{"pmid": "2", "source": "J"}]},
            {"pmid": "3", "type": "BACKGROUND", "citation": "B.", "retractions": []}]}}}
    trial = parse_v2_study(study)
    assert (trial.nct_id, trial.phase) == ("NCT01741857", "Early Phase 1, Phase 2")
    assert trial.officials == [Official("Jo Bloggs", "Study Director")]
    assert trial.interventions == ["Dietary Supplement: Vitamin D"]
    assert [(r.kind, r.retracted) for r in trial.references] == [("result", True), ("background", False)]


def test_pmids_and_nct_numbers_in_records_are_ascii_digits_only():
    study = {"protocolSection": {
        "identificationModule": {"nctId": "NCT01741857"},
        "referencesModule": {"references": [{"pmid": "\uff11\uff12\uff13", "type": "BACKGROUND", "citation": "A."}]}}}
    (reference,) = parse_v2_study(study).references
    assert (reference.pmid, reference.citation) == ("", "A.")  # kept, as a reference without a PMID
    study["protocolSection"]["identificationModule"]["nctId"] = "NCT\uff10\uff11\uff17\uff14\uff11\uff18\uff15\uff17"
    with pytest.raises(TrialFormatError, match="is not an NCT number"):
        parse_v2_study(study)


def test_v2_search_page_and_bare_list_give_every_study(fixtures_dir):
    names = ("aact_v2_NCT02552212.json", "aact_v2_NCT03475563.json")
    studies = [json.loads(ctgov(fixtures_dir, name)) for name in names]
    page = {"studies": studies, "nextPageToken": "NF0g5JGBlPM"}
    assert [t.nct_id for t in parse_v2_studies(page)] == ["NCT02552212", "NCT03475563"]
    assert [t.nct_id for t in parse_v2_studies(json.dumps(studies).encode())] == ["NCT02552212", "NCT03475563"]
    assert [t.nct_id for t in parse_v2_studies(studies[0])] == ["NCT02552212"]
    assert parse_v2_studies({"studies": []}) == []


# --- retired classic JSON and legacy XML -----------------------------------------------------

def test_classic_and_legacy_records_of_one_trial_agree(fixtures_dir):
    classic = parse_classic_json(ctgov(fixtures_dir, "aact_classic_fullstudies_NCT00023673.json"))
    legacy = parse_legacy_xml(ctgov(fixtures_dir, "aact_legacy_NCT00023673.xml"))
    assert without_source(classic) == without_source(legacy)
    assert (legacy.status, legacy.phase, legacy.start_date, legacy.completion_date, legacy.enrollment) == (
        "COMPLETED", "Phase 1, Phase 2", "2001-07", "2013-11", 63)
    assert legacy.interventions == ["Drug: carboplatin", "Drug: paclitaxel",
                                    "Radiation: three-dimensional conformal radiation therapy"]
    affiliation = "Mallinckrodt Institute of Radiology at Washington University Medical Center"
    assert legacy.officials == [Official("Jeffrey Bradley", "Study Chair", affiliation)]
    assert [(r.kind, r.pmid) for r in legacy.references] == [("result", "20368547"), ("result", "20457350"),
                                                             ("result", "")]


@pytest.mark.parametrize("name, expected_kinds, without_pmid", [
    ("aact_legacy_NCT00001177.xml", {"background": 3}, 0),
    ("aact_legacy_NCT00023673.xml", {"result": 3}, 1),
    ("aact_legacy_NCT00513591.xml", {}, 0),
    ("aact_legacy_NCT01065844.xml", {"background": 1, "result": 1}, 0),
    ("aact_legacy_NCT01220531.xml", {"background": 22}, 2),
    ("aact_legacy_NCT01380080.xml", {"background": 3}, 3),
    ("aact_legacy_NCT03191552.xml", {"result": 10}, 3),
])
def test_legacy_reference_is_background_and_results_reference_is_result(fixtures_dir, name, expected_kinds,
                                                                         without_pmid):
    trial = parse_legacy_xml(ctgov(fixtures_dir, name))
    assert trial.nct_id == name.removeprefix("aact_legacy_").removesuffix(".xml")
    assert kinds(trial) == Counter(expected_kinds)
    assert sum(not reference.pmid for reference in trial.references) == without_pmid


def test_legacy_officials_are_the_overall_officials_only(fixtures_dir):
    trial = parse_legacy_xml(ctgov(fixtures_dir, "aact_legacy_NCT03191552.xml"))
    assert [(o.name, o.role) for o in trial.officials] == [("Esra Giray", "Principal Investigator"),
                                                           ("Naime Evrim Karadag-Saygi", "Study Chair")]
    assert (trial.phase, trial.start_date, trial.completion_date) == ("Not Applicable", "2017-06-20", "2017-09-20")


def test_legacy_xml_entities_are_not_expanded():
    record = (b'<?xml version="1.0"?><!DOCTYPE clinical_study [<!ENTITY boom "BOOM">]>'
              b"<clinical_study><id_info><nct_id>NCT00000102</nct_id></id_info>"
              b"<brief_title>&boom;</brief_title></clinical_study>")
    assert "BOOM" not in parse_legacy_xml(record).title


def test_legacy_xml_keeps_the_text_around_an_entity_it_does_not_expand():
    record = (b'<?xml version="1.0"?><!DOCTYPE clinical_study [<!ENTITY boom "BOOM">'
              b'<!ENTITY xxe SYSTEM "file:///etc/hostname">]>'
              b"<clinical_study><id_info><nct_id>NCT00000102</nct_id></id_info>"
              b"<brief_title>Before &boom; after</brief_title><official_title>Cite &xxe; here</official_title>"
              b"</clinical_study>")
    trial = parse_legacy_xml(record)
    assert (trial.title, trial.official_title) == ("Before after", "Cite here")


# --- NLM citations -------------------------------------------------------------------------

EXAMPLE_CITATIONS = [  # (authors, first, last, title, journal, year, doi) for each example citation in order
    (9, ("Sun", "L"), ("Shi", "S"), "Mesenchymal stem cell transplantation reverses multiorgan dysfunction in "
     "systemic lupus erythematosus mice and humans.", "Stem Cells", 2009, "10.1002/stem.68"),
    (17, ("Sun", "L"), ("Shi", "S"), "Umbilical cord mesenchymal stem cell transplantation in severe and refractory "
     "systemic lupus erythematosus.", "Arthritis Rheum", 2010, "10.1002/art.27548"),
    (8, ("Liang", "J"), ("Sun", "L"), "Mesenchymal stem cell transplantation for diffuse alveolar hemorrhage in SLE.",
     "Nat Rev Rheumatol", 2010, "10.1038/nrrheum.2010.80"),
    (10, ("Liang", "J"), ("Sun", "L"), "Allogenic mesenchymal stem cells transplantation in refractory systemic "
     "lupus erythematosus: a pilot clinical study.", "Ann Rheum Dis", 2010, "10.1136/ard.2009.123463"),
    (3, ("Zhang", "H"), ("Sun", "L"), "Allogenic bone-marrow-derived mesenchymal stem cells transplantation as a "
     "novel therapy for systemic lupus erythematosus.", "Expert Opin Biol Ther", 2010, "10.1517/14712591003769816"),
    (7, ("Shi", "D"), ("Sun", "L"), "Allogeneic transplantation of umbilical cord-derived mesenchymal stem cells for "
     "diffuse alveolar hemorrhage in systemic lupus erythematosus.", "Clin Rheumatol", 2012,
     "10.1007/s10067-012-1943-2"),
    (7, ("Che", "N"), ("Sun", "L"), "Umbilical cord mesenchymal stem cells suppress B-cell proliferation and "
     "differentiation.", "Cell Immunol", 2012, "10.1016/j.cellimm.2012.02.004"),
    (13, ("Wang", "D"), ("Sun", "L"), "Double allogenic mesenchymal stem cells transplantations could not enhance "
     "therapeutic effect compared with single transplantation in systemic lupus erythematosus.", "Clin Dev Immunol",
     2012, "10.1155/2012/273291"),
    (12, ("Wang", "D"), ("Sun", "L"), "A CD8 T cell/indoleamine 2,3-dioxygenase axis is required for mesenchymal "
     "stem cell suppression of human systemic lupus erythematosus.", "Arthritis Rheumatol", 2014, "10.1002/art.38674"),
    (10, ("Wang", "D"), ("Sun", "L"), "Umbilical cord mesenchymal stem cell transplantation in active and refractory "
     "systemic lupus erythematosus: a multicenter clinical study.", "Arthritis Res Ther", 2014, "10.1186/ar4520"),
]


@pytest.mark.parametrize("index", range(10))
def test_every_example_citation_splits_into_authors_title_journal_year_doi(example_text, index):
    count, first, last, title, journal, year, doi = EXAMPLE_CITATIONS[index]
    parsed = parse_citation(parse_record_text(example_text).references[index].citation)
    assert (len(parsed["authors"]), parsed["authors"][0], parsed["authors"][-1]) == (count, first, last)
    assert (parsed["title"], parsed["journal"], parsed["year"], parsed["doi"]) == (title, journal, year, doi)


def test_citation_authors_keep_order_and_particles(example_text):
    parsed = parse_citation(parse_record_text(example_text).references[0].citation)
    assert parsed["authors"] == [("Sun", "L"), ("Akiyama", "K"), ("Zhang", "H"), ("Yamaza", "T"), ("Hou", "Y"),
                                 ("Zhao", "S"), ("Xu", "T"), ("Le", "A"), ("Shi", "S")]
    assert parse_citation("van der Heijde D, de Peyrecave N. T. J. 2020;1:1.")["authors"] == [
        ("van der Heijde", "D"), ("de Peyrecave", "N")]


@pytest.fixture
def fixture_citations(fixtures_dir) -> dict[str, str]:
    """Citation text of the real fixture references, by PMID (or by position for those without)."""
    citations = {}
    for path in sorted((fixtures_dir / "ctgov").iterdir()):
        for trial in detect_and_parse(path.read_bytes(), path.name):
            for position, reference in enumerate(trial.references):
                citations[reference.pmid or f"{trial.nct_id}#{position}"] = reference.citation
    return citations


def test_fixture_citation_with_collective_author(fixture_citations):
    parsed = parse_citation(fixture_citations["21500888"])
    assert parsed["authors"][-2:] == [("Hoagwood", "KE"), ("Research Network on Youth Mental Health", "")]
    assert parsed["title"].startswith("Youth Top Problems:") and parsed["journal"] == "J Consult Clin Psychol"


def test_fixture_citation_titles_with_question_marks(fixture_citations):
    inside = parse_citation(fixture_citations["27566118"])
    assert inside["title"] == ("Correlates of Mental Illness and Wellbeing in Children: Are They the Same? "
                               "Results From the UK Millennium Cohort Study.")
    assert (inside["journal"], inside["year"]) == ("J Am Acad Child Adolesc Psychiatry", 2016)
    ending = parse_citation(fixture_citations["25412796"])
    assert ending["title"] == "Trunk control in cerebral palsy: are we ready to address the elephant in the room?"
    assert ending["journal"] == "Dev Med Child Neurol"


def test_fixture_citation_erratum_tail_is_not_the_paper(fixture_citations):
    parsed = parse_citation(fixture_citations["32585185"])
    assert (parsed["journal"], parsed["year"], parsed["doi"]) == ("Lancet Child Adolesc Health", 2020,
                                                                  "10.1016/S2352-4642(20)30173-5")


def test_fixture_book_citations_give_title_year_and_authors(fixture_citations):
    book = parse_citation(fixture_citations["NCT03630471#6"])
    assert book == {"authors": [("Lazarus", "RS"), ("Folkman", "S")], "title": "Stress, appraisal, and coping.",
                    "journal": "", "year": 1984, "doi": ""}
    chapter = parse_citation(fixture_citations["NCT03630471#7"])
    assert chapter["authors"] == [("Stewart-Brown", "S")] and chapter["year"] == 2013
    assert chapter["title"].startswith("The Warwick-Edinburgh Mental Well-Being Scale (WEMWBS): Performance")


def test_fixture_citations_that_are_not_medline_style(fixture_citations):
    abstract = parse_citation(fixture_citations["NCT00023673#2"])  # "..., et al.: Title. [Abstract] J Clin Oncol 23"
    assert abstract["authors"] == [("Bradley", "JD"), ("Graham", "M"), ("Suzanne", "S")]
    assert abstract["title"].startswith("Phase I results of RTOG L-0117") and abstract["year"] == 2005
    meeting = parse_citation(fixture_citations["NCT01380080#2"])  # "Gregory P. Bisson, Amita Gupta, et al."
    assert meeting["authors"] == [("Bisson", "GP"), ("Gupta", "A")] and meeting["year"] == 2016
    web_page = parse_citation(fixture_citations["NCT03191552#1"])  # no authors, a URL
    assert web_page["authors"] == [] and web_page["title"] == "How does the TherSuit® works?"
    several_sentences = parse_citation(fixture_citations["1404717"])
    assert several_sentences["title"] == "The premenstrual syndrome. New views."
    assert several_sentences["journal"] == "JAMA"


@pytest.mark.parametrize("text, expected", [
    ("Doe J. Is it safe? Trial J. 2001 Summer;3(2):1-9.",
     {"title": "Is it safe?", "journal": "Trial J", "year": 2001}),
    ("Doe J. Stop now! Trial J. 1999 Apr-Jun;1(2):109-16.", {"title": "Stop now!", "year": 1999}),
    ("WHO guideline on things. Geneva: WHO; 2015.", {"authors": [], "journal": "", "year": 2015}),
    ("Doe J, et al. Truncated list. Trial J. 2010;1:1.", {"authors": [("Doe", "J")], "title": "Truncated list."}),
    ("Doe J, Roe R...", {"authors": [("Doe", "J"), ("Roe", "R")], "title": ""}),
    ("Doe J. Online first. Trial J. 2024 Jan 5. doi: 10.1000/xyz.1.", {"year": 2024, "doi": "10.1000/xyz.1"}),
])
def test_citation_shapes(text, expected):
    parsed = parse_citation(text)
    assert {key: parsed[key] for key in expected} == expected


@pytest.mark.parametrize("text", ["", "   ", "....", ";;;", "et al.", "2010", "doi:", "?!", "A? B! C. 1999.",
                                  "(" * 50, "Smith J, " * 300])
def test_citation_splitter_never_raises(text):
    parsed = parse_citation(text)
    assert set(parsed) == {"authors", "title", "journal", "year", "doi"}


# --- detection and bad input -----------------------------------------------------------------

@pytest.mark.parametrize("name", [
    "aact_classic_fullstudies_NCT00023673.json", "aact_legacy_NCT00001177.xml", "aact_legacy_NCT01380080.xml",
    "aact_v2_NCT00465816.json", "aact_v2_NCT03630471.json", "aact_v2_NCT04207047.json",
])
def test_detection_reads_every_fixture_format_from_its_content(fixtures_dir, name):
    [trial] = detect_and_parse(ctgov(fixtures_dir, name), source="renamed.dat")
    assert trial.nct_id in name and trial.source == "renamed.dat"


def test_detection_reads_the_example_page_in_any_common_encoding(example_text):
    expected = parse_record_text(example_text)
    for data in (example_text.encode("utf-8"), example_text.encode("utf-8-sig"), example_text.encode("utf-16")):
        assert [without_source(trial) for trial in detect_and_parse(data, "page.txt")] == [expected]


def test_detection_reads_a_v2_search_page(fixtures_dir):
    page = {"studies": [json.loads(ctgov(fixtures_dir, "aact_v2_NCT02552212.json"))], "nextPageToken": "x"}
    assert [t.nct_id for t in detect_and_parse(json.dumps(page).encode())] == ["NCT02552212"]


@pytest.mark.parametrize("data, message", [
    (b"", "in.txt: the file is empty"),
    (b"  \r\n\t\n", "in.txt: the file is empty"),
    (" \n".encode("utf-16"), "in.txt: the file is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", f"in.txt: binary data, {NOT_A_RECORD}"),
    (gzip.compress(b"NCT01741857"), f"in.txt: binary data, {NOT_A_RECORD}"),
    (b"hello, world\n", f"in.txt: {NOT_A_RECORD}"),
    (b"NCT01741857\nNCT00023673\n", f"in.txt: {NOT_A_RECORD}"),  # a list of ids is not a record page
    (b'{"foo": 1}', f"in.txt: {NOT_A_RECORD}"),
    (b"<PubmedArticleSet></PubmedArticleSet>", f"in.txt: {NOT_A_RECORD}"),
    (b"<!DOCTYPE html><html><body>NCT01741857</body></html>", f"in.txt: an HTML page, {NOT_A_RECORD}"),
    (b'{"studies": []}', "in.txt: the file holds no studies"),
])
def test_detection_refuses_bad_input_with_a_one_line_message(data, message):
    with pytest.raises(TrialFormatError) as caught:
        detect_and_parse(data, source="in.txt")
    assert str(caught.value) == message


@pytest.mark.parametrize("data, fragment", [
    (b'{"protocolSection": ', "not valid JSON"),
    (b"<clinical_study><brief_title>cut", "malformed XML"),
    (b"<clinical_study><brief_title>no id</brief_title></clinical_study>", "has no NCT number"),
    (b'{"protocolSection": {"identificationModule": {"nctId": "NCT123456789"}}}', "is not an NCT number"),
])
def test_broken_records_are_refused_with_the_reason(data, fragment):
    with pytest.raises(TrialFormatError) as caught:
        detect_and_parse(data, source="in.dat")
    message = str(caught.value)
    assert message.startswith("in.dat: ") and fragment in message and "\n" not in message


def test_each_parser_refuses_the_wrong_format(fixtures_dir):
    with pytest.raises(TrialFormatError, match="no protocolSection"):
        parse_v2_study(ctgov(fixtures_dir, "aact_classic_fullstudies_NCT00023673.json"))
    with pytest.raises(TrialFormatError, match="not a classic"):
        parse_classic_json(ctgov(fixtures_dir, "aact_v2_NCT03630471.json"))
    with pytest.raises(TrialFormatError, match=r"root element <PubmedArticleSet>"):
        parse_legacy_xml(b"<PubmedArticleSet/>")


@pytest.mark.parametrize("text, expected", [
    ("NCT01741857", "NCT01741857"), (" NCT01741857 ", "NCT01741857"), ("nct1741857", "NCT01741857"),
    ("NCT4437511", "NCT04437511"), ("Nct00000102", "NCT00000102"),
])
def test_normalise_nct_pads_to_eight_digits(text, expected):
    assert normalise_nct(text) == expected


@pytest.mark.parametrize("text", ["", "NCT", "NCT123456789", "01741857", "NCTabc", "NCT0174 1857", "NCT-01741857",
                                  "NCT0174", "NCT174185", "NCT\uff10\uff19\uff19\uff10\uff10\uff1001"])
def test_normalise_nct_refuses_malformed_ids(text):
    with pytest.raises(TrialFormatError, match="not an NCT number"):
        normalise_nct(text)
