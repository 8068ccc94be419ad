"""The network layer: retries, backoff, rate, cache and offline behaviour, against the fake server."""

from __future__ import annotations

import gc
import logging
import os
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest
import requests

import corpus as corpus_gen
from conftest import settings_for, start_build
from fake_ncbi import RETSTART_ERROR, FakeNCBI
from litgraph import Settings, build
from litgraph.memo import Memo
from litgraph.sources.entrez import Entrez
from litgraph.sources.net import FetchError, Http, NotCached, RateLimiter, UnknownService, _status_problem

QUICK = {"backoff": 0.01, "connect_timeout": 2.0, "read_timeout": 2.0}


@pytest.fixture(scope="module")
def corpus():
    return corpus_gen.generate(300, seed=3, n_trials=1)


@pytest.fixture
def server(corpus):
    with FakeNCBI(corpus=corpus) as fake:
        yield fake


@pytest.fixture
def pmids(corpus):
    return [str(p) for p in list(corpus.papers)[:30]]


def client(server, tmp_path, **changes) -> Entrez:
    settings = settings_for(server, tmp_path, **{"read_timeout": 2.0, **changes})
    return Entrez(Http(settings), settings, Memo(settings.cache_dir / "derived.sqlite"))


def fetch_all(entrez: Entrez, pmids: list[str]):
    results = list(entrez.efetch(pmids))
    assert len(results) == 1
    return results[0]


@pytest.mark.parametrize("fault", [
    {"status": 429},
    {"status": 429, "retry_after": 0.2},
    {"status": 500},
    {"status": 502},
    {"status": 503},
    {"truncate": "body"},
    {"truncate": "length"},
    {"error_xml": "Couldn't resolve #exLinkSrv2, the address table is empty."},
    {"error_xml": "Search Backend failed: Unable to open connection to #PMQuerySrv?dbaf=pubmed"},
    {"error_xml": "Invalid db name specified: pubmed"},  # NCBI has said so of real databases now and then
    {"json_error_200": True},
    {"close": True},
    {"delay": 5.0},
])
def test_a_failed_answer_is_retried_never_read_as_no_results(server, tmp_path, pmids, fault):
    server.inject("efetch", times=2, **fault)
    entrez = client(server, tmp_path, read_timeout=0.5)
    result = fetch_all(entrez, pmids)
    assert result.error is None
    assert sorted(p.pmid for p in result.records) == sorted(pmids)
    assert len(server.requests("efetch")) == 3 and entrez.http.counters.retries == 2


@pytest.mark.parametrize("fault", [{"status": 500}, {"truncate": "body"}, {"json_error_200": True},
                                   {"error_xml": "Some IDs have invalid value"}])
def test_a_failed_answer_is_not_cached(server, tmp_path, pmids, fault):
    server.inject("efetch", times=1, **fault)
    fetch_all(client(server, tmp_path, tries=1), pmids)
    server.clear_log()
    again = fetch_all(client(server, tmp_path), pmids)
    assert again.error is None and len(again.records) == len(pmids)
    assert len(server.requests("efetch")) == 1


def test_what_keeps_failing_is_named_with_its_reason(server, tmp_path, pmids):
    server.inject("efetch", status=503, times=10)
    result = fetch_all(client(server, tmp_path, tries=3), pmids)
    assert result.records == [] and result.ids == sorted(pmids, key=int)
    assert result.error.what.startswith("efetch of 30 PMIDs")
    assert result.error.reason.startswith("HTTP 503") and "gave up after 3 tries" in result.error.reason


def test_a_429_pauses_for_retry_after_before_asking_again(server, tmp_path, pmids):
    server.inject("efetch", status=429, retry_after=1.0)
    fetch_all(client(server, tmp_path), pmids)
    first, second = server.requests("efetch")
    assert second.arrived - first.arrived >= 1.0


