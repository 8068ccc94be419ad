"""Files a build leaves behind: an HTML page, an SVG image, a fragment to embed and data files
per graph, and index.html (the entry point linking them) and summary.json.

A build's files are one set. They are written into a sibling folder, `<folder>.partial-<random>`,
which then takes the folder's place by renames, so a build that is killed or fails (a full disk)
leaves the folder's previous set whole, never a mix. Files of the user's in a folder litgraph wrote
(notes, a graph written by a script) are carried into the new set; litgraph refuses to replace
a folder that holds files but no summary.json of a build.

`show(graph)` displays a graph inline in a notebook.
"""

from __future__ import annotations

import glob
import json
import logging
import os
import secrets
import shutil
import tempfile
from functools import partial
from pathlib import Path
from typing import Any, Callable

import networkx as nx

from ..collector import collector_paused
from ..contract import DEFAULT_ROOT, INDEX, PAGE_FORMATS, SUMMARY, check_formats
from ..forked import Forked, other_core
from ..progress import Progress
from ..sources.inputs import InputError
from .export import write_graph
from .prepared import PreparedGraph, SharedWork


PAGE_SUFFIXES = {"html": ".html", "fragment": ".fragment.html", "svg": ".svg"}
# Graphs this large have their files written on the other core once laid out: a child costs a
# fraction of a second to start, and writing a 100,000-node graph's page and JSON takes 15 s.
ASIDE_NODES = 20_000
PARTIAL = ".partial-"  # <folder>.partial-<random>: the new set being written
REPLACED = ".replaced-"  # <folder>.replaced-<random>: the old set, moved aside while the new one moves in


def check_folder(folder: Path | None) -> None:
    """InputError unless a build can go into `folder` (None: a new folder under output/): a new
    folder, an empty one or one a build wrote, beside which new folders can be made. Cheap, so
    the command checks before it fetches anything."""
    if folder is None:
        _check_writable(DEFAULT_ROOT, DEFAULT_ROOT)
        return
    path = Path(os.path.abspath(folder))  # "." and ".." have a parent too
    if path.exists() and not path.is_dir():
        raise InputError(f"{folder}: a file, not a folder")
    if path.is_dir():
        if os.path.ismount(path):
            raise InputError(f"{folder}: a mount point, which a build cannot replace; give a folder inside it")
        if _files_of_build(path) is None and any(path.iterdir()):
            raise InputError(f"{folder}: holds files but no summary.json of a build; "
                             "give a new or empty folder, or one litgraph wrote")
    _check_writable(path.parent, folder)


def _check_writable(place: Path, folder: Path) -> None:
    existing = next(path for path in (place, *place.parents) if path.exists())
    if not existing.is_dir():
        raise InputError(f"{folder}: {existing} is a file, not a folder")
    try:
        os.rmdir(tempfile.mkdtemp(prefix=".litgraph-check-", dir=existing))
    except OSError as error:
        raise InputError(f"{folder}: cannot make a folder in {existing} ({error.strerror})") from None


def _files_of_build(folder: Path) -> set[str] | None:
    """The names a build wrote into `folder`, as its summary.json lists them; None without one."""
    try:
        return {*json.loads((folder / SUMMARY).read_text(encoding="utf-8"))["files"], SUMMARY}
    except (OSError, ValueError, KeyError, TypeError):
        return None


Extra = Callable[[Path, Callable[[str], None]], list[Path]]  # writes files into a folder, saying what it must


