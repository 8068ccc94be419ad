"""Results of deterministic work, stored by a digest of everything they depend on.

A warm rebuild reads every answer from the HTTP cache and arrives at the same corpus; redoing
the work that follows (parsing each answer, resolving authors, communities, betweenness) would take
most of its time. A key is the digest of the inputs *and* of the source code that computes the
result, so changed data or changed code never meets a stale entry. Values are pickled and
zlib-compressed in one SQLite file under the cache folder; the bulky kinds keep only their most
recently used entries.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sqlite3
import threading
import time
import zlib
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Callable, TypeVar

T = TypeVar("T")
KEEP = {"graphs": 8, "build": 64}  # entries kept per bulky or many kind, by last use; other kinds are all kept
PACKAGE = Path(__file__).resolve().parent
MEMO_FILE = "derived.sqlite"  # in the cache folder
# Libraries whose versions shape what litgraph computes (parsing, graphs, metrics, layouts).
SHAPING_LIBRARIES = ("networkx", "numpy", "lxml", "igraph", "orjson")
_STORING: list[threading.Thread] = []  # the stores aside going on in this process
_OWN_CONNECTIONS: dict[tuple[int, Path], sqlite3.Connection] = {}  # see keep_in


@lru_cache(maxsize=None)
def code_fingerprint(root: Path = PACKAGE) -> bytes:
    """A digest of every source file of the package below `root` and of the versions of the
    libraries that shape its results: any edit anywhere in the code, or another library version,
    invalidates what was remembered. No hand-kept list of modules, which would drift."""
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".js", ".j2") and "__pycache__" not in path.parts:
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for library in SHAPING_LIBRARIES:
        try:
            digest.update(f"{library}={metadata.version(library)}\0".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{library}=none\0".encode())
    return digest.digest()


class Memo:
    """Remembered results in `path` (SQLite), or in memory for this run only when `path` is None.

    It only saves work, so it never stops a build: a corrupt file is discarded with a warning and
    started afresh, and a database that cannot be used at all leaves the rest of the run in memory.
    """

    def __init__(self, path: Path | None, warn: Callable[[str], None] | None = None):
        self.path = path
        self._warn = warn or (lambda message: None)
        self._lock = threading.Lock()
        stores_done()  # what an earlier build in this process stores aside is there to recall
        self._db = self._open()

    def recall(self, kind: str, key_parts: list[bytes], compute: Callable[[], T], aside: bool = False) -> T:
        """`compute()`, or what it returned before for the same kind and key parts. With `aside`,
        what is computed is packed by a child process on the other core (litgraph.forked) while
        this one goes on, and stored by a thread as soon as it is packed (see `stores_done`)."""
        key = memo_key(kind, key_parts)
        blob = self._use(self._read, kind, key)
        if blob is not None:
            return unpack(blob)
        value = compute()
        if aside and self.path is not None:
            from .forked import Forked

            storing = threading.Thread(target=self._store_packed, args=(kind, key, Forked(pack, value)),
                                       name="litgraph-memo", daemon=True)
            storing.start()
            _STORING.append(storing)
        else:
            self._use(self._store, kind, key, pack(value))
        return value

    def _store_packed(self, kind: str, key: bytes, packing) -> None:
        """Store what the child packed (or this process, if it failed), through a connection of
        its own: the child only packs, as SQLite's connections and locks cannot cross a fork, and
        this one may be closed by now. A failure only loses the saving: the next build computes
        it again."""
        blob = packing.result()
        path = self.path
        if path is None:  # the file failed since: this run remembers in memory only
            return
        try:
            db = _connect(path)
            try:
                _store_in(db, kind, key, blob)
            finally:
                db.close()
        except (sqlite3.Error, OSError):
            pass

    def find_packed(self, kind: str, key: bytes) -> bytes | None:
        """What was kept under the key (`memo_key`), still packed (see `pack`), or None."""
        return self._use(self._read, kind, key)

    def keep_packed(self, kind: str, key: bytes, blob: bytes) -> None:
        """Keep what was packed elsewhere (another process): it is stored as it came back."""
        self._use(self._store, kind, key, blob)

    def find(self, kind: str, key_parts: list[bytes]) -> object | None:
        """What was kept for the kind and key parts (`keep`), or None."""
        blob = self.find_packed(kind, memo_key(kind, key_parts))
        return None if blob is None else unpack(blob)

    def keep(self, kind: str, key_parts: list[bytes], value: object) -> None:
        self.keep_packed(kind, memo_key(kind, key_parts), pack(value))

    def drop(self, kind: str, key_parts: list[bytes]) -> None:
        self._use(self._delete, memo_key(kind, key_parts))

    def _read(self, kind: str, key: bytes) -> bytes | None:
        row = self._db.execute("SELECT value FROM memo WHERE key = ?", (key,)).fetchone()
        if row and kind in KEEP:  # only the kept kinds are pruned by last use
            with self._db:
                self._db.execute("UPDATE memo SET used = ? WHERE key = ?", (time.time(), key))
        return row[0] if row else None

    def _store(self, kind: str, key: bytes, blob: bytes) -> None:
        _store_in(self._db, kind, key, blob)

    def _delete(self, key: bytes) -> None:
        with self._db:
            self._db.execute("DELETE FROM memo WHERE key = ?", (key,))

    def _use(self, operation: Callable[..., T], *args) -> T | None:
        """The operation's result; None, with the database replaced, when it fails mid-run."""
        with self._lock:
            try:
                return operation(*args)
            except sqlite3.Error as error:
                self._db.close()
                self._db = self._replacement(error)
                return None

    def _open(self) -> sqlite3.Connection:
        if self.path is None:
            return _connect(":memory:")
        try:
            return _connect(self.path)
        except (sqlite3.Error, OSError) as error:
            return self._replacement(error)

    def _replacement(self, error: sqlite3.Error | OSError) -> sqlite3.Connection:
        """A new database after `error`: a fresh file in place of a corrupt one, else one in memory."""
        if self.path and corrupt_database(error):
            move_database(self.path)
            try:
                db = _connect(self.path)
            except (sqlite3.Error, OSError) as failure:
                error = failure
            else:
                self._warn(f"{self.path} is unreadable ({error}): discarded; what it remembered is worked out again")
                return db
        if self.path:
            self._warn(f"{self.path} cannot be used ({error}): results are remembered for this run only")
            self.path = None
        return _connect(":memory:")

    def close(self) -> None:
        self._db.close()