def test_a_retry_after_date_is_honoured_like_a_number_of_seconds(server, tmp_path, pmids):
    in_three_seconds = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=3), usegmt=True)
    server.inject("efetch", status=429, retry_after=in_three_seconds)  # an HTTP-date, as RFC 9110 allows
    fetch_all(client(server, tmp_path), pmids)
    first, second = server.requests("efetch")
    assert second.arrived - first.arrived >= 1.5  # the date drops the fraction of a second


@pytest.mark.parametrize("header", ["inf", "nan", "-5", "soon"])
def test_a_retry_after_that_is_neither_seconds_nor_a_date_is_ignored(server, tmp_path, pmids, header):
    server.inject("efetch", status=429, retry_after=header)
    result = fetch_all(client(server, tmp_path), pmids)
    assert result.error is None and len(server.requests("efetch")) == 2  # retried after the usual backoff


def test_a_service_that_asks_to_wait_longer_than_max_retry_after_is_unavailable_at_once(server, tmp_path, pmids):
    server.inject("efetch", status=429, retry_after=3)
    entrez = client(server, tmp_path, max_retry_after=0.5)
    failed = fetch_all(entrez, pmids[:10])
    assert failed.error.reason == "not in the cache (NCBI E-utilities asked to wait 3 s, over the 0.5 s limit)"
    assert entrez.http.warnings == [f"NCBI E-utilities at {server.eutils_url} asked to wait 3 s, over the 0.5 s "
                                    "limit (max_retry_after); building from the record and the cache"]
    later = fetch_all(entrez, pmids[10:])
    assert isinstance(later.error, NotCached) and len(server.requests("efetch")) == 1  # asked once, not again


@pytest.mark.parametrize("message", [
    "Empty term and query_key - nothing todo",  # esearch without a term
    "Empty id list - nothing todo",  # elink without ids
    "Some IDs have invalid value and were omitted. Maximum ID value 18446744073709551615",  # biopython_epost3.xml
    "Neither query_key nor id specified",  # biopython_esummary8.xml
    RETSTART_ERROR,  # paging past PubMed's first 9,999 records
])
def test_an_error_about_the_request_itself_is_not_retried(server, tmp_path, pmids, message):
    server.inject("efetch", error_xml=message, times=5)
    result = fetch_all(client(server, tmp_path), pmids)
    assert result.error.reason == f"NCBI error: {message}"
    assert len(server.requests("efetch")) == 1 and result.records == []


def test_backoff_grows_between_tries(server, tmp_path, pmids):
    server.inject("efetch", status=500, times=3)
    fetch_all(client(server, tmp_path, backoff=0.1), pmids)
    arrivals = [r.arrived for r in server.requests("efetch")]
    gaps = [b - a for a, b in zip(arrivals, arrivals[1:])]
    assert gaps[0] >= 0.05 and gaps[2] >= 0.2  # 0.1 s, then 0.2 s, then 0.4 s, each ±50 %


def test_requests_never_exceed_three_in_any_second_by_default(server, tmp_path, corpus):
    entrez = client(server, tmp_path, rate=None, efetch_batch=5)
    list(entrez.efetch(str(p) for p in list(corpus.papers)[:60]))  # 12 batches
    arrivals = sorted(r.arrived for r in server.requests("efetch"))
    assert len(arrivals) == 12
    assert max(sum(1 for t in arrivals if start <= t < start + 1.0) for start in arrivals) <= 3


def test_a_mirror_or_test_server_takes_its_rate_from_the_environment_but_ncbi_keeps_its_limit(monkeypatch):
    unset = Settings.from_env()
    assert (unset.rate, unset.icite_rate) == (None, 3.0)
    monkeypatch.setenv("LITGRAPH_RATE", "40")
    monkeypatch.setenv("LITGRAPH_ICITE_RATE", "9.5")
    assert Settings.from_env().eutils_rate == 3.0  # NCBI's own servers: 3 a second without a key
    mirror = Settings.from_env(eutils_url="http://127.0.0.1:9/eutils")
    assert mirror.eutils_rate == 40.0 and mirror.services["icite"].rate == 9.5
    assert mirror.services["eutils"].in_flight == 24  # twice the rate plus one, but not 81 at once
    monkeypatch.setenv("LITGRAPH_RATE", "1")
    assert Settings.from_env().eutils_rate == 1.0  # lowering it is always allowed


