"""Citations end to end, against the generated corpus's truth: the paper graph holds every citation
its sources know among its papers, the outermost level included; each source (ELink, reference
lists, NIH-OCC through iCite) adds what the others miss, each edge names the sources that saw it,
and each paper says which sources know its links."""

from __future__ import annotations

import json

import pytest

from conftest import needs_icite, service_env, settings_for
from fake_ncbi import FakeNCBI
from litgraph import InputError, build
from litgraph.cli import main
from litgraph.outputs.export import read_json
from litgraph.sources.citations.icite import ICiteFormatError, parse_icite


pytestmark = needs_icite  # every test here reads or serves iCite's real answer


def pmid_pairs(graph, source: str | None = None) -> set[tuple[int, int]]:
    """The citations of a graph (those a source saw, if named), as (citing, cited) PMIDs."""
    return {(int(u[5:]), int(v[5:])) for u, v, key, sources in graph.edges(keys=True, data="sources")
            if key == "cites" and (source is None or source in sources)}


def held_pmids(graph, corpus) -> set[int]:
    """The corpus papers a graph holds (a trial may list a PMID PubMed does not have)."""
    return {int(node[5:]) for node in graph if node.startswith("pmid:") and int(node[5:]) in corpus.papers}


def truth(corpus, held: set[int], knows=lambda citing, cited: True) -> set[tuple[int, int]]:
    """The true citations among the papers held, those `knows` allows."""
    return {(citing, cited) for citing in held for cited in corpus.papers[citing].refs
            if cited in held and knows(citing, cited)}


def elink_knows(corpus):
    return lambda citing, cited: bool(corpus.papers[citing].pmcid)


def reference_list_knows(corpus):
    return lambda citing, cited: corpus.papers[citing].refs_deposited


def icite_knows(server):
    """NIH-OCC has the citing paper's references, and iCite a record of one end to read them in."""
    store = server.store
    return lambda citing, cited: store.icite_knows_references(citing) and (
        store.icite_holds(citing) or store.icite_holds(cited))


@pytest.fixture
def trial(two_trials) -> str:
    return next(iter(two_trials.studies))


def test_with_full_coverage_a_depth_2_graph_is_the_truth_among_its_papers(two_trials, trial, tmp_path):
    with FakeNCBI(corpus=two_trials, full_citations=True) as server:
        result = build(trial, depth=2, max_papers=100_000, citations=["elink"], settings=settings_for(server, tmp_path))
    paper = result.graphs["paper"]
    held = held_pmids(paper, two_trials)
    assert pmid_pairs(paper) == truth(two_trials, held)
    outermost = {node for node, depth in paper.nodes(data="depth") if depth == 2}
    assert any(u in outermost and v in outermost for u, v in paper.edges())  # only closing lookups find these


def test_a_depth_2_graph_holds_every_citation_its_sources_know_and_each_edge_names_them(
        trials_server, two_trials, trial, tmp_path):
    result = build(trial, depth=2, max_papers=100_000, settings=settings_for(trials_server, tmp_path))
    paper = result.graphs["paper"]
    held = held_pmids(paper, two_trials)
    knowers = {"elink-refs": elink_knows(two_trials), "reference-list": reference_list_knows(two_trials),
               "icite": icite_knows(trials_server)}
    assert pmid_pairs(paper) == truth(two_trials, held, lambda *pair: any(knows(*pair) for knows in knowers.values()))
    for source, knows in knowers.items():
        assert pmid_pairs(paper, source) == truth(two_trials, held, knows), source
    assert result.limits.citations == ("elink", "icite", "reference-list")


def test_icite_adds_the_citations_pmc_based_links_miss(trials_server, two_trials, trial, tmp_path):
    elink = build(trial, depth=1, max_papers=100_000, citations=["elink"], settings=settings_for(trials_server, tmp_path))
    both = build(trial, depth=1, max_papers=100_000, citations=["elink", "icite"],
                 settings=settings_for(trials_server, tmp_path))
    only_icite = pmid_pairs(both.graphs["paper"]) - pmid_pairs(both.graphs["paper"], "elink-refs")
    assert len(only_icite) > 0.2 * len(pmid_pairs(both.graphs["paper"]))
    assert all(not two_trials.papers[citing].pmcid for citing, _ in only_icite)  # papers outside PMC
    assert pmid_pairs(elink.graphs["paper"]) < pmid_pairs(both.graphs["paper"])
    assert len(both.corpus.papers) > len(elink.corpus.papers)  # the next level is chosen from the union


