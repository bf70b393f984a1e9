"""Properties of sitemap and feed reading over hostile documents: a document is either read
(every entry an absolute http(s) URL) or rejected with :class:`XmlRejected`, never a crash."""

from __future__ import annotations

import gzip

from hypothesis import example, given
from hypothesis import strategies as st
from scrapy import Request

from hostile import hostile_text, url_like
from newsbot.discovery.feeds import feeds_from_html, parse_feed
from newsbot.discovery.sitemaps import parse_sitemap, sitemaps_from_robots
from newsbot.discovery.xml import XmlRejected, inflate

BASE = "https://news.example/sitemap.xml"
MAX_SIZE = 1 << 20
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS = "http://www.google.com/schemas/sitemap-news/0.9"
ATOM = "http://www.w3.org/2005/Atom"


def escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;")


TEXT = st.one_of(hostile_text().map(escaped), hostile_text())  # escaped, or raw markup
LOC = st.one_of(url_like().map(escaped), url_like(), st.sampled_from(
    ["/relative.html", "//other.example/x", "javascript:alert(1)", "&lol9;", "<![CDATA[x]]>"]))
DOCTYPES = st.sampled_from([
    "", '<!DOCTYPE urlset [<!ENTITY lol "lol">]>',
    '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
    '<!DOCTYPE x [<!ENTITY % pe "x"> %pe; <!ENTITY a "&a;">]>', "<!DOCTYPE html>", "<!DOCTYPE"])
PROLOGS = st.sampled_from(["", '<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-8"?>',
                           '<?xml version="1.0" encoding="iso-8859-1"?>',
                           '<?xml version="1.0" encoding="utf-16"?>',
                           '<?xml version="1.0" encoding="nonsense"?>', "\ufeff", " \n"])


@st.composite
def sitemap_documents(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["urlset", "sitemapindex", "rss", "html", "urlset"]))
    entry = "sitemap" if kind == "sitemapindex" else "url"
    entries = []
    for loc in draw(st.lists(LOC, max_size=6)):
        news = ""
        if draw(st.booleans()):
            news = (f"<news:news><news:publication_date>{draw(TEXT)}</news:publication_date>"
                    f"<news:title>{draw(TEXT)}</news:title></news:news>")
        entries.append(f"<{entry}><loc>{loc}</loc><lastmod>{draw(TEXT)}</lastmod>{news}"
                       f"{draw(st.sampled_from(['', '<!-- c -->', '&lol;', '<x/>']))}</{entry}>")
    namespaces = draw(st.sampled_from([f' xmlns="{SITEMAP}" xmlns:news="{NEWS}"',
                                       f' xmlns:news="{NEWS}"', "", ' xmlns="urn:other"']))
    document = (f"{draw(PROLOGS)}{draw(DOCTYPES)}<{kind}{namespaces}>{''.join(entries)}"
                f"{draw(st.sampled_from(['', 'trailing text', '<url>']))}</{kind}>")
    cut = draw(st.integers(0, len(document)))
    return document[:cut] if draw(st.integers(0, 4)) == 0 else document


@st.composite
def feed_documents(draw: st.DrawFn) -> str:
    if draw(st.booleans()):
        items = "".join(
            f"<item><title>{draw(TEXT)}</title><link>{loc}</link>"
            f"<guid isPermaLink=\"{draw(st.sampled_from(['true', 'false', 'x']))}\">{draw(LOC)}"
            f"</guid><pubDate>{draw(TEXT)}</pubDate></item>"
            for loc in draw(st.lists(LOC, max_size=5)))
        body = f"<rss version=\"2.0\"><channel><title>{draw(TEXT)}</title>{items}</channel></rss>"
    else:
        rels = st.sampled_from(["alternate", "enclosure", ""])
        entries = "".join(
            f"<entry><title>{draw(TEXT)}</title><link rel=\"{draw(rels)}\" "
            f"href=\"{escaped(loc).replace(chr(34), '&quot;')}\"/>"
            f"<updated>{draw(TEXT)}</updated></entry>"
            for loc in draw(st.lists(LOC, max_size=5)))
        body = f"<feed xmlns=\"{ATOM}\">{entries}</feed>"
    document = draw(PROLOGS) + draw(DOCTYPES) + body
    return document[:draw(st.integers(0, len(document)))] if draw(st.integers(0, 4)) == 0 \
        else document


