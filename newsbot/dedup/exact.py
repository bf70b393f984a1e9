"""URL keys of an article: what "the same URL" means to the dedupe stage."""

from __future__ import annotations

from newsbot.urls import same_site, url_key


def article_keys(url: str, canonical: str | None) -> set[str]:
    """URL keys of an article: its own, and its canonical URL's when that is on the same site.

    A cross-site canonical (a reprint pointing at the wire original) is *not* the same article:
    it is a copy, handled by the text index.
    """
    keys = {url_key(url)}
    if canonical and same_site(url, canonical):
        keys.add(url_key(canonical))
    return keys