def write_outputs(graphs: dict[str, nx.Graph], summary: dict[str, Any], folder: Path,
                  formats: tuple[str, ...], extra: Extra | None = None, progress: Progress | None = None,
                  say: Callable[[str], None] | None = None, extra_aside: bool = False) -> list[Path]:
    """Every graph in every format, what `extra(new folder, say)` writes (the screening files),
    then index.html and summary.json (`summary` and the files written) listing them, swapped into
    `folder` as one set; returns the files. With `extra_aside`, `extra` runs in a child process
    on another core while this one writes the graphs (see litgraph.forked); what it says is said
    here once it is done."""
    formats = check_formats(formats)
    target = Path(folder).resolve()
    check_folder(target)
    _tidy(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(6)
    new = target.with_name(f"{target.name}{PARTIAL}{token}")
    new.mkdir()
    screening = None
    try:
        if target.is_dir():
            shutil.copymode(target, new)
        screening = Forked(_saying, extra, new, fork=extra_aside) if extra else None
        names = _write_set(graphs, dict(summary), new, formats, screening, progress or Progress(),
                           say or logging.getLogger("litgraph").warning)
        _carry_over(target, new, set(names))
        _swap_in(new, target, target.with_name(f"{target.name}{REPLACED}{token}"))
    except BaseException:
        if screening:
            screening.cancel()
        shutil.rmtree(new, ignore_errors=True)
        raise
    return [Path(folder) / name for name in names]


def _write_set(graphs: dict[str, nx.Graph], summary: dict[str, Any], folder: Path, formats: tuple[str, ...],
               screening: Forked | None, progress: Progress, say: Callable[[str], None]) -> list[str]:
    files = _write_graphs(graphs, folder, formats, progress)
    if screening:
        progress.stage("writing the candidates for screening")
        written, said = screening.result()
        files += written
        for message in said:
            say(message)
    from .index import write_index  # jinja loads only when files are written

    progress.stage("writing the index")
    files += write_index(folder / INDEX, summary, [file.name for file in files] + [SUMMARY])
    summary["files"] = [file.name for file in files]
    (folder / SUMMARY).write_text(json.dumps(summary, indent=2, ensure_ascii=False), encoding="utf-8")
    return summary["files"] + [SUMMARY]


def _write_graphs(graphs: dict[str, nx.Graph], folder: Path, formats: tuple[str, ...], progress: Progress) -> list[Path]:
    """Every graph's files, the largest graph first. A graph of ASIDE_NODES nodes or more is laid
    out here (the graphs after it settle from its layout), then its files are written by a child
    process on the other core (litgraph.forked) while this one goes on to the next graphs; one
    such child at a time. The files are listed in the graphs' order whoever wrote them."""
    written: dict[str, list[Path] | Forked] = {}
    shared = SharedWork()
    try:
        with collector_paused():
            for number, (name, graph) in enumerate(_largest_first(graphs), 1):
                item = PreparedGraph(graph, shared)
                forking = (graph.number_of_nodes() >= ASIDE_NODES and other_core()
                           and all(files.ready() for files in written.values() if isinstance(files, Forked)))
                beside = " on the other core" if forking else ""
                progress.stage(f"writing the {name} graph ({number} of {len(graphs)}: "
                               f"{graph.number_of_nodes():,} nodes){beside}")
                if not forking:
                    written[name] = _graph_files(item, folder, name, formats)
                    continue
                if any(fmt in formats for fmt in PAGE_FORMATS):
                    item.positions  # noqa: B018 (laid out here, in the frame the next graphs share)
                written[name] = Forked(_graph_files, item, folder, name, formats)
            for name, files in written.items():
                if isinstance(files, Forked):
                    if not files.ready():
                        progress.stage(f"finishing the {name} graph's files")
                    written[name] = files.result()
    except BaseException:
        for files in written.values():
            if isinstance(files, Forked):
                files.cancel()
        raise
    return [path for files in written.values() for path in files]


def _graph_files(graph: PreparedGraph, folder: Path, name: str, formats: tuple[str, ...]) -> list[Path]:
    """Every file of one graph in `formats`: its pages, then its data files."""
    return write_pages(graph, folder, name, formats) + write_graph(graph, folder, name, formats)


def _saying(extra: Extra, folder: Path) -> tuple[list[Path], list[str]]:
    """The files `extra` wrote and what it said, to be said by the process that asked for them."""
    said: list[str] = []
    return extra(folder, said.append), said


def _tidy(target: Path) -> None:
    """Remove what a killed build left beside the folder; if it was killed between the two renames
    of a swap, the old set goes back first."""
    pattern = glob.escape(target.name)
    replaced = sorted(target.parent.glob(f"{pattern}{REPLACED}*"))
    if replaced and not os.path.lexists(target):
        replaced.pop().rename(target)
    for leftover in replaced + sorted(target.parent.glob(f"{pattern}{PARTIAL}*")):
        shutil.rmtree(leftover, ignore_errors=True)


def _carry_over(old: Path, new: Path, written: set[str]) -> None:
    """The user's own files in the old set (any not listed in its summary.json), hard-linked into
    the new one (copied where a link cannot go); a file named as one just written is replaced."""
    if not old.is_dir():
        return
    litgraphs = (_files_of_build(old) or set()) | written
    for entry in sorted(old.iterdir()):
        if entry.name in litgraphs:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.copytree(entry, new / entry.name, symlinks=True, copy_function=_link_or_copy)
        else:
            _link_or_copy(entry, new / entry.name)


def _link_or_copy(source: str | Path, destination: str | Path) -> None:
    try:
        os.link(source, destination, follow_symlinks=False)
    except OSError:
        shutil.copy2(source, destination, follow_symlinks=False)


def _swap_in(new: Path, target: Path, aside: Path) -> None:
    """`new` becomes `target`: the old folder is renamed aside, the new one renamed in, the old one
    removed. A process working inside the folder keeps its place (the same path, in the new set)."""
    cwd = Path.cwd()
    if os.path.lexists(target):
        target.rename(aside)
        try:
            new.rename(target)
        except BaseException:
            aside.rename(target)
            raise
        shutil.rmtree(aside, ignore_errors=True)
    else:
        new.rename(target)
    if cwd == target or target in cwd.parents:
        os.chdir(cwd if cwd.is_dir() else target)


def write_pages(graph: PreparedGraph, folder: Path, name: str, formats: tuple[str, ...]) -> list[Path]:
    """The page, the fragment and the SVG image of one graph, those of them in `formats`."""
    from .html import write_fragment, write_html  # pyvis and jinja load only when a page is written
    from .svg import write_svg

    writers = {"html": partial(write_html, index=INDEX), "fragment": write_fragment, "svg": write_svg}
    written = []
    for fmt in PAGE_FORMATS:
        if fmt in formats:
            written += writers[fmt](graph, folder / f"{name}{PAGE_SUFFIXES[fmt]}")
    return written


def __getattr__(name: str) -> Any:
    # `from litgraph.outputs import show` loads jinja only then, not with `import litgraph`
    if name == "show":
        from .html import show

        return show
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _largest_first(graphs: dict[str, nx.Graph]) -> list[tuple[str, nx.Graph]]:
    # the largest graph (combined) holds most others' nodes: laid out first, they settle from it
    return sorted(graphs.items(), key=lambda item: -item[1].number_of_nodes())


