"""End-to-end: ``scrapy crawl news`` as a subprocess against sites served on loopback."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from newsbot.demo.server import serve_sites
from support import article_page, lorem, run_crawl, write_files

B = "{{base:wire}}"


def wire_site(root):
    pages = {
        f"/news/{slug}.html": article_page(
            f"Story {slug}", lorem(f"story {slug}"), published=date, authors=["Ana Ruiz"],
            canonical=f"{B}/news/{slug}.html")
        for slug, date in [("s1", "2026-11-20T10:00:00Z"), ("s2", "2026-11-21T10:00:00Z"),
                           ("s3", "2026-11-22T10:00:00Z"), ("s4", "2026-11-23T10:00:00Z"),
                           ("old", "2019-01-01T10:00:00Z"),
                           ("2026/11/24/linked", "2026-11-24T12:00:00Z"),
                           ("council-approves-harbour-bridge-repairs", "2026-11-24T13:00:00Z")]
    }
    # s6 has no date of its own: the news sitemap's publication date and title fill in.
    pages["/news/s6.html"] = article_page("", lorem("story s6"), json_ld={})
    write_files(root, {
        **pages,
        "/robots.txt": f"User-agent: *\nDisallow: /private/\nSitemap: {B}/sitemap_index.xml\n",
        "/sitemap_index.xml": f"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
            <sitemap><loc>{B}/news.xml</loc></sitemap>
            <sitemap><loc>{B}/archive.xml.gz</loc><lastmod>2026-11-22</lastmod></sitemap>
            <sitemap><loc>{B}/broken.xml</loc></sitemap></sitemapindex>""",
        "/news.xml": f"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
                       xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
            <url><loc>{B}/news/s1.html</loc><news:news><news:publication_date>2026-11-20T10:00:00Z
            </news:publication_date><news:title>Story s1</news:title></news:news></url>
            <url><loc>{B}/news/old.html</loc><news:news><news:publication_date>2019-01-01
            </news:publication_date><news:title>Old</news:title></news:news></url>
            <url><loc>{B}/news/s6.html</loc><news:news>
            <news:publication_date>2026-11-23T08:00:00+02:00
            </news:publication_date><news:title>Story six from the sitemap</news:title>
            </news:news></url>
            <url><loc>{B}/private/secret.html</loc></url>
            </urlset>""",
        "/archive.xml": f"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
            <url><loc>{B}/news/s2.html</loc><lastmod>2026-11-21</lastmod></url></urlset>""",
        "/broken.xml": "<html><body>Oops, this is not a sitemap</body></html>",
        "/rss.xml": f"""<rss version="2.0"><channel><title>Wire</title>
            <item><title>Story s3</title><link>{B}/news/s3.html</link>
            <pubDate>Sun, 22 Nov 2026 10:00:00 GMT</pubDate></item>
            <item><title>Story s1</title><link>{B}/news/s1.html?utm_source=rss</link>
            <pubDate>Fri, 20 Nov 2026 10:00:00 GMT</pubDate></item>
            </channel></rss>""",
        "/atom.xml": f"""<feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title>
            <entry><title>Story s4</title><link href="{B}/news/s4.html"/>
            <updated>2026-11-23T10:00:00Z</updated></entry></feed>""",
        "/index.html": f"""<html><head><title>Wire</title>
            <link rel="alternate" type="application/rss+xml" href="{B}/rss.xml">
            <link rel="alternate" type="application/atom+xml" href="/atom.xml"></head>
            <body><a href="/world/">World</a>
            <a href="/news/council-approves-harbour-bridge-repairs.html">Story 5</a>
            </body></html>""",
        "/world/index.html": """<html><body><a href="/news/2026/11/24/linked.html">Linked story</a>
            <a href="/private/secret.html">Secret</a></body></html>""",
        "/private/secret.html": article_page("Secret", lorem("secret")),
    })


@pytest.fixture(scope="module")
def wire(tmp_path_factory):
    root = tmp_path_factory.mktemp("wire")
    wire_site(root)
    with serve_sites({"wire": root}) as servers:
        yield servers["wire"]


def declared(base: str, **extra) -> list[dict]:
    return [{"name": "wire", "title": "Wire Service", "home": base + "/", "agency": "WS",
             "sitemaps": [base + "/sitemap_index.xml"],
             "feeds": [base + "/rss.xml", base + "/atom.xml"], **extra}]


def paths(items):
    return sorted(urlsplit(i["url"]).path for i in items)


