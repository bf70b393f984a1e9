"""First-level deduplication within a run: the same URL, and the same text."""

from __future__ import annotations

from dataclasses import dataclass

from newsbot.dedup.fingerprints import short_id
from newsbot.urls import same_site, url_key


@dataclass(frozen=True)
class Copy:
    """The first article seen with a given text."""

    url: str
    publisher: str | None
    story_id: str


def article_keys(url: str, canonical: str | None) -> set[str]:
    """URL keys of an article: its own, and its canonical URL's when that is on the same site.

    A cross-site canonical (a reprint pointing at the wire original) is *not* the same article:
    it is a copy, handled by the text index.
    """
    keys = {url_key(url)}
    if canonical and same_site(url, canonical):
        keys.add(url_key(canonical))
    return keys


class ExactIndex:
    """Remembers URL keys and body hashes; memory grows with the run, not across runs."""

    def __init__(self) -> None:
        self._urls: set[str] = set()
        self._texts: dict[str, Copy] = {}

    def seen_url(self, keys: set[str]) -> bool:
        return not self._urls.isdisjoint(keys)

    def first_copy(self, content_hash: str | None) -> Copy | None:
        return self._texts.get(content_hash) if content_hash else None

    def add(self, keys: set[str], content_hash: str | None, url: str,
            publisher: str | None) -> Copy:
        self._urls |= keys
        copy = Copy(url, publisher, short_id(min(keys)))
        if content_hash:
            copy = self._texts.setdefault(content_hash, copy)
        return copy
