"""How the fake NCBI / ClinicalTrials.gov server behaves, over real loopback HTTP.

Read these tests as the server's documentation: each one shows a behaviour of the real services that
the fake reproduces, and how a test can make it misbehave.
"""

from __future__ import annotations

import importlib.util
import json
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
from lxml import etree

import corpus
from conftest import needs_icite
from fake_ncbi import FakeNCBI

TESTS = Path(__file__).resolve().parent
BIO_DTDS = Path(sys.prefix) / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / \
    "site-packages" / "Bio" / "Entrez" / "DTDs"


@pytest.fixture(scope="module")
def small() -> corpus.Corpus:
    return corpus.generate(400, seed=7)


@pytest.fixture
def server(small):
    with FakeNCBI(corpus=small) as fake:
        yield fake


def eutil(server: FakeNCBI, name: str, method: str = "GET", **params) -> requests.Response:
    params.setdefault("db", "pubmed")
    url = f"{server.eutils_url}/{name}.fcgi"
    if method == "POST":
        return requests.post(url, data=params, timeout=5)
    return requests.get(url, params=params, timeout=5)


def pmids_in(body: bytes) -> list[int]:
    return [int(pmid) for pmid in etree.fromstring(body).xpath("/PubmedArticleSet/*/*[1]/PMID/text()")]


def linksets(body: bytes) -> list[dict]:
    """[{"ids": [...], "links": {linkname: [ids]}}] from an eLinkResult."""
    return [{"ids": [int(i) for i in linkset.xpath("IdList/Id/text()")],
             "links": {db.findtext("LinkName"): [int(i) for i in db.xpath("Link/Id/text()")]
                       for db in linkset.findall("LinkSetDb")}}
            for linkset in etree.fromstring(body).findall("LinkSet")]


def in_pmc(small: corpus.Corpus, pmid: int) -> bool:
    return bool(small.papers[pmid].pmcid)


# --- EFetch ------------------------------------------------------------------------------------

def test_efetch_answers_known_ids_in_request_order_and_silently_drops_unknown_ones(server, small):
    first, second = list(small.papers)[:2]
    response = eutil(server, "efetch", id=f"{second},1,{first}", retmode="xml")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/xml")
    assert response.content.startswith(b'<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC')
    assert pmids_in(response.content) == [second, first]


def test_efetch_of_only_unknown_ids_is_the_empty_set_ncbi_sends(server, fixtures_dir):
    response = eutil(server, "efetch", id="1,2")
    assert response.status_code == 200
    assert response.content == (fixtures_dir / "entrez" / "metapub_pmid_37909814.xml").read_bytes()


def test_rendered_records_are_valid_against_ncbis_pubmed_dtd_and_hide_the_truth(server, small):
    if not (BIO_DTDS / "pubmed_250101.dtd").exists():
        pytest.skip("Biopython's bundled PubMed DTD not found")
    response = eutil(server, "efetch", "POST", id=",".join(map(str, small.papers)))
    document = etree.fromstring(response.content)
    dtd = etree.DTD(str(BIO_DTDS / "pubmed_250101.dtd"))
    assert dtd.validate(document), dtd.error_log.filter_from_errors()[:3]
    assert len(document) == len(small.papers)
    assert b"person" not in response.content.lower()  # the DTD admits no place for the answer key anyway


@pytest.mark.parametrize("name,params,dtd", [
    ("esearch", {"term": "NCT00000000[si]", "usehistory": "y"}, "esearch.dtd"),
    ("esearch", {"term": "x", "db": "fleegle"}, "esearch.dtd"),
    ("epost", {"id": "1,2,oops"}, "epost.dtd"),
])
def test_other_answers_are_valid_against_their_dtds(server, name, params, dtd):
    if not (BIO_DTDS / dtd).exists():
        pytest.skip(f"Biopython's bundled {dtd} not found")
    checker = etree.DTD(str(BIO_DTDS / dtd))
    assert checker.validate(etree.fromstring(eutil(server, name, "POST", **params).content))


def test_records_carry_what_litgraph_reads(server, small):
    trial = next(iter(small.truth["trials"].values()))
    result = trial["result"][0]
    article = etree.fromstring(eutil(server, "efetch", id=result).content)[0]
    assert article.xpath("//DataBankList/DataBank/AccessionNumberList/AccessionNumber/text()") == \
        list(small.truth["trials"])[:1]
    assert "Randomized Controlled Trial" in article.xpath("//PublicationType/text()")
    assert article.xpath("//Author/CollectiveName/text()")  # group authorship, as on real trial reports
    paper = small.papers[result]
    if paper.refs_deposited:
        listed = article.xpath("//ReferenceList/Reference/ArticleIdList/ArticleId[@IdType='pubmed']/text()")
        assert sorted(map(int, listed)) == paper.refs


