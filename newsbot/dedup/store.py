"""The near-duplicate index that persists between runs: SQLite, a sliding window of days.

What it keeps per article is small and fixed (shingle hashes, LSH band keys, a few fields), it
keeps it on disk with a bounded page cache, and whole days leave the window together, so memory
stays flat however long scheduled crawls go on. :class:`NearIndex` is the interface the
clustering needs; :class:`SqliteIndex` implements it (a Redis one can stand in for crawls shared
by several processes).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from newsbot.dedup.lsh import LAYOUT

CACHE_KIB = 65536
"""SQLite page cache (64 MiB): the index's memory, whatever its size on disk."""
COMMIT_EVERY = 100


@dataclass(frozen=True)
class Doc:
    """An indexed article: what clustering, election and attribution need to know about it."""

    url: str
    publisher: str | None
    content_hash: str | None
    day: int
    """Proleptic ordinal of the (UTC) day it was crawled: the unit of expiry."""
    published: str | None
    language: str | None
    agency_page: str | None
    """Agency code when the article is on that agency's own site."""
    source_org: str | None
    canonical_key: str | None
    """URL key of a cross-site canonical URL."""
    story: str
    body: np.ndarray
    lead: np.ndarray
    id: int | None = None


class NearIndex(Protocol):
    def find_url(self, url_keys: Iterable[str]) -> Doc | None: ...
    def find_text(self, content_hash: str) -> list[Doc]: ...
    def candidates(self, band_keys: np.ndarray) -> list[int]: ...
    def docs(self, ids: Sequence[int]) -> list[Doc]: ...
    def leader(self, story: str) -> Doc | None: ...
    def add(self, doc: Doc, url_keys: Iterable[str], band_keys: np.ndarray) -> Doc: ...
    def remove(self, doc_id: int) -> None: ...
    def set_leader(self, story: str, doc_id: int) -> None: ...
    def expire(self, before_day: int) -> int: ...
    def close(self) -> None: ...


class IndexMismatch(RuntimeError):
    """The file was written with another LSH layout: its keys cannot be compared with ours."""


