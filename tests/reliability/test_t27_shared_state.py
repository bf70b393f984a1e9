"""T27 and T22 with Redis: the shared queue and dupefilter persist when a worker closes; a new
run of a finished crawl starts afresh yet exports only what is new (the crawl state in Redis)."""

from __future__ import annotations

import redis
from scrapy.settings import Settings
from state.newsroom import serve, write_site

from crawling import stats
from newsbot.distributed.settings import distributed_settings
from newsbot.settings import DOWNLOAD_HANDLERS, SPIDER_MIDDLEWARES
from workers import CRAWL, exported, finish, start_worker


def test_t27_distributed_mode_persists_and_never_pickles(monkeypatch):
    monkeypatch.delenv("NEWSBOT_REDIS_URL", raising=False)
    plain = Settings({"DOWNLOAD_HANDLERS": dict(DOWNLOAD_HANDLERS),
                      "SPIDER_MIDDLEWARES": dict(SPIDER_MIDDLEWARES)})
    distributed_settings(plain)
    assert plain.get("SCHEDULER") == "scrapy.core.scheduler.Scheduler"  # no URL: unchanged
    monkeypatch.setenv("NEWSBOT_REDIS_URL", "redis://127.0.0.1:1/0")
    settings = Settings({"DOWNLOAD_HANDLERS": dict(DOWNLOAD_HANDLERS),
                         "SPIDER_MIDDLEWARES": dict(SPIDER_MIDDLEWARES)})
    distributed_settings(settings)
    assert settings.getbool("SCHEDULER_PERSIST") is True
    assert settings.get("SCHEDULER_SERIALIZER") == "json"
    assert settings.get("SCHEDULER") == "newsbot.distributed.scheduler.RedisScheduler"


def test_t27_t22_reruns_with_redis_export_only_what_is_new(tmp_path, redis_server):
    client = redis.Redis.from_url(redis_server.url)
    root = write_site(tmp_path / "site", 6)
    with serve(root) as server:
        first = start_worker(tmp_path / "1", server, redis_server.url)
        log = finish(first)
        assert first.returncode == 0, log
        assert len(exported(tmp_path / "1")) == 6
        # the worker closed; the crawl's fingerprints are still there (not flushed on close)
        assert client.scard(CRAWL + "dupefilter") > 0 and client.exists(CRAWL + "finished")

        again = start_worker(tmp_path / "2", server, redis_server.url)
        log = finish(again)
        assert again.returncode == 0, log
        assert "Worker" in log and "a new run" in log
        assert exported(tmp_path / "2") == []  # unchanged site: nothing exported twice
        assert stats(log)["newsbot/state/not_modified"] == 2, log  # sitemap and feed: 304

        write_site(root, 9)  # three new stories
        third = start_worker(tmp_path / "3", server, redis_server.url)
        log = finish(third)
        assert third.returncode == 0, log
        assert sorted(a["url"].rsplit("/", 1)[-1] for a in exported(tmp_path / "3")) == [
            "story-7.html", "story-8.html", "story-9.html"]
