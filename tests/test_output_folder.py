"""A build's folder holds one whole set of files: a rebuild replaces the set, or, killed or failing
(a full disk), leaves the old one whole; the folder is checked before anything is fetched."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import EXAMPLE, GUARD_SITE, service_env
from fake_ncbi import FakeNCBI
from litgraph import InputError, Settings, build
from litgraph.cli import main
from litgraph.outputs import export


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    """The built-in example, built offline from its record (quick: no request is made)."""
    return build(str(EXAMPLE), offline=True, warn=lambda _: None,
                 settings=Settings(cache_dir=tmp_path_factory.mktemp("cache")))


def contents(folder: Path) -> dict[str, str]:
    """Every file under the folder (relative path -> digest of its bytes)."""
    return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def but_when(folder: Path) -> dict[str, str]:
    """`contents` but the two files that say when the set was written (summary.json, index.html)."""
    return {name: digest for name, digest in contents(folder).items() if name not in ("summary.json", "index.html")}


def described(folder: Path) -> set[str]:
    return set(json.loads((folder / "summary.json").read_text())["files"]) | {"summary.json"}


def beside(folder: Path) -> list[str]:
    """What else is in the folder holding it but the cache: leftovers of a build would show here."""
    return sorted(path.name for path in folder.parent.iterdir() if path not in (folder, folder.parent / "cache"))


def test_a_rebuild_replaces_the_set_and_keeps_the_users_own_files(example, tmp_path):
    out = tmp_path / "out"
    example.write(out, formats=("html", "graphml"))
    (out / "notes.txt").write_text("my reading list")
    (out / "mine").mkdir()
    (out / "mine" / "recent.graphml").write_text("<graphml/>")
    example.write(out, formats=("json",))
    names = {path.name for path in out.iterdir()}
    assert "paper.json" in names and not any(name.endswith((".html", ".graphml"))
                                             for name in names - {"index.html", "candidates.html"})
    assert names == described(out) | {"notes.txt", "mine"}
    assert (out / "notes.txt").read_text() == "my reading list"
    assert (out / "mine" / "recent.graphml").read_text() == "<graphml/>"
    assert beside(out) == []


def test_a_full_disk_leaves_the_previous_set_whole(example, tmp_path, monkeypatch, capsys):
    out = tmp_path / "out"
    example.write(out, formats=("json",))
    before = contents(out)

    def disk_full(graph, path):
        Path(path).write_text("<gexf half written")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setitem(export.GRAPH_WRITERS, "gexf", (".gexf", disk_full))
    with pytest.raises(OSError) as raised:
        example.write(out, formats=("json", "gexf"))
    assert raised.value.errno == errno.ENOSPC
    assert contents(out) == before and beside(out) == []
    assert main(["build", str(EXAMPLE), "--offline", "--out", str(out), "--format", "json,gexf", "--quiet"]) == 1
    assert capsys.readouterr().err.strip().splitlines()[-1].startswith("litgraph: error: OSError: [Errno 28]")
    assert contents(out) == before and beside(out) == []


def test_a_folder_litgraph_did_not_write_is_refused_untouched(example, tmp_path):
    (tmp_path / "project").mkdir()
    (tmp_path / "project" / "thesis.tex").write_text("\\documentclass{article}")
    with pytest.raises(InputError, match="holds files but no summary.json of a build"):
        example.write(tmp_path / "project", formats=("json",))
    assert contents(tmp_path / "project") == {"thesis.tex": hashlib.sha256(b"\\documentclass{article}").hexdigest()}


def test_writing_into_the_current_folder_keeps_the_process_there(example, tmp_path, monkeypatch):
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    example.write(".", formats=("json",))
    example.write(".", formats=("json",))  # the second replaces the folder the process works in
    assert Path.cwd() == here and Path("summary.json").is_file()


def test_an_unknown_format_is_the_same_input_error_in_the_library_and_the_command(example, tmp_path, capsys):
    with pytest.raises(InputError) as raised:
        example.write(tmp_path / "out", formats=("pdf",))
    assert main(["build", str(EXAMPLE), "--offline", "--format", "pdf"]) == 2
    assert capsys.readouterr().err.strip() == f"litgraph: error: {raised.value}"
    assert str(raised.value).startswith("unknown format 'pdf': choose from html, fragment, svg")
    assert not (tmp_path / "out").exists()


@pytest.fixture
def server(two_trials):
    with FakeNCBI(corpus=two_trials) as fake:
        yield fake


def litgraph_command(server, tmp_path: Path, *args: str) -> dict:
    env = {**service_env(server), "LITGRAPH_CACHE_DIR": str(tmp_path / "cache"), "PYTHONPATH": str(GUARD_SITE), "PATH": os.environ["PATH"]}
    """subprocess arguments: the command against the fake server, guarded, in tmp_path."""
    return {"args": [sys.executable, "-m", "litgraph", "build", *args, "--quiet"], "cwd": tmp_path, "env": env}


def test_a_rebuild_killed_while_writing_leaves_the_previous_set_whole(server, two_trials, tmp_path):
    nct = next(iter(two_trials.studies))
    out = tmp_path / "out"
    first = litgraph_command(server, tmp_path, nct, "--max-papers", "200", "--out", str(out), "--format", "json")
    subprocess.run(**first, check=True, capture_output=True, timeout=120)
    before = contents(out)
    written_at = max(path.stat().st_mtime_ns for path in out.iterdir())

    larger = litgraph_command(server, tmp_path, nct, "--depth", "2", "--max-papers", "600", "--out", str(out),
                              "--format", "html,json,graphml,gexf")
    rebuild = subprocess.Popen(**larger, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not written_since(tmp_path, written_at):
        assert rebuild.poll() is None and time.monotonic() < deadline, "the rebuild ended before it was writing"
        time.sleep(0.005)
    rebuild.send_signal(signal.SIGKILL)
    assert rebuild.wait() == -signal.SIGKILL

    assert contents(out) == before and described(out) == set(before)
    assert [name.split("-")[0] for name in beside(out)] == ["out.partial"]  # the half-written set

    subprocess.run(**larger, check=True, capture_output=True, timeout=180)
    assert described(out) == {path.name for path in out.iterdir()} and "paper.gexf" in described(out)
    assert beside(out) == []  # the next build removed what the killed one left


def written_since(folder: Path, since_ns: int) -> bool:
    """Whether a file in out/ or a set being written beside it (out.partial-…) is newer than `since_ns`."""
    try:
        return any(path.is_file() and path.stat().st_mtime_ns > since_ns for path in folder.glob("out*/*"))
    except FileNotFoundError:  # a folder the build removed or swapped in just then
        return False


def bad_out_folders(tmp_path: Path) -> list[tuple[Path, str]]:
    a_file = tmp_path / "a-file.txt"
    a_file.write_text("not a folder")
    return [(a_file, "a file, not a folder"), (a_file / "out", "a-file.txt is a file, not a folder"),
            (Path("/proc/litgraph-out"), "cannot make a folder in /proc")]


def test_an_unusable_out_folder_is_one_line_before_any_request(server, two_trials, tmp_path):
    nct = next(iter(two_trials.studies))
    for out, message in bad_out_folders(tmp_path):
        run = subprocess.run(**litgraph_command(server, tmp_path, nct, "--out", str(out)),
                             capture_output=True, text=True, timeout=60)
        assert run.returncode == 2 and run.stderr.startswith("litgraph: error: ") and message in run.stderr
        assert len(run.stderr.strip().splitlines()) == 1
    assert server.requests() == []


def test_the_screening_files_written_on_the_other_core_are_the_ones_written_here(example, tmp_path, monkeypatch):
    from litgraph import api

    example.write(tmp_path / "here", formats=("json",))
    monkeypatch.setattr(api, "ASIDE_CANDIDATES", 0)  # the example's candidates are few: written aside all the same
    example.write(tmp_path / "aside", formats=("json",))
    here = contents(tmp_path / "here")
    assert [name for name in here if name.startswith("candidates")] == ["candidates.csv", "candidates.html",
                                                                          "candidates.json", "candidates.nbib",
                                                                          "candidates.ris"]
    assert but_when(tmp_path / "aside") == but_when(tmp_path / "here")
    assert described(tmp_path / "aside") == described(tmp_path / "here")


def test_what_the_files_written_aside_say_is_said_by_the_build(example, tmp_path):
    from litgraph.outputs import write_outputs

    def extra(folder: Path, say) -> list[Path]:
        (folder / "aside.txt").write_text(str(os.getpid()))
        say("aside.txt: split into 2 files")
        return [folder / "aside.txt"]

    said = []
    write_outputs(example.graphs, example.summary(), tmp_path / "out", ("json",), extra, say=said.append,
                  extra_aside=True)
    assert int((tmp_path / "out" / "aside.txt").read_text()) != os.getpid()
    assert said == ["aside.txt: split into 2 files"]
    assert "aside.txt" in described(tmp_path / "out")


def test_the_graph_files_written_on_the_other_core_are_the_ones_written_here(example, tmp_path, monkeypatch):
    """A large graph is laid out here and its files written by a child while the next graphs are
    written here: byte for byte the files one process writes, listed in the same order."""
    import litgraph.outputs as outputs
    from litgraph.progress import Progress

    class Stages(Progress):
        def __init__(self):
            self.said = []

        def stage(self, what):
            self.said.append(what)

    example.write(tmp_path / "here", formats=("html", "json", "svg"))
    monkeypatch.setattr(outputs, "ASIDE_NODES", 1)  # every graph is large enough; one child at a time
    stages = Stages()
    example.write(tmp_path / "aside", formats=("html", "json", "svg"), progress=stages)
    assert stages.said[0].endswith("nodes) on the other core") and stages.said[0].startswith("writing the combined")
    assert any("on the other core" not in stage for stage in stages.said if stage.startswith("writing the "))
    assert but_when(tmp_path / "aside") == but_when(tmp_path / "here")
    assert json.loads((tmp_path / "aside" / "summary.json").read_text())["files"] == \
        json.loads((tmp_path / "here" / "summary.json").read_text())["files"]


def test_a_graph_whose_child_fails_is_written_here(example, tmp_path, monkeypatch):
    import litgraph.outputs as outputs

    example.write(tmp_path / "here", formats=("json",))
    monkeypatch.setattr(outputs, "ASIDE_NODES", 1)
    parent = os.getpid()
    write_graph = outputs.write_graph

    def fails_in_a_child(*args):
        if os.getpid() != parent:
            raise OSError("no space left on device")
        return write_graph(*args)

    monkeypatch.setattr(outputs, "write_graph", fails_in_a_child)
    example.write(tmp_path / "aside", formats=("json",))
    assert but_when(tmp_path / "aside") == but_when(tmp_path / "here")