def encodings(document: str) -> st.SearchStrategy[bytes]:
    return st.sampled_from(["utf-8", "latin-1", "utf-16"]).map(
        lambda codec: document.encode(codec, "replace"))


BODIES = st.one_of(
    sitemap_documents().flatmap(encodings), feed_documents().flatmap(encodings),
    st.binary(max_size=300),
    sitemap_documents().map(lambda d: gzip.compress(d.encode("utf-8", "replace"))))


def requestable(url: str) -> bool:
    """An absolute http(s) URL that Scrapy makes a request of."""
    Request(url)  # raises ValueError on what is no URL
    return url.startswith(("http://", "https://"))


def read_or_reject(parse, body: bytes):
    try:
        return parse(inflate(body, MAX_SIZE), BASE)
    except XmlRejected as why:
        assert str(why)  # a reason to log
        return None


@given(BODIES)
@example(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + b"\x00" * 20)  # found: zlib.error escaped
def test_a_sitemap_is_read_or_rejected(body):
    sitemap = read_or_reject(parse_sitemap, body)
    if sitemap is not None:
        assert sitemap.kind in ("urlset", "sitemapindex")
        assert all(requestable(e.loc) for e in sitemap.entries)


@given(BODIES)
@example(b'<rss><channel><item><link>http://news.example:99999/a</link></item>'
         b'<item><link>javascript://[::1/</link></item></channel></rss>')  # found: raised
def test_a_feed_is_read_or_rejected(body):
    feed = read_or_reject(parse_feed, body)
    if feed is not None:
        assert all(requestable(e.loc) for e in feed.entries)


@given(st.binary(max_size=200).map(lambda b: gzip.compress(b)), st.data())
def test_a_damaged_gzip_body_is_inflated_or_rejected(body, data):
    position = data.draw(st.integers(0, len(body) - 1))
    damaged = body[:position] + bytes([body[position] ^ data.draw(st.integers(1, 255))]) \
        + body[position + 1:]
    for candidate in (damaged, body[:position]):
        try:
            inflate(candidate, MAX_SIZE)
        except XmlRejected:
            pass


@given(st.lists(st.one_of(
    st.builds(lambda u: f"Sitemap: {u}", url_like()),
    st.just("Sitemap: http://[::1/sitemap.xml"),  # found: stopped at this line, raising
    st.sampled_from(["User-agent: *", "Disallow: /", "Crawl-delay: 5", "Crawl-delay: -1",
                     "Crawl-delay: nan", "Allow: /news$", "sitemap:/rel.xml", "Sitemap:", "#"]),
    hostile_text()), max_size=12).map("\n".join), st.sampled_from(["utf-8", "latin-1"]))
def test_robots_txt_sitemap_lines_are_http_urls(text, codec):
    urls = sitemaps_from_robots(text.encode(codec, "replace"), "https://news.example/robots.txt")
    assert all(requestable(u) for u in urls)


@given(st.lists(st.tuples(st.sampled_from(["alternate", "ALTERNATE alternate", "stylesheet", ""]),
                          st.sampled_from(["application/rss+xml", "application/atom+xml",
                                           "text/html", " Application/RSS+XML "]),
                          url_like()), max_size=5), hostile_text())
@example([("alternate", "application/rss+xml", "http://[::1/?utm_source=")], "")  # found: raised
@example([("alternate", "application/rss+xml", '"\x1f')], "")  # found: a malformed attribute raised
def test_feed_links_of_a_page_are_http_urls(links, junk):
    html = "<html><head>" + "".join(
        f'<link rel="{rel}" type="{kind}" href="{escaped(href)}">' for rel, kind, href in links) \
        + f"</head><body>{junk}</body></html>"
    urls = feeds_from_html(html, "https://news.example/")
    assert all(requestable(u) for u in urls)
    assert len(urls) == len(set(urls))
