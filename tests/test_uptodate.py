"""The same build asked again finds its folder up to date: nothing is fetched, built or written, in
a fraction of a second, for as long as what it was made from would be read again unchanged."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from conftest import service_env, settings_for
from fake_ncbi import FakeNCBI
from litgraph import Settings, build, up_to_date
from litgraph.cli import main


@pytest.fixture
def server(two_trials):
    with FakeNCBI(corpus=two_trials) as fake:
        yield fake


@pytest.fixture
def cli_env(server, tmp_path, monkeypatch):
    for name, value in {**service_env(server), "LITGRAPH_CACHE_DIR": str(tmp_path / "cache")}.items():
        monkeypatch.setenv(name, value)
    settings_from_env(monkeypatch, rate=50.0, backoff=0.01)  # keep the tests quick
    return server


def settings_from_env(monkeypatch, **changes) -> None:
    """The command line's settings (from the environment), with these changes."""
    read = Settings.from_env.__func__
    monkeypatch.setattr(Settings, "from_env", classmethod(lambda cls, **overrides: read(cls, **{**changes, **overrides})))


@pytest.fixture
def seeds(two_trials, tmp_path) -> Path:
    listing = tmp_path / "seeds.txt"
    listing.write_text("\n".join(str(pmid) for pmid in list(two_trials.papers)[:20]) + "\n")
    return listing


def stamps(folder: Path) -> dict[str, tuple[int, int]]:
    return {file.name: (file.stat().st_size, file.stat().st_mtime_ns) for file in folder.iterdir()}


def build_cli(seeds: Path, *extra: str) -> list[str]:
    return ["build", str(seeds), "--depth", "1", "--max-papers", "150", "--out", "out", "--format", "html,json", *extra]


def test_a_rerun_finds_its_folder_up_to_date_and_fetches_and_writes_nothing(cli_env, seeds, tmp_path, capsys):
    assert main(build_cli(seeds)) == 0
    first = capsys.readouterr().out
    before, asked = stamps(tmp_path / "out"), len(cli_env.requests())

    assert main(build_cli(seeds)) == 0

    again = capsys.readouterr().out
    assert "out/ is up to date: built " in again and "nothing fetched or written (--force builds it again)" in again
    assert again.splitlines()[0] == first.splitlines()[0]  # the same headline, and the same tables
    assert again.split("\n\n", 1)[1] == first.split("\n\n", 1)[1]
    assert len(cli_env.requests()) == asked
    assert stamps(tmp_path / "out") == before
    assert not (tmp_path / "out" / "changes.json").exists()  # no rebuild happened to compare


def test_force_builds_and_writes_again(cli_env, seeds, tmp_path, capsys):
    assert main(build_cli(seeds)) == 0
    assert main(build_cli(seeds, "--force")) == 0
    assert "wrote " in capsys.readouterr().out
    assert (tmp_path / "out" / "changes.json").exists()


@pytest.mark.parametrize("change", ["other formats", "another folder", "other limits", "an edited input file",
                                    "a deleted file", "an edited file", "another litgraph"])
def test_any_change_to_what_it_is_made_from_builds_again(change, cli_env, seeds, tmp_path, capsys, monkeypatch):
    assert main(build_cli(seeds)) == 0
    args = build_cli(seeds)
    if change == "other formats":
        args = build_cli(seeds, "--format", "json")
    elif change == "another folder":
        args = build_cli(seeds, "--out", "elsewhere")
    elif change == "other limits":
        args = build_cli(seeds, "--max-papers", "140")
    elif change == "an edited input file":
        seeds.write_text(seeds.read_text() + "\n")
    elif change == "a deleted file":
        (tmp_path / "out" / "paper.json").unlink()
    elif change == "an edited file":
        with open(tmp_path / "out" / "summary.json", "a") as summary:
            summary.write(" ")
    else:
        monkeypatch.setattr("litgraph.uptodate.code_fingerprint", lambda: b"an edited litgraph")
    capsys.readouterr()

    assert main(args) == 0

    assert "wrote " in capsys.readouterr().out
    assert (tmp_path / ("elsewhere" if change == "another folder" else "out") / "paper.json").exists()


def test_answers_expired_or_gone_from_the_cache_build_again(cli_env, seeds, tmp_path, capsys, monkeypatch):
    settings_from_env(monkeypatch, links_cache_days=1.5 / 86400)  # elink's answers kept 1.5 s
    assert main(build_cli(seeds)) == 0
    assert main(build_cli(seeds)) == 0
    assert "is up to date" in capsys.readouterr().out
    time.sleep(1.6)
    asked = len(cli_env.requests("elink"))

    assert main(build_cli(seeds)) == 0

    assert "wrote " in capsys.readouterr().out
    assert len(cli_env.requests("elink")) > asked
    settings_from_env(monkeypatch, links_cache_days=7.0)
    assert main(build_cli(seeds, "--force")) == 0
    for file in (tmp_path / "cache").glob("http_cache.sqlite*"):
        file.unlink()
    capsys.readouterr()

    assert main(build_cli(seeds)) == 0

    assert "wrote " in capsys.readouterr().out


def test_a_build_that_missed_answers_is_never_up_to_date(cli_env, seeds, tmp_path, capsys):
    cli_env.inject("elink", status=500, times=Settings.tries)  # one request, every try
    assert main(build_cli(seeds)) == 0
    assert "elink" in capsys.readouterr().err
    assert not cli_env.pending_faults()
    asked = len(cli_env.requests())

    assert main(build_cli(seeds)) == 0

    assert "wrote " in capsys.readouterr().out
    assert len(cli_env.requests()) > asked


def test_its_warnings_are_given_again(cli_env, seeds, capsys):
    seeds.write_text(seeds.read_text() + "99999999\n")  # a PMID PubMed has no record of
    assert main(build_cli(seeds)) == 0
    warned = capsys.readouterr().err
    assert "PubMed returned no record for 1 PMID(s): 99999999" in warned

    assert main(build_cli(seeds)) == 0

    assert capsys.readouterr().err == warned


def test_a_script_asks_the_library_the_same(server, seeds, tmp_path):
    settings = settings_for(server, tmp_path)
    options = dict(depth=1, max_papers=150, settings=settings)
    assert up_to_date(str(seeds), **options, formats=("json",), folder=tmp_path / "mine") is None
    build(str(seeds), **options).write(tmp_path / "mine", formats=("json",))

    found = up_to_date(str(seeds), **options, formats=("json",), folder=tmp_path / "mine")

    assert found is not None and Path(found.folder) == (tmp_path / "mine").resolve()
    assert {"paper.json", "summary.json", "index.html"} <= set(found.files)
    assert up_to_date(str(seeds), **options, formats=("json",)) is None  # its own folder under output/: never written
