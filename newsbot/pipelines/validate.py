"""Validate stage: only articles leave the crawl (not 404 pages, consent walls or fronts)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter

from newsbot.extraction.structured import NOT_ARTICLE_TYPES
from newsbot.pipelines import Dropped

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


def problem(article: dict[str, Any], min_body_chars: int,
            max_body_chars: int = 0) -> str | None:
    """Why ``article`` is not an article (a short reason usable as a stat key), or None."""
    if not article.get("url"):
        return "no_url"
    if not article.get("headline"):
        return "no_headline"
    body = article.get("articleBody") or ""
    if len(body) < min_body_chars:
        return "short_body"
    if max_body_chars and len(body) > max_body_chars:
        return "long_body"  # a book, a dump or a generated page, not a news article
    page_type = (article.get("pageType") or "").lower()
    if page_type in NOT_ARTICLE_TYPES and not article.get("datePublished"):
        return "not_an_article"
    return None


class ValidatePipeline:
    """Drops what is not an article, with the reason in the log and in ``newsbot/dropped/*``."""

    def __init__(self, crawler: Crawler):
        self.stats = crawler.stats
        self.min_body_chars = crawler.settings.getint("NEWSBOT_VALIDATE_MIN_BODY_CHARS")
        self.max_body_chars = crawler.settings.getint("NEWSBOT_VALIDATE_MAX_BODY_CHARS")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidatePipeline:
        return cls(crawler)

    def process_item(self, item):
        adapter = ItemAdapter(item)
        reason = problem(adapter.asdict(), self.min_body_chars, self.max_body_chars)
        if reason:
            self.stats.inc_value(f"newsbot/dropped/{reason}")
            raise Dropped(f"dropped/{reason}", f"not an article ({reason}): {adapter.get('url')}")
        return item
