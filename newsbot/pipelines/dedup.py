"""Dedupe stage: the same article once, copies on other outlets marked (or dropped).

* same URL (canonicalised, including a same-site ``<link rel=canonical>``): dropped;
* same text on the same outlet under another URL: the same article, dropped;
* same text on another outlet: a syndicated copy, kept with ``duplicateOf`` and the first
  copy's ``storyId`` (``NEWSBOT_DEDUP_MODE = "mark"``, the default) or dropped (``"drop"``).

Every outcome is counted in ``newsbot/dedup/*`` stats.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem, NotConfigured

from newsbot.dedup.exact import ExactIndex, article_keys

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

MODES = ("mark", "drop")


class DedupPipeline:
    def __init__(self, crawler: Crawler):
        self.stats = crawler.stats
        self.mode = crawler.settings.get("NEWSBOT_DEDUP_MODE", "mark")
        if self.mode not in MODES:
            raise NotConfigured(f"NEWSBOT_DEDUP_MODE must be one of {MODES}, not {self.mode!r}")
        self.index = ExactIndex()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupPipeline:
        if not crawler.settings.getbool("NEWSBOT_DEDUP_ENABLED"):
            raise NotConfigured("NEWSBOT_DEDUP_ENABLED is off")
        return cls(crawler)

    def process_item(self, item):
        adapter = ItemAdapter(item)
        url, publisher = adapter["url"], adapter.get("publisher")
        keys = article_keys(url, adapter.get("canonicalUrl"))
        if self.index.seen_url(keys):
            self._drop("same_url", f"same URL as an article already exported: {url}")
        first = self.index.first_copy(adapter.get("contentHash"))
        if first and first.publisher == publisher:
            self.index.add(keys, None, url, publisher)
            self._drop("same_text", f"same text as {first.url}: {url}")
        copy = self.index.add(keys, adapter.get("contentHash"), url, publisher)
        adapter["storyId"] = copy.story_id
        if first:
            self.stats.inc_value("newsbot/dedup/syndicated_copy")
            if self.mode == "drop":
                raise DropItem(f"copy of {first.url} (NEWSBOT_DEDUP_MODE=drop): {url}",
                               log_level="INFO")
            adapter["duplicateOf"] = first.url
        return item

    def _drop(self, kind: str, message: str) -> None:
        self.stats.inc_value(f"newsbot/dedup/{kind}")
        raise DropItem(message, log_level="INFO")
