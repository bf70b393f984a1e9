"""The SQLite crawl state on real files: what to fetch, versions, cursors, expiry, locks."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest

from newsbot.state import (
    Cursor,
    Found,
    Handled,
    StateError,
    StateLocked,
    Version,
    article_key,
    version_id,
)
from newsbot.state.sqlite import SqliteState

DAY = 86400.0


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
    store = SqliteState(tmp_path / "state" / "crawl.sqlite", ttl=30 * DAY, clock=clock)
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
    assert state.article("x.test/a/1") == Version("h1", 1, version_id("x.test/a/1", "h1"),
                                                  "2026-11-20")
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
