"""The crawl state in one SQLite file (the default store; see :mod:`newsbot.state`).

One row per announced URL and per exported article, one per sitemap or feed. Lookups go
through the primary key, so memory stays that of SQLite's page cache however many URLs are
remembered. WAL mode lets runs of different outlets share the file; each outlet is locked by
an ``flock`` on its own file, which the kernel releases when the process dies, even by SIGKILL.
Files written by earlier versions are migrated when opened (``PRAGMA user_version``).
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, TypeVar

from newsbot.state import (
    Cursor,
    Due,
    Fetch,
    Found,
    Handled,
    Revisit,
    StateError,
    StateLocked,
    Version,
    next_revisit,
)

T = TypeVar("T")

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    key TEXT PRIMARY KEY,        -- url_key of an announced URL, or an article key
    outlet TEXT,
    url TEXT,                    -- URL to request while pending (cleared once handled)
    pending INTEGER NOT NULL,    -- 1 from discovery until handled
    announced TEXT,              -- latest date a sitemap or feed gave it
    handled_date TEXT,           -- the announced date when it was last handled
    article TEXT,                -- key of the article this URL resolved to, if another
    content_hash TEXT,           -- last exported version: text, number, id
    version INTEGER,
    version_id TEXT,
    seen REAL NOT NULL           -- last announced or handled (unix time), for expiry
) WITHOUT ROWID;
-- No index on seen: expiry scans the table once per run, cheaper than indexing every touch.
CREATE INDEX IF NOT EXISTS articles_pending ON articles (outlet) WHERE pending = 1;
CREATE INDEX IF NOT EXISTS articles_article ON articles (article) WHERE article IS NOT NULL;
CREATE TABLE IF NOT EXISTS cursors (
    url TEXT PRIMARY KEY,
    outlet TEXT,
    etag TEXT,
    last_modified TEXT,
    refetch INTEGER NOT NULL,
    fetched REAL NOT NULL
) WITHOUT ROWID;
"""
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # 1: revisits. An article's url stays set while revisits are ahead, with its validators.
    # first_fetched: unix time of the first fetch; revisit_at: the next revisit (NULL: none)
    ("ALTER TABLE articles ADD COLUMN first_fetched REAL",
     "ALTER TABLE articles ADD COLUMN revisit_at REAL",
     "ALTER TABLE articles ADD COLUMN etag TEXT",
     "ALTER TABLE articles ADD COLUMN last_modified TEXT",
     ("CREATE INDEX articles_revisit ON articles (outlet, revisit_at) "
      "WHERE revisit_at IS NOT NULL")),
)
"""Changes to :data:`SCHEMA` (the first version's tables), in order: a file's ``user_version``
says how many it has had."""


