"""Spider middleware, next to the engine: which articles each leased request gave.

A leased request is done (its lease acknowledged, :mod:`newsbot.distributed.crawl`) once the
spider has handled its response and each of these articles is exported or dropped. Requests the
spider yields never carry their parent's lease.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from itemadapter import is_item
from scrapy import Request
from scrapy.exceptions import NotConfigured

from newsbot.distributed.crawl import LEASE, RedisCrawl, redis_crawl

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response


class LeaseMiddleware:
    def __init__(self, crawl: RedisCrawl):
        self.crawl = crawl

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LeaseMiddleware:
        crawl = redis_crawl(crawler)
        if crawl is None:
            raise NotConfigured("not a distributed crawl (NEWSBOT_REDIS_URL is not set)")
        return cls(crawl)

    async def process_spider_output(self, response: Response,
                                    result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for obj in result:
            if is_item(obj) and response.request is not None:
                self.crawl.item_from(obj, response.request)
            elif isinstance(obj, Request):
                # A request the spider made is new work, even with meta copied from the
                # response: only a retry or a redirect takes over (acknowledges) its lease.
                obj.meta.pop(LEASE, None)
            yield obj