def test_retracted_papers_are_flagged_and_point_at_their_notice(server, small):
    retracted, notice = next(iter(small.truth["retractions"].items()))
    article = etree.fromstring(eutil(server, "efetch", id=f"{retracted},{notice}").content)
    assert article.xpath("PubmedArticle[1]//PublicationType/text()").count("Retracted Publication") == 1
    assert article.xpath("PubmedArticle[1]//CommentsCorrections[@RefType='RetractionIn']/PMID/text()") == \
        [str(notice)]
    assert article.xpath("PubmedArticle[2]//CommentsCorrections[@RefType='RetractionOf']/PMID/text()") == \
        [retracted]


def test_get_query_and_post_form_body_are_the_same_request(server, small):
    ids = ",".join(map(str, list(small.papers)[:5]))
    assert eutil(server, "efetch", "GET", id=ids).content == eutil(server, "efetch", "POST", id=ids).content


# --- ELink -------------------------------------------------------------------------------------

def test_elink_gives_one_linkset_per_repeated_id_but_merges_a_comma_joined_list(server, small):
    a, b, c = list(small.papers)[100:103]
    url = f"{server.eutils_url}/elink.fcgi"
    repeated = requests.post(url, data=[("dbfrom", "pubmed"), ("db", "pubmed"), ("id", a), ("id", b), ("id", c)])
    assert [s["ids"] for s in linksets(repeated.content)] == [[a], [b], [c]]
    merged = requests.post(url, data={"dbfrom": "pubmed", "db": "pubmed", "id": f"{a},{b},{c}"})
    [only] = linksets(merged.content)
    assert only["ids"] == [a, b, c]
    assert set(only["links"]["pubmed_pubmed"]) == {x for s in linksets(repeated.content)
                                                   for x in s["links"]["pubmed_pubmed"]}


def test_elink_without_linkname_answers_every_link_type_and_only_pmc_provides_citations(server, small):
    for pmid, paper in small.papers.items():
        [answer] = linksets(eutil(server, "elink", dbfrom="pubmed", id=pmid).content)
        links = answer["links"]
        assert links["pubmed_pubmed"][0] == pmid  # like NCBI, the paper heads its own similar list
        assert links["pubmed_pubmed_five"] == links["pubmed_pubmed"][:5]
        assert links.get("pubmed_pubmed_refs", []) == (sorted(paper.refs, reverse=True) if paper.pmcid else [])
        pmc_citers = sorted((c for c in paper.cited_by if in_pmc(small, c)), reverse=True)
        assert links.get("pubmed_pubmed_citedin", []) == pmc_citers
        if paper.pmcid and paper.refs and pmc_citers:
            break
    else:
        pytest.fail("no PMC paper with both references and PMC citers in the corpus")
    only_refs = linksets(eutil(server, "elink", dbfrom="pubmed", id=pmid, linkname="pubmed_pubmed_refs").content)
    assert list(only_refs[0]["links"]) == ["pubmed_pubmed_refs"]


def test_elink_for_an_id_without_links_is_a_linkset_with_no_linksetdb(server):
    [answer] = linksets(eutil(server, "elink", dbfrom="pubmed", id=123).content)
    assert answer == {"ids": [123], "links": {}}


# --- ESearch, EPost and the History server ----------------------------------------------------------

def test_esearch_si_finds_the_papers_whose_databanklist_carries_the_nct(server, small):
    nct, trial = next(iter(small.truth["trials"].items()))
    result = etree.fromstring(eutil(server, "esearch", term=f"{nct}[si]", retmax=100).content)
    found = [int(i) for i in result.xpath("IdList/Id/text()")]
    assert found == sorted(small.index.databank[nct], reverse=True)  # newest first, like PubMed
    assert result.findtext("Count") == str(len(found))
    assert set(trial["si_only"]) <= set(found)  # papers the registry does not list
    assert trial["result"][1] not in found  # a listed result whose record lacks the NCT number


