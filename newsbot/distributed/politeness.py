"""One politeness budget per host, shared by every worker.

Scrapy's download delay, AutoThrottle and robots.txt ``Crawl-delay`` hold per process: N
workers would each keep their own distance from a host and together hit it N times as often.
Here each host has one "next free instant" in Redis (``newsbot:host:<host>:next``). Just before
a request is sent (in the download handler, after the worker's own slot has waited), the
worker reserves the next instant at least the slot's delay after the previous reservation of
any worker, and waits for it; a ``Retry-After`` or back-off hold by one worker
(:mod:`newsbot.middlewares.hosts`) pushes the instant forward for all. A delay of 0 (loopback
crawls, benchmarks) reserves nothing and costs nothing.

What is shared is the rate: reservations are spaced by the delay, but a worker too busy to send
at its reserved instant sends late, possibly close to the next worker's request (the test,
``tests/reliability/test_t17_politeness_redis.py``, measures the combined rate at the server).
``CONCURRENT_REQUESTS_PER_DOMAIN`` still counts per worker (with a delay of a second or more and
answers faster than that, it is rarely reached).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.utils.httpobj import urlparse_cached

from newsbot.distributed.crawl import _NOW, redis_crawl
from newsbot.scrapy_internals import slot_delay

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

    from newsbot.distributed.connection import PatientRedis

_RESERVE = _NOW + """
local free = tonumber(redis.call('GET', KEYS[1]) or '0')
local at = math.max(now, free)
redis.call('SET', KEYS[1], at + tonumber(ARGV[1]), 'PX', at - now + tonumber(ARGV[1]) + 60000)
return at - now
"""
# KEYS: the host's next free instant (ms).  ARGV: delay (ms).  Returns ms to wait.

_HOLD = _NOW + """
local free = tonumber(redis.call('GET', KEYS[1]) or '0')
local until_ = now + tonumber(ARGV[1])
if until_ > free then redis.call('SET', KEYS[1], until_, 'PX', tonumber(ARGV[1]) + 60000) end
return 1
"""


class HostBudget:
    def __init__(self, redis: PatientRedis):
        self._reserve = redis.register_script(_RESERVE)
        self._hold = redis.register_script(_HOLD)

    @staticmethod
    def key(host: str) -> str:
        return f"newsbot:host:{host}:next"

    def reserve(self, host: str, delay: float) -> float:
        """Seconds to wait before sending to ``host``, at least ``delay`` after the last."""
        return int(self._reserve(keys=[self.key(host)], args=[int(delay * 1000)])) / 1000

    def hold(self, host: str, seconds: float) -> None:
        """No worker sends to ``host`` for ``seconds``."""
        self._hold(keys=[self.key(host)], args=[int(seconds * 1000)])


def host_budget(crawler: Crawler) -> HostBudget | None:
    crawl = redis_crawl(crawler)
    return HostBudget(crawl.redis) if crawl else None


class SharedPolitenessHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 handler, waiting for the host's shared budget before each request."""

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        self.crawler = crawler
        self.budget = host_budget(crawler)

    async def download_request(self, request: Request) -> Response:
        delay = slot_delay(self.crawler.engine.downloader, request)
        if self.budget and delay > 0:
            host = urlparse_cached(request).hostname or ""
            wait = self.budget.reserve(host, delay)
            if wait > 0:
                await asyncio.sleep(wait)
        return await super().download_request(request)
