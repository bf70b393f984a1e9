import pytest

from newsbot.discovery.feeds import feeds_from_html, parse_feed
from newsbot.discovery.xml import XmlRejected

RSS = b"""<?xml version="1.0"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Wire</title>
<item><title>One</title><link>https://w.test/one</link>
<pubDate>Fri, 20 Nov 2026 13:15:00 GMT</pubDate></item>
<item><title>Two</title><guid isPermaLink="true">https://w.test/two</guid>
<dc:date>2026-11-21</dc:date></item>
<item><title>No link</title><guid isPermaLink="false">abc</guid></item>
</channel></rss>"""
ATOM = b"""<feed xmlns="http://www.w3.org/2005/Atom"><title>Out</title>
<entry><title>Three</title><link rel="alternate" href="/three"/>
<link rel="enclosure" href="/x.mp3"/>
<published>2026-11-22T08:00:00Z</published><updated>2026-11-22T09:00:00Z</updated></entry>
</feed>"""


def test_rss_items():
    entries = parse_feed(RSS, "https://w.test/rss.xml").entries
    assert [(e.loc, e.title, e.published) for e in entries] == [
        ("https://w.test/one", "One", "Fri, 20 Nov 2026 13:15:00 GMT"),
        ("https://w.test/two", "Two", "2026-11-21"),
    ]


def test_atom_entries():
    (entry,) = parse_feed(ATOM, "https://w.test/atom.xml").entries
    assert (entry.loc, entry.published, entry.lastmod) == (
        "https://w.test/three", "2026-11-22T08:00:00Z", "2026-11-22T09:00:00Z")


def test_not_a_feed():
    with pytest.raises(XmlRejected):
        parse_feed(b"<html><p>hello</p></html>", "https://w.test/rss")


def test_feeds_announced_by_a_page():
    html = """<html><head>
    <link rel="alternate" type="application/rss+xml" href="/rss.xml">
    <link rel="alternate" type="application/atom+xml" href="https://w.test/atom.xml">
    <link rel="alternate" hreflang="de" href="/de/">
    <link rel="alternate" type="application/rss+xml" href="javascript:x()">
    </head></html>"""
    assert feeds_from_html(html, "https://w.test/") == ["https://w.test/rss.xml",
                                                        "https://w.test/atom.xml"]