def test_each_paper_says_which_sources_know_its_links_and_what_icite_says_of_it(
        trials_server, two_trials, trial, tmp_path):
    out = tmp_path / "out"
    build(trial, depth=1, max_papers=300, settings=settings_for(trials_server, tmp_path)).write(out, ["json"])
    paper = read_json(out / "paper.json")
    store = trials_server.store
    for node, data in paper.nodes(data=True):
        pmid = int(data["pmid"]) if data["pmid"] else None
        if pmid not in two_trials.papers:
            continue
        record, truth_paper = store.icite_record(pmid), two_trials.papers[pmid]
        expected = {"elink-refs"} if truth_paper.pmcid and truth_paper.refs else set()
        expected |= {"reference-list"} if truth_paper.refs_deposited and truth_paper.refs else set()
        expected |= {"icite-citedin"} if record else set()
        expected |= {"icite-refs"} if record and record["references"] else set()
        assert set(data["link_data"]) - {"elink-citedin"} == expected, node
        if record:
            assert (data["citation_count"], data["rcr"], data["apt"], data["is_clinical"]) == (
                record["citation_count"], record["relative_citation_ratio"], record["apt"], record["is_clinical"])
            assert data["clinical_citations"] == [str(pmid) for pmid in record["cited_by_clin"]]
            assert data["cited_by_clinical"] == len(record["cited_by_clin"])
        else:
            assert data["citation_count"] is None and data["clinical_citations"] == []
    assert any(data["is_clinical"] for _, data in paper.nodes(data=True))
    uncovered = [data["pmid"] for _, data in paper.nodes(data=True) if data["fetched"] and not data["link_data"]]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["no_citation_data"] == sorted(uncovered)


def test_the_build_says_how_complete_its_links_are_by_source_and_overall(
        trials_server, two_trials, trial, tmp_path, monkeypatch, capsys):
    for name, value in service_env(trials_server).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("LITGRAPH_CACHE_DIR", str(tmp_path / "cache"))
    assert main(["build", trial, "--max-papers", "300", "--format", "json", "--out", "out", "--quiet"]) == 0
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    data = summary["citation_data"]
    held = [int(node[5:]) for node in read_json(tmp_path / "out" / "paper.json") if node.startswith("pmid:")]
    store = trials_server.store
    citing = [pmid for pmid in held if pmid in two_trials.papers and two_trials.papers[pmid].refs]
    known = {"elink": [pmid for pmid in citing if two_trials.papers[pmid].pmcid],
             "icite": [pmid for pmid in citing if store.icite_holds(pmid) and store.icite_knows_references(pmid)],
             "reference-list": [pmid for pmid in citing if two_trials.papers[pmid].refs_deposited]}
    known["any"] = set().union(*known.values())
    assert data["papers"] == len(held)
    assert data["references_known"] == {source: round(len(pmids) / len(held), 3) for source, pmids in
                                        [("any", known["any"]), *((name, known[name]) for name in summary["limits"]["citations"])]}
    assert data["references_known"]["icite"] > data["references_known"]["elink"]
    assert data["citing_known"]["icite"] == round(sum(map(store.icite_holds, held)) / len(held), 3)
    shares = data["references_known"]
    line = (f"References known for {shares['any']:.0%} of papers: elink {shares['elink']:.0%}, iCite {shares['icite']:.0%}, "
            f"reference lists {shares['reference-list']:.0%}; citing papers known for {data['citing_known']['any']:.0%}")
    assert line in capsys.readouterr().out.splitlines()
    assert main(["summary", "out"]) == 0 and line in capsys.readouterr().out.splitlines()
    assert f"{line}." in (tmp_path / "out" / "index.html").read_text()