def test_esearch_for_an_unknown_phrase_reports_it_inside_a_normal_answer(server):
    result = etree.fromstring(eutil(server, "esearch", term="abcXYZ").content)
    assert result.findtext("Count") == "0"
    assert result.xpath("ErrorList/PhraseNotFound/text()") == ["abcXYZ"]
    assert result.xpath("WarningList/OutputMessage/text()") == ["No items found."]


def test_esearch_names_each_phrase_it_could_not_use(server):
    result = etree.fromstring(eutil(server, "esearch", term="abcXYZ defQQQ abcXYZ").content)
    assert result.xpath("ErrorList/PhraseNotFound/text()") == ["abcXYZ", "defQQQ", "abcXYZ"]


def test_esearch_pages_only_through_the_first_9999_pubmed_records(server):
    server.add_search("cancer", list(range(50_000_000, 50_012_000)))
    edge = etree.fromstring(eutil(server, "esearch", term="cancer", retstart=9998, retmax=10).content)
    assert edge.findtext("Count") == "12000"
    assert edge.xpath("IdList/Id/text()") == ["50009998"]
    assert edge.xpath("WarningList/OutputMessage/text()") == [
        "Restrictions achieved. start and count adjusted to 9998, 1"]
    beyond = etree.fromstring(eutil(server, "esearch", term="cancer", retstart=9999).content)
    assert "'retstart' cannot be larger than 9998" in beyond.findtext("ERROR")


def test_history_server_links_esearch_epost_efetch_and_elink(server, small):
    nct = next(iter(small.truth["trials"]))
    search = etree.fromstring(eutil(server, "esearch", term=f"{nct}[si]", usehistory="y").content)
    webenv, key = search.findtext("WebEnv"), search.findtext("QueryKey")
    assert webenv.startswith("MCID_") and key == "1"
    fetched = eutil(server, "efetch", WebEnv=webenv, query_key=key)
    assert pmids_in(fetched.content) == [int(i) for i in search.xpath("IdList/Id/text()")]

    ids = list(small.papers)[:3]
    posted = etree.fromstring(eutil(server, "epost", "POST", id=",".join(map(str, ids)), WebEnv=webenv).content)
    assert (posted.findtext("WebEnv"), posted.findtext("QueryKey")) == (webenv, "2")
    [merged] = linksets(eutil(server, "elink", dbfrom="pubmed", WebEnv=webenv, query_key="2").content)
    assert merged["ids"] == ids  # a stored set is one input, so one merged LinkSet


def test_epost_of_nothing_is_an_error_in_the_epost_root(server):
    result = etree.fromstring(eutil(server, "epost", "POST", id="").content)
    assert result.tag == "ePostResult"
    assert result.xpath("ERROR/text()") == ["Empty ID list; Nothing to store"]


@pytest.mark.parametrize("name,root", [("esearch", "eSearchResult"), ("efetch", "eFetchResult"),
                                       ("elink", "eLinkResult"), ("epost", "ePostResult")])
def test_an_unknown_db_is_named_in_an_error(server, name, root):
    result = etree.fromstring(eutil(server, name, db="fleegle", term="x", id="1").content)
    assert (result.tag, result.findtext("ERROR")) == (root, "Invalid db name specified: fleegle")


# --- ClinicalTrials.gov ---------------------------------------------------------------------------

def test_ctgov_serves_the_study_and_normalises_the_id(server, small):
    nct = next(iter(small.studies))
    response = requests.get(f"{server.ctgov_url}/studies/{nct.lower()}")
    assert response.status_code == 200
    assert response.json() == small.studies[nct]


def test_ctgov_errors_are_plain_text(server):
    missing = requests.get(f"{server.ctgov_url}/studies/NCT99999999")
    assert (missing.status_code, missing.headers["Content-Type"], missing.text) == \
        (404, "text/plain", "NCT number NCT99999999 not found")
    malformed = requests.get(f"{server.ctgov_url}/studies/12345")
    assert (malformed.status_code, malformed.text) == (400, "Parameter `nctId` has incorrect format")


def test_study_references_point_into_the_corpus(small):
    for nct, study in small.studies.items():
        references = study["protocolSection"]["referencesModule"]["references"]
        assert {r["type"] for r in references} == {"BACKGROUND", "RESULT", "DERIVED"}
        assert any("pmid" not in r for r in references)  # e.g. a textbook
        for reference in references:
            if reference["type"] == "DERIVED":
                assert nct in small.papers[int(reference["pmid"])].nct


