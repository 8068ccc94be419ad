"""Results of deterministic work, stored by a digest of everything they depend on.

A warm rebuild reads every answer from the HTTP cache and arrives at the same corpus; redoing
the work that follows (parsing each answer, resolving authors, Louvain, betweenness) would take
most of its time. A key is the digest of the inputs *and* of the source code that computes the
result, so changed data or changed code never meets a stale entry. Values are pickled and
zlib-compressed in one SQLite file under the cache folder; the bulky kinds keep only their most
recently used entries.
"""

from __future__ import annotations

import hashlib
import pickle
import sqlite3
import threading
import time
import zlib
from pathlib import Path
from types import ModuleType
from typing import Callable, TypeVar

T = TypeVar("T")
KEEP = {"graphs": 8}  # entries kept per bulky kind; other kinds are small and kept


def code_fingerprint(*modules: ModuleType, extra: str = "") -> bytes:
    """A digest of the modules' source: any edit to the code invalidates what it computed."""
    digest = hashlib.blake2b(extra.encode(), digest_size=16)
    for module in modules:
        digest.update(Path(module.__file__).read_bytes())
    return digest.digest()


class Memo:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS memo (key BLOB PRIMARY KEY, kind TEXT, value BLOB, used REAL)")
        self._lock = threading.Lock()

    def recall(self, kind: str, key_parts: list[bytes], compute: Callable[[], T]) -> T:
        """`compute()`, or what it returned before for the same kind and key parts."""
        digest = hashlib.blake2b(kind.encode(), digest_size=20)
        for part in key_parts:
            digest.update(hashlib.blake2b(part, digest_size=20).digest())  # parts cannot run into each other
        key = digest.digest()
        with self._lock:
            row = self._db.execute("SELECT value FROM memo WHERE key = ?", (key,)).fetchone()
            if row and kind in KEEP:  # only the kept kinds are pruned by last use
                with self._db:
                    self._db.execute("UPDATE memo SET used = ? WHERE key = ?", (time.time(), key))
        if row:
            return pickle.loads(zlib.decompress(row[0]))
        value = compute()
        self._store(kind, key, value)
        return value

    def _store(self, kind: str, key: bytes, value) -> None:
        blob = zlib.compress(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), 1)
        with self._lock, self._db:
            self._db.execute("INSERT OR REPLACE INTO memo VALUES (?, ?, ?, ?)", (key, kind, blob, time.time()))
            if kind in KEEP:
                self._db.execute("DELETE FROM memo WHERE kind = ? AND key NOT IN "
                                 "(SELECT key FROM memo WHERE kind = ? ORDER BY used DESC LIMIT ?)",
                                 (kind, kind, KEEP[kind]))

    def close(self) -> None:
        self._db.close()