def test_a_rate_from_the_environment_that_is_not_a_positive_number_is_a_one_line_error(tmp_path):
    import subprocess
    import sys

    env = {"PATH": os.environ["PATH"], "LITGRAPH_RATE": "fast", "LITGRAPH_CACHE_DIR": str(tmp_path / "cache")}
    run = subprocess.run([sys.executable, "-m", "litgraph", "build", "12345678", "--offline"], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2
    assert run.stderr == "litgraph: error: LITGRAPH_RATE must be a number of requests per second above 0, not 'fast'\n"


def test_builds_running_at_once_share_the_rate_since_ncbi_counts_per_address(tmp_path):
    """Three `litgraph build` processes with one cache folder, against a server that enforces
    NCBI's 3 requests/s per address: together they stay under it, so nobody gets a 429."""
    data = corpus_gen.generate(1200, seed=5, n_trials=3)
    gc.freeze()  # this process's heap (the whole suite's) not rescanned: a long collection here would
    try:         # stall the server's clock, and the requests it then reads would seem to arrive together
        with FakeNCBI(corpus=data, rate_limit=3, latency=0.1) as server:
            builds = [start_build(server, tmp_path, nct) for nct in data.studies]
            errors = [build.communicate(timeout=180)[1] for build in builds]
    finally:
        gc.unfreeze()
    assert [build.returncode for build in builds] == [0, 0, 0], errors
    eutils = [r for r in server.requests() if r.endpoint in ("efetch", "elink", "esearch")]
    refused = [r.arrived for r in eutils if r.status != 200]
    assert refused == [], [(round(r.arrived - refused[0], 3), r.status) for r in eutils if abs(r.arrived - refused[0]) < 1.5]
    for requests_to in (eutils, server.requests("icite")):  # iCite's limit is shared the same way, apart from NCBI's
        arrivals = [r.arrived for r in requests_to]
        assert max((sum(1 for t in arrivals if start <= t < start + 1.0) for start in arrivals), default=0) <= 3
    assert len(eutils) >= 18  # enough requests of each build to overlap


def test_several_requests_are_in_flight_when_the_server_is_slow(server, tmp_path, corpus):
    server.latency = 0.5
    entrez = client(server, tmp_path, rate=None, efetch_batch=5)
    list(entrez.efetch(str(p) for p in list(corpus.papers)[:30]))  # 6 batches
    records = server.requests("efetch")
    overlapping = sum(1 for a in records for b in records if a is not b and a.arrived < b.arrived < a.completed)
    assert overlapping >= 3


def test_each_request_in_flight_keeps_its_connection(server, tmp_path, corpus, caplog):
    """More requests in flight than urllib3's 10 connections a host: none is opened and thrown away."""
    server.latency = 0.3
    entrez = client(server, tmp_path, in_flight=12, efetch_batch=2)
    with caplog.at_level(logging.WARNING, logger="urllib3"):
        results = list(entrez.efetch(str(p) for p in list(corpus.papers)[:48]))  # 24 batches
    assert len(results) == 24 and not any(result.error for result in results)
    records = server.requests("efetch")
    assert max(sum(1 for b in records if b.arrived <= a.arrived < b.completed) for a in records) > 10
    assert not [record.message for record in caplog.records if "pool is full" in record.message]


def test_offline_answers_from_the_cache_or_says_what_is_not_there(server, tmp_path, pmids):
    fetch_all(client(server, tmp_path), pmids[:10])
    server.clear_log()
    offline = client(server, tmp_path, offline=True)
    assert len(fetch_all(offline, pmids[:10]).records) == 10
    missing = fetch_all(offline, pmids[10:])
    assert isinstance(missing.error, NotCached) and "offline" in missing.error.reason
    assert server.requests() == []


def test_an_unreachable_service_is_reported_once_and_then_left_alone(tmp_path, pmids):
    with FakeNCBI() as stopped:
        url = stopped.eutils_url
    warnings = []
    settings = Settings(eutils_url=url, cache_dir=tmp_path / "cache", **QUICK)
    entrez = Entrez(Http(settings, warn=warnings.append), settings.with_(efetch_batch=10), Memo(tmp_path / "memo"))
    results = list(entrez.efetch(pmids))
    assert len(results) == 3 and all(isinstance(r.error, NotCached) for r in results)
    assert warnings == [f"NCBI E-utilities unreachable at {url}: connection refused; building from the record and the cache"]
    assert entrez.http.counters.network <= settings.workers  # only the attempts already under way


def test_a_host_no_service_owns_is_an_error_and_gets_no_request(server, tmp_path):
    http = Http(settings_for(server, tmp_path))
    with pytest.raises(UnknownService, match="no service is configured for 127.0.0.2:9"):
        http.session.get("http://127.0.0.2:9/entrez/eutils/efetch.fcgi")
    assert http.counters.network == 0 and server.requests() == []


def test_each_service_is_counted_and_limited_on_its_own(server, tmp_path):
    http = Http(settings_for(server, tmp_path, icite_url=f"{server.base_url}/api", ctgov_rate=1.0))
    window = RateLimiter.WINDOW  # a second and the slack kept for arrival jitter
    assert {key: service.limiter.interval for key, service in http.services.items()} == {
        "eutils": window / 50, "ctgov": window, "icite": window / 3}
    nct = next(iter(server.store.studies))
    http.request("ctgov", f"studies/{nct}", {}, what="study")  # under /api/v2, not iCite's /api
    assert http.counters.sent_to == {"ctgov": 1}


def test_a_client_error_is_not_retried(server, tmp_path):
    http = Http(settings_for(server, tmp_path))
    with pytest.raises(FetchError) as error:
        http.request("ctgov", "studies/NCT99999999", {}, what="study")
    assert error.value.status == 404 and "NCT number NCT99999999 not found" in error.value.reason
    assert len(server.requests("ctgov")) == 1


def test_a_rate_limited_build_still_completes(corpus, tmp_path):
    with FakeNCBI(corpus=corpus, rate_limit=3) as server:
        server.inject("elink", status=429, times=2)
        nct = next(iter(corpus.studies))
        settings = settings_for(server, tmp_path, rate=None)
        result = build(nct, settings=settings, max_papers=60)
    assert result.corpus.problems == []
    assert all(r.status != 429 for r in server.requests() if not r.faulted)


def test_a_429_that_echoes_the_api_key_never_repeats_it(server, tmp_path, pmids):
    secret = "feedfacefeedfacefeedfacefeedface1234"
    server.inject("efetch", status=429, times=5)
    result = fetch_all(client(server, tmp_path, api_key=secret, tries=2), pmids)
    assert server.requests("efetch")[0].params["api_key"] == [secret]
    assert result.error.reason.startswith("HTTP 429 (rate limited)") and secret not in str(result.error)


@pytest.mark.parametrize("status", [400, 429, 503])
def test_error_json_that_echoes_the_api_key_is_reported_by_its_error_alone(status):
    answer = requests.models.Response()
    answer.status_code, answer.headers["Content-Type"] = status, "application/json"
    answer._content = b'{"error":"API key invalid","api-key":"0123456789abcdef0123456789abcdef0123","type":"api-key"}'
    reason = _status_problem(answer)
    assert reason.startswith(f"HTTP {status}") and reason.endswith(": API key invalid") and "0123" not in reason
