"""Properties of JSON-LD reading over what pages put in ``<script type=application/ld+json>``:
broken JSON, odd nesting, types of every kind. Reading never raises; what comes out has the
types the extract stage expects."""

from __future__ import annotations

import html
import json

from hypothesis import given
from hypothesis import strategies as st
from lxml import html as lxml_html

from hostile import hostile_text, url_like
from newsbot.extraction import extract_article
from newsbot.extraction.structured import (
    article_node,
    json_ld_nodes,
    list_of,
    page_type,
    provenance,
    resolve_ids,
    text_of,
    url_of,
)

KEYS = st.sampled_from(["@type", "@id", "@graph", "@context", "headline", "name", "url",
                        "author", "creator", "publisher", "sourceOrganization", "provider",
                        "isBasedOn", "articleBody", "keywords", "articleSection", "image",
                        "datePublished", "mainEntity", "mainEntityOfPage", "description"])
TYPES = st.sampled_from(["NewsArticle", "Article", "Organization", "Person", "WebPage",
                         "https://schema.org/NewsArticle", "NewsAgency", "", "LiveBlogPosting"])
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
                    hostile_text(), url_like(), TYPES)
JSON = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(KEYS, inner, max_size=5)), max_leaves=20)
SCRIPTS = st.one_of(
    JSON.map(lambda value: json.dumps(value, allow_nan=True)),
    JSON.map(lambda value: json.dumps(value)[:-1]),  # cut short
    JSON.map(lambda value: json.dumps(value) + ","),  # a trailing comma
    hostile_text(200))


def page(scripts: list[str], body: str) -> str:
    blocks = "".join('<script type="application/ld+json">' + s.replace("</", "<\\/")
                     + "</script>" for s in scripts)
    return (f"<html><head>{blocks}</head><body><article><p>{html.escape(body)}</p></article>"
            "</body></html>")


@given(st.lists(SCRIPTS, max_size=3), hostile_text())
def test_json_ld_nodes_are_dicts_and_the_article_one_of_them(scripts, body):
    nodes = json_ld_nodes(lxml_html.fromstring(page(scripts, body)))
    assert all(isinstance(n, dict) for n in nodes)
    node = article_node(nodes)
    assert node is None or any(node is n for n in nodes)
    if node is not None:
        assert page_type(node) is None or isinstance(page_type(node), str)
        for cue in provenance(node, "https://news.example/a"):
            assert cue["cue"].startswith(("jsonld:", "isBasedOn")) and isinstance(cue["text"], str)


@given(JSON)
def test_value_readers_take_any_json(value):
    assert text_of(value) is None or isinstance(text_of(value), str)
    assert url_of(value) is None or isinstance(url_of(value), str)
    assert all(isinstance(v, str) for v in list_of(value))
    resolve_ids(value, [{"@id": "#a", "name": "A"}])


@given(st.lists(SCRIPTS, max_size=2), hostile_text())
def test_extract_article_keeps_its_field_types(scripts, body):
    article = extract_article("https://news.example/a", page(scripts, body))
    assert article["url"] == "https://news.example/a"
    for field in ("headline", "description", "articleBody", "canonicalUrl", "inLanguage",
                  "pageType", "articleSection", "datePublished"):
        assert isinstance(article.get(field, ""), str), field
    assert all(isinstance(a["name"], str) for a in article.get("authors", []))
    assert all(isinstance(k, str) for k in article.get("keywords", []))
