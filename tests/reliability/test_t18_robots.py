"""T18: robots.txt outcomes, as RFC 9309 has them."""

from __future__ import annotations

import asyncio
import time

import pytest
from scrapy import Request, Spider
from scrapy.utils.test import get_crawler

from crawling import FAST, lines, stats
from faultserver import FaultServer, Req, answers, silent
from newsbot.middlewares import robots
from support import article_page, lorem, run_crawl

STORY = (200, {}, article_page("A story", lorem("story")).encode())


def text(body: str | bytes, status: int = 200):
    data = body if isinstance(body, bytes) else body.encode()
    return status, {"Content-Type": "text/plain"}, data


async def six_redirects(req: Req) -> None:
    hop = int(req.arg("hop", "0"))
    if hop < 6:
        await req.respond(302, b"", {"Location": f"/robots.txt?hop={hop + 1}"})
    else:
        await req.respond(200, "User-agent: *\nDisallow: /\n", {"Content-Type": "text/plain"})


HOSTS = {  # case -> (robots.txt route, paths requested)
    "404": (text("no robots here", 404), ["/story"]),
    "401": (text("log in", 401), ["/story"]),
    "403": (text("go away", 403), ["/story"]),
    "500": (text("oops", 500), ["/story"]),
    "503": (text("busy", 503), ["/story"]),
    "timeout": (silent, ["/story"]),
    "redirects": (six_redirects, ["/story"]),
    "10mb": (text("User-agent: *\nDisallow: /early\n" + "# padding\n" * 1_100_000
                  + "Disallow: /late\n"), ["/early", "/late"]),
    "binary": (text(bytes(range(256)) * 100), ["/story"]),
    "disallow-all": (text("User-agent: *\nDisallow: /\n"), ["/story", "/early"]),
    "crawl-delay": (text("User-agent: *\nCrawl-delay: 600\n"), ["/story"]),
    "changes": (answers(text("User-agent: *\nAllow: /\n"), text("User-agent: *\nDisallow: /\n")),
                ["/story", "/late"]),
}


@pytest.fixture(scope="module")
def crawl(tmp_path_factory):
    servers = {case: FaultServer({"/robots.txt": route, "/story": STORY, "/early": STORY,
                                  "/late": STORY}, host=f"127.0.0.{10 + n}")
               for n, (case, (route, _)) in enumerate(HOSTS.items())}
    for server in servers.values():
        server.__enter__()
    try:
        urls = [servers[case].url(p) for case, (_, paths) in HOSTS.items() for p in paths]
        result = run_crawl(tmp_path_factory.mktemp("t18"), "article", {"url": ",".join(urls)},
                           settings=FAST, timeout=120)
    finally:
        for server in servers.values():
            server.__exit__(None, None, None)
    assert result.returncode == 0, result.log
    return servers, result


def fetched(servers, case: str) -> list[str]:
    return sorted(a.path for a in servers[case].arrivals if not a.path.startswith("/robots.txt"))


@pytest.mark.parametrize("case", ["404", "401", "403", "binary"])
def test_t18_unavailable_robots_allow_everything(crawl, case):
    servers, _ = crawl
    assert fetched(servers, case) == ["/story"]


@pytest.mark.parametrize("case", ["500", "503", "timeout"])
def test_t18_unreachable_robots_disallow_for_now_and_defer_the_host(crawl, case):
    servers, result = crawl
    assert fetched(servers, case) == []
    host = servers[case].host
    (pause,) = lines(result.log, "WARNING", f"Pausing {host} for the rest of this crawl: "
                                            f"robots.txt unreachable")
    assert "disallowed until it can be read (RFC 9309)" in pause


def test_t18_more_than_five_redirects_mean_no_robots_txt(crawl):
    servers, result = crawl
    assert fetched(servers, "redirects") == ["/story"]
    assert "redirected 6 times; treated as absent" in result.log


def test_t18_only_the_first_500_kib_of_a_large_robots_txt_count(crawl):
    servers, result = crawl
    assert fetched(servers, "10mb") == ["/late"]  # the rule after 500 KiB is not read
    assert stats(result.log)["robotstxt/truncated"] == 1


def test_t18_disallow_all_means_no_article_fetch(crawl):
    servers, result = crawl
    assert fetched(servers, "disallow-all") == []
    assert stats(result.log)["robotstxt/forbidden"] >= 2


def test_t18_a_crawl_delay_above_the_cap_skips_the_host(crawl):
    servers, result = crawl
    assert fetched(servers, "crawl-delay") == []
    assert lines(result.log, "WARNING", "robots.txt asks for a Crawl-delay of 600 s, more than "
                                        "NEWSBOT_ROBOTSTXT_MAX_CRAWL_DELAY (30 s); its requests "
                                        "are skipped")


def test_t18_robots_txt_is_fetched_once_per_crawl_not_per_request(crawl):
    servers, result = crawl
    assert len(servers["changes"].hits("/robots.txt")) == 1
    assert fetched(servers, "changes") == ["/late", "/story"]
    counted = stats(result.log)
    for status in (200, 401, 403, 404, 500, 503):
        assert counted[f"robotstxt/response_status_count/{status}"] >= 1


def test_t18_robots_txt_is_not_trusted_for_more_than_a_day():
    crawler = get_crawler(Spider, {"ROBOTSTXT_OBEY": True,
                                   "NEWSBOT_ROBOTSTXT_MAX_CRAWL_DELAY": 30})
    middleware = robots.RobotsTxtMiddleware(crawler)
    middleware.parsers["n.test"] = None  # an answer from 25 hours ago
    middleware.fetched_at["n.test"] = time.monotonic() - 25 * 3600
    fetches = []

    async def robot_parser(request):
        fetches.append(request.url)
        middleware.parsers["n.test"] = None

    middleware.robot_parser = robot_parser
    asyncio.run(middleware.process_request(Request("https://n.test/a")))
    assert "n.test" not in middleware.fetched_at and fetches == ["https://n.test/a"]


def test_t18_sitemap_lines_go_through_the_scheme_and_address_checks(tmp_path):
    with FaultServer(host="127.0.0.2") as site:
        site.routes.update({
            "/robots.txt": text("User-agent: *\nAllow: /\nSitemap: file:///etc/passwd\n"
                                "Sitemap: http://169.254.169.254/latest/meta-data/\n"),
            "/": (200, {}, b"<html><body>Home</body></html>")})
        result = run_crawl(tmp_path, "news", {"home": site.base_url + "/"}, outlets=[],
                           settings={"NEWSBOT_ALLOW_PRIVATE_NETWORKS": "127.0.0.0/8"})
    assert result.returncode == 0, result.log
    assert "robots.txt of 127-0-0-2 announces 1 sitemap(s)" in result.log  # file: dropped
    assert lines(result.log, "WARNING", "Blocked non-public address/scheme: "
                                        "http://169.254.169.254/latest/meta-data/")
    assert "passwd" not in (tmp_path / "out.jsonl").read_text()
