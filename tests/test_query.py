"""A PubMed query: refused locally when blank, and what PubMed could not use of it said once."""

from __future__ import annotations

import pytest

from conftest import service_env, settings_for
from litgraph import InputError, build
from litgraph.cli import main


def test_a_blank_query_is_bad_input_and_never_sent(trials_server, tmp_path, monkeypatch, capsys):
    with pytest.raises(InputError, match="^query is blank"):
        build(query="   ", settings=settings_for(trials_server, tmp_path))
    for name, value in service_env(trials_server).items():
        monkeypatch.setenv(name, value)
    assert main(["build", "--query", " \t "]) == 2
    assert capsys.readouterr().err == "litgraph: error: query is blank: give PubMed search terms\n"
    assert trials_server.requests() == []


def test_what_pubmed_could_not_use_of_a_long_query_is_said_once_with_a_count(trials_server, two_trials, tmp_path):
    nct = next(iter(two_trials.studies))
    warnings = []
    build(nct, query=" ".join(["qqqzzx"] * 5000), depth=0, warn=warnings.append,
          settings=settings_for(trials_server, tmp_path))
    assert [w for w in warnings if "did not use" in w] == [
        "PubMed did not use 5,000 parts of the query (PhraseNotFound: qqqzzx ×5,000)"]
    assert all(len(w) < 300 for w in warnings)  # the query itself is shortened where it is named


def test_one_part_pubmed_could_not_use_is_named_as_before(trials_server, two_trials, tmp_path):
    nct = next(iter(two_trials.studies))
    warnings = []
    build(nct, query="abcXYZ", depth=0, warn=warnings.append, settings=settings_for(trials_server, tmp_path))
    assert "PubMed did not use part of the query (PhraseNotFound: abcXYZ)" in warnings
