"""T31: hostile article content: exported text is data, one record per line, whatever it holds."""

from __future__ import annotations

import json

import pytest

from crawling import stats
from faultserver import FaultServer
from newsbot.cleaning.plain import plain_fields, plain_text
from support import article_page, lorem, run_crawl

HOSTILE_LD = {
    "@context": "https://schema.org", "@type": "NewsArticle",
    # (a "</script>" would end the JSON-LD block itself, for browsers and parsers alike)
    "headline": "<b>Harbour</b> &amp; bridge <img src=x onerror=alert(1)> news",
    "description": '<img src=x onerror="alert(1)">A description',
    "url": "javascript:alert(1)",
    "image": "data:image/png;base64,iVBORw0KGgo=",
}


def test_t31_hostile_fields_export_as_plain_data_one_line_per_item(tmp_path):
    paragraphs = lorem("hostile", 4) + [
        "Line\u2028separator, paragraph\u2029separator, next\u0085line, record\x1eseparator.",
        "Right-to-left \u202eoverride\u202c and a lone surrogate: \ud800 here, &#xD800; there.",
    ]
    page = article_page("Harbour bridge news", paragraphs, json_ld=HOSTILE_LD,
                        canonical="javascript:alert(2)")
    huge = article_page("A book, not an article", lorem("huge", 30) * 100)
    with FaultServer({"/robots.txt": (200, {}, b"User-agent: *\nAllow: /\n"),
                      "/hostile": (200, {}, page.encode("utf-8", "surrogatepass")),
                      "/huge": (200, {}, huge.encode())}) as server:
        result = run_crawl(tmp_path, "article",
                           {"url": f"{server.url('/hostile')},{server.url('/huge')}"},
                           settings={"NEWSBOT_EXTRACT_TIME_BUDGET": "20"})

    assert result.returncode == 0, result.log
    raw = (tmp_path / "out.jsonl").read_bytes().decode("utf-8")  # valid UTF-8 throughout
    assert len(raw.splitlines()) == len(result.items) == 1  # str.splitlines(): no hidden breaks
    assert not any(c in raw for c in "\u2028\u2029\u0085\u202e")
    (item,) = [json.loads(line) for line in raw.splitlines()]
    assert item["headline"] == "Harbour & bridge news"  # markup gone, entity decoded once
    assert item["description"] == "A description"
    assert item["canonicalUrl"] is None  # javascript: is no URL to follow
    assert item["mainImage"] is None or item["mainImage"]["url"] is None
    assert all(image["url"] is None or image["url"].startswith("http")
               for image in item["images"] or [])
    body = item["articleBody"]
    assert "\u2028" not in body and "\ud800" not in body and "\u202e" not in body
    # A 600 000-character "article" is a book or a dump: dropped with the reason.
    assert stats(result.log)["newsbot/dropped/long_body"] == 1


@pytest.mark.parametrize(("text", "plain"), [
    ("<script>alert(1)</script>Hi", "Hi"),
    ("<style>p{}</style><p>Hi <b>there</b></p>", "Hi there"),
    ("Fish &amp; chips", "Fish &amp; chips"),  # decoded once, by extraction, not again
    ("a < b and c > d", "a < b and c > d"),  # not markup
    ("R&D and AT&T", "R&D and AT&T"),
    ("abc\u202edcba\u202c", "abcdcba"),
    ("<!-- hidden -->Shown", "Shown"),
])
def test_t31_plain_text(text, plain):
    assert plain_text(text) == plain


def test_t31_url_fields_are_http_only():
    article = plain_fields({
        "canonicalUrl": "data:text/html,x",
        "mainImage": {"url": "javascript:x", "caption": "<b>c</b>"},
        "images": [{"url": "https://i.test/a.jpg"}, {"url": "file:///etc/passwd"}]})
    assert article["canonicalUrl"] is None
    assert article["mainImage"] == {"url": None, "caption": "c"}
    assert [i["url"] for i in article["images"]] == ["https://i.test/a.jpg", None]
