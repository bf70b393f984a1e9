import asyncio

import pytest
from scrapy import Request, Spider
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.test import get_crawler

from newsbot.middlewares.network import PublicNetworkMiddleware, is_public


def middleware(allow: bool = False) -> PublicNetworkMiddleware:
    crawler = get_crawler(Spider, {"NEWSBOT_ALLOW_PRIVATE_NETWORKS": allow})
    crawler.stats.open_spider()
    return PublicNetworkMiddleware.from_crawler(crawler)


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/", "http://127.1/", "http://2130706433/", "http://0x7f000001/",
    "http://[::1]/", "http://[::ffff:127.0.0.1]/", "http://169.254.169.254/latest/meta-data/",
    "http://10.0.0.8/", "http://192.168.1.1:8080/", "http://0.0.0.0/", "http://[fe80::1]/",
    "http://user:pass@127.0.0.1/",
])
def test_non_public_addresses_are_refused_in_every_spelling(url):
    mw = middleware()
    with pytest.raises(IgnoreRequest, match="non-public"):
        asyncio.run(mw.process_request(Request(url)))
    assert mw.stats.get_value("newsbot/ssrf_blocked") == 1


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/x", "s3://bucket/key",
                                 "data:text/html,<h1>x</h1>"])
def test_only_http_schemes_even_when_private_networks_are_allowed(url):
    with pytest.raises(IgnoreRequest, match="scheme"):
        asyncio.run(middleware(allow=True).process_request(Request(url)))


def test_loopback_is_allowed_by_setting_and_public_addresses_pass():
    assert asyncio.run(middleware(allow=True).process_request(Request("http://127.0.0.1/"))) is None
    assert asyncio.run(middleware().process_request(Request("http://93.184.215.14/"))) is None
    assert is_public("8.8.8.8") and not is_public("::ffff:10.1.2.3")
