"""T15: spider traps: endless calendars and pagination, session ids, repeating paths, growing
queries, a page of 300 000 links."""

from __future__ import annotations

import secrets

import pytest
from scrapy import Request, Spider
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawling import lines, stats
from faultserver import FaultServer, Req
from newsbot.discovery.links import anchor_hrefs
from newsbot.discovery.traps import trap_rule
from newsbot.middlewares.traps import TrapGuardMiddleware
from support import article_page, lorem, run_crawl

ROBOTS = (200, {"Content-Type": "text/plain"}, b"User-agent: *\nAllow: /\n")


def links(*hrefs: str) -> str:
    return "".join(f'<a href="{h}">{h}</a>' for h in hrefs)


def session() -> str:
    return f";jsessionid={secrets.token_hex(16)}"


async def calendar(req: Req) -> None:
    year, month = map(int, req.path.rsplit("/", 1)[1].split("-"))
    nxt = f"{year + month // 12}-{month % 12 + 1:02d}"
    body = links(f"/archive/{nxt}", *(f"/news/{year}/{month:02d}/{d:02d}/day-story{session()}"
                                      for d in (1, 2)))
    await req.respond(200, f"<html><body>{body}</body></html>")


async def paginated(req: Req) -> None:
    page = int(req.arg("page", "1"))
    body = links(f"/latest?page={page + 1}", f"/news/story-on-page-number-{page}{session()}")
    await req.respond(200, f"<html><body>{body}</body></html>")


async def story(req: Req) -> None:
    await req.respond(200, article_page(f"Trap story {req.path}", lorem(req.path)))


@pytest.fixture(scope="module")
def crawl(tmp_path_factory):
    home = links("/archive/2024-01", "/latest?page=1", "/giant",
                 "/a/b/a/b/a/b/story-about-the-harbour-bridge-repairs",
                 "/list?x=1&x=1&x=1",
                 "/" + "/".join(f"s{i}" for i in range(25)) + "/a-deep-story-about-trees",
                 *(f"/news/home-story-number-{i}{session()}" for i in range(3)))
    giant = "".join(f'<a href="/news/a-b-c-{i}">.</a>' for i in range(300_000))  # 9 MB
    with FaultServer(host="127.0.0.2") as trap, FaultServer(host="127.0.0.3") as calm:
        trap.routes.update({"/robots.txt": ROBOTS,
                            "/": (200, {}, f"<html><body>{home}</body></html>".encode()),
                            "/archive/*": calendar, "/latest": paginated,
                            "/giant": (200, {}, f"<html><body>{giant}</body></html>".encode()),
                            "/news/*": story})
        calm.routes.update({"/robots.txt": ROBOTS,
                            "/feed.xml": (200, {}, f"<rss version='2.0'><channel><item><link>"
                                                   f"{calm.base_url}/calm</link></item></channel>"
                                                   f"</rss>".encode()),
                            "/calm": (200, {}, article_page("Calm story", lorem("calm")).encode())})
        outlets = [{"name": "trap", "title": "Trap", "home": trap.base_url + "/",
                    "sections": [trap.base_url + "/"]},
                   {"name": "calm", "title": "Calm", "home": calm.base_url + "/",
                    "feeds": [calm.base_url + "/feed.xml"]}]
        result = run_crawl(tmp_path_factory.mktemp("t15"), "news", {"outlet": "trap,calm"},
                           outlets=outlets, settings={
                               "NEWSBOT_TRAPS_MAX_REQUESTS_PER_HOST": "150",
                               "MEMUSAGE_CHECK_INTERVAL_SECONDS": "0.2"}, timeout=120)
        yield trap, result


def test_t15_the_trap_host_is_crawled_to_a_bound_and_the_rest_unaffected(crawl):
    trap, result = crawl
    assert result.returncode == 0, result.log
    assert len(trap.arrivals) <= 160  # the host budget (150) plus robots.txt and the start page
    assert "Calm story" in {i["headline"] for i in result.items}
    counted = stats(result.log)
    # The 9 MB page of 300 000 links is read as a stream: its first 6 001 links cost memory.
    assert counted["memusage/max"] - counted["memusage/startup"] < 100 * 1024 * 1024


