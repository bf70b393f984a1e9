"""Dedupe stage: each article once, and every copy in the story of its original.

* same URL (canonicalised, including a same-site ``<link rel=canonical>``) in this run:
  dropped; seen in an earlier run: kept in its story (whether an unchanged refetch is exported
  again is decided by the versions stage from the crawl state, which only knows lines durably
  written);
* same text on the same outlet under another URL: the same article, dropped;
* the same or nearly the same story on another outlet (an exact copy, a trimmed, extended or
  copy-edited reprint): kept with the story's ``storyId`` and ``duplicateOf`` = its original's
  URL (``NEWSBOT_DEDUP_MODE = "mark"``, the default) or dropped (``"drop"``), and attributed to
  the original's agency when it names none itself;
* live blogs are never clustered; articles in different languages are never merged.

The index persists between runs (:mod:`newsbot.dedup.store`; in Redis for a distributed crawl,
:mod:`newsbot.dedup.redis_store`); the original of a story may
change when a better one arrives (:func:`newsbot.dedup.originals.elect`): articles already
exported keep the fields they were exported with, and ``newsbot export`` points them at the
story's original (:mod:`newsbot.dataset.stories`). Every outcome is counted in
``newsbot/dedup/*`` stats.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.exceptions import NotConfigured

from newsbot.attribution import site_agency
from newsbot.dedup.clusters import Clusterer, Placement
from newsbot.dedup.exact import article_keys
from newsbot.dedup.fingerprints import text_shingles
from newsbot.dedup.lsh import band_keys
from newsbot.dedup.originals import cross_site_key, mark_copy, story_id
from newsbot.dedup.redis_store import RedisIndex
from newsbot.dedup.similarity import Thresholds
from newsbot.dedup.store import Doc, NearIndex, SqliteIndex
from newsbot.distributed.crawl import redis_crawl
from newsbot.pipelines import Dropped

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)
LIVE_BLOG_TYPES = frozenset({"liveblogposting"})
COPY_STATS = {"exact": "syndicated_copy", "near": "near_duplicate"}


def day_of(timestamp: str | None) -> int | None:
    """Ordinal of the UTC day of an ISO 8601 timestamp (None when there is none)."""
    try:
        return date.fromisoformat((timestamp or "")[:10]).toordinal()
    except ValueError:
        return None


def thresholds(settings) -> Thresholds:
    return Thresholds(
        jaccard=settings.getfloat("NEWSBOT_DEDUP_JACCARD"),
        containment=settings.getfloat("NEWSBOT_DEDUP_CONTAINMENT"),
        lead=settings.getfloat("NEWSBOT_DEDUP_LEAD_OVERLAP"),
        min_shingles=settings.getint("NEWSBOT_DEDUP_MIN_SHINGLES"),
        brief_jaccard=settings.getfloat("NEWSBOT_DEDUP_BRIEF_JACCARD"),
        related=settings.getfloat("NEWSBOT_DEDUP_RELATED_CONTAINMENT"))


class DedupPipeline:
    def __init__(self, crawler: Crawler):
        settings = crawler.settings
        self.stats = crawler.stats
        self.mode = settings.get("NEWSBOT_DEDUP_MODE")  # "mark" or "drop" (newsbot.config)
        self.window = settings.getint("NEWSBOT_DEDUP_WINDOW_DAYS")
        # A distributed crawl's workers share one index in Redis (and know which of them
        # placed an article in this run), a single process has its SQLite file.
        self.crawl = redis_crawl(crawler)
        self.index: NearIndex = (RedisIndex(self.crawl.redis) if self.crawl else
                                 SqliteIndex(settings.get("NEWSBOT_DEDUP_INDEX_PATH")))
        self.clusterer = Clusterer(self.index, thresholds(settings))
        self.seen: set[str] = set()
        self.expired_before: int | None = None
        crawler.signals.connect(self.close, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupPipeline:
        if not crawler.settings.getbool("NEWSBOT_DEDUP_ENABLED"):
            raise NotConfigured("NEWSBOT_DEDUP_ENABLED is off")
        return cls(crawler)

    def close(self) -> None:
        self.index.close()

    def process_item(self, item):
        adapter = ItemAdapter(item)
        url = adapter["url"]
        keys = article_keys(url, adapter.get("canonicalUrl"))
        if not self.seen.isdisjoint(keys) or (self.crawl and not self.crawl.claim(keys)):
            self._drop("same_url", f"same URL as an article already exported: {url}")
        self.seen |= keys
        today = day_of(adapter.get("crawledAt")) or datetime.now(UTC).date().toordinal()
        cutoff = today - self.window + 1
        if self.expired_before is None or cutoff > self.expired_before:
            self.stats.inc_value("newsbot/dedup_index/expired", self.index.expire(cutoff))
            self.expired_before = cutoff
        doc = self._doc(adapter, today)
        # An article indexed by an earlier run is refetched: it stays in its story. Whether it is
        # exported again is the versions stage's call, which trusts the crawl state: only lines
        # durably written are known there, while this index may hold articles of a run that
        # died before writing them.
        earlier = self.index.find_url(keys)
        lsh_keys = band_keys(doc.body, doc.lead)
        if (adapter.get("pageType") or "").lower() in LIVE_BLOG_TYPES \
                or adapter.get("liveBlogUpdates"):  # a live page known by its posts alone
            self.stats.inc_value("newsbot/dedup_index/live_blog")
            lsh_keys = lsh_keys[:0]  # a story of its own that nothing joins
        if earlier:
            if earlier.content_hash != doc.content_hash:
                self.stats.inc_value("newsbot/dedup_index/new_version")
            placement = self.clusterer.update(doc, earlier, keys, lsh_keys)
        else:
            placement = self.clusterer.place(doc, keys, lsh_keys)
        if placement.kind == "same_text":
            self._drop("same_text", f"same text as {placement.leader.url}: {url}")
        self._report(placement)
        return self._mark(adapter, item, placement)

    def _doc(self, adapter: ItemAdapter, today: int) -> Doc:
        body, lead = text_shingles(adapter.get("articleBody") or "")
        url, canonical = adapter["url"], adapter.get("canonicalUrl")
        evidence = adapter.get("attributionEvidence") or []
        return Doc(
            url=url, publisher=adapter.get("publisher"), content_hash=adapter.get("contentHash"),
            day=today,
            published=adapter.get("datePublished"), language=adapter.get("inLanguage"),
            agency_page=site_agency(evidence),
            source_org=adapter.get("sourceOrganization"),
            canonical_key=cross_site_key(url, canonical),
            story=story_id(url, canonical), body=body, lead=lead)

    def _report(self, placement: Placement) -> None:
        url = placement.doc.url
        if placement.replaced:
            self.stats.inc_value("newsbot/dedup_index/original_replaced")
            logger.info("%s is now the original of story %s in place of %s (articles already "
                        "exported keep their fields)", url, placement.doc.story,
                        placement.replaced.url)
        for story in placement.bridged:
            self.stats.inc_value("newsbot/dedup_index/bridging")
            logger.info("%s also matches story %s; joined story %s only (no chaining)", url,
                        story, placement.doc.story)
        if placement.related:
            self.stats.inc_value("newsbot/dedup_index/related")
            logger.debug("%s shares background with stories %s", url, placement.related)

    def _mark(self, adapter: ItemAdapter, item, placement: Placement):
        leader, doc = placement.leader, placement.doc
        adapter["storyId"] = doc.story
        if leader.id == doc.id:
            return item
        if placement.kind in COPY_STATS:
            self.stats.inc_value(f"newsbot/dedup/{COPY_STATS[placement.kind]}")
        if self.mode == "drop":
            raise Dropped(f"duplicate/{COPY_STATS.get(placement.kind, 'copy')}",
                          f"copy of {leader.url} (NEWSBOT_DEDUP_MODE=drop): {doc.url}")
        mark_copy(adapter, leader.url, leader.publisher, leader.source_org)
        return item

    def _drop(self, kind: str, message: str) -> None:
        self.stats.inc_value(f"newsbot/dedup/{kind}")
        raise Dropped(f"duplicate/{kind}", message)
