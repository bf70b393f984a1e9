"""isAccessibleForFree: from JSON-LD and the sections it marks, the content tier, or the page."""

from __future__ import annotations

import pytest

from newsbot.extraction import extract_article, parse_html
from newsbot.extraction.paywall import accessible_for_free
from support import article_page, lorem


def ld(**fields):
    return {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Rates held",
            **fields}


def free(node=None, head="", after="") -> bool | None:
    html = article_page("Rates held", lorem("rates", 2), json_ld=node or ld(), head=head,
                        after=after)
    return extract_article("https://news.test/a", html).get("isAccessibleForFree")


@pytest.mark.parametrize(("value", "expected"), [
    (False, False), ("False", False), ("false", False), (True, True), ("True", True),
    ("https://schema.org/False", False), ("maybe", None)])
def test_json_ld_is_accessible_for_free_as_pages_write_it(value, expected):
    assert free(ld(isAccessibleForFree=value)) is expected


def test_a_has_part_section_marked_not_free_makes_the_article_paywalled():
    part = {"@type": "WebPageElement", "isAccessibleForFree": False, "cssSelector": ".paywall"}
    assert free(ld(hasPart=part)) is False
    assert free(ld(isAccessibleForFree=True, hasPart=[{"@type": "WebPageElement",
                                                      "isAccessibleForFree": True}, part])) is False


def test_the_content_tier_meta_tag():
    assert free(head='<meta property="article:content_tier" content="locked">') is False
    assert free(head='<meta property="article:content_tier" content="metered">') is False
    assert free(head='<meta property="article:content_tier" content="free">') is True
    # JSON-LD wins over the meta tag
    assert free(ld(isAccessibleForFree=True),
                head='<meta property="article:content_tier" content="locked">') is True


@pytest.mark.parametrize("announcement", [
    "Subscribe to continue reading.",
    "This article is only available to subscribers. Log in or subscribe.",
    "Dieser Artikel ist nur für Abonnenten verfügbar.",
    "Cet article est réservé aux abonnés.",
    "Este artículo es solo para suscriptores.",
    "Bu içerik abonelere özeldir.",
    "Conteúdo exclusivo para assinantes.",
    "هذا المحتوى للمشتركين فقط.",
])
def test_a_paywall_the_page_announces(announcement):
    assert free(after=f'<div class="wall"><p>{announcement}</p><a href="/s">Subscribe</a></div>') \
        is False


def test_nothing_said_is_unknown_and_hidden_or_scripted_prompts_do_not_count():
    assert free() is None
    hidden = '<div class="paywall-prompt" hidden><p>Subscribe to continue reading.</p></div>'
    styled = '<div style="display: none"><p>Subscribe to continue reading.</p></div>'
    script = '<script>var wall = "Subscribe to continue reading";</script>'
    template = "<template><p>Subscribe to continue reading.</p></template>"
    for extra in (hidden, styled, script, template):
        assert free(after=extra) is None, extra
    # a long paragraph of the story that mentions subscribers is story text
    story = ("The newspaper said its print edition was exclusively for subscribers only in the "
             "northern towns, where street sales had fallen for years, and that the change would "
             "be reviewed in the spring after readers, shops and the union had been consulted on "
             "what they thought of it.")
    assert free(after=f"<p>{story}</p>") is None


def test_pure_function_without_a_page():
    tree = parse_html("<html><body><p>Hello</p></body></html>")
    assert accessible_for_free({}, {}, tree) is None
