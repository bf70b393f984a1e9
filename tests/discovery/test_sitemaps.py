import gzip

import pytest

from newsbot.discovery.sitemaps import parse_sitemap, sitemaps_from_robots
from newsbot.discovery.xml import XmlRejected, inflate

NEWS_SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url><loc>https://wire.test/a1</loc><lastmod>2026-11-20T10:00:00Z</lastmod>
    <news:news><news:publication><news:name>Wire</news:name><news:language>en</news:language>
    </news:publication><news:publication_date>2026-11-20T09:00:00+01:00</news:publication_date>
    <news:title>First story</news:title></news:news></url>
  <url><loc> /a2 </loc></url>
  <url><loc>javascript:alert(1)</loc></url>
  <url><loc></loc></url>
</urlset>"""


def test_news_fields_are_kept():
    sitemap = parse_sitemap(NEWS_SITEMAP, "https://wire.test/sitemap.xml")
    assert sitemap.kind == "urlset"
    first, second = sitemap.entries
    assert (first.loc, first.published, first.title, first.language, first.lastmod) == (
        "https://wire.test/a1", "2026-11-20T09:00:00+01:00", "First story", "en",
        "2026-11-20T10:00:00Z")
    assert second.loc == "https://wire.test/a2"  # relative and padded locs are resolved
    assert sitemap.skipped == 2


def test_sitemap_index_and_gzip():
    index = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <sitemap><loc>https://wire.test/s1.xml.gz</loc><lastmod>2026-11-01</lastmod></sitemap>
    </sitemapindex>"""
    sitemap = parse_sitemap(inflate(gzip.compress(index), 10_000), "https://wire.test/")
    assert sitemap.kind == "sitemapindex"
    assert sitemap.entries[0].loc == "https://wire.test/s1.xml.gz"


def test_entries_beyond_the_cap_are_ignored_and_reported():
    body = b"<urlset>" + b"".join(b"<url><loc>https://w.test/%d</loc></url>" % i
                                  for i in range(30)) + b"</urlset>"
    sitemap = parse_sitemap(body, "https://w.test/", max_entries=10)
    assert len(sitemap.entries) == 10 and sitemap.truncated


@pytest.mark.parametrize("body", [b"<html><body>Not found</body></html>", b"", b"plain text"])
def test_non_sitemaps_are_rejected_with_a_reason(body):
    with pytest.raises(XmlRejected):
        parse_sitemap(body, "https://w.test/sitemap.xml")


def test_gzip_bomb_is_rejected():
    bomb = gzip.compress(b"<urlset>" + b" " * 5_000_000 + b"</urlset>")
    with pytest.raises(XmlRejected, match="inflates beyond"):
        inflate(bomb, 1_000_000)


def test_entities_are_never_expanded():
    body = b"""<?xml version="1.0"?>
    <!DOCTYPE urlset [<!ENTITY xxe SYSTEM "file:///etc/hostname"><!ENTITY w "https://evil.test/">]>
    <urlset><url><loc>&xxe;</loc></url><url><loc>&w;x</loc></url>
    <url><loc>https://w.test/ok</loc></url></urlset>"""
    locs = [e.loc for e in parse_sitemap(body, "https://w.test/").entries]
    assert "https://w.test/ok" in locs
    assert not any("evil" in loc for loc in locs)


def test_robots_sitemaps_are_http_only():
    robots = (b"User-agent: *\nDisallow: /search\nSitemap: https://w.test/news.xml\n"
              b"Sitemap: file:///etc/passwd\nSitemap: /relative.xml\n")
    assert sitemaps_from_robots(robots, "https://w.test/robots.txt") == [
        "https://w.test/news.xml", "https://w.test/relative.xml"]
