"""T30: spider arguments cannot steer an output path outside the output folder."""

from __future__ import annotations

import pytest
from scrapy.utils.test import get_crawler

from crawling import stub_dns
from newsbot.exporters import uri_params
from newsbot.spiders.article import ArticleSpider
from newsbot.spiders.base import SpiderArgumentError
from newsbot.spiders.news import NewsSpider
from support import run_crawl

HOSTILE_OUTLETS = ["../../../tmp/pwn", "/etc/cron.d/x", "a\x00b", "x\ny", "a" * 500, "..",
                   "%2e%2e%2f", "CON", "wire/../../x"]


@pytest.mark.parametrize("outlet", HOSTILE_OUTLETS)
def test_t30_hostile_outlet_names_stop_the_crawl_before_it_starts(outlet):
    crawler = get_crawler(NewsSpider, {"NEWSBOT_OUTLETS_FILE": None})
    with pytest.raises(SpiderArgumentError, match="unknown outlet"):
        NewsSpider.from_crawler(crawler, outlet=outlet)


@pytest.mark.parametrize("argument", ["slug", "name", "known_outlets", "custom_settings"])
def test_t30_arguments_cannot_overwrite_spider_attributes(argument):
    # Scrapy makes every -a argument an attribute: -a slug=../../x would be an output path.
    with pytest.raises(SpiderArgumentError, match=f"unknown argument -a {argument}="):
        ArticleSpider(url="https://n.test/a", **{argument: "../../x"})
    NewsSpider(outlet="wire", _job="scrapyd-job-id")  # scrapyd's own arguments still pass


@pytest.mark.parametrize("home", ["http://../../etc/", "http://a%2f..%2f..%2fb.test/",
                                  "http://EXAMPLE.com:8080/../../x"])
def test_t30_a_home_url_becomes_a_plain_folder_name(home):
    spider = NewsSpider.from_crawler(get_crawler(NewsSpider, {}), home=home)
    assert uri_params({}, spider)["outlet"].replace("-", "").isalnum()


@pytest.mark.parametrize("slug", ["../x", "a/b", "a\x00", "x\ny", "", "." * 3])
def test_t30_an_unsafe_slug_never_becomes_a_path(slug):
    spider = ArticleSpider(url="https://n.test/a")
    spider.slug = slug
    with pytest.raises(ValueError, match="unsafe output folder name"):
        uri_params({}, spider)


def test_t30_crawls_write_under_the_output_folder_only(tmp_path):
    outside = tmp_path / "outside"
    work = tmp_path / "work"
    work.mkdir()
    for args in ({"outlet": "../outside/pwn"}, {"url": "http://127.0.0.1:9/", "slug": "../outside"},
                 {"home": "http://..%2f..%2foutside/"}):
        spider = "article" if "url" in args else "news"
        result = run_crawl(work, spider, args, outlets=[], output=None,
                           settings=stub_dns({}))  # no name leaves the machine
        if "home" not in args:
            assert result.returncode != 0 and "unknown" in result.log
    assert not outside.exists()
    root = (work / "data").resolve()
    for path in work.rglob("*"):
        if path.is_file() and path.name != "outlets.json":
            assert path.resolve().is_relative_to(root), path