# --- Rate limit and latency -------------------------------------------------------------------

def test_more_than_three_requests_in_a_second_get_ncbis_429_json(small):
    with FakeNCBI(corpus=small, rate_limit=3) as server:
        answers = [eutil(server, "esearch", term="x") for _ in range(5)]
        assert [a.status_code for a in answers] == [200, 200, 200, 429, 429]
        assert answers[3].headers["Content-Type"] == "application/json"
        assert answers[3].json() == {"error": "API rate limit exceeded", "api-key": "127.0.0.1",
                                     "count": "4", "limit": "3"}
        keyed = [eutil(server, "esearch", term="x", api_key="SECRET").status_code for _ in range(11)]
        assert keyed == [200] * 10 + [429]  # a key raises the limit to 10 and is counted on its own
        time.sleep(1.0)
        assert eutil(server, "esearch", term="x").status_code == 200  # the window slides


def test_latency_delays_every_answer_without_serialising_them(small):
    with FakeNCBI(corpus=small, latency=0.3) as server:
        threads = [threading.Thread(target=eutil, args=(server, "esearch"), kwargs={"term": "x"}) for _ in range(4)]
        began = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert time.monotonic() - began < 1.0
        log = server.requests("esearch")
        assert all(r.completed - r.arrived >= 0.3 for r in log)
        assert max(r.arrived for r in log) < min(r.completed for r in log)  # all four were in flight at once


# --- Fault injection --------------------------------------------------------------------------

def test_injected_429_carries_retry_after_and_is_consumed_in_order(server):
    server.inject("efetch", status=429, retry_after=2, times=2)
    server.inject("efetch", status=503)
    answers = [eutil(server, "efetch", id="1") for _ in range(4)]
    assert [a.status_code for a in answers] == [429, 429, 503, 200]
    assert answers[0].headers["Retry-After"] == "2"
    assert answers[0].json()["error"] == "API rate limit exceeded"
    assert [r.faulted for r in server.requests()] == [True, True, True, False]


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_html_pages(server, status):
    server.inject("esearch", status=status)
    response = eutil(server, "esearch", term="x")
    assert (response.status_code, response.headers["Content-Type"]) == (status, "text/html")


def test_a_fault_waits_for_its_endpoint(server):
    server.inject("elink", status=500)
    assert eutil(server, "efetch", id="1").status_code == 200
    assert eutil(server, "elink", dbfrom="pubmed", id="1").status_code == 500
    assert server.pending_faults() == []


def test_a_slow_answer_makes_the_client_time_out(server):
    server.inject("esearch", delay=2)
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.get(f"{server.eutils_url}/esearch.fcgi", params={"db": "pubmed", "term": "x"}, timeout=0.2)


def test_truncated_bodies_come_in_two_kinds(server, small):
    ids = ",".join(map(str, list(small.papers)[:20]))
    server.inject("efetch", truncate=True)  # consistent Content-Length: only the XML parser notices
    cut = eutil(server, "efetch", id=ids)
    assert cut.status_code == 200 and int(cut.headers["Content-Length"]) == len(cut.content)
    with pytest.raises(etree.XMLSyntaxError):
        etree.fromstring(cut.content)
    server.inject("efetch", truncate="length")  # announces the full length, sends half, hangs up
    with pytest.raises(requests.exceptions.ChunkedEncodingError, match="IncompleteRead"):
        eutil(server, "efetch", id=ids)


def test_error_xml_arrives_with_http_200_in_the_endpoints_root(server):
    server.inject("elink", error_xml="Couldn't resolve #exLinkSrv2, the address table is empty.")
    response = eutil(server, "elink", dbfrom="pubmed", id="1")
    assert response.status_code == 200
    root = etree.fromstring(response.content)
    assert (root.tag, root.findtext("ERROR")) == ("eLinkResult", "Couldn't resolve #exLinkSrv2, the address "
                                                                 "table is empty.")


def test_rate_limit_json_can_come_with_status_200(server):
    server.inject("efetch", json_error_200=True)
    response = eutil(server, "efetch", id="1")
    assert (response.status_code, response.json()["error"]) == (200, "API rate limit exceeded")


def test_a_dropped_connection(server):
    server.inject(close=True)
    with pytest.raises(requests.exceptions.ConnectionError):
        eutil(server, "esearch", term="x")
    assert server.requests()[0].status is None and server.requests()[0].fault == "close=True"


