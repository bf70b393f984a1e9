"""T28: SSRF: feeds, sitemaps, robots.txt, redirects, meta refresh and links pointing at local
resources, internal addresses and cloud metadata, in every spelling."""

from __future__ import annotations

import asyncio
import os
import socket
from pathlib import Path

import pytest
from scrapy import Request, Spider
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.test import get_crawler
from twisted.internet import defer

from crawling import lines, stats, stub_dns
from faultserver import FaultServer
from newsbot.middlewares.network import PublicNetworkMiddleware, allowed_networks
from support import article_page, lorem, run_crawl


def hostile_urls(admin: int, redis: int, site: str) -> list[str]:
    return [
        "file:///etc/passwd", "data:text/html,<h1>x</h1>", "ftp://127.0.0.1/x", "s3://bucket/key",
        f"http://127.0.0.1:{admin}/admin", f"http://127.1:{admin}/admin",
        f"http://2130706433:{admin}/admin", f"http://0x7f000001:{admin}/admin",
        f"http://[::1]:{admin}/admin", f"http://[::ffff:127.0.0.1]:{admin}/admin",
        "http://169.254.169.254/latest/meta-data/",
        "http://metadata.google.internal/computeMetadata/v1/",
        f"http://cdn.news-cdn.test:{admin}/admin",  # a public-looking name for the admin host
        f"{site}/bounce",  # a public-looking name that redirects to the metadata address
        f"http://user:pass@127.0.0.1:{admin}/admin",
        f"http://127.0.0.1:{redis}/%0d%0aCONFIG%20SET%20dir%20/tmp%0d%0a",
    ]


def test_t28_no_hostile_url_is_ever_connected_to(tmp_path):
    guard_log = Path(os.environ["NEWSBOT_NETGUARD_LOG"])
    guard_before = guard_log.read_text() if guard_log.exists() else ""
    with socket.socket() as redis_port, FaultServer() as admin, \
            FaultServer(host="127.0.0.2") as site:
        redis_port.bind(("127.0.0.1", 0))
        redis_port.listen()
        admin.routes["/*"] = (200, {}, b"internal admin")
        home = f"http://news.test:{site.port}"
        urls = hostile_urls(admin.port, redis_port.getsockname()[1], home)
        items = "".join(f"<item><link>{u.replace('&', '&amp;')}</link></item>" for u in urls)
        anchors = "".join(f'<a href="{u}">x</a>' for u in urls)
        site.routes.update({
            "/robots.txt": (200, {}, b"User-agent: *\nAllow: /\n"),
            "/feed.xml": (200, {}, f"<rss version='2.0'><channel>{items}<item><link>{home}/story"
                                   f"</link></item></channel></rss>".encode()),
            "/section/": (200, {}, f"<html><body>{anchors}</body></html>".encode()),
            "/refresh": (200, {}, f'<meta http-equiv="refresh" content="0; url=http://127.0.0.1:'
                                  f'{admin.port}/admin">'.encode()),
            "/bounce": (302, {"Location": "http://169.254.169.254/latest/meta-data/"}, b""),
            "/story": (200, {}, article_page("The only story", lorem("only")).encode()),
        })
        outlet = {"name": "hostile", "title": "Hostile", "home": home + "/",
                  "feeds": [home + "/feed.xml"], "sections": [home + "/section/"],
                  "domains": ["news-cdn.test", "127.0.0.1", "127.1", "2130706433", "0x7f000001",
                              "::1", "::ffff:127.0.0.1"]}
        result = run_crawl(tmp_path, "news", {"outlet": "hostile"}, outlets=[outlet], settings={
            "NEWSBOT_ALLOW_PRIVATE_NETWORKS": "127.0.0.2/32",
            **stub_dns({"news.test": "127.0.0.2", "cdn.news-cdn.test": "127.0.0.1",
                        "metadata.google.internal": "169.254.169.254"})})
        after = run_crawl(tmp_path, "article", {"url": f"{home}/refresh,{home}/bounce"},
                          settings={"NEWSBOT_ALLOW_PRIVATE_NETWORKS": "127.0.0.2/32",
                                    **stub_dns({"news.test": "127.0.0.2"})}, output="b.jsonl")

    assert result.returncode == after.returncode == 0, result.log
    assert admin.arrivals == []  # the internal admin server was never reached
    assert [i["headline"] for i in result.items] == ["The only story"] and after.items == []
    # 11 refused by address (file:, data:, ftp: and s3: never leave the feed parser), and
    # /bounce's redirect to the metadata address is a request already refused, so filtered.
    assert stats(result.log)["newsbot/ssrf_blocked"] == 11
    for blocked in ("http://169.254.169.254/latest/meta-data/", "http://metadata.google.internal/",
                    f"http://cdn.news-cdn.test:{admin.port}/admin", "http://[::1]:",
                    f"http://127.1:{admin.port}/admin", f"http://2130706433:{admin.port}/admin",
                    f"http://0x7f000001:{admin.port}/admin", "http://[::ffff:7f00:1]:",
                    f"http://user:***@127.0.0.1:{admin.port}/admin"):
        assert lines(result.log, "WARNING", f"Blocked non-public address/scheme: {blocked}")
    # every redirect and meta-refresh hop is checked too
    assert lines(after.log, "WARNING", "Blocked non-public address/scheme: "
                                       "http://169.254.169.254/latest/meta-data/")
    assert lines(after.log, "WARNING", f"Blocked non-public address/scheme: "
                                       f"http://127.0.0.1:{admin.port}/admin")
    guard_after = guard_log.read_text() if guard_log.exists() else ""
    assert guard_after == guard_before  # nothing was even dialled