@pytest.mark.parametrize(("rule", "setting"), [
    ("repeated_path", "NEWSBOT_TRAPS_MAX_REPEATS"),
    ("repeated_parameter", "NEWSBOT_TRAPS_MAX_REPEATS"),
    ("too_many_segments", "NEWSBOT_TRAPS_MAX_SEGMENTS"),
    ("host_budget", "NEWSBOT_TRAPS_MAX_REQUESTS_PER_HOST"),
])
def test_t15_each_rule_that_fires_is_named_once_per_host(crawl, rule, setting):
    trap, result = crawl
    (warning,) = lines(result.log, "WARNING", f"(rule {rule}, {setting})")
    assert f"Spider trap on {trap.host}" in warning
    assert stats(result.log)[f"newsbot/traps/{rule}"] >= 1


def test_t15_page_link_caps_and_depth_are_said(crawl):
    trap, result = crawl
    assert lines(result.log, "WARNING", f"{trap.url('/giant')} has more than 6000 links; looking "
                                        f"at the first 6000 only (MAX_OUTLINKS)")
    assert lines(result.log, "WARNING", "(NEWSBOT_FOLLOW_MAX_LINKS)")
    assert lines(result.log, "INFO", "Not following section links of trap deeper than 1 "
                                     "level(s) (NEWSBOT_FOLLOW_DEPTH)")


def test_t15_session_ids_do_not_multiply_urls(crawl):
    trap, _ = crawl
    stories = [h.path for h in trap.arrivals if h.path.startswith("/news/home-story")]
    assert sorted(stories) == [f"/news/home-story-number-{i}" for i in range(3)]


@pytest.mark.parametrize(("url", "rule"), [
    ("https://n.test/a/b/a/b/a/b/story", "repeated_path"),
    ("https://n.test/x/x/x/story", "repeated_path"),
    ("https://n.test/list?x=1&x=1&x=1", "repeated_parameter"),
    ("https://n.test/" + "/".join(map(str, range(21))), "too_many_segments"),
    ("https://n.test/news/2026/01/01/story", None),
    ("https://n.test/world/europe/germany/story?page=2&utm=x", None),
    ("https://n.test/a/b/a/b/story", None),  # twice is allowed (NEWSBOT_TRAPS_MAX_REPEATS=2)
])
def test_t15_trap_rules(url, rule):
    assert trap_rule(url) == rule


def test_t15_the_host_budget_counts_requests_per_host():
    crawler = get_crawler(Spider, {"NEWSBOT_TRAPS_MAX_REQUESTS_PER_HOST": 3,
                                   "NEWSBOT_TRAPS_MAX_REPEATS": 2,
                                   "NEWSBOT_TRAPS_MAX_SEGMENTS": 20})
    crawler.stats.open_spider()
    guard = TrapGuardMiddleware.from_crawler(crawler)
    response = HtmlResponse("https://a.test/", body=b"")
    out = list(guard.process_spider_output(response, [
        *(Request(f"https://a.test/{i}") for i in range(5)), {"item": 1},
        Request("https://b.test/1")]))
    assert [o.url if isinstance(o, Request) else o for o in out] == [
        "https://a.test/0", "https://a.test/1", "https://a.test/2", {"item": 1}, "https://b.test/1"]
    assert crawler.stats.get_value("newsbot/traps/host_budget") == 2


def test_t15_links_are_read_as_a_stream_and_only_as_many_as_needed():
    page = b"<html><body>" + b"".join(b'<a href="/s/%d">.</a>' % i for i in range(50_000))
    hrefs = anchor_hrefs(page, "utf-8", limit=100)
    assert hrefs == [f"/s/{i}" for i in range(101)]  # one more than the limit: "there are more"
    broken = b'<a href="x">1</a><div><a href="y">2<a HREF=z>3</div><a name="n"><a href="w">'
    assert anchor_hrefs(broken, "utf-8") == ["x", "y", "z", "w"]
