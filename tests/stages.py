"""The clean, attribute and dedupe stages run as ITEM_PIPELINES runs them, through Scrapy's
crawler, on items written by a test."""

from __future__ import annotations

from scrapy import Spider
from scrapy.utils.test import get_crawler

import newsbot.settings
from newsbot.items import Article
from newsbot.pipelines.attribute import AttributionPipeline
from newsbot.pipelines.clean import CleanPipeline
from newsbot.pipelines.dedup import DedupPipeline

SETTINGS = {k: getattr(newsbot.settings, k) for k in dir(newsbot.settings)
            if k.startswith("NEWSBOT_")}
DAY = "2026-11-18T{}:00Z"


class Stages:
    """clean -> attribute -> dedupe, as ITEM_PIPELINES runs them."""

    def __init__(self, index_path, **settings):
        self.crawler = get_crawler(Spider, {**SETTINGS, "NEWSBOT_DEDUP_INDEX_PATH": str(index_path),
                                            **settings})
        self.crawler.stats.open_spider()
        self.attribute = AttributionPipeline.from_crawler(self.crawler)
        self.dedup = DedupPipeline.from_crawler(self.crawler)

    def __call__(self, url, paras, publisher="Outlet", hour="10:00", crawled="12:00", **fields):
        fields.setdefault("inLanguage", "en")
        item = Article(url=url, headline="A story", articleBody="\n".join(paras),
                       publisher=publisher, datePublished=DAY.format(hour),
                       crawledAt=DAY.format(crawled), **fields)
        return dict(self.dedup.process_item(self.attribute.process_item(
            CleanPipeline().process_item(item))))

    def stat(self, name):
        return self.crawler.stats.get_value(name)

    def close(self):
        self.dedup.close()
