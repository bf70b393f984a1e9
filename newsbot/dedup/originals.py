"""A story's original, and what its copies take from it: the rules the dedupe stage applies as
articles arrive, and ``newsbot export`` applies again to everything it reads (an original can
arrive after its copies were exported; partitions are never rewritten, datasets are resolved).
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any, Protocol

from newsbot.dedup.exact import article_keys
from newsbot.dedup.fingerprints import short_id
from newsbot.urls import same_site, url_key


class Candidate(Protocol):
    """What the election reads of an article (an indexed :class:`~newsbot.dedup.store.Doc`, or
    a line read back by ``newsbot export``)."""

    @property
    def url(self) -> str: ...

    @property
    def agency_page(self) -> str | None:
        """agency code when the article is on that agency's own site"""

    @property
    def canonical_key(self) -> str | None:
        """URL key of a cross-site canonical URL"""

    @property
    def published(self) -> str | None: ...


def elect(incumbent: Candidate, challenger: Candidate) -> bool:
    """True when ``challenger`` should be the story's original instead of ``incumbent``:
    the agency's own page, else the target of a cross-outlet canonical, else the earliest.
    On a tie the incumbent, the first crawled, stays."""
    if bool(challenger.agency_page) != bool(incumbent.agency_page):
        return bool(challenger.agency_page)
    if incumbent.canonical_key and incumbent.canonical_key == url_key(challenger.url):
        return True
    if challenger.canonical_key and challenger.canonical_key == url_key(incumbent.url):
        return False
    if challenger.published and incumbent.published:
        return challenger.published < incumbent.published
    return False


def prevails(challenger: Candidate, held: Candidate, challenger_crawled: str,
             held_crawled: str) -> bool:
    """:func:`elect` for articles read in any order (``newsbot export`` reads partitions by
    outlet, not by time): on a tie, the first crawled is the original, as in the crawl."""
    if elect(held, challenger):
        return True
    if elect(challenger, held):
        return False
    return (challenger_crawled, challenger.url) < (held_crawled, held.url)


def cross_site_key(url: str, canonical: str | None) -> str | None:
    """URL key of a canonical link to another site (a reprint naming its original), else None."""
    return url_key(canonical) if canonical and not same_site(url, canonical) else None


def story_id(url: str, canonical: str | None) -> str:
    """Id of the story an article starts: from its URL keys, so its own whenever it leads."""
    return short_id(min(article_keys(url, canonical)))


def mark_copy(article: MutableMapping[str, Any], original_url: str,
              original_publisher: str | None, original_agency: str | None) -> None:
    """Mark ``article`` a copy of its story's original: ``duplicateOf``, syndicated when the
    original is another outlet's, and the original's agency when it names none itself (cue
    ``cluster``)."""
    article["duplicateOf"] = original_url
    if original_publisher != article.get("publisher"):
        article["isSyndicated"] = True
    if original_agency and not article.get("sourceOrganization"):
        article["sourceOrganization"] = original_agency
        article["attributionEvidence"] = [
            *(article.get("attributionEvidence") or []),
            {"cue": "cluster", "text": original_url, "agency": original_agency}]
