"""The clean stage: from extracted paragraphs to the article text a reader would quote.

Removes boilerplate lines, moves photo captions and credits to the image they describe, records
the dateline and "Source: X" style trailers as fields before removing them (correction notices
were recorded by extraction and are removed here too), drops a repeated
headline, keeps sub-headlines, and normalises whitespace and Unicode. Pure: strings in, strings
out, so it is tested without Scrapy and shared by the crawl and ``newsbot extract``.
"""

from __future__ import annotations

import re
import unicodedata

from newsbot.cleaning.patterns import (
    BOILERPLATE,
    BRACKETED,
    BYLINE_WORDS,
    CAPTION_CREDIT,
    CAPTION_PREFIX,
    CAPTION_TRAILING_CREDIT,
    DATELINE,
    MAX_BOILERPLATE_WORDS,
    MAX_BYLINE_WORDS,
    MAX_CAPTION_WORDS,
    TRAILER,
    TRAILER_ZONE,
)
from newsbot.cleaning.plain import plain_fields
from newsbot.dedup.fingerprints import body_hash
from newsbot.items import ArticleData, Author, Image

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = re.compile(r"[\s\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_TRAILING_PROMPT = re.compile(r"\s*(?:\.\.\.|…|!+|:)$")


def normalise_text(text: str) -> str:
    """NFC, visible characters only, single spaces. (NFKC would rewrite legitimate text.)"""
    # invisible characters go first: one between a letter and its accent stops them composing
    text = unicodedata.normalize("NFC", text.translate(_INVISIBLE))
    return _SPACES.sub(" ", _CONTROL.sub(" ", text)).strip()


def _key(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().casefold()


def split_credit(caption: str) -> tuple[str, str | None]:
    """``"Troops advance (Photo/Reuters)"`` -> ``("Troops advance", "Photo/Reuters")``."""
    caption = normalise_text(CAPTION_PREFIX.sub("", caption))
    for pattern in (CAPTION_CREDIT, CAPTION_TRAILING_CREDIT):
        if m := pattern.search(caption):
            return caption[: m.start()].strip(), m.group(1).strip()
    return caption, None


def is_boilerplate(paragraph: str) -> bool:
    if len(paragraph.split()) > MAX_BOILERPLATE_WORDS:
        return False
    inner = m.group(1).strip() if (m := BRACKETED.match(paragraph)) else paragraph
    trimmed = _TRAILING_PROMPT.sub("", inner)  # "Tell us what you think..." / "Share it!"
    return any(BOILERPLATE.match(text) for text in {paragraph, inner, trimmed})


def is_byline(paragraph: str, authors: list[Author]) -> bool:
    """A line that only names the article's authors ("Von Ida Wren", "By A and B"): the byline,
    which extractors leave in the text and ``authors`` already holds."""
    if not authors or len(paragraph.split()) > MAX_BYLINE_WORDS or TRAILER.match(paragraph):
        return False  # "Reuters" at the end is a trailer, recorded as such
    rest = paragraph.casefold()
    for author in authors:
        rest = rest.replace(author["name"].casefold(), " ")
    return rest != paragraph.casefold() and not BYLINE_WORDS.sub("", rest).strip()


def _is_caption(paragraph: str, known: dict[str, Image]) -> bool:
    if _key(paragraph) in known:
        return True
    return len(paragraph.split()) <= MAX_CAPTION_WORDS and split_credit(paragraph)[1] is not None


def _attach_caption(article: ArticleData, paragraph: str, known: dict[str, Image]) -> None:
    """Give the caption to the image it describes (or a url-less image) unless it has one."""
    if _key(paragraph) in known:
        return
    caption, credit = split_credit(paragraph)
    main = article.get("mainImage")
    if main and not main.get("caption"):
        main["caption"], main["credit"] = caption, main.get("credit") or credit
        images = article.get("images") or []
        if not any(img.get("url") == main.get("url") for img in images):
            article["images"] = [main.copy(), *images]
        return
    article.setdefault("images", []).append({"url": None, "caption": caption, "credit": credit})


def _is_notice(paragraph: str, notices: set[str]) -> bool:
    """The paragraph is one of the page's notices (extractors may drop its time of day)."""
    key = _key(paragraph)
    return len(key) >= 20 and any(n.startswith(key) or key.startswith(n) for n in notices)


def _take_dateline(paragraphs: list[str]) -> tuple[str | None, list[str]]:
    if not paragraphs:
        return None, paragraphs
    first = paragraphs[0]
    m = DATELINE.match(first)
    if not m or len(first) == m.end():
        return None, paragraphs
    rest = first[m.end():].strip()
    return m.group("dateline").strip(), [rest, *paragraphs[1:]]


def _take_trailers(paragraphs: list[str]) -> tuple[list[str], list[str]]:
    trailers: list[str] = []
    end = len(paragraphs)
    while end > 0 and len(paragraphs) - end < TRAILER_ZONE + len(trailers):
        last = paragraphs[end - 1]
        if len(last.split()) > 60 or not TRAILER.match(last):
            break
        trailers.insert(0, last)
        end -= 1
    return trailers, paragraphs[:end]


def clean_article(article: ArticleData) -> ArticleData:
    """A cleaned copy of ``article``: see the module docstring for what changes."""
    article = plain_fields(article)
    if headline := article.get("headline"):
        article["headline"] = normalise_text(headline)
    if description := article.get("description"):
        article["description"] = normalise_text(description)
    known: dict[str, Image] = {}
    for image in article.get("images") or []:
        if caption := image.get("caption"):
            full = " ".join(filter(None, [caption, image.get("credit")]))
            known[_key(full)] = known[_key(caption)] = image
    headline_key = _key(article.get("headline") or "")
    authors = article.get("authors") or []
    # correction and update notices are a field of their own (``corrections``)
    notices = {_key(c["text"]) for c in article.get("corrections") or []}

    kept: list[str] = []
    trailers: list[str] = []
    for raw in (article.get("articleBody") or "").split("\n"):
        paragraph = normalise_text(raw)
        if not paragraph or is_boilerplate(paragraph) or is_byline(paragraph, authors) \
                or _is_notice(paragraph, notices):
            continue
        if not kept and _key(paragraph) == headline_key:
            # the headline repeated at the top of the text, below any lines dropped here (once
            # they are gone it is the top: cleaning again must not find more to drop)
            continue
        if _is_caption(paragraph, known):
            _attach_caption(article, paragraph, known)
            continue
        if kept and kept[-1] == paragraph:
            continue
        kept.append(paragraph)

    trailers, kept = _take_trailers(kept)
    dateline, kept = _take_dateline(kept)
    body = "\n\n".join(kept)
    article["articleBody"] = body or None
    article["contentHash"] = body_hash(body) if body else None
    if dateline:
        article["dateline"] = dateline
    if trailers:
        article["trailers"] = trailers
    return article
