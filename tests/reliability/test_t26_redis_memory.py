"""T26: Redis out of memory. A server that may evict keys is refused at start
(tests/distributed/test_connection.py); under ``noeviction`` a full Redis refuses writes: the
worker stops with an ERROR naming the cause and exit status 1, and once Redis has room the next
run crawls everything. Nothing is lost."""

from __future__ import annotations

from urllib.parse import urlsplit

import redis
from state.newsroom import serve, write_site

from crawling import lines
from newsbot.distributed.server import RedisServer
from workers import exported, finish, start_worker


def test_t26_a_full_redis_stops_the_worker_and_the_next_run_loses_nothing(tmp_path):
    server_redis = RedisServer(tmp_path / "redis", extra=("--maxmemory", "1200kb")).start()
    try:
        root = write_site(tmp_path / "site", 30)
        with serve(root) as server:
            # a full Redis cannot take back the worker's unfinished requests either: they
            # return when their lease expires (3 s here)
            full = start_worker(tmp_path / "1", server, server_redis.url,
                                {"NEWSBOT_REDIS_LEASE_SECONDS": "3"})
            log = finish(full)
            assert full.returncode == 1
            assert lines(log, "ERROR", "command not allowed when used memory > 'maxmemory'")
            assert lines(log, "ERROR", "The run may have lost data")

            redis.Redis.from_url(server_redis.url).config_set("maxmemory", 0)  # room again
            again = start_worker(tmp_path / "2", server, server_redis.url)
            log = finish(again)
        assert again.returncode == 0, log
    finally:
        server_redis.stop()
    got = {urlsplit(a["url"]).path for a in exported(tmp_path / "1") + exported(tmp_path / "2")}
    assert got == {f"/news/story-{n}.html" for n in range(1, 31)}
