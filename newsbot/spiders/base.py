"""What every newsbot spider shares: outlets, spider arguments, and turning a page into an item."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response, TextResponse

from newsbot.extraction import decode_html, extract_article
from newsbot.extraction.dates import PAGE_TEXT, normalise_date
from newsbot.items import Article
from newsbot.outlets import Outlet, load_outlets, outlet_for

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


class SpiderArgumentError(ValueError):
    """A ``-a name=value`` argument is invalid; the message says which and why."""


def parse_since(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise SpiderArgumentError(f"since={value!r} is not a date in YYYY-MM-DD form") from None


def parse_limit(value: str | int | None) -> int | None:
    if value in (None, ""):
        return None
    try:
        limit = int(value)
    except ValueError:
        limit = -1
    if limit < 1:
        raise SpiderArgumentError(f"limit={value!r} is not a positive whole number")
    return limit


def host_slug(url: str) -> str:
    """``https://www.example.co.uk/`` -> ``example-co-uk``: a safe folder name for a host."""
    host = (urlsplit(url).hostname or "unknown").removeprefix("www.")
    return re.sub(r"[^a-z0-9]+", "-", host.lower()).strip("-")[:64] or "unknown"


class NewsbotSpider(scrapy.Spider):
    """Base spider: knows the declared outlets and builds Article items from pages."""

    slug: str = "adhoc"
    """Folder name of this crawl's output (``%(outlet)s`` in FEEDS), validated."""

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.known_outlets = load_outlets(crawler.settings.get("NEWSBOT_OUTLETS_FILE"))
        spider.setup()
        return spider

    def setup(self) -> None:
        """Resolve spider arguments once settings and outlets are known."""

    def outlet_for(self, url: str) -> Outlet | None:
        return outlet_for(url, self.known_outlets)

    def parse_article(self, response: Response):
        """Extract the article on ``response``; clean, validate and dedupe are pipelines."""
        if not isinstance(response, TextResponse):
            self.crawler.stats.inc_value("newsbot/dropped/not_text")
            self.logger.info("Not an HTML page (%s): %s",
                             response.headers.get("Content-Type", b"?").decode("latin-1"),
                             response.url)
            return
        try:
            data = extract_article(response.url, decode_html(
                response.body, response.headers.get("Content-Type", b"").decode("latin-1")))
        except Exception:
            self.crawler.stats.inc_value("newsbot/extract_errors")
            self.logger.exception("Extraction failed on %s", response.url)
            return
        entry = response.meta.get("entry") or {}
        if data.get("datePublishedSource") in (None, PAGE_TEXT) and entry.get("published") \
                and (published := normalise_date(entry["published"])):
            data.update(datePublished=published, datePublishedRaw=entry["published"],
                        datePublishedSource="sitemap or feed")
        if not data.get("headline") and entry.get("title"):
            data["headline"] = entry["title"]
        outlet = self.known_outlets.get(response.meta.get("outlet", "")) \
            or self.outlet_for(response.url)
        data["publisher"] = outlet.title if outlet else urlsplit(response.url).hostname
        data["crawledAt"] = datetime.now(UTC).replace(microsecond=0).isoformat()[:-6] + "Z"
        yield Article(**{k: v for k, v in data.items() if v is not None})
