"""A build killed at any moment and started again makes only the requests it had not completed."""

from __future__ import annotations

import signal
import time

import corpus as corpus_gen
from conftest import start_build, wait_for_completed
from fake_ncbi import FakeNCBI

IDENTITY = ("tool", "email", "api_key")


def request_key(record) -> tuple:
    params = {name: values for name, values in record.params.items() if name not in IDENTITY}
    return record.method, record.endpoint, tuple(sorted((k, tuple(v)) for k, v in params.items()))


def test_a_killed_build_resumes_without_repeating_completed_requests(tmp_path):
    data = corpus_gen.generate(800, seed=11, n_trials=1)
    nct = next(iter(data.studies))
    with FakeNCBI(corpus=data, latency=0.6) as server:
        first = start_build(server, tmp_path, nct)
        wait_for_completed(server, 4)  # the registry record and the seeds' wave, then one more
        first.send_signal(signal.SIGKILL)
        first.wait()
        killed_at = time.monotonic()
        answered = {request_key(r) for r in server.requests() if r.status == 200}
        stored = {request_key(r) for r in server.requests()  # surely in the cache by the time of the kill
                  if r.status == 200 and r.completed < killed_at - 0.3}
        server.clear_log()

        second = start_build(server, tmp_path, nct)
        out, err = second.communicate(timeout=120)
        assert second.returncode == 0, err
        resumed = [request_key(r) for r in server.requests()]
        server.clear_log()

        (tmp_path / "fresh").mkdir()
        fresh = start_build(server, tmp_path / "fresh", nct)
        fresh.communicate(timeout=120)
        uninterrupted = {request_key(r) for r in server.requests()}

    assert not stored & set(resumed), "a request completed before the kill was made again"
    assert len(set(resumed)) == len(resumed), "nothing is fetched twice within a run"
    assert answered | set(resumed) == uninterrupted
    assert 0 < len(resumed) < len(uninterrupted)