# --- Request log --------------------------------------------------------------------------------

def test_the_log_records_every_request_with_merged_parameters(server):
    requests.post(f"{server.eutils_url}/elink.fcgi?dbfrom=pubmed&tool=litgraph",
                  data=[("db", "pubmed"), ("id", "1"), ("id", "2")])
    requests.get(f"{server.ctgov_url}/studies/NCT00000000")
    elink, study = server.requests()
    assert (elink.method, elink.endpoint, elink.status, elink.faulted) == ("POST", "elink", 200, False)
    assert elink.params == {"dbfrom": ["pubmed"], "tool": ["litgraph"], "db": ["pubmed"], "id": ["1", "2"]}
    assert elink.arrived <= elink.completed
    assert (study.endpoint, study.status) == ("ctgov", 404)
    assert server.requests("ctgov") == [study]
    server.clear_log()
    assert server.requests() == []


# --- Test-specific data and real fixtures ---------------------------------------------------------------

def test_tests_can_add_their_own_articles_links_searches_and_studies(server, small):
    pmid = next(iter(small.papers))
    rendered = eutil(server, "efetch", id=pmid).content
    article = rendered[rendered.index(b"<PubmedArticle>"):-len(b"</PubmedArticleSet>")]
    study = json.loads(json.dumps(next(iter(small.studies.values()))))
    study["protocolSection"]["identificationModule"]["nctId"] = "NCT00000042"
    with FakeNCBI() as empty:
        assert empty.add_article_xml(article) == [pmid]
        assert eutil(empty, "efetch", id=pmid).content == rendered  # served exactly as given
        empty.add_links(pmid, refs=[2, 1], citedin=[3])
        [answer] = linksets(eutil(empty, "elink", dbfrom="pubmed", id=pmid).content)
        assert answer["links"] == {"pubmed_pubmed_citedin": [3], "pubmed_pubmed_refs": [2, 1]}
        empty.add_search("Hart RK[author]", [5, 4])
        found = etree.fromstring(eutil(empty, "esearch", term="hart  rk[Author]").content)
        assert found.xpath("IdList/Id/text()") == ["5", "4"]
        assert empty.add_study(study) == "NCT00000042"
        assert requests.get(f"{empty.ctgov_url}/studies/NCT00000042").json() == study




def test_real_fixture_files_are_served(fixtures_dir):
    entrez = fixtures_dir / "entrez"
    with FakeNCBI(fixtures=[fixtures_dir]) as server:
        article = eutil(server, "efetch", id="22528466").content
        original = (entrez / "biocommons_eutils_efetch_pubmed_22528466.xml").read_bytes()
        assert article[article.index(b"<PubmedArticle>"):-len(b"</PubmedArticleSet>")] in original  # byte for byte
        book = etree.fromstring(eutil(server, "efetch", id="20301577").content)
        assert book[0].tag == "PubmedBookArticle"
        [links] = linksets(eutil(server, "elink", dbfrom="pubmed", id="9298984").content)
        assert (len(links["links"]["pubmed_pubmed_refs"]), len(links["links"]["pubmed_pubmed_citedin"])) == (56, 39)
        trial_papers = etree.fromstring(eutil(server, "esearch", term="NCT02149199[si]").content)
        assert trial_papers.xpath("IdList/Id/text()") == ["29768149"]
        study = requests.get(f"{server.ctgov_url}/studies/NCT02552212").json()
        assert study["protocolSection"]["identificationModule"]["nctId"] == "NCT02552212"


# --- NIH iCite ---------------------------------------------------------------------------------------

def icite(server: FakeNCBI, pmids, **params) -> requests.Response:
    return requests.get(f"{server.icite_url}/pubs", params={"pmids": ",".join(map(str, pmids)), **params}, timeout=5)


def json_kind(value) -> str:
    return {bool: "bool", int: "number", float: "number", str: "string", list: "list", dict: "object"}[type(value)]


def test_icite_records_have_the_real_records_keys_in_its_order_and_its_kinds_of_value(server, small, fixtures_dir):
    (real,) = json.loads((fixtures_dir / "icite" / "needle_in_a_haysack_icite_api_pubs_32162448.json").read_bytes())["data"]
    records = icite(server, list(small.papers)[:200]).json()["data"]
    assert len(records) > 180
    for record in records:
        assert list(record) == list(real)
        assert {key: json_kind(value) for key, value in record.items() if value is not None} == \
            {key: json_kind(real[key]) for key, value in record.items() if value is not None}
        assert [{key: json_kind(value) for key, value in author.items()} for author in record["authors"][:1]] in (
            [], [{key: json_kind(value) for key, value in real["authors"][0].items()}])
        assert record["citation_count"] == len(record["cited_by"]) and set(record["cited_by_clin"]) <= set(record["cited_by"])


