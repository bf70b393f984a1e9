"""Exported fields are data: plain text in text fields, http(s) in URL fields.

A page can put anything in its JSON-LD or meta tags: ``<script>`` in a headline, HTML in an
``articleBody``, a ``javascript:`` canonical URL, bidirectional overrides that make text read
otherwise than it is stored ("Trojan Source"). The clean stage starts here, so whatever a
reader of the JSON Lines renders it into, it is text and links, never markup or script.
"""

from __future__ import annotations

import re
from typing import Any, cast

from newsbot.items import ArticleData, Image

_SCRIPT = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<!--.*?-->|</?[a-zA-Z][a-zA-Z0-9:-]*(?:\s[^<>]*)?/?>", re.DOTALL)
_BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
TEXT_FIELDS = ("headline", "description", "articleBody", "articleSection", "dateline")


def plain_text(text: str) -> str:
    """``text`` without markup (script and style with their content) and bidirectional
    overrides. Entities were decoded by extraction (``newsbot.extraction.structured``); decoding
    them again would turn a text's own ``&lt;`` into markup."""
    if "<" in text:
        text = _TAG.sub("", _SCRIPT.sub("", text))
    return text.translate(_BIDI_CONTROLS)


def web_url(url: Any) -> str | None:
    """``url`` when it is an http(s) URL, else None (no ``javascript:``, ``data:``, ``file:``)."""
    if isinstance(url, str) and url.strip().lower().startswith(("http://", "https://")):
        return url.strip()
    return None


def plain_fields(article: ArticleData) -> ArticleData:
    """A copy of ``article`` with text fields as plain text and URL fields http(s) only."""
    text = cast(dict[str, Any], article)  # extracted values are what the page gave: checked here
    article = cast(ArticleData, {**text, **{field: plain_text(text[field]) for field in TEXT_FIELDS
                                            if isinstance(text.get(field), str)}})
    if article.get("keywords"):
        article["keywords"] = [plain_text(k) for k in article["keywords"] if isinstance(k, str)]
    if article.get("authors"):
        article["authors"] = [{**a, "name": plain_text(a.get("name") or "")}
                              for a in article["authors"] if isinstance(a, dict)]
    if "canonicalUrl" in article:
        article["canonicalUrl"] = web_url(article["canonicalUrl"])
    if main := article.get("mainImage"):
        article["mainImage"] = _image(main)
    if article.get("images"):
        article["images"] = [_image(i) for i in article["images"] if isinstance(i, dict)]
    return article


def _image(image: Image) -> Image:
    found = cast(dict[str, Any], image)
    return cast(Image, {**found, "url": web_url(found.get("url")),
                        **{k: plain_text(found[k]) for k in ("caption", "credit")
                           if isinstance(found.get(k), str)}})
