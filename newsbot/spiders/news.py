"""``scrapy crawl news -a outlet=NAME`` or ``-a home=URL``: crawl an outlet's new articles.

Discovery, in the order a news site offers it: news sitemaps (and sitemap indexes, gzip'd or
not), RSS/Atom feeds, then bounded link following from section fronts. For an outlet nobody
declared (``home=URL``), sitemaps come from robots.txt and feeds from the home page's
``<link rel="alternate">``. ``since`` and ``limit`` bound what is fetched.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from datetime import date
from typing import TypeVar

from scrapy import Request, signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response, TextResponse

from newsbot.discovery import Entry
from newsbot.discovery.feeds import Feed, feeds_from_html, parse_feed
from newsbot.discovery.links import MAX_OUTLINKS, anchor_hrefs, classify_links
from newsbot.discovery.roles import article_evidence
from newsbot.discovery.sitemaps import Sitemap, parse_sitemap, sitemaps_from_robots
from newsbot.discovery.xml import XmlRejected, inflate
from newsbot.dupefilter import page_roles
from newsbot.extensions.ledger import urls_of
from newsbot.extraction.dates import normalise_date
from newsbot.outlets import NAME_RE, Outlet
from newsbot.spiders.base import (
    NewsbotSpider,
    SpiderArgumentError,
    host_slug,
    parse_limit,
    parse_since,
)
from newsbot.urls import clean_url

XmlDoc = TypeVar("XmlDoc", Sitemap, Feed)

HEAD_LIMIT = 512 * 1024
"""Characters of a front page searched for the ``<head>``'s feed links, at most."""