@needs_icite
def test_icite_answers_the_pmids_it_holds_and_drops_the_rest_silently(server, small):
    paper = next(pmid for pmid in small.papers if server.store.icite_holds(pmid))
    missing = next(pmid for pmid in small.papers if not server.store.icite_holds(pmid))
    answer = icite(server, [paper, missing, 99999999])
    assert answer.status_code == 200 and answer.headers["Content-Type"] == "application/json"
    assert [record["pmid"] for record in answer.json()["data"]] == [paper]
    assert b'", "' not in answer.content  # compact JSON, as the live API answers


def test_the_real_icite_record_is_served_as_it_is(fixtures_dir):
    with FakeNCBI(fixtures=[fixtures_dir / "icite"]) as server:
        (record,) = icite(server, [32162448]).json()["data"]
    real = json.loads((fixtures_dir / "icite" / "needle_in_a_haysack_icite_api_pubs_32162448.json").read_bytes())
    assert record == real["data"][0]


@pytest.mark.parametrize("pmids, params", [(range(1, 1002), {}), ([], {}), ([1], {"legacy": "false"}), ([1], {"fl": "pmid"})])
def test_what_no_recorded_icite_answer_shows_is_501_not_a_guess(server, pmids, params):
    answer = icite(server, pmids, **params)
    assert answer.status_code == 501 and answer.headers["Content-Type"] == "text/plain"


@needs_icite
def test_each_source_covers_a_different_share_of_the_papers_references(server, small):
    citing = [paper for paper in small.papers.values() if paper.refs]
    records = {record["pmid"]: record for start in range(0, len(citing), 200)
               for record in icite(server, [paper.pmid for paper in citing[start:start + 200]]).json()["data"]}
    covered = {"elink": {paper.pmid for paper in citing if paper.pmcid},
               "reference lists": {paper.pmid for paper in citing if paper.refs_deposited},
               "icite": {pmid for pmid, record in records.items() if record["references"]}}
    shares = {source: len(pmids) / len(citing) for source, pmids in covered.items()}
    assert 0.35 < shares["elink"] < shares["reference lists"] < 0.7 and shares["elink"] < shares["icite"] < 0.75
    assert all(records[pmid]["references"] for pmid in covered["elink"] if pmid in records)  # NIH-OCC merges PMC
    union = set.union(*covered.values())
    assert all(len(union) > len(pmids) * 1.1 for pmids in covered.values())  # each misses what another has
    with FakeNCBI(corpus=small, full_citations=True) as full:
        assert all(record["references"] == sorted(small.papers[record["pmid"]].refs)
                   for record in icite(full, [paper.pmid for paper in citing[:200]]).json()["data"])


# --- The corpus generator ---------------------------------------------------------------------------