_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS docs(
    id INTEGER PRIMARY KEY, url TEXT NOT NULL, publisher TEXT, content_hash TEXT,
    day INTEGER NOT NULL, published TEXT, language TEXT, agency_page TEXT, source_org TEXT,
    canonical_key TEXT, story TEXT NOT NULL, body BLOB NOT NULL, lead BLOB NOT NULL,
    band_keys BLOB NOT NULL, url_keys TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS docs_day ON docs(day);
CREATE INDEX IF NOT EXISTS docs_hash ON docs(content_hash);
CREATE TABLE IF NOT EXISTS urls(key TEXT PRIMARY KEY, doc INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS bands(key INTEGER, doc INTEGER, PRIMARY KEY(key, doc)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS stories(id TEXT PRIMARY KEY, leader INTEGER NOT NULL) WITHOUT ROWID;
"""
_DOC_COLUMNS = ("id, url, publisher, content_hash, day, published, language, agency_page, "
                "source_org, canonical_key, story, body, lead")


def _doc(row: tuple[Any, ...]) -> Doc:
    (doc_id, url, publisher, content_hash, day, published, language, agency_page, source_org,
     canonical_key, story, body, lead) = row
    return Doc(url, publisher, content_hash, day, published, language, agency_page, source_org,
               canonical_key, story, np.frombuffer(body, dtype=np.uint32),
               np.frombuffer(lead, dtype=np.uint32), doc_id)


class SqliteIndex:
    """:class:`NearIndex` in one SQLite file (``":memory:"`` for a throw-away index)."""

    def __init__(self, path: str | Path):
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.path = str(path)
        self.db = sqlite3.connect(self.path)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
        self.db.executescript(_SCHEMA)
        layout = self.db.execute("SELECT value FROM meta WHERE key='layout'").fetchone()
        if layout is None:
            self.db.execute("INSERT INTO meta VALUES('layout', ?)", (LAYOUT,))
        elif layout[0] != LAYOUT:
            raise IndexMismatch(f"{self.path} was built with LSH layout {layout[0]!r}, not "
                                f"{LAYOUT!r}: move it away to start a new index")
        self.db.commit()
        self._writes = 0

    def find_url(self, url_keys: Iterable[str]) -> Doc | None:
        keys = list(url_keys)
        row = self.db.execute(
            f"SELECT doc FROM urls WHERE key IN ({','.join('?' * len(keys))}) LIMIT 1",
            keys).fetchone()
        return self.docs([row[0]])[0] if row else None

    def find_text(self, content_hash: str) -> list[Doc]:
        rows = self.db.execute(f"SELECT {_DOC_COLUMNS} FROM docs WHERE content_hash = ? "
                               "ORDER BY id", (content_hash,))
        return [_doc(r) for r in rows]

    def candidates(self, band_keys: np.ndarray) -> list[int]:
        if not len(band_keys):
            return []
        keys = band_keys.tolist()
        rows = self.db.execute(
            f"SELECT DISTINCT doc FROM bands WHERE key IN ({','.join('?' * len(keys))})", keys)
        return sorted(r[0] for r in rows)

    def docs(self, ids: Sequence[int]) -> list[Doc]:
        if not ids:
            return []
        rows = self.db.execute(
            f"SELECT {_DOC_COLUMNS} FROM docs WHERE id IN ({','.join('?' * len(ids))}) "
            "ORDER BY id", list(ids))
        return [_doc(r) for r in rows]

    def leader(self, story: str) -> Doc | None:
        row = self.db.execute("SELECT leader FROM stories WHERE id = ?", (story,)).fetchone()
        found = self.docs([row[0]]) if row else []
        return found[0] if found else None

    def add(self, doc: Doc, url_keys: Iterable[str], band_keys: np.ndarray) -> Doc:
        keys = sorted(set(url_keys))
        cursor = self.db.execute(
            "INSERT INTO docs(url, publisher, content_hash, day, published, language, "
            "agency_page, source_org, canonical_key, story, body, lead, band_keys, url_keys) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (doc.url, doc.publisher, doc.content_hash, doc.day, doc.published, doc.language,
             doc.agency_page, doc.source_org, doc.canonical_key, doc.story,
             doc.body.astype(np.uint32).tobytes(), doc.lead.astype(np.uint32).tobytes(),
             band_keys.astype(np.int64).tobytes(), "\n".join(keys)))
        doc_id = cursor.lastrowid
        self.db.executemany("INSERT OR REPLACE INTO urls VALUES (?, ?)",
                            [(k, doc_id) for k in keys])
        self.db.executemany("INSERT OR IGNORE INTO bands VALUES (?, ?)",
                            [(k, doc_id) for k in band_keys.tolist()])
        self.db.execute("INSERT OR IGNORE INTO stories VALUES (?, ?)", (doc.story, doc_id))
        self._wrote()
        return replace(doc, id=doc_id)

    def remove(self, doc_id: int) -> None:
        self._delete([doc_id])
        self._wrote()

    def set_leader(self, story: str, doc_id: int) -> None:
        self.db.execute("INSERT OR REPLACE INTO stories VALUES (?, ?)", (story, doc_id))
        self._wrote()

    def expire(self, before_day: int) -> int:
        """Forget every article of a day before ``before_day``; returns how many."""
        ids = [r[0] for r in self.db.execute("SELECT id FROM docs WHERE day < ?", (before_day,))]
        self._delete(ids)
        self.db.commit()
        return len(ids)

    def _delete(self, ids: list[int]) -> None:
        for doc_id in ids:
            row = self.db.execute("SELECT band_keys, url_keys, story FROM docs WHERE id = ?",
                                  (doc_id,)).fetchone()
            if row is None:
                continue
            keys = np.frombuffer(row[0], dtype=np.int64).tolist()
            self.db.executemany("DELETE FROM bands WHERE key = ? AND doc = ?",
                                [(k, doc_id) for k in keys])
            self.db.executemany("DELETE FROM urls WHERE key = ? AND doc = ?",
                                [(k, doc_id) for k in row[1].split("\n") if k])
            self.db.execute("DELETE FROM stories WHERE id = ? AND leader = ?", (row[2], doc_id))
            self.db.execute("DELETE FROM docs WHERE id = ?", (doc_id,))

    def _wrote(self) -> None:
        self._writes += 1
        if self._writes % COMMIT_EVERY == 0:
            self.db.commit()

    def close(self) -> None:
        self.db.commit()
        self.db.close()
