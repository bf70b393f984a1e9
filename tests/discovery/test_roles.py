"""A page's role: what a front says of itself, and the rules for a page requested twice."""

from __future__ import annotations

import json
import re

import pytest

from newsbot.discovery.roles import ARTICLE, FRONT, PageRoles, Seen, article_evidence, role_of
from support import article_page, lorem


def ld(*objects: dict) -> str:
    return "".join(f'<script type="application/ld+json">{json.dumps(o)}</script>'
                   for o in objects)


@pytest.mark.parametrize(("page", "expected"), [
    (article_page("A story", lorem("a")), (True, "JSON-LD newsarticle")),
    (f"<html><head>{ld({'@graph': [{'@type': 'WebPage'}, {'@type': 'ReportageNewsArticle'}]})}"
     f"</head></html>", (True, "JSON-LD reportagenewsarticle")),
    (f"<html><body>{ld({'@type': 'WebPage', 'mainEntity': {'@type': 'LiveBlogPosting'}})}"
     f"</body></html>", (True, "JSON-LD liveblogposting")),
    ('<html><head><meta content="article" property="og:type"></head></html>',
     (True, "og:type article")),
    ('<html><head><meta property="og:type" content="website"></head></html>',
     (False, "a website page")),
    (f"<html>{ld({'@type': 'CollectionPage'})}</html>", (False, "a collectionpage page")),
    # teasers: an ItemList of articles, or several articles side by side, are a front's
    (f"<html>{ld({'@type': 'ItemList', 'itemListElement': [{'@type': 'NewsArticle'}]})}</html>",
     (False, "a itemlist page")),
    (f"<html>{ld([{'@type': 'NewsArticle'}, {'@type': 'NewsArticle'}])}</html>",
     (False, "a list of articles")),
    ("<html>" + ld({"@type": "NewsArticle", "url": "https://n.test/a", "headline": "A"},
                   {"@type": "NewsArticle", "url": "https://n.test/b", "headline": "B"})
     + "</html>", (False, "a list of articles")),
    # one article declared twice (two scripts; url in one, its @id in the other) is one article
    ("<html>" + ld({"@type": "NewsArticle", "url": "https://n.test/news/alpha.html"},
                   {"@type": "NewsArticle", "@id": "https://n.test/news/alpha.html#article"})
     + "</html>", (True, "JSON-LD newsarticle")),
    ("<html>" + ld({"@type": "NewsArticle", "headline": "Alpha"},
                   {"@graph": [{"@type": "NewsArticle", "headline": "Alpha"}]})
     + "</html>", (True, "JSON-LD newsarticle")),
    ("<html><head><title>Nothing said</title></head><body><p>Text</p></body></html>",
     (None, "")),
    ("", (None, "")),
])
def test_what_a_page_says_of_itself(page, expected):
    assert article_evidence(page, "https://n.test/news/alpha.html") == expected


def test_the_outlets_article_pattern_is_evidence_too():
    pattern = re.compile(r"^/news/\w+\.html$")
    assert article_evidence("<html></html>", "https://n.test/news/alpha.html", pattern) == (
        True, "the outlet's article pattern")
    assert article_evidence("<html></html>", "https://n.test/world/", pattern) == (None, "")


def test_a_huge_page_of_links_is_read_without_a_tree():
    giant = "<html><body>" + '<a href="/x">x</a>' * 300_000 + "</body></html>"
    assert article_evidence(giant, "https://n.test/giant") == (None, "")


def test_roles_of_callbacks():
    assert role_of("parse_front") == FRONT and role_of("parse_article") == ARTICLE
    assert role_of("parse_sitemap") is None and role_of(None) is None


def test_an_article_request_upgrades_a_queued_front_once():
    roles = PageRoles()
    roles.first("k", FRONT)
    assert roles.again("k", ARTICLE, {"entry": {"loc": "u"}}) is Seen.UPGRADED
    assert roles.again("k", ARTICLE, {"entry": {"loc": "u"}}) is Seen.DUPLICATE
    assert roles.waiting() == {"k": {"entry": {"loc": "u"}}}
    # the front is handled as an article, with the announcement's meta (the spider extracts
    # it unless the page says it is not an article)
    assert roles.front_handled(["k"], None) == {"entry": {"loc": "u"}}
    assert roles.waiting() == {}
    assert roles.again("k", ARTICLE, {}) is Seen.DUPLICATE


def test_an_upgraded_front_that_says_it_is_not_an_article_stays_a_front():
    roles = PageRoles()
    roles.first("k", FRONT)
    assert roles.again("k", ARTICLE, {"entry": {"loc": "u"}}) is Seen.UPGRADED
    assert roles.front_handled(["k"], False) == {"entry": {"loc": "u"}}
    assert roles.fronts["k"] == "not_article"


@pytest.mark.parametrize(("says", "then"), [
    (True, Seen.DUPLICATE),       # extracted already
    (False, Seen.NOT_ARTICLE),    # it said it is not an article
    (None, Seen.REFETCH),         # it said nothing: the announcement wins, once
])
def test_an_article_request_after_its_front_was_handled(says, then):
    roles = PageRoles()
    roles.first("k", FRONT)
    assert roles.front_handled(["k", "k-final"], says) is None
    assert roles.again("k", ARTICLE, {}) is then
    assert roles.again("k", ARTICLE, {}) in (Seen.DUPLICATE, Seen.NOT_ARTICLE)
    assert roles.again("k-final", ARTICLE, {}) is then  # the URL it was redirected to


def test_weaker_or_equal_requests_are_plain_duplicates():
    roles = PageRoles()
    roles.first("a", ARTICLE)
    assert roles.again("a", FRONT, {}) is Seen.DUPLICATE
    assert roles.again("a", ARTICLE, {}) is Seen.DUPLICATE
    roles.first("f", FRONT)
    assert roles.again("f", FRONT, {}) is Seen.DUPLICATE
    assert roles.again("f", None, {}) is Seen.DUPLICATE
