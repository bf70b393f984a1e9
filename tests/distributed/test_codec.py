"""Queued requests are JSON and read back as untrusted data (T29, the pure half)."""

from __future__ import annotations

import json
import pickle

import pytest
from scrapy import Request

from newsbot.distributed.codec import BadRequest, decode, encode


class Spider:
    name = "news"

    def parse_article(self, response):  # pragma: no cover - never called here
        pass

    def close(self, reason):  # pragma: no cover
        pass


SPIDER = Spider()


def test_a_request_round_trips_through_json():
    request = Request("https://x.test/a?b=1", SPIDER.parse_article, priority=5,
                      meta={"outlet": "x", "depth": 2, "download_maxsize": 1000,
                            "proxy": "http://127.0.0.1:9", "dont_obey_robotstxt": True})
    data = encode(request, SPIDER)
    assert data.startswith(b"{") and b"proxy" not in data and b"dont_obey" not in data
    back = decode(data, SPIDER, max_size=10_000)
    assert (back.url, back.callback, back.priority) == (request.url, SPIDER.parse_article, 5)
    assert back.meta == {"outlet": "x", "depth": 2, "download_maxsize": 1000}


@pytest.mark.parametrize(("payload", "why"), [
    (pickle.dumps({"url": "https://x.test/"}), "not JSON"),
    (b"[1, 2]", "not a JSON object"),
    (b'{"url": "file:///etc/passwd", "callback": "parse_article"}', "is not http"),
    (b'{"url": "https://x.test/", "callback": "close"}', "not a parse method"),
    (b'{"url": "https://x.test/", "callback": "parse_nothing"}', "has no method"),
    (b'{"url": "https://x.test/", "callback": "parse_article", "priority": "9"}', "priority"),
    (b'{"url": "https://x.test/", "callback": "parse_article", "meta": []}', "meta"),
])
def test_anything_else_is_refused(payload, why):
    with pytest.raises(BadRequest, match=why):
        decode(payload, SPIDER, max_size=10_000)


@pytest.mark.parametrize("size", [0, -1, 10**12, True, "5"])
def test_a_size_limit_can_only_be_lowered(size):
    data = json.dumps({"url": "https://x.test/", "callback": "parse_article",
                       "meta": {"download_maxsize": size, "dont_filter": True}}).encode()
    request = decode(data, SPIDER, max_size=10_000)
    assert "download_maxsize" not in request.meta and not request.dont_filter
