"""URL keys of an article: what "the same URL" means to the dedupe stage."""

from __future__ import annotations

from newsbot.urls import url_key


def article_keys(url: str, canonical: str | None) -> set[str]:
    """URL keys of an article: its own, and its canonical URL's when that is on the same site.

    A cross-site canonical (a reprint pointing at the wire original) is *not* the same article:
    it is a copy, handled by the text index.
    """
    own = url_key(url)
    keys = {own}
    if canonical:  # same_site(url, canonical), with each URL canonicalised once
        other = url_key(canonical)
        if other.split("/", 1)[0] == own.split("/", 1)[0]:
            keys.add(other)
    return keys
