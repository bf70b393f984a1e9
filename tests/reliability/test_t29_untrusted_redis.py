"""T29, the Redis half: whoever can write to Redis cannot run code on the workers nor lift a
safeguard. Payloads pushed into the shared queue are JSON read through an allow-list; nothing
reads scrapy-redis' ``<spider>:start_urls``."""

from __future__ import annotations

import json
import pickle
from urllib.parse import urlsplit

import redis
from state.newsroom import serve, write_site

from crawling import lines, stats
from workers import CRAWL, exported, finish, start_worker


class Payload:
    """Writes a marker file when unpickled."""

    def __init__(self, marker: str):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_t29_queued_pickles_and_unsafe_meta_are_refused(tmp_path, redis_server):
    client = redis.Redis.from_url(redis_server.url)
    marker = tmp_path / "pwned"
    root = write_site(tmp_path / "site", 3)
    (root / "private").mkdir()
    (root / "private" / "secret.html").write_text((root / "news" / "story-1.html").read_text())
    (root / "robots.txt").write_text("User-agent: *\nDisallow: /private\n")
    with serve(root) as server:
        base = server.base_url
        evil = pickle.dumps({"url": f"{base}/news/story-1.html", "x": Payload(str(marker))})
        entries = [
            json.dumps({"url": f"{base}/private/secret.html", "callback": "parse_article",
                        "meta": {"outlet": "daily", "dont_obey_robotstxt": True,
                                 "download_maxsize": 0, "proxy": "http://127.0.0.1:9",
                                 "dont_filter": True}}),
            json.dumps({"url": "http://169.254.169.254/latest/meta-data/",
                        "callback": "parse_article", "meta": {"outlet": "daily"}}),
            json.dumps({"url": f"{base}/news/story-2.html", "callback": "__init__"}),
        ]
        client.zadd(CRAWL + "requests", {evil: 0, **{e: 0 for e in entries}})
        client.lpush("news:start_urls", evil)
        worker = start_worker(tmp_path / "w", server, redis_server.url,
                              {"NEWSBOT_ALLOW_PRIVATE_NETWORKS": f"{urlsplit(base).hostname}/32"})
        log = finish(worker)

    assert worker.returncode == 0, log
    assert not marker.exists()
    assert len(lines(log, "WARNING", "Skipping a queued request that newsbot did not make")) == 2
    assert stats(log)["newsbot/distributed/bad_payload"] == 2  # the pickle and __init__
    assert stats(log)["robotstxt/forbidden"] == 1  # robots.txt still applies
    assert lines(log, "WARNING", "Blocked non-public address/scheme: http://169.254.169.254/")
    assert len(exported(tmp_path / "w")) == 3
    assert client.llen("news:start_urls") == 1  # never read