def test_icite_unreachable_is_one_warning_and_the_build_goes_on(trials_server, trial, tmp_path):
    with FakeNCBI() as stopped:
        unreachable = stopped.icite_url
    warnings = []
    result = build(trial, depth=1, max_papers=200, warn=warnings.append,
                   settings=settings_for(trials_server, tmp_path, icite_url=unreachable))
    (line,) = [warning for warning in warnings if "iCite" in warning]
    assert line.startswith(f"NIH iCite unreachable at {unreachable}: connection refused; building from the record "
                           "and the cache; not in the cache: icite for ")
    assert [warning for warning in warnings if warning != line] == ["PubMed returned no record for 1 PMID(s): 29795092"]
    assert pmid_pairs(result.graphs["paper"], "elink-refs") and not pmid_pairs(result.graphs["paper"], "icite")


def test_icite_failing_is_retried_and_then_named_like_ncbi_failures(trials_server, trial, tmp_path):
    trials_server.inject("icite", status=503, times=1000)
    warnings = []
    result = build(trial, depth=0, warn=warnings.append, settings=settings_for(trials_server, tmp_path, tries=2))
    seeds = sorted(node[5:] for node in result.corpus.seeds if node.startswith("pmid:"))
    assert f"HTTP 503: icite for {len(seeds)} PMID(s) ({', '.join(seeds[:5])}, …)" in warnings
    assert len(trials_server.requests("icite")) == 2  # one batch, tried twice
    assert result.corpus.cites  # ELink's and the reference lists' citations are all there


def test_requests_per_source_are_the_minimum_and_icite_has_its_own_count(trials_server, trial, tmp_path):
    result = build(trial, depth=2, max_papers=400, settings=settings_for(trials_server, tmp_path, icite_batch=50))
    planned = {}
    for wave in result.requests["waves_by_call"]:
        for call, count in wave.items():
            planned[call] = planned.get(call, 0) + count
    assert {call: len(trials_server.requests(call)) for call in planned} == planned
    assert result.requests["network_by_service"]["icite"] == planned["icite"] >= 8  # 400 papers, 50 a request
    assert result.requests["network"] == result.requests["minimum"]


def test_sources_are_chosen_by_name_on_the_command_line_too(trials_server, trial, tmp_path, monkeypatch, capsys):
    for name, value in service_env(trials_server).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("LITGRAPH_CACHE_DIR", str(tmp_path / "cache"))
    assert main(["build", trial, "--citations", "icite", "--format", "json", "--out", "out", "--quiet"]) == 0
    sources = {source for *_, sources in read_json(tmp_path / "out" / "paper.json").edges(data="sources")
               for source in sources}
    assert sources == {"icite"} and trials_server.requests("elink") == []
    assert json.loads((tmp_path / "out" / "summary.json").read_text())["limits"]["citations"] == ["icite"]
    assert main(["build", trial, "--citations", "elink,opencitations"]) == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        "litgraph: error: unknown citation source 'opencitations': choose from elink, icite, reference-list")
    with pytest.raises(InputError, match="^similar articles come from elink, which this build does not ask"):
        build(trial, links=["refs", "similar"], citations=["icite"])


def test_the_real_icite_answer_is_read_in_full(fixtures_dir):
    body = (fixtures_dir / "icite" / "needle_in_a_haysack_icite_api_pubs_32162448.json").read_bytes()
    (links,) = parse_icite(body)
    assert links.pmid == "32162448" and len(links.references) == 31 and len(links.citing) == 17
    assert links.references[:2] == ["30500064", "27595380"] and "38350987" in links.citing
    impact = links.impact
    assert (impact.citation_count, impact.rcr, impact.nih_percentile, impact.apt, impact.is_clinical) == (
        17, 2.18475199552701, 77.1, 0.75, True)
    assert impact.clinical_citations == ["32997821", "38615661", "35166373"] and impact.cited_by_clinical == 3


@pytest.mark.parametrize("body, reason", [
    (b'{"data": [{"pmid": "x"}]}', "a record's pmid is not a PMID: 'x'"),
    (b'{"data": [{"pmid": 1, "references": [2, "b"]}]}', "a record's references is not a list of PMIDs"),
    (b'{"records": []}', 'not an iCite answer (no "data" list of records)'),
    (b"<html>", "not JSON"),
])
def test_an_answer_that_is_not_icites_is_an_error_not_an_empty_result(body, reason):
    with pytest.raises(ICiteFormatError, match="^" + reason.replace("(", r"\(").replace(")", r"\)")):
        parse_icite(body)