def stores_done() -> None:
    """Wait until every value stored aside (`Memo.recall(aside=True)`) in this process is stored."""
    while _STORING:
        _STORING.pop().join()


def pack(value: object) -> bytes:
    """A value as the memo stores it: pickled, then compressed (quickly: the cache is local)."""
    return zlib.compress(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), 1)


def unpack(blob: bytes) -> object:
    return pickle.loads(zlib.decompress(blob))


def keep_in(path: Path, kind: str, key: bytes, blob: bytes) -> bool:
    """Store a packed value in the memo file at `path` from a process of litgraph's own (a reader
    worker), through a connection of that process's, kept for its next stores. False when it
    could not (the caller may then keep the value through its `Memo`)."""
    place = (os.getpid(), path)  # a connection never crosses a fork
    try:
        db = _OWN_CONNECTIONS.get(place) or _OWN_CONNECTIONS.setdefault(place, _connect(path))
        _store_in(db, kind, key, blob)
    except (sqlite3.Error, OSError):
        return False
    return True


def memo_key(kind: str, key_parts: list[bytes]) -> bytes:
    """The key a value is kept under: a digest of its kind and key parts."""
    digest = hashlib.blake2b(kind.encode(), digest_size=20)
    for part in key_parts:
        digest.update(hashlib.blake2b(part, digest_size=20).digest())  # parts cannot run into each other
    return digest.digest()


def _store_in(db: sqlite3.Connection, kind: str, key: bytes, blob: bytes) -> None:
    with db:
        db.execute("INSERT OR REPLACE INTO memo VALUES (?, ?, ?, ?)", (key, kind, blob, time.time()))
        if kind in KEEP:
            db.execute("DELETE FROM memo WHERE kind = ? AND key NOT IN "
                       "(SELECT key FROM memo WHERE kind = ? ORDER BY used DESC LIMIT ?)", (kind, kind, KEEP[kind]))


def _connect(path: Path | str) -> sqlite3.Connection:
    if isinstance(path, Path):
        path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, check_same_thread=False, timeout=30)
    db.execute("PRAGMA journal_mode=WAL")
    # No wait for the disk at each store: a crash of the machine (not of litgraph) may lose the
    # last stores, which only costs their work again; the file stays whole either way.
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("CREATE TABLE IF NOT EXISTS memo (key BLOB PRIMARY KEY, kind TEXT, value BLOB, used REAL)")
    return db


def corrupt_database(error: Exception) -> bool:
    """The file is damaged or no SQLite database at all (not merely busy, read-only or missing)."""
    return getattr(error, "sqlite_errorname", "") in ("SQLITE_CORRUPT", "SQLITE_NOTADB")


def move_database(path: Path, to: Path | None = None) -> None:
    """Rename an SQLite file with its -wal and -shm companions to `to` (which keeps them together),
    or delete them when `to` is None."""
    for suffix in ("", "-wal", "-shm"):
        companion = Path(f"{path}{suffix}")
        try:
            if to is None:
                companion.unlink()
            else:
                companion.replace(f"{to}{suffix}")
        except FileNotFoundError:
            pass
