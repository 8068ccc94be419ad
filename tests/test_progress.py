"""The progress line: what it shows while a build runs, and when it stays out of the way."""

from __future__ import annotations

import io

import corpus as corpus_gen
from conftest import settings_for
from fake_ncbi import FakeNCBI
from litgraph import Settings, build
from litgraph.progress import TerminalProgress


def test_the_line_shows_level_requests_papers_and_an_eta():
    stream = io.StringIO()
    progress = TerminalProgress(stream)
    progress.wave(1, 2, requests=4)
    progress.drawn_at = 0.0  # let the next event redraw at once
    progress.advance(papers=120)
    shown = stream.getvalue().split("\r")[-1]
    assert shown.startswith("litgraph: level 1/2 · requests 1/4 · 120 papers · ETA ")
    progress.finish()
    assert stream.getvalue().endswith("\r")  # the line is wiped, leaving the terminal clean


def test_a_build_reports_every_request_to_its_progress(tmp_path):
    events = []

    class Recorder(TerminalProgress):
        def wave(self, depth, max_depth, requests):
            events.append(("wave", depth, requests))

        def advance(self, papers):
            events.append(("advance", papers))

    data = corpus_gen.generate(300, seed=5, n_trials=1)
    with FakeNCBI(corpus=data) as server:
        settings = settings_for(server, tmp_path)
        build(next(iter(data.studies)), depth=1, max_papers=80, settings=settings, progress=Recorder())
        requests = sum(len(server.requests(call)) for call in ("efetch", "elink", "icite"))
    waves = [event for event in events if event[0] == "wave"]
    assert [depth for _, depth, _ in waves] == [0, 1]
    assert sum(planned for *_, planned in waves) == requests == sum(1 for e in events if e[0] == "advance")
    assert events[-1] == ("advance", 80)


def test_no_progress_line_when_stderr_is_not_a_terminal(tmp_path, capsys):
    from litgraph.cli import main
    from conftest import EXAMPLE

    main(["build", str(EXAMPLE), "--offline", "--format", "json"])
    assert "level 0/1" not in capsys.readouterr().err


def test_after_the_fetching_the_line_says_each_stage_under_way(tmp_path):
    from conftest import EXAMPLE

    stages = []

    class Recorder(TerminalProgress):
        def stage(self, what):
            stages.append(what)
            super().stage(what)

    stream = io.StringIO()
    progress = Recorder(stream)
    result = build(str(EXAMPLE), offline=True, settings=Settings(cache_dir=tmp_path / "cache"), progress=progress,
                   warn=lambda _: None)
    result.write(tmp_path / "out", ("html", "json"), progress)
    assert stages[0] == "building the graphs of 10 papers and their metrics"
    writing = stages[1:-2]
    assert len(writing) == len(result.graphs) and writing[0].startswith("writing the combined graph (1 of ")
    assert stages[-2:] == ["writing the candidates for screening", "writing the index"]
    assert stream.getvalue().split("\r")[-1].rstrip() == "litgraph: writing the index…"
    progress.clear()
    assert stream.getvalue().endswith("\r")