class NewsSpider(NewsbotSpider):
    name = "news"
    incremental = True
    resumes_deferred = True

    def __init__(self, outlet: str | None = None, home: str | None = None,
                 since: str | None = None, limit: str | None = None, **kwargs):
        super().__init__(**kwargs)
        if bool(outlet) == bool(home):
            raise SpiderArgumentError("give either -a outlet=NAME[,NAME...] or -a home=URL")
        if home and not home.startswith(("http://", "https://")):
            raise SpiderArgumentError(f"home={home!r} is not an http(s) URL")
        self.outlet_names = [n.strip() for n in (outlet or "").split(",") if n.strip()]
        self.home = home
        self.since: date | None = parse_since(since)
        self.limit: int | None = parse_limit(limit)
        self._scheduled: dict[str, set[str]] = {}
        self._later: list[Outlet] = []
        self._too_old: set[str] = set()

    def setup(self) -> None:
        settings = self.crawler.settings
        self.follow_depth = settings.getint("NEWSBOT_FOLLOW_DEPTH")
        self.follow_max = settings.getint("NEWSBOT_FOLLOW_MAX_LINKS")
        self.sitemap_depth = settings.getint("NEWSBOT_SITEMAP_MAX_DEPTH")
        self.sitemap_children = settings.getint("NEWSBOT_SITEMAP_MAX_CHILDREN")
        self.max_xml_size = settings.getint("DOWNLOAD_MAXSIZE")
        # Sitemaps may be 50 MB by their protocol, more than a page; the same cap applies to
        # them inflated, whether gzip'd by HTTP or as a .xml.gz file.
        self.max_sitemap_size = settings.getint("NEWSBOT_SITEMAP_MAX_BYTES")
        self._depth_noted: set[str] = set()
        if self.home:
            self.outlets = [Outlet(name=host_slug(self.home), title=host_slug(self.home),
                                   home=self.home)]
        else:
            unknown = [n for n in self.outlet_names
                       if not NAME_RE.match(n) or n not in self.known_outlets]
            if unknown:
                raise SpiderArgumentError(
                    f"unknown outlet {unknown[0][:80]!r}; declared outlets: "
                    f"{', '.join(sorted(self.known_outlets))}")
            self.outlets = [self.known_outlets[n] for n in dict.fromkeys(self.outlet_names)]
        self.slug = "+".join(o.name for o in self.outlets)
        if len(self.slug) > 64:
            self.slug = f"{len(self.outlets)}-outlets"
        if settings.getbool("NEWSBOT_AGENCIES_FIRST"):
            agencies = [o for o in self.outlets if o.agency]
            if agencies and len(agencies) < len(self.outlets):
                self._later = [o for o in self.outlets if not o.agency]
        self.crawler.signals.connect(self.spider_idle, signal=signals.spider_idle)

    # --- start and phases -------------------------------------------------------------------
    async def start(self):
        for outlet in self.outlets:
            if outlet not in self._later:
                for request in self.discovery_requests(outlet):
                    yield request

    def spider_idle(self) -> None:
        """Start the outlets held back until the agencies were crawled."""
        if not self._later:
            return
        self.logger.info("Wire agencies done; crawling %s",
                         ", ".join(o.name for o in self._later))
        later, self._later = self._later, []
        for outlet in later:
            for request in self.discovery_requests(outlet):
                self.crawler.engine.crawl(request)
        raise DontCloseSpider

    def discovery_requests(self, outlet: Outlet):
        meta = {"outlet": outlet.name}
        for url in outlet.sitemaps:
            yield self.sitemap_request(url, outlet, 0)
        for url in outlet.feeds:
            yield Request(url, self.parse_feed, meta=meta)
        if not (outlet.sitemaps or outlet.feeds):  # undeclared: discover like a search engine
            yield Request(outlet.home.rstrip("/") + "/robots.txt", self.parse_robots, meta=meta)
        for url in outlet.sections or (() if outlet.sitemaps or outlet.feeds else (outlet.home,)):
            yield Request(url, self.parse_front, meta={**meta, "front_depth": 0})

    # --- discovery callbacks ----------------------------------------------------------------
    def parse_robots(self, response: Response):
        outlet = self.outlet_of(response)
        urls = sitemaps_from_robots(response.body, response.url)
        if not urls:
            urls = [outlet.home.rstrip("/") + "/sitemap.xml"]
        self.logger.info("robots.txt of %s announces %d sitemap(s)", outlet.name, len(urls))
        for url in urls:
            yield self.sitemap_request(url, outlet, 0)

    def parse_sitemap(self, response: Response):
        outlet = self.outlet_of(response)
        sitemap = self.read_xml(response, "sitemap", parse_sitemap, self.max_sitemap_size)
        if sitemap is None:
            return
        if sitemap.truncated:
            self.logger.warning("Sitemap %s has more than %d entries; the rest were ignored",
                                response.url, len(sitemap.entries))
        depth = response.meta.get("sitemap_depth", 0)
        if sitemap.kind == "sitemapindex":
            if depth >= self.sitemap_depth:
                self.logger.warning("Sitemap index %s is %d levels deep; not following it "
                                    "(NEWSBOT_SITEMAP_MAX_DEPTH)", response.url, depth)
                return
            children = [e for e in sitemap.entries if self.recent(e.lastmod)]
            if len(children) > self.sitemap_children:
                self.logger.warning("Sitemap index %s lists %d sitemaps; following the %d most "
                                    "recent (NEWSBOT_SITEMAP_MAX_CHILDREN)", response.url,
                                    len(children), self.sitemap_children)
                children.sort(key=lambda e: normalise_date(e.lastmod) or "", reverse=True)
            for entry in children[: self.sitemap_children]:
                yield self.sitemap_request(entry.loc, outlet, depth + 1)
            return
        yield from self.article_requests(outlet, sitemap.entries)

    def parse_feed(self, response: Response):
        outlet = self.outlet_of(response)
        feed = self.read_xml(response, "feed", parse_feed, self.max_xml_size)
        if feed is not None:
            yield from self.article_requests(outlet, feed.entries)

    def parse_front(self, response: Response):
        """A home page or section front: feeds it announces, article links, deeper fronts.

        A front that is an article (its markup says so, or a sitemap or feed announced it while
        it was queued and the page does not say otherwise: :mod:`newsbot.discovery.roles`) is
        extracted too, once.
        """
        if not isinstance(response, TextResponse):
            return
        outlet = self.outlet_of(response)
        is_article, why = article_evidence(response.text, response.url, outlet.article_re)
        assert response.request is not None  # a downloaded response, as every callback's
        announced = page_roles(self.crawler).front_handled(
            list(urls_of(response.request, response)), is_article)
        if announced is not None:
            response.meta.update(announced)
        if is_article or (announced is not None and is_article is None):
            self.crawler.stats.inc_value("newsbot/roles/front_is_article")
            self.logger.debug("Front %s is an article (%s): extracting it", response.url,
                              why if is_article else "announced by a sitemap or feed")
            yield from self.parse_article(response)
        if not outlet.feeds and response.meta.get("front_depth") == 0:
            # Feeds are announced in the <head>: no need to build the tree of a whole page.
            end = response.text.find("</head>", 0, HEAD_LIMIT)
            head = response.text[: end + len("</head>") if end >= 0 else HEAD_LIMIT]
            for url in feeds_from_html(head, response.url):
                yield Request(url, self.parse_feed, meta={"outlet": outlet.name})
        hrefs = anchor_hrefs(response.body, response.encoding)
        if len(hrefs) > MAX_OUTLINKS:
            self.crawler.stats.inc_value("newsbot/traps/max_outlinks")
            self.logger.warning("%s has more than %d links; looking at the first %d only "
                                "(MAX_OUTLINKS)", response.url, MAX_OUTLINKS, MAX_OUTLINKS)
        articles, sections = classify_links(response.url, hrefs[:MAX_OUTLINKS], outlet)
        for kind, links in (("article", articles), ("section", sections)):
            if len(links) > self.follow_max:
                self.crawler.stats.inc_value("newsbot/traps/max_links")
                self.logger.warning("%s has %d %s links; following the first %d "
                                    "(NEWSBOT_FOLLOW_MAX_LINKS)", response.url, len(links),
                                    kind, self.follow_max)
        yield from self.article_requests(outlet, [Entry(u) for u in articles[: self.follow_max]])
        depth = response.meta.get("front_depth", 0)
        if depth < self.follow_depth:
            for url in sections[: self.follow_max]:
                yield Request(url, self.parse_front,
                              meta={"outlet": outlet.name, "front_depth": depth + 1})
        elif sections and outlet.name not in self._depth_noted:
            self._depth_noted.add(outlet.name)
            self.logger.info("Not following section links of %s deeper than %d level(s) "
                             "(NEWSBOT_FOLLOW_DEPTH)", outlet.name, self.follow_depth)

    # --- helpers ----------------------------------------------------------------------------
    def sitemap_request(self, url: str, outlet: Outlet, depth: int) -> Request:
        return Request(url, self.parse_sitemap, meta={
            "outlet": outlet.name, "sitemap_depth": depth,
            "download_maxsize": self.max_sitemap_size})

    def article_requests(self, outlet: Outlet, entries: list[Entry]):
        """Requests for new article entries, within ``since`` and ``limit``."""
        scheduled = self._scheduled.setdefault(outlet.name, set())
        priority = 10 if outlet.agency else 0
        for entry in entries:
            url = clean_url(entry.loc)
            if url in scheduled or url in self._too_old:
                continue
            if self.limit is not None and len(scheduled) >= self.limit:
                self.crawler.stats.inc_value("newsbot/discovery/over_limit")
                continue
            if not self.recent(entry.published or entry.lastmod):
                self._too_old.add(url)  # an undated mention elsewhere does not revive it
                self.crawler.stats.inc_value("newsbot/discovery/too_old")
                continue
            scheduled.add(url)
            self.crawler.stats.inc_value("newsbot/discovery/articles")
            yield Request(url, self.parse_article, priority=priority,
                          meta={"outlet": outlet.name, "entry": asdict(entry)})

    def unschedule(self, outlet: str, url: str) -> None:
        """The crawl state says ``url`` need not be fetched: forget it, so that a run announcing
        a million known URLs does not keep them all in memory."""
        self._scheduled.get(outlet, set()).discard(url)

    def recent(self, raw_date: str | None) -> bool:
        """False only for entries dated before ``since`` (undated entries are kept)."""
        if self.since is None or not raw_date:
            return True
        normalised = normalise_date(raw_date)
        return normalised is None or normalised[:10] >= self.since.isoformat()

    def outlet_of(self, response: Response) -> Outlet:
        name = response.meta.get("outlet")
        return next(o for o in self.outlets if o.name == name)

    def read_xml(self, response: Response, kind: str, parse: Callable[[bytes, str], XmlDoc],
                 max_size: int) -> XmlDoc | None:
        """A sitemap or feed parsed with ``parse``, or None when it was rejected.

        A document that parsed only with recovery is logged, and its readable entries are
        still used; entries that could not be read are counted in ``newsbot/<kind>/...``.
        """
        try:
            document = parse(inflate(response.body, max_size), response.url)
        except XmlRejected as why:
            self.crawler.stats.inc_value("newsbot/xml/rejected")
            self.logger.warning("Ignoring invalid %s %s: %s", kind, response.url, why)
            return None
        if document.problem:
            self.crawler.stats.inc_value("newsbot/xml/recovered")
            self.logger.warning("Malformed %s %s (%s); using the entries that could be read",
                                kind, response.url, document.problem)
        if document.skipped:
            self.crawler.stats.inc_value(f"newsbot/{kind}/invalid_entries", document.skipped)
        return document
