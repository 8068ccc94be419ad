"""End to end: sources -> the real client over loopback HTTP -> corpus -> graphs -> files."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest

from conftest import EXAMPLE, GUARD_SITE, service_env, settings_for
from fake_ncbi import FakeNCBI
from litgraph import InputError, Settings, build
from litgraph.cli import main
from litgraph.outputs.export import read_json



@pytest.fixture
def server(two_trials):
    with FakeNCBI(corpus=two_trials) as fake:
        yield fake


def env_for(server, tmp_path: Path) -> dict[str, str]:
    return {**service_env(server), "LITGRAPH_CACHE_DIR": str(tmp_path / "cache")}


def registered(study: dict) -> list[tuple[str, str]]:
    """(node id, kind) of each reference as the registry lists it."""
    refs = study["protocolSection"]["referencesModule"]["references"]
    return [(f"pmid:{r['pmid']}" if r.get("pmid") else None, r["type"].lower()) for r in refs]


def test_an_nct_id_becomes_every_output_file_with_the_full_graph(server, two_trials, tmp_path, monkeypatch):
    nct, study = next(iter(two_trials.studies.items()))
    for name, value in env_for(server, tmp_path).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(Settings, "rate", 50.0)  # the CLI reads defaults; keep the test quick
    out = tmp_path / "out"

    assert main(["build", nct.lower(), "--depth", "1", "--max-papers", "100", "--out", str(out),
                 "--format", "html,json,graphml,gexf,csv", "--quiet"]) == 0

    for graph in ("trial", "paper", "author", "combined"):
        for suffix in (".html", ".json", ".graphml", ".gexf", ".nodes.csv", ".edges.csv"):
            assert (out / f"{graph}{suffix}").stat().st_size > 0, f"{graph}{suffix}"
    combined = read_json(out / "combined.json")
    trial = f"nct:{nct}"
    assert combined.nodes[trial]["type"] == "trial"
    kinds = {(v if v.startswith("pmid:") else None, k) for _, v, k in combined.out_edges(trial, data="kind")}
    assert {(node, kind) for node, kind in registered(study) if node} <= kinds
    for _, target, kind in combined.out_edges(trial, data="kind"):
        expected = "investigator" if target.startswith("author:") else ("background", "result", "derived")
        assert kind in expected, (target, kind)
    cites = [(u, v, d) for u, v, d in combined.edges(data=True) if d["kind"] == "cites"]
    assert any("elink-refs" in d["sources"] or "elink-citedin" in d["sources"] for *_, d in cites)
    authors = [n for n, t in combined.nodes(data="type") if t == "author"]
    assert authors and all(combined.out_degree(a) >= 1 for a in authors)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["counts"]["papers"] == 100 and summary["not_fetched"] == []
    assert summary["counts"]["edges"] == dict(sorted(Counter(kind for *_, kind in combined.edges(data="kind")).items()))
    for name in ("trial", "paper", "author", "combined"):  # counted from the adjacency, as networkx counts them
        graph, counted = read_json(out / f"{name}.json"), summary["graphs"][name]
        assert (counted["nodes"], counted["edges"]) == (graph.number_of_nodes(), graph.number_of_edges()), name
    assert set(summary["files"]) >= {"combined.html", "paper.graphml", "author.gexf", "trial.nodes.csv"}


def test_each_paper_keeps_its_authors_in_order(server, two_trials, tmp_path):
    nct = next(iter(two_trials.studies))
    result = build(nct, depth=0, settings=settings_for(server, tmp_path))
    paper_graph = result.graphs["paper"]
    pmid = next(n for n, d in paper_graph.nodes(data=True) if d["fetched"] and len(d["authors"]) > 2)
    combined = result.graphs["combined"]
    byline = [a for _, a in sorted((d["position"], a) for a, _, d in combined.in_edges(pmid, data=True)
                                   if d["kind"] == "authored")]
    assert byline == paper_graph.nodes[pmid]["author_ids"]
    printed = paper_graph.nodes[pmid]["authors"]
    assert all(name in combined.nodes[a]["variants"] for a, name in zip(byline, printed))  # merged people keep every form


def test_the_example_builds_from_the_record_alone_when_ncbi_is_unreachable(tmp_path, capsys):
    # No base URL is set, so the client aims at the real NCBI, which tests can never resolve.
    assert main(["build", str(EXAMPLE), "--format", "json", "--out", str(tmp_path / "out"),
                 "--citations", "elink,icite,reference-list"]) == 0
    [warning] = [line for line in capsys.readouterr().err.splitlines() if line]  # one line for both services
    assert warning == ("litgraph: warning: NCBI E-utilities unreachable at https://eutils.ncbi.nlm.nih.gov/entrez/eutils: "
                       "name not known; NIH iCite unreachable at https://icite.od.nih.gov/api: name not known; "
                       "building from the record and the cache; not in the cache: efetch, elink, esearch, icite for "
                       "10 PMID(s) (19489103, 20345339, 20506343, 20517294, 20650877, …)")
    trial = read_json(tmp_path / "out" / "trial.json")
    kinds = [k for _, _, k in trial.out_edges("nct:NCT01741857", data="kind")]
    assert (kinds.count("background"), kinds.count("derived")) == (8, 2)
    first = trial.nodes["pmid:19489103"]
    assert first["authors"][:3] == ["Sun L", "Akiyama K", "Zhang H"] and first["year"] == 2009
    assert first["title"].startswith("Mesenchymal stem cell transplantation reverses")
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["counts"]["papers"] == 10 and summary["counts"]["papers_fetched"] == 0
    assert {p["reason"] for p in summary["not_fetched"]} == {"not in the cache (service unreachable)"}


def test_when_nothing_can_be_built_the_unreachable_services_say_why(capsys):
    assert main(["build", "NCT01741857"]) == 2  # the registry is unreachable too
    lines = capsys.readouterr().err.splitlines()
    assert lines[-1] == "litgraph: error: nothing to build: could not get NCT01741857 from ClinicalTrials.gov " \
                        "(not in the cache (service unreachable))"
    assert "litgraph: warning: ClinicalTrials.gov unreachable at https://clinicaltrials.gov/api/v2: " \
           "name not known; building from the record and the cache" in lines[:-1]


def test_offline_rebuild_uses_only_the_cache_and_makes_no_request(server, two_trials, tmp_path):
    nct = next(iter(two_trials.studies))
    online = build(nct, settings=settings_for(server, tmp_path), max_papers=120)
    server.clear_log()
    offline = build(nct, settings=settings_for(server, tmp_path), max_papers=120, offline=True)
    assert server.requests() == []
    assert offline.requests["network"] == 0 and offline.warnings == online.warnings
    assert nx.utils.graphs_equal(online.graphs["combined"], offline.graphs["combined"])


def test_offline_without_a_cache_lists_what_is_missing(server, two_trials, tmp_path):
    nct = next(iter(two_trials.studies))
    with pytest.raises(InputError):  # not even the registry record is cached
        build(nct, settings=settings_for(server, tmp_path), offline=True)
    result = build(str(EXAMPLE), settings=settings_for(server, tmp_path), offline=True)
    assert server.requests() == []
    missing = {pmid for problem in result.corpus.problems for pmid in problem.ids}
    assert missing == {p.removeprefix("pmid:") for p in result.corpus.seeds}
    assert "offline" in result.warnings[0]


def test_batches_are_sorted_and_large_ones_go_by_post(server, two_trials, tmp_path):
    nct = next(iter(two_trials.studies))
    build(nct, settings=settings_for(server, tmp_path, efetch_batch=250), depth=2, max_papers=400)
    fetches = server.requests("efetch")
    assert any(r.method == "POST" for r in fetches) and any(r.method == "GET" for r in fetches)
    for record in fetches:
        ids = record.params["id"][0].split(",")
        assert ids == sorted(set(ids), key=int)
        assert (record.method == "POST") == (len(ids) > 200)
    for record in server.requests("elink"):
        assert len(record.params["id"]) >= 1 and all("," not in i for i in record.params["id"])
        assert "linkname" not in record.params


def test_the_api_key_reaches_ncbi_but_never_the_cache_the_files_or_the_output(server, two_trials, tmp_path, capsys):
    secret = "0123456789abcdef0123456789abcdef0123"
    nct = next(iter(two_trials.studies))
    result = build(nct, api_key=secret, email="reviewer@example.org", max_papers=50,
                   settings=settings_for(server, tmp_path))
    files = result.write(tmp_path / "out", formats=("html", "json", "csv"))
    assert all(r.params.get("api_key") == [secret] for r in server.requests("efetch"))
    assert all(secret.encode() not in path.read_bytes() for path in files)
    for path in (tmp_path / "cache").rglob("*"):
        if path.is_file():
            assert secret.encode() not in path.read_bytes(), path
    assert secret not in capsys.readouterr().err


def test_runs_with_and_without_a_key_share_the_cache(server, two_trials, tmp_path):
    nct = next(iter(two_trials.studies))
    build(nct, max_papers=40, settings=settings_for(server, tmp_path))
    server.clear_log()
    build(nct, max_papers=40, api_key="f" * 36, settings=settings_for(server, tmp_path))
    assert server.requests() == []


def test_max_papers_keeps_the_papers_most_linked_to_the_seeds(server, two_trials, tmp_path):
    nct = next(iter(two_trials.studies))
    full = build(nct, max_papers=10_000, settings=settings_for(server, tmp_path))
    capped = build(nct, max_papers=len(full.corpus.seeds) + 5, settings=settings_for(server, tmp_path))
    seeds = full.corpus.seeds
    # links known when the level was chosen: PubMed's links of the seeds, and the seeds' reference lists
    links = {pair for pair, sources in full.corpus.cites.items()
             if sources & {"elink-refs", "elink-citedin"} or pair[0] in seeds}

    def seed_links(node):
        return sum(1 for (a, b) in links if (a == node and b in seeds) or (b == node and a in seeds))

    kept = set(capped.corpus.papers) - seeds
    left_out = set(full.corpus.papers) - set(capped.corpus.papers)
    assert len(kept) == 5 and capped.corpus.truncated == len(left_out)
    assert min(seed_links(n) for n in kept) >= max(seed_links(n) for n in left_out)


@pytest.mark.parametrize("argv, message", [
    (["build", "no/such/record.txt"], "no/such/record.txt: no such file"),
    (["build", "NCT123456789"], None),
    (["build", "banana"], "'banana' is not an NCT id"),
    (["build", "NCT0174"], "'NCT0174' is not an NCT number (expected NCT and 8 digits"),
    (["build", "0"], "'0' is not a PMID"),
    (["build", "NCT01741857", "--depth", "-1"], "depth must be 0 or more (got -1)"),
    (["build", "NCT01741857", "--format", "pdf"], "unknown format 'pdf'"),
    (["build", "NCT01741857", "--format", ""], "no format given: choose from html,"),
    (["build", "NCT０９９０００01"], "'NCT０９９０００01' is not an NCT id"),  # ids are ASCII digits only
    (["build", "1２３"], "'1２３' is not an NCT id (NCT01741857), a PMID or a file"),
])
def test_bad_input_is_one_line_and_exit_2(argv, message, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("litgraph: error: ")
    if message:
        assert message in err


@pytest.mark.parametrize("call, message", [
    (lambda: build(str(EXAMPLE), depth=-1), "depth must be 0 or more (got -1)"),
    (lambda: build(str(EXAMPLE), max_papers=0), "max_papers must be 1 or more (got 0)"),
    (lambda: build(str(EXAMPLE), links=["cites"]), "unknown link type 'cites': choose from refs, citedin, similar"),
    (lambda: build(str(EXAMPLE), offline=True).show("papers"), "unknown graph 'papers': choose from trial, paper"),
])
def test_bad_arguments_to_the_library_are_input_errors_in_its_own_words(call, message):
    with pytest.raises(InputError) as raised:
        call()
    assert str(raised.value).startswith(message) and "--" not in str(raised.value)


def test_an_unknown_trial_is_bad_input(server, tmp_path, monkeypatch, capsys):
    for name, value in env_for(server, tmp_path).items():
        monkeypatch.setenv(name, value)
    assert main(["build", "NCT99999999"]) == 2
    assert "ClinicalTrials.gov has no study NCT99999999" in capsys.readouterr().err


def test_a_pmid_pubmed_does_not_have_is_bad_input_when_it_is_all_there_is(server, tmp_path, monkeypatch, capsys):
    for name, value in env_for(server, tmp_path).items():
        monkeypatch.setenv(name, value)
    assert main(["build", "99999999", "--depth", "0"]) == 2
    assert capsys.readouterr().err == "litgraph: error: nothing to build: PubMed has no record of PMID 99999999\n"
    assert not (tmp_path / "output").exists()


def test_pmids_pubmed_does_not_have_among_others_are_a_warning(server, two_trials, tmp_path):
    known = str(next(iter(two_trials.papers)))
    warnings = []
    result = build(known, "99999999", depth=0, warn=warnings.append, settings=settings_for(server, tmp_path))
    assert "PubMed returned no record for 1 PMID(s): 99999999" in warnings
    assert result.graphs["paper"].nodes[f"pmid:{known}"]["fetched"]


def test_an_nct_id_with_a_digit_fewer_is_padded_and_says_which_trial_it_became(server, two_trials, tmp_path):
    study = json.loads(json.dumps(next(iter(two_trials.studies.values()))))
    study["protocolSection"]["identificationModule"]["nctId"] = "NCT00989340"
    title = study["protocolSection"]["identificationModule"]["briefTitle"]
    server.store.add_study(study)
    warnings = []
    result = build("nct0989340", depth=0, warn=warnings.append, settings=settings_for(server, tmp_path))
    assert list(result.corpus.trials) == ["NCT00989340"]
    assert f'nct0989340 read as NCT00989340: "{title}"' in warnings


def test_an_unknown_nct_id_with_a_digit_fewer_says_how_it_was_read(server, tmp_path, monkeypatch, capsys):
    for name, value in env_for(server, tmp_path).items():
        monkeypatch.setenv(name, value)
    assert main(["build", "NCT0989340"]) == 2
    assert capsys.readouterr().err == ("litgraph: error: nothing to build: ClinicalTrials.gov has no study "
                                       "NCT00989340 (NCT0989340 read as NCT00989340)\n")


def test_the_command_never_prints_a_traceback(server, tmp_path):
    env = {**env_for(server, tmp_path), "PYTHONPATH": str(GUARD_SITE), "PATH": "/usr/bin:/bin"}
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    run = subprocess.run([sys.executable, "-m", "litgraph", "build", str(empty)], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2
    assert "Traceback" not in run.stderr and len(run.stderr.strip().splitlines()) == 1


def interrupted(*sources, **options):
    raise KeyboardInterrupt


def failing(*sources, **options):
    raise RuntimeError("a bug")


@pytest.mark.parametrize("argv, stub, status", [
    (["build", str(EXAMPLE), "--offline", "--format", "json"], None, 0),
    (["build", str(EXAMPLE), "--depth", "-1"], None, 2),
    (["build", "NCT01741857"], interrupted, 130),
    (["build", "NCT01741857"], failing, 1),
    (["summary", "output/NCT01741857"], None, 2),
])
def test_the_command_gives_back_the_cyclic_collector_however_it_ends(argv, stub, status, monkeypatch):
    if stub:
        monkeypatch.setattr("litgraph.api.build", stub)
    gc.enable()
    assert main(argv) == status
    assert gc.isenabled()


def test_the_command_gives_back_the_cyclic_collector_when_it_raises(monkeypatch):
    monkeypatch.setenv("LITGRAPH_DEBUG", "1")  # failures raise instead of printing one line
    monkeypatch.setattr("litgraph.api.build", failing)
    gc.enable()
    with pytest.raises(RuntimeError):
        main(["build", "NCT01741857"])
    assert gc.isenabled()


def test_a_build_shows_any_of_its_graphs_in_a_notebook(tmp_path):
    result = build(str(EXAMPLE), offline=True, settings=Settings(cache_dir=tmp_path / "cache"))
    cell = result.show("trial", height=500)._repr_html_()
    assert cell.startswith("<iframe srcdoc=") and "height:500px" in cell and "NCT01741857" in cell


def test_the_command_reports_in_full_and_leaves_its_files_whole(server, tmp_path):
    """`litgraph` ends its process without freeing the build object by object: what it printed and
    wrote is all there, and its exit status is the command's."""
    out = tmp_path / "out"
    run = subprocess.run([sys.executable, "-m", "litgraph", "build", str(EXAMPLE), "--out", str(out), "--format", "json"],
                         cwd=tmp_path, env=env_for(server, tmp_path), capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[0].startswith("NCT01741857: 1 trial(s), 10 papers")
    assert "Largest author communities (co-authorship)" in run.stdout  # the last of the tables, printed last
    assert run.stdout.endswith("\n") and len(run.stdout.split("Largest author communities")[1].splitlines()) >= 3
    assert read_json(out / "paper.json").number_of_nodes() >= 10
    assert json.loads((out / "summary.json").read_text())["counts"]["papers"] >= 10


def test_a_report_read_in_part_is_no_error(server, tmp_path):
    """`litgraph build ... | head -1`: the reader leaves early; the build is done and says nothing of it."""
    command = f"{sys.executable} -m litgraph build {EXAMPLE} --out out --format json | head -1"
    run = subprocess.run(["bash", "-o", "pipefail", "-c", command], cwd=tmp_path, env=env_for(server, tmp_path),
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("NCT01741857: 1 trial(s)") and len(run.stdout.splitlines()) == 1
    assert "error" not in run.stderr.lower()
    assert (tmp_path / "out" / "summary.json").exists()


def test_settings_take_the_cache_folder_as_a_string():
    assert Settings(cache_dir="somewhere/cache").cache_dir == Path("somewhere/cache")


def test_a_profiled_command_ends_normally_so_the_profile_is_written(tmp_path):
    profile = tmp_path / "build.prof"
    run = subprocess.run([sys.executable, "-m", "cProfile", "-o", str(profile), "-m", "litgraph", "build", str(EXAMPLE),
                          "--offline", "--out", str(tmp_path / "out"), "--format", "json", "--quiet"],
                         cwd=tmp_path, env={"LITGRAPH_CACHE_DIR": str(tmp_path / "cache"), "PYTHONPATH": str(GUARD_SITE)},
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert profile.stat().st_size > 0


def test_an_expanded_corpus_keeps_one_sources_set_per_combination_and_still_takes_links(server, two_trials,
                                                                                        tmp_path):
    nct = next(iter(two_trials.studies))
    corpus = build(nct, depth=1, max_papers=150, settings=settings_for(server, tmp_path)).corpus
    combinations = set(corpus.cites.values())
    assert len(corpus.cites) > 10 * len(combinations)
    assert len({id(sources) for sources in corpus.cites.values()}) == len(combinations)  # shared, not copied
    (citing, cited), sources = next(iter(corpus.cites.items()))
    corpus.add_cite(citing, cited, "a-new-source")  # a script adding its own: only that link changes
    assert corpus.cites[citing, cited] == sources | {"a-new-source"}
    assert all("a-new-source" not in others for pair, others in corpus.cites.items() if pair != (citing, cited))