def test_generation_is_deterministic_and_survives_a_round_trip(tmp_path):
    first = corpus.generate(300, seed=11).write(tmp_path / "a")
    corpus.generate(300, seed=11).write(tmp_path / "b")
    corpus.generate(300, seed=12).write(tmp_path / "c")
    for name in ("papers.jsonl", "people.jsonl", "index.json", "truth.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert (tmp_path / "a" / "papers.jsonl").read_bytes() != (tmp_path / "c" / "papers.jsonl").read_bytes()
    loaded, fresh = corpus.load(first), corpus.generate(300, seed=11)
    assert dict(loaded.papers) == fresh.papers and loaded.people == fresh.people
    pmid = list(fresh.papers)[150]
    assert loaded.similar(pmid) == fresh.similar(pmid)  # neighbours are derived, not stored


def test_citation_counts_are_heavy_tailed_and_only_partly_visible():
    big = corpus.generate(3000, seed=2)
    counts = sorted((len(p.cited_by) for p in big.papers.values()), reverse=True)
    assert counts[0] >= 15 * statistics.median(counts)
    assert sum(counts[: len(counts) // 100]) >= 0.1 * sum(counts)  # the top 1% collect at least a tenth
    papers = [p for p in big.papers.values() if not p.retraction_of]
    assert 0.5 < sum(p.refs_deposited for p in papers) / len(papers) < 0.7
    assert 0.35 < sum(bool(p.pmcid) for p in papers) / len(papers) < 0.55
    assert all(cited < p.pmid for p in papers for cited in p.refs)  # nobody cites the future


def test_author_names_collide_the_way_real_ones_do(small):
    ambiguous = small.truth["ambiguous_names"]
    assert len(ambiguous["Wang D"]) >= 2 and len(ambiguous["Muller T"]) >= 2
    dandan, dong = small.truth["name_twins"][0]
    assert any({dandan, dong} <= {a[0] for a in p.authors} for p in small.papers.values())  # same paper
    printed = {(a[0], a[2] & corpus.ASCII_NAME) for p in small.papers.values() for a in p.authors}
    twice = {pid for pid, folded in printed if folded} & {pid for pid, folded in printed if not folded}
    assert twice  # someone appears both with and without diacritics
    assert 0.2 < sum(1 for p in small.people.values() if p.orcid) / len(small.people) < 0.4


# --- Standalone use (benchmarks) ------------------------------------------------------------------

def test_command_line_generator_and_server(tmp_path):
    folder = tmp_path / "corpus"
    subprocess.run([sys.executable, TESTS / "corpus.py", "--papers", "250", "--seed", "3", "--out", folder],
                   check=True, capture_output=True)
    process = subprocess.Popen([sys.executable, TESTS / "fake_ncbi.py", "--corpus", folder, "--port", "0"],
                               stdout=subprocess.PIPE, text=True)
    try:
        urls = dict(process.stdout.readline().strip().split("=", 1) for _ in range(3))
        study = json.loads((next((folder / "studies").glob("*.json"))).read_text())
        nct = study["protocolSection"]["identificationModule"]["nctId"]
        assert requests.get(f"{urls['LITGRAPH_CTGOV_URL']}/studies/{nct}").json() == study
    finally:
        process.terminate()
        process.wait(timeout=5)


@pytest.fixture(scope="module")
def corpus_folder(tmp_path_factory, small) -> Path:
    return small.write(tmp_path_factory.mktemp("corpus"))


def test_answers_rendered_ahead_are_the_bytes_rendering_on_demand_gives(corpus_folder, small):
    ids = sorted(small.papers)[:150] + [99999999]
    asks = [("efetch", {"id": ",".join(map(str, ids))}),
            ("elink", {"dbfrom": "pubmed", "id": [str(pmid) for pmid in ids]}),  # one LinkSet each
            ("elink", {"dbfrom": "pubmed", "id": ",".join(map(str, ids[:20]))}),  # merged
            ("elink", {"dbfrom": "pubmed", "id": ids[0], "linkname": "pubmed_pubmed_citedin"})]
    with FakeNCBI(corpus=corpus_folder) as on_demand, FakeNCBI(corpus=corpus_folder, rendered=True) as ahead:
        for name, params in asks:
            assert eutil(ahead, name, **params).content == eutil(on_demand, name, **params).content
        assert icite(ahead, ids).content == icite(on_demand, ids).content
        assert ahead.store.renderer.xml.cache_info().misses == 0  # looked up, not rendered
        ahead.add_links(ids[0], refs=[2, 1])  # what a test adds still counts
        [answer] = linksets(eutil(ahead, "elink", dbfrom="pubmed", id=ids[0]).content)
        assert answer["links"]["pubmed_pubmed_refs"] == [2, 1]


def test_answers_are_rendered_again_when_the_corpus_changes(corpus_folder):
    with FakeNCBI(corpus=corpus_folder, rendered=True):
        [before] = corpus_folder.glob("answers-*.sqlite")
    manifest = corpus_folder / "manifest.json"
    manifest.write_text(manifest.read_text() + "\n")
    with FakeNCBI(corpus=corpus_folder, rendered=True):
        [after] = corpus_folder.glob("answers-*.sqlite")
    assert after != before  # and the stale one is gone


def test_bench_scripts_can_import_the_server_by_path():
    spec = importlib.util.spec_from_file_location("fake_ncbi_by_path", TESTS / "fake_ncbi.py")
    module = sys.modules[spec.name] = importlib.util.module_from_spec(spec)  # dataclasses look themselves up
    spec.loader.exec_module(module)
    with module.FakeNCBI() as server:
        assert requests.get(f"{server.ctgov_url}/studies/NCT00000001").status_code == 404