class SqliteState:
    """:class:`newsbot.state.CrawlState` in a SQLite file; entries expire after ``ttl`` seconds."""

    def __init__(self, path: Path, ttl: float, clock: Callable[[], float] = time.time,
                 schedule: Sequence[float] = ()):
        self.path = path
        self.ttl = ttl
        self.clock = clock
        self.schedule = tuple(schedule)
        """revisits, in hours after an article's first fetch"""
        self._locks: dict[str, IO[str]] = {}
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(path, isolation_level=None)
            self.db.execute("PRAGMA busy_timeout = 30000")
            self.db.execute("PRAGMA journal_mode = WAL")
            self.db.execute("PRAGMA synchronous = NORMAL")
            self.db.executescript(SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise StateError(f"cannot open the crawl state {path}: {exc}") from exc
        self._migrate()
        self.expired = self._expire()

    # --- locking ------------------------------------------------------------------------------
    def lock(self, outlet: str) -> None:
        lock_path = self.path.with_name(self.path.name + ".locks") / f"{outlet}.lock"
        try:
            lock_path.parent.mkdir(parents=True, exist_ok=True)
            handle = open(lock_path, "a+", encoding="utf-8")  # noqa: SIM115 (held until close)
        except OSError as exc:
            raise StateError(f"cannot create the lock {lock_path}: {exc}") from exc
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise StateLocked(f"outlet {outlet!r} is being crawled by another run ({holder}; "
                              f"lock {lock_path}); this run does not start") from None
        handle.seek(0)
        handle.truncate()
        since = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        handle.write(f"pid {os.getpid()} since {since}")
        handle.flush()
        self._locks[outlet] = handle

    # --- discovery ----------------------------------------------------------------------------
    def discover(self, outlet: str, found: Sequence[Found]) -> list[bool]:
        now = self.clock()

        def run() -> list[bool]:
            decisions = []
            for entry in found:
                row = self.db.execute(
                    "SELECT pending, handled_date, article FROM articles WHERE key = ?",
                    (entry.key,)).fetchone()
                if row is None:
                    self.db.execute(
                        "INSERT INTO articles (key, outlet, url, pending, announced, seen) "
                        "VALUES (?, ?, ?, 1, ?, ?)",
                        (entry.key, outlet, entry.url, entry.date, now))
                    decisions.append(True)
                    continue
                pending, handled_date, article = row
                moved = bool(entry.date) and (handled_date is None or entry.date > handled_date)
                fetch = bool(pending) or moved
                self.db.execute(
                    "UPDATE articles SET pending = ?, seen = ?, url = coalesce(?, url), "
                    "announced = max(coalesce(announced, ''), coalesce(?, '')) WHERE key = ?",
                    (int(fetch), now, entry.url if fetch else None, entry.date, entry.key))
                if article:  # keep the article's version as long as its URL is announced
                    self.db.execute("UPDATE articles SET seen = ? WHERE key = ?", (now, article))
                decisions.append(fetch)
            return decisions

        return self._transaction(run)

    def pending(self, outlet: str, chunk: int = 1000) -> Iterator[Found]:
        # In chunks, each read whole: the run writes to the table while this is consumed, and
        # SQLite leaves a SELECT stepped across writes on its connection undefined.
        after = ""
        while True:
            try:
                rows = self.db.execute(
                    "SELECT key, url, nullif(announced, '') FROM articles WHERE pending = 1 "
                    "AND outlet = ? AND url IS NOT NULL AND key > ? ORDER BY key LIMIT ?",
                    (outlet, after, chunk)).fetchall()
            except sqlite3.Error as exc:
                raise StateError(f"cannot read the crawl state {self.path}: {exc}") from exc
            for key, url, announced in rows:
                yield Found(key, url, announced)
            if len(rows) < chunk:
                return
            after = rows[-1][0]

    def resolved(self, outlet: str, key: str, article: str, url: str) -> None:
        now = self.clock()

        def run() -> None:
            self.db.execute("UPDATE articles SET article = ? WHERE key = ?", (article, key))
            self.db.execute("INSERT OR IGNORE INTO articles (key, outlet, url, pending, seen) "
                            "VALUES (?, ?, ?, 0, ?)", (article, outlet, url, now))

        self._transaction(run)

    # --- sitemaps and feeds -------------------------------------------------------------------
    def cursor(self, url: str) -> Cursor | None:
        row = self._read("SELECT etag, last_modified, refetch FROM cursors WHERE url = ?", (url,))
        return Cursor(url, row[0], row[1], bool(row[2])) if row else None

    def save_cursor(self, outlet: str, cursor: Cursor) -> None:
        self._transaction(lambda: self.db.execute(
            "INSERT OR REPLACE INTO cursors (url, outlet, etag, last_modified, refetch, fetched) "
            "VALUES (?, ?, ?, ?, ?, ?)", (cursor.url, outlet, cursor.etag, cursor.last_modified,
                                          int(cursor.refetch), self.clock())))

    # --- articles -----------------------------------------------------------------------------
    def article(self, key: str) -> Version | None:
        row = self._read("SELECT content_hash, version, version_id, CASE WHEN "
                         "nullif(announced, '') > coalesce(handled_date, '') THEN announced END "
                         "FROM articles WHERE key = ? AND version IS NOT NULL", (key,))
        return Version(*row) if row else None

    def handled(self, done: Sequence[Handled]) -> None:
        now = self.clock()

        def run() -> None:
            for item in done:
                if item.version:
                    v = item.version
                    updated = self.db.execute(
                        "UPDATE articles SET content_hash = ?, version = ?, version_id = ? "
                        "WHERE key = ?", (v.content_hash, v.number, v.id, item.key)).rowcount
                    if not updated:
                        self.db.execute(
                            "INSERT INTO articles (key, pending, content_hash, version, "
                            "version_id, seen) VALUES (?, 0, ?, ?, ?, ?)",
                            (item.key, v.content_hash, v.number, v.id, now))
                self.db.execute(
                    "UPDATE articles SET pending = 0, handled_date = nullif(announced, ''), "
                    "url = NULL, seen = ? WHERE key = ? OR article = ?", (now, item.key, item.key))
                if item.fetch:
                    self._fetched(item.key, item.fetch)

        self._transaction(run)

    def _fetched(self, key: str, fetch: Fetch) -> None:
        """Start the revisits of an article fetched for the first time; keep the page's URL and
        validators while revisits are ahead, drop them after."""
        row = self.db.execute("SELECT first_fetched, revisit_at FROM articles WHERE key = ?",
                              (key,)).fetchone()
        if row is None:
            return
        first, due = row
        if first is None:
            due = next_revisit(fetch.at, fetch.at, self.schedule)
            if due is None:
                return
            self.db.execute("UPDATE articles SET outlet = coalesce(outlet, ?), first_fetched = ?, "
                            "revisit_at = ? WHERE key = ?", (fetch.outlet, fetch.at, due, key))
        if due is None:
            self.db.execute("UPDATE articles SET etag = NULL, last_modified = NULL WHERE key = ?",
                            (key,))
        else:
            self.db.execute("UPDATE articles SET url = ?, etag = ?, last_modified = ? "
                            "WHERE key = ?", (fetch.url, fetch.etag, fetch.last_modified, key))

    # --- revisits -----------------------------------------------------------------------------
    def revisits(self, outlet: str, now: float, limit: int) -> Due:
        def run() -> Due:
            (count,) = self.db.execute(
                "SELECT count(*) FROM articles WHERE outlet = ? AND revisit_at <= ?",
                (outlet, now)).fetchone()
            rows = self.db.execute(
                "SELECT key, url, first_fetched FROM articles WHERE outlet = ? "
                "AND revisit_at <= ? ORDER BY revisit_at LIMIT ?",
                (outlet, now, max(0, limit))).fetchall()
            for key, _, first in rows:
                self.db.execute("UPDATE articles SET revisit_at = ? WHERE key = ?",
                                (next_revisit(first, now, self.schedule), key))
            return Due(count, [Revisit(key, url) for key, url, _ in rows if url])

        return self._transaction(run)

    def validators(self, key: str) -> Cursor | None:
        row = self._read("SELECT url, etag, last_modified FROM articles WHERE key = ?", (key,))
        return Cursor(*row) if row and (row[1] or row[2]) else None

    def close(self) -> None:
        for handle in self._locks.values():
            handle.close()  # releases the flock
        self._locks.clear()
        self.db.close()

    # --- internals ----------------------------------------------------------------------------
    def _migrate(self) -> None:
        def run() -> None:
            (version,) = self.db.execute("PRAGMA user_version").fetchone()
            if version > len(MIGRATIONS):
                raise StateError(f"the crawl state {self.path} was written by a newer newsbot "
                                 f"(schema {version}, this one knows {len(MIGRATIONS)})")
            for number, statements in enumerate(MIGRATIONS[version:], version + 1):
                for statement in statements:
                    self.db.execute(statement)
                self.db.execute(f"PRAGMA user_version = {number}")

        self._transaction(run)

    def _expire(self) -> int:
        now = self.clock()

        def run() -> int:
            gone = self.db.execute("DELETE FROM articles WHERE seen < ?",
                                   (now - self.ttl,)).rowcount
            self.db.execute("DELETE FROM cursors WHERE fetched < ?", (now - self.ttl / 2,))
            return gone

        return self._transaction(run)

    def _read(self, sql: str, args: tuple[Any, ...]) -> tuple[Any, ...] | None:
        try:
            row: tuple[Any, ...] | None = self.db.execute(sql, args).fetchone()
            return row
        except sqlite3.Error as exc:
            raise StateError(f"cannot read the crawl state {self.path}: {exc}") from exc

    def _transaction(self, work: Callable[[], T]) -> T:
        try:
            with self._begin():
                return work()
        except (OSError, sqlite3.Error) as exc:
            raise StateError(f"cannot write the crawl state {self.path}: {exc}") from exc

    @contextmanager
    def _begin(self) -> Iterator[None]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")
