"""Parsed records, stored by a digest of the answer they came from.

A warm rebuild reads every answer from the HTTP cache; finding its records here instead of
parsing the XML again is what keeps a 10,000-paper rebuild within seconds. Entries are keyed by
the answer's bytes and by the parser's own source, so a changed answer or a changed parser
never meets a stale record.
"""

from __future__ import annotations

import hashlib
import pickle
import sqlite3
import threading
from pathlib import Path
from typing import Callable, TypeVar

from .. import model
from . import pubmed

T = TypeVar("T")


def _parser_fingerprint() -> bytes:
    digest = hashlib.blake2b(digest_size=16)
    for module in (pubmed, model):
        digest.update(Path(module.__file__).read_bytes())
    return digest.digest()


class ParsedCache:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS parsed (digest BLOB PRIMARY KEY, records BLOB)")
        self._lock = threading.Lock()
        self._fingerprint = _parser_fingerprint()

    def parse(self, body: bytes, parser: Callable[[bytes], list[T]]) -> list[T]:
        """`parser(body)`, or what it returned the last time it read these bytes."""
        key = hashlib.blake2b(self._fingerprint + parser.__name__.encode() + body, digest_size=20).digest()
        with self._lock:
            row = self._db.execute("SELECT records FROM parsed WHERE digest = ?", (key,)).fetchone()
        if row:
            return pickle.loads(row[0])
        records = parser(body)
        with self._lock, self._db:
            self._db.execute("INSERT OR REPLACE INTO parsed VALUES (?, ?)",
                             (key, pickle.dumps(records, protocol=pickle.HIGHEST_PROTOCOL)))
        return records

    def close(self) -> None:
        self._db.close()
