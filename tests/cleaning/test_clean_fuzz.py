"""Properties of the clean stage over hostile article text: cleaning twice changes nothing, and
no paragraph disappears unless the stage has a name for what it was."""

from __future__ import annotations

import re

from hypothesis import example, given
from hypothesis import strategies as st

from hostile import hostile_text
from newsbot.cleaning import clean_article, is_boilerplate, is_byline, normalise_text, split_credit
from newsbot.cleaning.plain import plain_text

KNOWN_LINES = st.sampled_from([
    "Advertisement", "ADVERTISEMENT", "Share this article", "Comments", "[Related: Other story]",
    "Read more", "Sign up for our newsletter", "By Ana Ruiz", "Von Ana Ruiz und Li Wei",
    "Source: TRT", "Source: AA", "Reporting by Li Wei; Editing by Ana Ruiz", "(With agency inputs)",
    "— AFP", "Reuters", "AP", "WASHINGTON (AP) — The council met on Friday.",
    "ISTANBUL — Ministers met.", "Troops advance on the town (Photo/Reuters)",
    "A street in the rain. AP Photo/Jane Doe", "Photo: AFP", "Copyright 2026 Bench Daily",
    "The council approved the repairs on Friday after a long debate.",
    "<b>Bold</b> text with <a href='x'>a link</a>", "<script>alert(1)</script>",
])
SENTENCES = st.lists(st.sampled_from(["The", "council", "met", "on", "Friday", "and", "said",
                                      "repairs", "would", "start", "soon", "Reuters", "AP",
                                      "source", "advertisement", "photo"]),
                     min_size=1, max_size=40).map(lambda words: " ".join(words) + ".")
PARAGRAPHS = st.lists(st.one_of(KNOWN_LINES, SENTENCES, hostile_text()), max_size=12)
IMAGES = st.lists(st.fixed_dictionaries({
    "url": st.sampled_from(["https://news.example/p.jpg", None, "javascript:x"]),
    "caption": st.one_of(st.none(), KNOWN_LINES, hostile_text()),
    "credit": st.one_of(st.none(), st.sampled_from(["Photo/Reuters", "AP"]))}), max_size=2)


@st.composite
def articles(draw: st.DrawFn) -> dict:
    paragraphs = draw(PARAGRAPHS)
    headline = draw(st.one_of(st.sampled_from(paragraphs or ["A headline"]), hostile_text()))
    article = {"url": "https://news.example/a", "headline": headline,
               "articleBody": "\n".join(paragraphs),
               "authors": draw(st.lists(st.fixed_dictionaries({
                   "name": st.sampled_from(["Ana Ruiz", "Li Wei", "", "Reuters"]),
                   "type": st.just("Person")}), max_size=2)),
               "images": draw(IMAGES)}
    if draw(st.booleans()):
        article["mainImage"] = {"url": "https://news.example/p.jpg", "caption": None,
                                "credit": None}
    return article


def key(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().casefold()


@given(articles())
@example({"url": "https://news.example/a", "headline": "0",  # found: the repeated headline was
          "articleBody": "0\nAdvertisement\nAdvertisement\n0",  # dropped only in the 2nd pass
          "authors": [], "images": []})
@example({"url": "https://news.example/a", "headline": "A\xad\u0300",  # found: NFC came before
          "articleBody": "A\xad\u0300", "authors": [], "images": []})  # removing the soft hyphen
def test_cleaning_twice_changes_nothing(article):
    once = clean_article(article)
    assert clean_article(once) == once


@given(articles())
def test_a_paragraph_is_kept_or_named(article):
    cleaned = clean_article(article)
    kept = (cleaned.get("articleBody") or "").split("\n\n")
    captions = {key(" ".join(filter(None, [i.get("caption"), i.get("credit")])))
                for i in [*(cleaned.get("images") or []), cleaned.get("mainImage") or {}]}
    captions |= {key(i.get("caption") or "") for i in cleaned.get("images") or []}
    authors = cleaned.get("authors") or []
    dateline = cleaned.get("dateline")
    for raw in article["articleBody"].split("\n"):
        paragraph = normalise_text(plain_text(raw))
        if not paragraph or paragraph in kept or paragraph in (cleaned.get("trailers") or []):
            continue
        named = (is_boilerplate(paragraph) or is_byline(paragraph, authors)
                 or key(paragraph) == key(cleaned.get("headline") or "")
                 or key(paragraph) in captions or key(split_credit(paragraph)[0]) in captions
                 or (dateline and paragraph.startswith(dateline)))
        assert named, f"dropped without a reason: {paragraph!r}"


@given(articles())
def test_the_clean_body_is_plain_visible_text(article):
    body = clean_article(article).get("articleBody") or ""
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069\u200b\ufeff]", body)
    assert all(p and p == p.strip() for p in body.split("\n\n")) if body else True
