import json

import pytest

from newsbot.extraction import extract_article
from newsbot.extraction.dates import DAY_ONLY_SOURCES, normalise_date, published_fields


@pytest.mark.parametrize(("raw", "expected"), [
    ("2026-11-20T08:15:00-05:00", "2026-11-20T13:15:00Z"),
    ("2026-11-20T08:15:00.123+0100", "2026-11-20T07:15:00Z"),
    ("2026-11-20 08:15:00 UTC", "2026-11-20T08:15:00Z"),
    ("Fri, 20 Nov 2026 13:15:00 +0300", "2026-11-20T10:15:00Z"),
    ("Fri, 20 Nov 2026 13:15:00 GMT", "2026-11-20T13:15:00Z"),
    ("2026-11-20T08:15:00", "2026-11-20T08:15:00"),  # no zone given: none invented
    ("2026-11-20", "2026-11-20"),
    ("20261120T081500Z", "2026-11-20T08:15:00Z"),
])
def test_dates_are_normalised_to_utc(raw, expected):
    assert normalise_date(raw) == expected


@pytest.mark.parametrize("raw", ["", None, "yesterday", "2026-13-45", "1970-01-01T00:00:00Z",
                                 "9999-01-01"])
def test_unusable_dates_give_none(raw):
    assert normalise_date(raw) is None


def dates_of(head: str = "", body: str = "") -> dict:
    html = (f"<html><head>{head}</head><body><article><h1>Ferry service resumes</h1>{body}"
            "<p>The ferry sailed again on Tuesday.</p></article></body></html>")
    article = extract_article("https://x.test/a", html)
    return {k: v for k, v in article.items() if k.startswith("date")}


def ld(data: dict, wrap: str = "{}") -> str:
    return f'<script type="application/ld+json">{wrap.format(json.dumps(data))}</script>'


def test_each_date_records_its_source():
    dates = dates_of(ld({"@type": "NewsArticle", "datePublished": "2026-03-02T07:45:00+01:00"})
                     + '<meta property="article:modified_time" content="2026-03-02T10:00:00Z">')
    assert dates == {
        "datePublished": "2026-03-02T06:45:00Z", "datePublishedRaw": "2026-03-02T07:45:00+01:00",
        "datePublishedSource": "json-ld", "datePublishedLocal": "2026-03-02T07:45:00+01:00",
        "dateModified": "2026-03-02T10:00:00Z", "dateModifiedRaw": "2026-03-02T10:00:00Z",
        "dateModifiedSource": "meta:article:modified_time"}


def test_json_ld_wrapped_in_cdata_is_read():
    dates = dates_of(ld({"@type": "NewsArticle", "datePublished": "2026-03-02T12:00:00+02:00"},
                        "//<![CDATA[\n{}\n//]]>"))
    assert dates["datePublished"] == "2026-03-02T10:00:00Z"


def test_a_live_blog_is_dated_by_itself_not_by_its_updates():
    update = {"@type": "BlogPosting", "headline": "Police close the bridge",
              "articleBody": "A long update. " * 40, "datePublished": "2026-03-03T19:35:00Z"}
    dates = dates_of(ld({"@type": "LiveBlogPosting", "headline": "Storm live",
                         "datePublished": "2026-03-02T13:23:00Z", "liveBlogUpdate": [update]}))
    assert dates["datePublished"] == "2026-03-02T13:23:00Z"


def test_an_unparsable_value_gives_way_to_the_next_source():
    dates = dates_of(ld({"@type": "NewsArticle", "datePublished": "gestern"})
                     + '<meta property="article:published_time" content="2026-03-02T08:00:00Z">')
    assert dates["datePublishedSource"] == "meta:article:published_time"


def test_microdata_dates_in_content_attributes():
    dates = dates_of(body='<div itemprop="datePublished" content="2026-03-02T13:23:00Z">'
                          "2 March</div>")
    assert (dates["datePublished"], dates["datePublishedSource"]) == (
        "2026-03-02T13:23:00Z", "html:itemprop")


def test_a_date_only_in_the_page_text_is_read_without_inventing_a_time():
    dates = dates_of(body='<div class="meta_date">erstellt: 01. April 2026, 15:25</div>')
    assert (dates["datePublished"], dates["datePublishedSource"]) == ("2026-04-01", "page text")


def test_a_page_text_date_on_the_day_of_the_stated_update_is_not_taken_as_published():
    dates = dates_of('<meta property="article:modified_time" content="2026-04-01T15:25:00Z">',
                     '<div class="meta_date">Updated 01. April 2026, 15:25</div>')
    assert "datePublished" not in dates


def dates_at(url: str, head: str = "", body: str = "") -> dict:
    html = (f"<html><head>{head}</head><body><article><h1>Ferry service resumes</h1>{body}"
            "<p>The ferry sailed again on Tuesday.</p></article></body></html>")
    return {k: v for k, v in extract_article(url, html).items() if k.startswith("date")}


@pytest.mark.parametrize(("url", "day"), [
    ("https://x.test/2019/11/20/ferry-resumes/", "2019-11-20"),
    ("https://x.test/news/2019-11-20-ferry-resumes", "2019-11-20"),
    ("https://x.test/archive/20191120/ferry.html", "2019-11-20"),
])
def test_without_a_structured_date_the_urls_day_is_the_publication_day(url, day):
    dates = dates_at(url, body='<div class="meta_date">erstellt: 01. April 2026</div>')
    assert dates == {"datePublished": day, "datePublishedRaw": day,
                     "datePublishedSource": "url", "datePublishedLocal": day}


@pytest.mark.parametrize("url", [
    "https://x.test/story/12019112044/ferry",  # part of a longer number
    "https://x.test/2019/13/45/ferry",  # no such day
    "https://x.test/news/ferry?id=20191120",  # the query is not the path
])
def test_numbers_that_are_no_day_are_not_taken_from_the_url(url):
    assert dates_at(url, body='<div class="meta_date">erstellt: 01. April 2026</div>')[
        "datePublishedSource"] == "page text"


def test_a_structured_date_comes_before_the_urls():
    dates = dates_at("https://x.test/2019/11/20/ferry/",
                     '<meta property="article:published_time" content="2019-11-21T01:30:00Z">')
    assert (dates["datePublished"], dates["datePublishedSource"]) == (
        "2019-11-21T01:30:00Z", "meta:article:published_time")


def test_the_pages_own_day_and_offset_are_kept_beside_utc():
    # 23:30 in New York on 20 November is already 21 November in UTC
    dates = dates_of(ld({"@type": "NewsArticle", "datePublished": "2019-11-20T23:30:00-05:00"}))
    assert dates["datePublished"] == "2019-11-21T04:30:00Z"
    assert dates["datePublishedLocal"] == "2019-11-20T23:30:00-05:00"


@pytest.mark.parametrize(("raw", "local"), [
    ("Wed, 20 Nov 2019 23:30:00 -0500", "2019-11-20T23:30:00-05:00"),
    ("2019-11-20T23:30:00Z", "2019-11-20T23:30:00+00:00"),
    ("2019-11-20T23:30:00", "2019-11-20T23:30:00"),  # no zone given: none invented
    ("2019-11-20", "2019-11-20"),
])
def test_local_forms(raw, local):
    assert published_fields(raw, "json-ld")["datePublishedLocal"] == local


def test_a_sitemap_date_is_preferred_to_a_day_only_guess():
    # the spider replaces dates from these sources by its sitemap or feed entry's
    assert set(DAY_ONLY_SOURCES) == {"url", "page text"}
    assert published_fields("yesterday", "sitemap or feed") == {}
