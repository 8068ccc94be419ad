"""An output folder that already holds what a build would write again, found without building.

A rebuild with the same code, inputs and options reads every answer from the HTTP cache and arrives
at the same files; at 100,000 papers that takes minutes to learn. So a build that went well records
what it wrote (each file's size and modification time) and which cached answers it was made from,
under a key of everything else it depends on. The same build asked again finds its folder up to
date while those files are untouched and those answers are all still in the cache and fresh: it
reads nothing else and writes nothing. Any edit to litgraph, to an input file or to the reviewer's
library, other limits or formats, a deleted or edited file, an answer expired (elink's after 7 days)
or gone from the cache, and it builds again. A build that missed anything (a failed request, a
service answered from the cache only) records nothing, so the next one asks again.

This module loads no graph library: the command line asks it before deciding to build.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from .contract import DEFAULT_CITATIONS, DEFAULT_ROOT
from .memo import MEMO_FILE, Memo, code_fingerprint
from .settings import Settings

KIND = "build"  # the memo's kind for these records


@dataclass(frozen=True)
class Asked:
    """What a build was asked, as far as it shapes the files: its key, less where it writes them."""

    parts: tuple[bytes, ...]
    cache_dir: Path

    @classmethod
    def of(cls, inputs: Iterable[str], query: str | None, depth: int, max_papers: int, links: Iterable[str],
           citations: Iterable[str] | None, library: Iterable[str | Path], settings: Settings) -> Asked:
        inputs, library = [str(item) for item in inputs], [str(item) for item in library]
        citations = DEFAULT_CITATIONS if citations is None else tuple(dict.fromkeys(citations))
        options = (inputs, query, depth, max_papers, tuple(links), tuple(citations), library, settings.eutils_url,
                   settings.ctgov_url, settings.icite_url, settings.efetch_batch, settings.elink_batch,
                   settings.icite_batch, settings.post_above)
        contents = [_content(Path(item)) for item in inputs + library]  # a file's name says nothing of what it holds
        return cls((code_fingerprint(), repr(options).encode(), *contents), settings.cache_dir)

    def key(self, formats: Iterable[str], folder: str | Path | None) -> list[bytes]:
        """The whole key: `folder` None is the build's own folder under output/."""
        where = f"{Path(folder).resolve()}" if folder else f"default:{DEFAULT_ROOT.resolve()}"
        return [*self.parts, repr(sorted(set(formats))).encode(), where.encode()]


@dataclass(frozen=True)
class Written:
    """What a build wrote, and what it was made from beyond its key."""

    folder: str  # resolved
    files: dict[str, tuple[int, int]]  # name in the folder -> size, modification time (ns)
    answers: tuple[str, ...]  # the HTTP cache's keys of the answers it used
    fresh_until: float | None  # when the first of them expires (Unix time); None: none does
    said: tuple[str, ...]  # the warnings it gave, said again when it is found up to date


@dataclass
class MadeFrom:
    """What a build was made from: asked what, from which cached answers (key -> expiry), saying
    what; `complete` when nothing was missed."""

    asked: Asked
    answers: dict[str, float | None]
    said: list[str]
    complete: bool


def record(made: MadeFrom, formats: Iterable[str], folder: str | Path | None, files: Iterable[Path]) -> None:
    """Record the files a complete build wrote, or that an incomplete one must be built again."""
    memo = Memo(made.asked.cache_dir / MEMO_FILE)
    key = made.asked.key(formats, folder)
    try:
        if not made.complete:
            memo.drop(KIND, key)
            return
        files = [Path(file).resolve() for file in files]
        expiries = [expires for expires in made.answers.values() if expires is not None]
        memo.keep(KIND, key, Written(folder=str(files[0].parent), files={file.name: _stamp(file) for file in files},
                                     answers=tuple(made.answers), fresh_until=min(expiries, default=None),
                                     said=tuple(made.said)))
    finally:
        memo.close()


def up_to_date(*inputs: str, query: str | None = None, depth: int = 1, max_papers: int = 500,
               links: Iterable[str] = ("refs", "citedin"), citations: Iterable[str] | None = None,
               library: Iterable[str | Path] = (), formats: Iterable[str] = ("html",), folder: str | Path | None = None,
               settings: Settings | None = None) -> Written | None:
    """What `litgraph.build(*inputs, ...)` then `.write(folder, formats)` wrote last, when `folder`
    (None: the build's own under output/) still holds exactly that and building again would read
    the same: the same litgraph, input files, library and options, and every answer it used still
    in the cache and fresh. None when it must be built (or never was)."""
    asked = Asked.of(inputs, query, depth, max_papers, links, citations, library, settings or Settings.from_env())
    return _found(asked, formats, folder)


def _found(asked: Asked, formats: Iterable[str], folder: str | Path | None) -> Written | None:
    memo_file = asked.cache_dir / MEMO_FILE
    if not memo_file.exists():
        return None
    memo = Memo(memo_file)
    try:
        written = memo.find(KIND, asked.key(formats, folder))
    finally:
        memo.close()
    if not isinstance(written, Written) or not _untouched(written):
        return None
    if written.fresh_until is not None and written.fresh_until <= time.time():
        return None
    from .sources.net import held_in_cache  # requests-cache loads only now, when the files are there

    return written if held_in_cache(asked.cache_dir, written.answers) else None


def _untouched(written: Written) -> bool:
    folder = Path(written.folder)
    try:
        return all(_stamp(folder / name) == stamp for name, stamp in written.files.items())
    except OSError:
        return False


def _stamp(file: Path) -> tuple[int, int]:
    status = os.stat(file)
    return status.st_size, status.st_mtime_ns


def _content(path: Path) -> bytes:
    """A digest of the file at `path`, or nothing when there is none (an id)."""
    if not path.is_file():
        return b""
    status = os.stat(path)
    return _digest(str(path.resolve()), status.st_size, status.st_mtime_ns)


@lru_cache(maxsize=64)  # a command hashes its input files to ask, then its build to record: once each
def _digest(path: str, size: int, modified_ns: int) -> bytes:
    digest = hashlib.blake2b(digest_size=20)
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.digest()
