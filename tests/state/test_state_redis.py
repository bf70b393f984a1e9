"""The Redis crawl state (distributed crawls) on a real redis-server: the same contract tests as
the SQLite store, then what differs: expiry by Redis TTLs, locks held by a crawl's workers."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import redis
from test_state_sqlite import (  # noqa: F401  (the shared contract, run on this store's fixture)
    DAY,
    HOUR,
    SCHEDULE,
    T0,
    fetched,
    found,
    test_a_handled_url_is_fetched_again_only_when_re_dated,
    test_a_late_run_makes_one_revisit_and_the_budget_leaves_the_rest_due,
    test_cursors,
    test_handling_the_article_a_url_led_to_settles_the_url,
    test_new_urls_are_fetched_and_stay_pending_until_handled,
    test_pending_urls_stream_in_chunks_while_the_run_writes,
    test_revisits_follow_the_schedule_from_the_first_fetch,
    test_the_first_fetch_is_the_one_that_counts,
    test_versions_are_remembered_by_article_key,
)

from newsbot.state import Cursor, StateError, StateLocked
from newsbot.state.redis import RedisState


def crawl(name: str = "news:x") -> SimpleNamespace:
    """What the state needs of a distributed crawl: its name, lease, and lock keys to renew."""
    return SimpleNamespace(name=name, lease_ms=60_000, lock_keys=[])


@pytest.fixture
def client(redis_server):
    return redis.Redis.from_url(redis_server.url)


@pytest.fixture
def state(client):
    return RedisState(client, 30 * DAY, crawl(), SCHEDULE)


def test_entries_expire_by_redis_ttl_and_cursors_after_half(state, client):
    state.discover("x", [found(1)])
    state.save_cursor("x", Cursor("https://x.test/s.xml", '"e"'))
    assert 29 * DAY < client.ttl("newsbot:state:a:x.test/a/1") <= 30 * DAY
    assert 14 * DAY < client.ttl("newsbot:state:c:https://x.test/s.xml") <= 15 * DAY


def test_a_due_revisit_goes_to_one_worker(client):
    one, two = (RedisState(client, 30 * DAY, crawl(), SCHEDULE) for _ in range(2))
    one.discover("x", [found(1)])
    one.handled([fetched(1, T0)])
    assert 29 * DAY < client.ttl("newsbot:state:revisit:x") <= 30 * DAY
    assert len(one.revisits("x", T0 + HOUR, 10).revisits) == 1
    assert two.revisits("x", T0 + HOUR, 10).revisits == []  # moved on by the first worker
    assert client.hget("newsbot:state:a:x.test/a/1", "etag") == b'"e1"'


def test_workers_of_one_crawl_share_an_outlet_and_another_crawl_is_refused(client):
    mine = crawl("news:x")
    RedisState(client, DAY, mine).lock("x")
    RedisState(client, DAY, crawl("news:x")).lock("x")  # a second worker of the same crawl
    with pytest.raises(StateLocked, match=r"outlet 'x' is being crawled by another distributed "
                                          r"crawl \(news:x\)"):
        RedisState(client, DAY, crawl("news:x+y")).lock("x")
    assert mine.lock_keys == ["newsbot:state:lock:x"]  # renewed by the worker's heartbeat


def test_a_redis_error_is_a_state_error(client):
    state = RedisState(client, DAY, crawl())
    client.connection_pool.disconnect()
    client.connection_pool.connection_kwargs["port"] = 1  # nothing listens there
    with pytest.raises(StateError, match="cannot use the crawl state in Redis"):
        state.article("x.test/a/1")
