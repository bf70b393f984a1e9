import json

import pytest

from newsbot.extraction import extract_article
from newsbot.extraction.authors import normalise_authors


@pytest.mark.parametrize(("values", "names"), [
    (["By Ana Ruiz and Tom Beck"], ["Ana Ruiz", "Tom Beck"]),
    (["Ana Ruiz, Tom Beck & Lea Hart"], ["Ana Ruiz", "Tom Beck", "Lea Hart"]),
    (["By Marta Lind, Staff Writer | Updated 6 May 2026"], ["Marta Lind"]),
    (["Published 3 hours ago"], []),
    (["https://example.test/authors/ana"], []),
    ([[{"@type": "Person", "name": "Ana Ruiz"}, {"@type": "Person", "name": "ana ruiz"}]],
     ["Ana Ruiz"]),
])
def test_names_are_split_and_cleaned(values, names):
    assert [a["name"] for a in normalise_authors(values)] == names


def test_organisations_are_authors_too():
    authors = normalise_authors([[{"@type": "Organization", "name": "Associated Press"},
                                  "Reuters", {"@type": "Person", "name": "Jo Park"}]])
    assert authors == [{"name": "Associated Press", "type": "Organization"},
                       {"name": "Reuters", "type": "Organization"},
                       {"name": "Jo Park", "type": "Person"}]


@pytest.mark.parametrize(("values", "names"), [
    (["Guardian staff reporter"], ["Guardian staff reporter"]),  # not cut at "f" + "reporter"
    (["Elena Muster (emu), Jon Brand (jb.)"], ["Elena Muster", "Jon Brand"]),
    (["신현주 기자"], ["신현주"]),
    (["Ana Ruiz, professor of economics at the University of Harborton"], ["Ana Ruiz"]),
    (["Kyle Reed 7 hours"], []),
    ([{"@type": "Person", "name": "BR24 Redaktion"}], ["BR24 Redaktion"]),
    ([{"@type": "Person", "givenName": "Anna Giulia", "familyName": "Fink"}], ["Anna Giulia Fink"]),
])
def test_more_name_shapes(values, names):
    assert [a["name"] for a in normalise_authors(values)] == names


def page(head: str = "", body: str = "") -> str:
    return (f'<html><head><meta property="og:site_name" content="Kestrel News">{head}</head>'
            f"<body><article><h1>Ferry service resumes</h1>{body}<p>Text.</p></article></body>"
            "</html>")


def authors_of(html: str) -> list[str]:
    article = extract_article("https://kestrel.example/a", html)
    return [a["name"] for a in article.get("authors", [])]


def test_json_ld_author_references_are_resolved():
    ld = {"@context": "https://schema.org", "@graph": [
        {"@type": "NewsArticle", "headline": "Ferry service resumes",
         "author": [{"@id": "https://kestrel.example/#/person/1"}]},
        {"@type": "Person", "@id": "https://kestrel.example/#/person/1", "name": "Ida Wren"}]}
    html = page(f'<script type="application/ld+json">{json.dumps(ld)}</script>')
    assert authors_of(html) == ["Ida Wren"]


def test_the_outlet_as_author_gives_way_to_the_signed_byline():
    ld = {"@type": "NewsArticle", "headline": "Ferry service resumes",
          "author": {"@type": "Organization", "name": "kestrel.example"}}
    html = page(f'<script type="application/ld+json">{json.dumps(ld)}</script>',
                '<span class="article__author">Von Ida Wren, KESTREL NEWS</span>')
    assert authors_of(html) == ["Ida Wren"]
    # nobody signed it: the outlet stays the author
    assert authors_of(page(f'<script type="application/ld+json">{json.dumps(ld)}</script>')) == [
        "kestrel.example"]


def test_wire_agencies_stay_authors():
    ld = {"@type": "NewsArticle", "headline": "Ferry service resumes",
          "author": [{"@type": "Organization", "name": "Associated Press"}]}
    assert authors_of(page(f'<script type="application/ld+json">{json.dumps(ld)}</script>')) == [
        "Associated Press"]


def test_byline_elements_must_read_as_names():
    html = page(body='<div class="author-tools"><a>Folgen</a></div>'
                     '<div class="author-place">Frankfurt</div>'
                     '<p class="authorname">Ida Wren</p>')
    assert authors_of(html) == ["Ida Wren"]


def test_photo_credits_in_author_meta_tags_are_not_authors():
    html = page('<meta name="author" content="Ida Wren">'
                '<meta name="author" content="(Image: Getty Images/iStockphoto)">')
    assert authors_of(html) == ["Ida Wren"]