def test_declared_outlet_sitemap_index_gzip_rss_and_atom(wire, tmp_path):
    result = run_crawl(tmp_path, "news", {"outlet": "wire"}, outlets=declared(wire.base_url))
    assert result.returncode == 0, result.log
    assert paths(result.items) == ["/news/old.html", "/news/s1.html", "/news/s2.html",
                                   "/news/s3.html", "/news/s4.html", "/news/s6.html"]
    s6 = next(i for i in result.items if i["url"].endswith("s6.html"))
    assert s6["headline"] == "Story six from the sitemap"
    assert s6["datePublished"] == "2026-11-23T06:00:00Z"
    assert s6["datePublishedSource"] == "sitemap or feed"
    assert {i["publisher"] for i in result.items} == {"Wire Service"}
    assert "Ignoring invalid sitemap" in result.log and "broken.xml" in result.log
    assert "/private/secret.html" not in wire.hits  # robots.txt obeyed
    assert "Crawl summary" in result.log and "articles exported:  6" in result.log


def test_since_and_limit(wire, tmp_path):
    result = run_crawl(tmp_path, "news", {"outlet": "wire", "since": "2026-11-21"},
                       outlets=declared(wire.base_url))
    assert "/news/old.html" not in paths(result.items)
    assert "/news/s1.html" not in paths(result.items)  # dated 2026-11-20 in the sitemap
    assert "/news/s3.html" in paths(result.items)
    fresh = tmp_path / "fresh"  # a new data/state/: the first crawl's articles are not known
    fresh.mkdir()
    limited = run_crawl(fresh, "news", {"outlet": "wire", "limit": "2"},
                        outlets=declared(wire.base_url))
    assert len(limited.items) == 2


def test_home_url_discovers_robots_sitemaps_feeds_and_links(wire, tmp_path):
    result = run_crawl(tmp_path, "news", {"home": wire.base_url + "/"}, outlets=[])
    assert result.returncode == 0, result.log
    assert paths(result.items) == [
        "/news/2026/11/24/linked.html", "/news/council-approves-harbour-bridge-repairs.html",
        "/news/old.html", "/news/s1.html", "/news/s2.html", "/news/s3.html", "/news/s4.html",
        "/news/s6.html"]
    assert "robots.txt of 127-0-0-2 announces 1 sitemap(s)" in result.log


def test_default_output_path_is_per_outlet_and_run(wire, tmp_path):
    result = run_crawl(tmp_path, "news", {"outlet": "wire", "limit": "1"},
                       outlets=declared(wire.base_url), output=None)
    (feed,) = (tmp_path / "data" / "wire").glob("*.jsonl")
    assert result.returncode == 0 and len(feed.read_text().splitlines()) == 1


def test_article_spider_extracts_given_urls(wire, tmp_path):
    urls = f"{wire.base_url}/news/s1.html,{wire.base_url}/news/s2.html"
    result = run_crawl(tmp_path, "article", {"url": urls}, outlets=declared(wire.base_url))
    assert paths(result.items) == ["/news/s1.html", "/news/s2.html"]
    assert result.items[0]["authors"] == [{"name": "Ana Ruiz", "type": "Person"}]


@pytest.mark.parametrize(("spider", "args", "message"), [
    ("news", {"outlet": "../../etc/passwd"}, "unknown outlet"),
    ("news", {"outlet": "nosuch"}, "unknown outlet 'nosuch'"),
    ("news", {}, "give either -a outlet"),
    ("news", {"outlet": "wire", "since": "last week"}, "not a date"),
    ("news", {"outlet": "wire", "limit": "-3"}, "not a positive whole number"),
    ("article", {"url": "file:///etc/passwd"}, "only http(s) URLs"),
])
def test_bad_arguments_fail_with_a_clear_message(wire, tmp_path, spider, args, message):
    result = run_crawl(tmp_path, spider, args, outlets=declared(wire.base_url))
    assert result.returncode != 0
    assert message in result.log
    assert not (tmp_path / "etc").exists()


def test_loopback_is_refused_without_the_opt_in(wire, tmp_path):
    hits_before = len(wire.hits)
    result = run_crawl(tmp_path, "article", {"url": wire.base_url + "/news/s1.html"},
                       settings={"NEWSBOT_ALLOW_PRIVATE_NETWORKS": "False"})
    assert result.items == []
    assert "Blocked non-public address/scheme" in result.log
    assert len(wire.hits) == hits_before


def test_progress_line_during_the_crawl(wire, tmp_path):
    result = run_crawl(tmp_path, "news", {"outlet": "wire"}, outlets=declared(wire.base_url),
                       settings={"NEWSBOT_PROGRESS_INTERVAL": "0.05", "DOWNLOAD_DELAY": "0.1"})
    assert result.returncode == 0, result.log
    assert "Progress: " in result.log and "requests queued" in result.log
    assert "Traceback" not in result.log
