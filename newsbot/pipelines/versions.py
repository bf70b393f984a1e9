"""Versions stage: an article is exported once per text, numbered, each version naming the last.

Every article gets ``id`` (its key and text hashed: the same text of the same article always has
the same id, so a line replayed after a crash is recognised). With crawl state (scheduled
``news`` crawls), a refetched article whose text did not change is dropped (``unchanged``); one
whose text changed is exported as the next ``version``, with ``replaces`` = the previous
version's id and ``dateModified`` filled from its sitemap or feed date (else the time it was
found) when the page gives none. Without state, ``version`` and ``replaces`` stay null. Refetches
come from re-dated sitemap or feed entries and from revisits (:mod:`newsbot.state`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from itemadapter import ItemAdapter

from newsbot.extensions.state import CrawlStateKeeper
from newsbot.pipelines import Dropped
from newsbot.state import article_key, version_id

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


class VersionPipeline:
    def __init__(self, crawler: Crawler):
        self.stats = crawler.stats
        keeper = crawler.get_extension(CrawlStateKeeper)
        self.state = keeper.state if keeper else None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> VersionPipeline:
        return cls(crawler)

    def process_item(self, item):
        adapter = ItemAdapter(item)
        key = article_key(adapter["url"], adapter.get("canonicalUrl"))
        content_hash = adapter.get("contentHash")
        adapter["id"] = version_id(key, content_hash)
        if self.state is None:
            return item
        last = self.state.article(key)
        if last and last.content_hash == content_hash:
            self.stats.inc_value("newsbot/versions/unchanged")
            raise Dropped("unchanged", f"unchanged since version {last.number}: {adapter['url']}")
        adapter["version"] = last.number + 1 if last else 1
        adapter["replaces"] = last.id if last else None
        if last and not adapter.get("dateModified"):
            adapter["dateModified"] = last.announced or adapter.get("crawledAt")
            adapter["dateModifiedSource"] = "sitemap or feed" if last.announced else "crawl"
        self.stats.inc_value("newsbot/versions/changed" if last else "newsbot/versions/new")
        return item
