"""What every newsbot spider shares: outlets, spider arguments, and turning a page into an item."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import scrapy
from scrapy import Request, signals
from scrapy.exceptions import StopDownload
from scrapy.http import Headers, Response, TextResponse

from newsbot.encoding import MOJIBAKE_MARKS, decode_html, mojibake_marks
from newsbot.extensions.ledger import settle_response
from newsbot.extraction import extract_article
from newsbot.extraction.dates import PAGE_TEXT, normalise_date
from newsbot.items import Article
from newsbot.outlets import Outlet, load_outlets, outlet_for
from newsbot.timebudget import OverBudget, time_budget

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
    incremental: bool = False
    """Keeps crawl state between runs (:mod:`newsbot.state`): only what is new is fetched."""
    resumes_deferred: bool = False
    """Whether requests deferred by an earlier crawl with the same slug are made again."""
    arguments: dict[str, Any]
    known_outlets: dict[str, Outlet]
    extract_budget: float

    def __init__(self, **kwargs: Any):
        # Scrapy turns every -a argument into a spider attribute: an unknown one could replace
        # ``slug`` (an output path) or anything else, so only scrapyd's own ``_job`` and the
        # like pass.
        unknown = sorted(k for k in kwargs if not k.startswith("_"))
        if unknown:
            raise SpiderArgumentError(f"unknown argument -a {unknown[0][:40]}=...")
        super().__init__(**kwargs)

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.arguments = dict(kwargs)  # as given with -a, for the run's manifest
        spider.known_outlets = load_outlets(crawler.settings.get("NEWSBOT_OUTLETS_FILE"))
        spider.extract_budget = crawler.settings.getfloat("NEWSBOT_EXTRACT_TIME_BUDGET")
        crawler.signals.connect(spider.headers_received, signal=signals.headers_received)
        spider.setup()
        return spider

    def setup(self) -> None:
        """Resolve spider arguments once settings and outlets are known."""

    def outlet_for(self, url: str) -> Outlet | None:
        return outlet_for(url, self.known_outlets)

    def headers_received(self, headers: Headers, body_length: int, request: Request,
                         spider: scrapy.Spider) -> None:
        """Stop downloading an article URL that turns out to be a PDF, a video, a binary ..."""
        if request.callback == self.parse_article and not is_page_type(
                (headers.get(b"Content-Type") or b"").decode("latin-1")):
            raise StopDownload(fail=False)  # parse_article gets the headers and drops it

    def parse_article(self, response: Response):
        """Extract the article on ``response``; clean, validate and dedupe are pipelines."""
        if "dataloss" in response.flags:  # only with DOWNLOAD_FAIL_ON_DATALOSS = False
            self.drop(response, "truncated", "the response body is incomplete")
            return
        content_type = (response.headers.get("Content-Type") or b"").decode("latin-1")
        if not isinstance(response, TextResponse) or not is_page_type(content_type):
            self.drop(response, "not_text", f"not an HTML page ({content_type or '?'})")
            return
        try:
            with time_budget(self.extract_budget):
                data = extract_article(response.url, decode_html(response.body, content_type))
        except OverBudget:
            self.drop(response, "extract_timeout", f"extraction used more than "
                      f"{self.extract_budget:g} s of CPU (NEWSBOT_EXTRACT_TIME_BUDGET)")
            return
        except Exception:
            self.crawler.stats.inc_value("newsbot/extract_errors")
            self.logger.exception("Extraction failed on %s", response.url)
            settle_response(self.crawler, response.request, "error/extraction")
            return
        if mojibake_marks(f"{data.get('headline')} {data.get('articleBody')}") >= MOJIBAKE_MARKS:
            self.crawler.stats.inc_value("newsbot/encoding/suspect")
            self.logger.warning("Text of %s looks wrongly decoded (mojibake or U+FFFD); "
                                "exported as it is", response.url)
        entry = response.meta.get("entry") or {}
        if data.get("datePublishedSource") in (None, PAGE_TEXT) and entry.get("published") \
                and (published := normalise_date(entry["published"])):
            data["datePublished"], data["datePublishedRaw"] = published, entry["published"]
            data["datePublishedSource"] = "sitemap or feed"
        if not data.get("headline") and entry.get("title"):
            data["headline"] = entry["title"]
        outlet = self.known_outlets.get(response.meta.get("outlet", "")) \
            or self.outlet_for(response.url)
        data["publisher"] = outlet.title if outlet else urlsplit(response.url).hostname
        data["crawledAt"] = datetime.now(UTC).replace(microsecond=0).isoformat()[:-6] + "Z"
        yield Article(**{k: v for k, v in data.items() if v is not None})

    def drop(self, response: Response, reason: str, why: str) -> None:
        """A page that yields no article, counted like the validate stage's drops."""
        self.crawler.stats.inc_value(f"newsbot/dropped/{reason}")
        self.logger.info("Dropped (%s): %s: %s", reason, why, response.url)
        settle_response(self.crawler, response.request, f"dropped/{reason}")


def is_page_type(content_type: str) -> bool:
    """Whether a Content-Type can hold an article page (absent counts: the body will tell)."""
    media = content_type.split(";", 1)[0].strip().lower()
    return not media or media.startswith("text/") or media in (
        "application/xhtml+xml", "application/xml")