class StubResolver:
    def __init__(self, hosts: dict[str, str]):
        self.hosts = hosts

    def getHostByName(self, name: str):
        if name in self.hosts:
            return defer.succeed(self.hosts[name])
        return defer.fail(OSError(name))


def middleware(allow: object = False, hosts: dict[str, str] | None = None):
    crawler = get_crawler(Spider, {"NEWSBOT_ALLOW_PRIVATE_NETWORKS": allow})
    crawler.stats.open_spider()
    return PublicNetworkMiddleware(crawler, resolver=StubResolver(hosts or {}))


@pytest.mark.parametrize("name", ["intranet.example.com", "metadata.google.internal"])
def test_t28_names_are_judged_by_the_address_they_resolve_to(name):
    mw = middleware(hosts={name: "169.254.169.254" if "metadata" in name else "10.1.2.3"})
    with pytest.raises(IgnoreRequest, match="non-public"):
        asyncio.run(mw.process_request(Request(f"http://{name}/")))


def test_t28_a_public_name_passes_and_an_unknown_one_is_left_to_fail_on_its_own():
    mw = middleware(hosts={"news.example.com": "93.184.215.14"})
    assert asyncio.run(mw.process_request(Request("http://news.example.com/a"))) is None
    assert asyncio.run(mw.process_request(Request("http://nowhere.invalid/a"))) is None


def test_t28_allowing_networks_allows_just_those():
    mw = middleware(allow="127.0.0.2/32,10.0.0.0/8", hosts={"site.test": "127.0.0.2"})
    assert asyncio.run(mw.process_request(Request("http://site.test/"))) is None
    assert asyncio.run(mw.process_request(Request("http://10.9.8.7/"))) is None
    for url in ("http://127.0.0.1/", "http://169.254.169.254/", "http://[::1]/"):
        with pytest.raises(IgnoreRequest):
            asyncio.run(mw.process_request(Request(url)))


@pytest.mark.parametrize(("value", "expected"), [
    (True, None), ("True", None), (False, []), ("", []), (None, []),
    ("127.0.0.0/8", ["127.0.0.0/8"]), (["10.0.0.0/8", "::1"], ["10.0.0.0/8", "::1/128"]),
])
def test_t28_the_setting_takes_a_switch_or_networks(value, expected):
    networks = allowed_networks(value)
    assert (networks if networks is None else [str(n) for n in networks]) == expected
