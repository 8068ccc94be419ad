"""Jobs: requests run on their service's threads, answers read by the thread taking the results."""

import threading
import time

from litgraph.settings import Settings
from litgraph.sources.answers import AnswerFormatError
from litgraph.sources.jobs import Job, run_jobs
from litgraph.sources.net import FetchError


def test_a_request_thread_sends_the_next_request_while_an_answer_is_read():
    events = []

    def fetch(ids):
        events.append(("fetch", ids[0], time.monotonic()))
        return ids[0]

    def read(answer):
        events.append(("read", answer, time.monotonic(), threading.current_thread()))
        time.sleep(0.3)  # a large answer being parsed
        return [answer]

    jobs = [Job("efetch", [str(n)], fetch, read) for n in range(3)]
    results = list(run_jobs(jobs, Settings(in_flight=1)))  # one request thread
    assert sorted(record for result in results for record in result.records) == ["0", "1", "2"]
    fetches = [time for kind, _, time, *_ in events if kind == "fetch"]
    first_read = next(time for kind, _, time, *_ in events if kind == "read")
    assert max(fetches) < first_read + 0.3  # every request was sent before the first answer was read
    assert {thread for kind, *_, thread in (e for e in events if e[0] == "read")} == {threading.current_thread()}


def test_a_failed_request_or_an_unreadable_answer_is_the_batch_s_error():
    def refused(ids):
        raise FetchError("efetch PMID 1", "connection refused")

    def unreadable(answer):
        raise AnswerFormatError("not XML")

    failed, garbled = (next(run_jobs([job], Settings())) for job in (
        Job("efetch", ["1"], refused), Job("efetch", ["2"], lambda ids: b"<html>", unreadable)))
    assert (failed.records, failed.error.reason) == ([], "connection refused")
    assert (garbled.records, garbled.error.what, garbled.error.reason) == ([], "efetch PMID 2", "not XML")
