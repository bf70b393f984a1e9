"""The SQLite crawl state on real files: what to fetch, versions, cursors, expiry, locks."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time

import pytest

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
    article_key,
    version_id,
)
from newsbot.state.sqlite import SCHEMA, SqliteState

DAY = 86400.0
HOUR = 3600.0
SCHEDULE = (1.0, 6.0)
T0 = 1_800_000_000.0


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def state(tmp_path, clock):
    store = SqliteState(tmp_path / "state" / "crawl.sqlite", ttl=30 * DAY, clock=clock,
                        schedule=SCHEDULE)
    yield store
    store.close()


def found(n: int, date: str | None = None) -> Found:
    return Found(f"x.test/a/{n}", f"https://x.test/a/{n}", date)


def exported(n: int, text: str = "h1", number: int = 1) -> Handled:
    key = found(n).key
    return Handled(key, Version(text, number, version_id(key, text)))


def test_new_urls_are_fetched_and_stay_pending_until_handled(state):
    assert state.discover("x", [found(1), found(2, "2026-11-20")]) == [True, True]
    assert state.discover("x", [found(1), found(2, "2026-11-20")]) == [True, True]
    assert [f.key for f in state.pending("x")] == ["x.test/a/1", "x.test/a/2"]
    assert list(state.pending("other")) == []
    state.handled([exported(1)])
    assert [f.url for f in state.pending("x")] == ["https://x.test/a/2"]


def test_a_handled_url_is_fetched_again_only_when_re_dated(state):
    state.discover("x", [found(1, "2026-11-20T10:00:00Z")])
    state.handled([exported(1)])
    assert state.discover("x", [found(1, "2026-11-20T10:00:00Z")]) == [False]
    assert state.discover("x", [found(1)]) == [False]  # undated mention: nothing moved
    assert state.discover("x", [found(1, "2026-11-19")]) == [False]
    assert state.discover("x", [found(1, "2026-11-21T08:00:00Z")]) == [True]
    assert [f.date for f in state.pending("x")] == ["2026-11-21T08:00:00Z"]


def test_versions_are_remembered_by_article_key(state):
    assert state.article("x.test/a/1") is None
    state.discover("x", [found(1, "2026-11-20")])
    state.handled([exported(1, "h1")])
    assert state.article("x.test/a/1") == Version("h1", 1, version_id("x.test/a/1", "h1"))
    state.discover("x", [found(1, "2026-11-21")])  # re-dated: the date a new version gets
    assert state.article("x.test/a/1").announced == "2026-11-21"
    state.handled([exported(1, "h2", 2)])
    assert state.article("x.test/a/1").number == 2
    state.handled([exported(9, "h9")])  # an article never announced as such is recorded too
    assert state.article("x.test/a/9").content_hash == "h9"


def test_handling_the_article_a_url_led_to_settles_the_url(state):
    state.discover("x", [found(1, "2026-11-20")])
    state.resolved("x", "x.test/a/1", "x.test/story", "https://x.test/story")
    state.handled([Handled("x.test/story", Version("h", 1, "id1"))])
    assert list(state.pending("x")) == []
    assert state.discover("x", [found(1, "2026-11-20")]) == [False]
    assert state.article("x.test/story").id == "id1"


def test_pending_urls_stream_in_chunks_while_the_run_writes(state):
    state.discover("x", [found(n) for n in range(10)])
    seen = []
    for entry in state.pending("x", chunk=3):
        seen.append(entry.key)
        state.handled([Handled(entry.key)])  # the run settles URLs while this is consumed
    assert seen == sorted(found(n).key for n in range(10))


def fetched(n: int, at: float, etag: str | None = '"e1"', text: str = "h1",
            number: int = 1) -> Handled:
    """Article ``n`` exported (``number`` > 0) or found unchanged, read from its page at ``at``."""
    version = exported(n, text, number).version if number else None
    return Handled(found(n).key, version, Fetch("x", found(n).url, at, etag, None))


def test_revisits_follow_the_schedule_from_the_first_fetch(state):
    state.discover("x", [found(1)])
    state.handled([fetched(1, T0)])
    assert state.revisits("x", T0 + 0.5 * HOUR, 10) == Due(0, [])
    assert state.validators(found(1).key) == Cursor(found(1).url, '"e1"', None)
    assert state.revisits("x", T0 + HOUR + 5, 10) == Due(1, [Revisit(found(1).key,
                                                                      found(1).url)])
    assert state.revisits("x", T0 + HOUR + 6, 10) == Due(0, [])  # moved to the 6-hour point
    state.handled([fetched(1, T0 + HOUR + 7, '"e2"', number=0)])  # unchanged, new validators
    assert state.validators(found(1).key).etag == '"e2"'
    state.handled([fetched(1, T0 + 2 * HOUR, '"e3"', "h2", 2)])  # re-dated: not a new schedule
    assert state.revisits("x", T0 + 5 * HOUR, 10).count == 0
    assert state.revisits("x", T0 + 6 * HOUR, 10).count == 1
    assert state.validators(found(1).key).etag == '"e3"'  # for the last revisit, under way
    state.handled([fetched(1, T0 + 6 * HOUR + 1, '"e4"', number=0)])
    assert state.validators(found(1).key) is None  # none ahead: nothing kept for them
    state.handled([fetched(1, T0 + 50 * HOUR, '"e5"', "h3", 3)])
    assert state.revisits("x", T0 + 60 * HOUR, 10).count == 0
    assert list(state.pending("x")) == []


def test_a_late_run_makes_one_revisit_and_the_budget_leaves_the_rest_due(state):
    state.discover("x", [found(n) for n in range(5)])
    state.handled([fetched(n, T0 + n) for n in range(5)])
    state.handled([Handled(found(9).key, fetch=Fetch("x", found(9).url, T0))])  # no version
    late = T0 + 7 * HOUR  # both points passed: one revisit each, then none left
    first = state.revisits("x", late, 2)
    assert first.count == 5 and [r.key for r in first.revisits] == [found(0).key, found(1).key]
    assert state.revisits("other", late, 10) == Due(0, [])
    rest = state.revisits("x", late, 10)
    assert rest.count == 3 and [r.url for r in rest.revisits] == [found(n).url for n in (2, 3, 4)]
    assert state.revisits("x", late + 100 * HOUR, 10) == Due(0, [])
    assert state.revisits("x", late, 0) == Due(0, [])


def test_the_first_fetch_is_the_one_that_counts(state):
    state.discover("x", [found(1)])
    state.handled([exported(1)])  # exported without its page (a run of an older newsbot)
    state.handled([fetched(1, T0, number=0)])  # refetched later: its revisits start now
    assert state.revisits("x", T0 + HOUR, 10).count == 1
    state.handled([Handled(found(1).key)])  # settled without a page: nothing changes
    assert state.revisits("x", T0 + 6 * HOUR, 10).count == 1


def test_cursors(state):
    assert state.cursor("https://x.test/sitemap.xml") is None
    state.save_cursor("x", Cursor("https://x.test/sitemap.xml", '"abc"', "Wed, 25 Nov 2026"))
    state.save_cursor("x", Cursor("https://x.test/index.xml", '"i"', None, refetch=True))
    assert state.cursor("https://x.test/sitemap.xml") == Cursor(
        "https://x.test/sitemap.xml", '"abc"', "Wed, 25 Nov 2026")
    assert state.cursor("https://x.test/index.xml").refetch is True


def test_entries_expire_after_the_ttl_and_cursors_after_half(tmp_path, clock):
    path = tmp_path / "crawl.sqlite"
    store = SqliteState(path, ttl=30 * DAY, clock=clock)
    store.discover("x", [found(1), found(2)])
    store.save_cursor("x", Cursor("https://x.test/s.xml", '"e"'))
    store.close()
    clock.now += 16 * DAY
    store = SqliteState(path, ttl=30 * DAY, clock=clock)
    assert store.cursor("https://x.test/s.xml") is None
    store.discover("x", [found(2)])  # announced again: remembered 30 days more
    store.close()
    clock.now += 16 * DAY
    store = SqliteState(path, ttl=30 * DAY, clock=clock)
    assert [f.key for f in store.pending("x")] == ["x.test/a/2"]
    store.close()


def test_no_schedule_no_revisits(tmp_path):
    store = SqliteState(tmp_path / "crawl.sqlite", ttl=DAY, schedule=())
    store.discover("x", [found(1)])
    store.handled([fetched(1, T0)])
    assert store.revisits("x", T0 + 100 * HOUR, 10) == Due(0, [])
    assert store.validators(found(1).key) is None
    store.close()


def test_a_state_file_of_an_older_newsbot_is_migrated(tmp_path, clock):
    """The first schema, as runs before revisits wrote it, with a pending and an exported URL."""
    path = tmp_path / "crawl.sqlite"
    old = sqlite3.connect(path)
    old.executescript(SCHEMA)
    old.execute("INSERT INTO articles (key, outlet, url, pending, announced, seen) "
                "VALUES ('x.test/a/1', 'x', 'https://x.test/a/1', 1, '2026-11-20', ?)",
                (clock.now,))
    old.execute("INSERT INTO articles (key, outlet, pending, handled_date, content_hash, "
                "version, version_id, seen) VALUES ('x.test/a/2', 'x', 0, '2026-11-19', 'h2', "
                "1, 'id2', ?)", (clock.now,))
    old.commit()
    old.close()
    for _ in range(2):  # opened twice: migrated once
        store = SqliteState(path, ttl=30 * DAY, clock=clock, schedule=SCHEDULE)
        assert [f.key for f in store.pending("x")] == ["x.test/a/1"]
        assert store.article("x.test/a/2") == Version("h2", 1, "id2")
        store.close()
    store = SqliteState(path, ttl=30 * DAY, clock=clock, schedule=SCHEDULE)
    store.handled([fetched(1, T0), fetched(2, T0 + 1, text="h2b", number=2)])
    assert [r.key for r in store.revisits("x", T0 + 2 * HOUR, 10).revisits] == [
        "x.test/a/1", "x.test/a/2"]
    store.close()
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA user_version = 99")
    with pytest.raises(StateError, match=r"written by a newer newsbot \(schema 99"):
        SqliteState(path, ttl=DAY)


def test_one_run_per_outlet(tmp_path, state):
    state.lock("x")
    other = SqliteState(state.path, ttl=DAY)
    with pytest.raises(StateLocked, match=r"outlet 'x' is being crawled by another run \(pid "):
        other.lock("x")
    other.lock("y")  # other outlets are free
    state.close()
    other.lock("x")  # released by close()
    other.close()


def test_a_killed_run_releases_its_lock(tmp_path):
    path = tmp_path / "crawl.sqlite"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pathlib import Path; "
         "from newsbot.state.sqlite import SqliteState; "
         f"s = SqliteState(Path({str(path)!r}), 86400); s.lock('x'); print('locked', flush=True); "
         "time.sleep(60)"], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    store = SqliteState(path, ttl=DAY)
    with pytest.raises(StateLocked):
        store.lock("x")
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=10)
    deadline = time.monotonic() + 5
    while True:
        try:
            store.lock("x")
            break
        except StateLocked:
            assert time.monotonic() < deadline
            time.sleep(0.05)
    store.close()


def test_an_unusable_path_is_a_clear_error(tmp_path):
    (tmp_path / "data").write_text("not a folder")
    with pytest.raises(StateError, match=r"cannot open the crawl state .*data/state/x.sqlite"):
        SqliteState(tmp_path / "data" / "state" / "x.sqlite", ttl=DAY)


def test_article_key_is_the_same_site_canonical():
    assert article_key("https://www.x.test/a?utm_source=t", "https://x.test/a") == "x.test/a"
    assert article_key("https://x.test/a-old", "https://x.test/a") == "x.test/a"
    assert article_key("https://y.test/reprint", "https://wire.test/a") == "y.test/reprint"
    assert version_id("x.test/a", "h") == version_id("x.test/a", "h") != version_id("x.test/a", "i")
