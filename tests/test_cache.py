"""The cache folder is a convenience: a corrupt, unusable or vanished cache never stops a build or
loses an answer without saying so."""

from __future__ import annotations

import contextlib
import json
import shutil
import sqlite3
import time
import zlib

from conftest import settings_for, start_build, wait_for_completed
from fake_ncbi import FakeNCBI
from litgraph import build


def build_trial(corpus, settings, warnings=None):
    return build(next(iter(corpus.studies)), max_papers=100, settings=settings,
                 warn=(warnings if warnings is not None else []).append)


def cut_in_half(path):
    body = path.read_bytes()
    path.write_bytes(body[: len(body) // 2])


def test_a_truncated_memo_is_discarded_with_a_warning_and_rebuilt(two_trials, trials_server, tmp_path):
    settings = settings_for(trials_server, tmp_path)
    cold = build_trial(two_trials, settings)
    memo = settings.cache_dir / "derived.sqlite"
    cut_in_half(memo)
    warnings = []
    rebuilt = build_trial(two_trials, settings, warnings)
    assert [w for w in warnings if "derived.sqlite" in w] == [
        f"{memo} is unreadable (database disk image is malformed): discarded; what it remembered is "
        "worked out again"]
    assert rebuilt.requests["network"] == 0  # the HTTP cache is untouched
    assert rebuilt.graphs["paper"].number_of_nodes() == cold.graphs["paper"].number_of_nodes()
    again = []
    build_trial(two_trials, settings, again)
    assert not [w for w in again if "derived.sqlite" in w]  # a new memo was written


def test_a_corrupt_http_cache_is_moved_aside_named_and_started_afresh(two_trials, trials_server, tmp_path):
    settings = settings_for(trials_server, tmp_path)
    cold = build_trial(two_trials, settings)
    http_cache = settings.cache_dir / "http_cache.sqlite"
    http_cache.write_bytes(b"not a database " * 100)
    warnings = []
    rebuilt = build_trial(two_trials, settings, warnings)
    [aside] = settings.cache_dir.glob("http_cache.sqlite.corrupt-*")
    assert aside.read_bytes() == b"not a database " * 100
    assert [w for w in warnings if "http_cache" in w] == [
        f"{http_cache} is unreadable (file is not a database): moved to {aside.name}; a new HTTP cache is started"]
    assert rebuilt.requests["network"] == cold.requests["network"]  # everything fetched again, nothing lost
    assert build_trial(two_trials, settings).requests["network"] == 0  # and cached again


def test_answers_are_cached_compressed_and_a_cache_of_earlier_versions_is_still_read(two_trials, trials_server,
                                                                                      tmp_path):
    settings = settings_for(trials_server, tmp_path)
    cold = build_trial(two_trials, settings)
    with contextlib.closing(sqlite3.connect(settings.cache_dir / "http_cache.sqlite")) as db:
        stored = db.execute("SELECT key, value FROM responses").fetchall()
        assert len(stored) == cold.requests["network"] and all(zlib.decompress(value) for _, value in stored)
        with db:  # each answer as earlier versions stored it: the pickle, uncompressed
            db.executemany("UPDATE responses SET value = ? WHERE key = ?",
                           [(zlib.decompress(value), key) for key, value in stored])
    rebuilt = build_trial(two_trials, settings)
    assert rebuilt.requests["network"] == 0
    assert list(rebuilt.graphs["combined"].edges(data=True)) == list(cold.graphs["combined"].edges(data=True))


def test_an_unusable_cache_folder_means_one_warning_and_a_build_without_a_cache(two_trials, trials_server, tmp_path):
    """The tests run as root, whom neither chmod nor a read-only mode stops from writing, so the
    folder is made truly unusable: its parent is a regular file, and no one can create a folder
    inside a file."""
    (tmp_path / "a-file").write_text("not a folder")
    settings = settings_for(trials_server, tmp_path).with_(cache_dir=tmp_path / "a-file" / "cache")
    warnings = []
    result = build_trial(two_trials, settings, warnings)
    assert [w for w in warnings if "cache" in w] == [
        f"cache folder {settings.cache_dir} cannot be used (Not a directory): building without a cache, so "
        "nothing is kept for the next run and the rate limit is not shared with other litgraph processes"]
    assert result.corpus.problems == [] and result.graphs["paper"].number_of_nodes() == 100
    assert result.requests["network"] == result.requests["minimum"]  # within the run, nothing is fetched twice


def test_a_cache_deleted_during_a_build_is_started_again_and_the_build_loses_nothing(two_trials, tmp_path):
    with FakeNCBI(corpus=two_trials, latency=0.5) as server:
        (tmp_path / "whole").mkdir()
        whole = start_build(server, tmp_path / "whole", next(iter(two_trials.studies)))
        assert whole.wait(timeout=120) == 0
        all_requests = len(server.requests())
        server.clear_log()

        interrupted = start_build(server, tmp_path, next(iter(two_trials.studies)))
        wait_for_completed(server, 3)  # the registry record, the [si] search, the seeds
        shutil.rmtree(tmp_path / "cache")
        deleted_at = time.monotonic()
        _, err = interrupted.communicate(timeout=120)
        assert interrupted.returncode == 0, err
        later = [r for r in server.requests() if r.arrived > deleted_at + 0.3]
        server.clear_log()

        rerun = start_build(server, tmp_path, next(iter(two_trials.studies)))
        assert rerun.wait(timeout=120) == 0
        repeated = server.requests()

    assert f"{tmp_path / 'cache' / 'http_cache.sqlite'} was removed during the build" in err
    summary = json.loads(next((tmp_path / "output").glob("*/summary.json")).read_text())
    whole_summary = json.loads(next((tmp_path / "whole" / "output").glob("*/summary.json")).read_text())
    assert summary["counts"] == whole_summary["counts"]
    assert later and len(repeated) <= all_requests - len(later)  # what came after the deletion was kept
