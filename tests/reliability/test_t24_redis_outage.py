"""T24: Redis down when a worker starts (a clear error, non-zero exit, no password in the log),
and Redis killed and restarted mid-crawl (the worker waits, then goes on; nothing lost)."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from state.newsroom import serve, write_site

from crawling import lines, stats
from newsbot.distributed.server import RedisServer, free_port
from workers import CRAWL, exported, finish, start_worker, wait_until

SECRET = "pw-t24-secret"


def test_t24_redis_down_at_start_stops_the_worker_with_a_clear_error(tmp_path):
    root = write_site(tmp_path / "site", 2)
    with serve(root) as server:
        worker = start_worker(tmp_path / "w", server,
                              f"redis://:{SECRET}@127.0.0.1:{free_port()}/0")
        log = finish(worker, timeout=60)
    assert worker.returncode != 0
    assert len(lines(log, "ERROR", "Cannot use Redis at redis://:***@127.0.0.1:")) == 1
    assert "the crawl does not start" in log
    assert SECRET not in log
    assert server.arrived == []


def test_t24_redis_killed_and_restarted_mid_crawl_loses_nothing(tmp_path):
    # Redis with its append-only file synced on every write, as the README asks for.
    redis = RedisServer(tmp_path / "redis", password=SECRET,
                        extra=("--appendonly", "yes", "--appendfsync", "always")).start()
    try:
        import redis as redis_py

        client = redis_py.Redis.from_url(redis.url)
        root = write_site(tmp_path / "site", 10)
        with serve(root) as server:
            server.gate.clear()
            worker = start_worker(tmp_path / "w", server, redis.url,
                                  {"CONCURRENT_REQUESTS": "2", "NEWSBOT_EXPORT_BATCH_ITEMS": "2"})
            wait_until(lambda: client.zcard(CRAWL + "leases") >= 2, [worker])
            redis.kill()
            server.gate.set()  # the pages in flight arrive while Redis is away
            time.sleep(3)
            redis.start()
            log = finish(worker)
    finally:
        redis.stop()
    assert worker.returncode == 0, log
    assert lines(log, "WARNING", "is unreachable")
    assert lines(log, "WARNING", "is back after")
    assert len(lines(log, "WARNING", "is unreachable")) < 15  # once per back-off, not per call
    assert SECRET not in log
    got = sorted(urlsplit(a["url"]).path for a in exported(tmp_path / "w"))
    assert got == sorted(f"/news/story-{n}.html" for n in range(1, 11))
    assert stats(log)["newsbot/versions/new"] == 10
