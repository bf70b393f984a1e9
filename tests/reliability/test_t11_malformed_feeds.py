"""T11: malformed sitemaps and feeds: tolerant parsing, one WARNING per bad document."""

from __future__ import annotations

import pytest

from crawling import lines, stats
from faultserver import FaultServer
from newsbot.discovery.feeds import parse_feed
from newsbot.discovery.sitemaps import parse_sitemap, sitemaps_from_robots
from newsbot.discovery.xml import XmlRejected
from support import article_page, lorem, run_crawl

NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
NEWS = 'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"'


def test_t11_an_html_page_is_not_a_sitemap():
    with pytest.raises(XmlRejected, match="not <urlset>"):
        parse_sitemap(b"<!DOCTYPE html><html><body><h1>Oops</h1></body></html>", "https://w.test/")


def test_t11_truncated_xml_keeps_what_came_before_and_says_so():
    body = (f"<urlset {NS}><url><loc>https://w.test/a</loc></url>"
            "<url><loc>https://w.test/b</loc></url><url><loc>https://w.te").encode()
    sitemap = parse_sitemap(body, "https://w.test/")
    assert [e.loc for e in sitemap.entries][:2] == ["https://w.test/a", "https://w.test/b"]
    assert sitemap.problem


@pytest.mark.parametrize("root", [
    "<urlset>", '<urlset xmlns="http://wrong.example/ns">',
    '<s:urlset xmlns:s="http://www.sitemaps.org/schemas/sitemap/0.9">'])
def test_t11_missing_or_wrong_namespace_is_tolerated(root):
    prefix = "s:" if root.startswith("<s:") else ""
    body = (f"{root}<{prefix}url><{prefix}loc>https://w.test/a</{prefix}loc></{prefix}url>"
            f"</{prefix}urlset>").encode()
    assert [e.loc for e in parse_sitemap(body, "https://w.test/").entries] == ["https://w.test/a"]


def test_t11_bad_locs_are_skipped_and_counted_good_ones_resolved():
    body = (f"<urlset {NS}><url><loc></loc></url><url><loc>   </loc></url>"
            "<url><loc>javascript:alert(1)</loc></url><url><loc>data:text/html,x</loc></url>"
            "<url><loc>  /relative  </loc></url><url><loc><![CDATA[https://w.test/cdata]]></loc>"
            "</url><url><lastmod>2026-01-01</lastmod></url></urlset>").encode()
    sitemap = parse_sitemap(body, "https://w.test/base/")
    assert [e.loc for e in sitemap.entries] == ["https://w.test/relative", "https://w.test/cdata"]
    assert sitemap.skipped == 5


def test_t11_bom_and_a_wrong_encoding_declaration():
    body = ("\ufeff<?xml version='1.0' encoding='ISO-8859-1'?>"
            f"<urlset {NS} {NEWS}><url><loc>https://w.test/a</loc><news:news>"
            "<news:title>Windräder in Südbaden</news:title></news:news></url></urlset>"
            ).encode()
    (entry,) = parse_sitemap(body, "https://w.test/").entries
    assert entry.title == "Windräder in Südbaden"


def test_t11_latin1_declared_and_sent_as_latin1_still_reads():
    body = ("<?xml version='1.0' encoding='ISO-8859-1'?><rss version='2.0'><channel><item>"
            "<title>Windräder</title><link>https://w.test/a</link></item></channel></rss>"
            ).encode("latin-1")
    (entry,) = parse_feed(body, "https://w.test/").entries
    assert entry.title == "Windräder"


def test_t11_rss_items_without_links_are_counted_duplicates_and_odd_dates_kept_as_data():
    body = b"""<rss version="2.0"><channel><title>t</title>
      <item><title>No link</title></item>
      <item><title>A</title><guid>https://w.test/a</guid>
        <pubDate>Thu, 01 Jan 1970 00:00:00 GMT</pubDate></item>
      <item><title>A again</title><guid>https://w.test/a</guid></item>
      <item><title>Future</title><link>https://w.test/f</link>
        <pubDate>Sat, 01 Jan 2101 00:00:00 GMT</pubDate></item>
      <item><title>Garbage date</title><link>https://w.test/g</link>
        <pubDate>yesterday-ish</pubDate></item>
      </channel></rss>"""
    feed = parse_feed(body, "https://w.test/")
    assert feed.skipped == 1
    assert [e.loc for e in feed.entries] == ["https://w.test/a", "https://w.test/a",
                                              "https://w.test/f", "https://w.test/g"]


def test_t11_robots_sitemap_lines_with_invalid_utf8_are_skipped():
    robots = (b"User-agent: *\nSitemap: https://w.test/caf\xe9.xml\n"
              b"Sitemap: https://w.test/good.xml\n")
    assert sitemaps_from_robots(robots, "https://w.test/robots.txt") == ["https://w.test/good.xml"]


def test_t11_crawl_of_malformed_documents_has_no_spider_errors(tmp_path):
    with FaultServer(host="127.0.0.2") as site:
        base = site.base_url
        story = {f"/s{i}": (200, {}, article_page(f"Story {i}", lorem(f"s{i}")).encode())
                 for i in range(4)}
        site.routes.update({
            "/robots.txt": (200, {}, b"User-agent: *\nAllow: /\n"), **story,
            "/sitemap.xml": (200, {"Content-Type": "text/html"},
                             b"<html><body>Page not found</body></html>"),
            "/truncated.xml": (200, {}, f"<urlset {NS}><url><loc>{base}/s0</loc></url><url>"
                                        f"<loc>{base}/s1</loc><lastmod>garbage</lastmod></url>"
                                        f"<url><lo".encode()),
            "/feed.xml": (200, {}, f"<rss version='2.0'><channel><item><title>x</title></item>"
                                   f"<item><link>{base}/s2</link><pubDate>Thu, 01 Jan 1970 "
                                   f"00:00:00 GMT</pubDate></item><item><link>{base}/s3</link>"
                                   f"<pubDate>not a date</pubDate></item></channel>".encode()),
        })
        outlet = {"name": "broken", "title": "Broken", "home": base + "/",
                  "sitemaps": [base + "/sitemap.xml", base + "/truncated.xml"],
                  "feeds": [base + "/feed.xml"]}
        result = run_crawl(tmp_path, "news", {"outlet": "broken", "since": "2026-01-01"},
                           outlets=[outlet])

    assert result.returncode == 0, result.log
    # s1 and s3 have unparsable dates, s2 the epoch (implausible for news, a CMS default):
    # all three are undated, so kept by `since`, never a crash.
    assert sorted(i["headline"] for i in result.items) == ["Story 0", "Story 1", "Story 2",
                                                           "Story 3"]
    counted = stats(result.log)
    assert not [k for k in counted if k.startswith("spider_exceptions")]
    assert len(lines(result.log, "WARNING", f"Ignoring invalid sitemap {base}/sitemap.xml")) == 1
    assert len(lines(result.log, "WARNING", f"Malformed sitemap {base}/truncated.xml")) == 1
    assert len(lines(result.log, "WARNING", f"Malformed feed {base}/feed.xml")) == 1
    assert counted["newsbot/feed/invalid_entries"] == 1
    assert "Traceback" not in result.log
