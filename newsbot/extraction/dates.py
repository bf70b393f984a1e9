"""Dates: every date the page gives, normalised to UTC ISO 8601, raw string and source kept.

Publication and modification dates are looked up separately and never stand in for each other.
Sources, most trusted first: JSON-LD, ``<meta>`` tags, microdata (``itemprop``), the first
``<time datetime>`` of the ``<article>``; for the publication, when none of these gives one, the
date in the URL (``/2019/11/20/``) and last htmldate's reading of the visible page (both a day
without a time). Each date records which source gave it (``datePublishedSource``), and the
publication keeps the page's own wall-clock time and offset (``datePublishedLocal``), so its
calendar day is not lost to the conversion to UTC.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any, TypedDict
from urllib.parse import urlsplit

from htmldate import find_date
from lxml import etree
from lxml import html as lxml_html

from newsbot.extraction.blocks import inner_text
from newsbot.extraction.structured import text_of

PUBLISHED_META = ("article:published_time", "og:published_time", "datepublished", "pubdate",
                  "publishdate", "publish-date", "date", "dc.date.issued", "dcterms.created",
                  "dc.date", "parsely-pub-date", "sailthru.date", "article.published")
MODIFIED_META = ("article:modified_time", "og:updated_time", "datemodified", "dcterms.modified",
                 "last-modified", "article.updated")
PAGE_TEXT = "page text"
URL = "url"
DAY_ONLY_SOURCES = (URL, PAGE_TEXT)
"""Sources that give a day without a time: a sitemap or feed date is better evidence."""

# ISO-ish forms seen on news pages: "2026-11-20T08:15:00-05:00", "2026-11-20 08:15:00 +0000",
# "2026-11-20T08:15Z", "2026-11-20T08:15:00.000+01:00", "20261120T081500Z".
_ISO = re.compile(
    r"^\s*(\d{4})-?(\d{2})-?(\d{2})"
    r"(?:[T ](\d{2}):?(\d{2})(?::?(\d{2})(?:[.,]\d+)?)?)?"
    r"\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?\s*$",
    re.IGNORECASE,
)


def parse_date(raw: str | None) -> datetime | None:
    """A datetime (aware when the string names a zone) or None for anything unparsable."""
    if not raw or not isinstance(raw, str):
        return None
    text = raw.strip()
    if m := _ISO.match(text):
        year, month, day, hour, minute, second, zone = m.groups()
        try:
            value = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0),
                             int(second or 0))
        except ValueError:
            return None
        return _apply_zone(value, zone)
    try:  # RFC 822 / 2822, as in RSS pubDate and HTTP headers
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None


def _apply_zone(value: datetime, zone: str | None) -> datetime:
    if not zone:
        return value
    if zone.upper() in ("Z", "UTC", "GMT"):
        return value.replace(tzinfo=UTC)
    sign = -1 if zone[0] == "-" else 1
    digits = zone[1:].replace(":", "")
    minutes = int(digits[:2]) * 60 + int(digits[2:4] or 0)
    return value.replace(tzinfo=timezone(sign * timedelta(minutes=minutes)))


def to_iso(value: datetime) -> str:
    """UTC ``...Z`` for aware datetimes; naive ones are kept naive (the zone is unknown)."""
    if value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds") + "Z"
    return value.isoformat(timespec="seconds")


def _plausible(raw: str | None) -> datetime | None:
    value = parse_date(raw)
    return value if value is not None and 1990 <= value.year <= 2100 else None


def _bare(raw: str) -> bool:
    return bool((m := _ISO.match(raw)) and m.group(4) is None)


def normalise_date(raw: str | None) -> str | None:
    """``raw`` as UTC ISO 8601, or None when it does not parse or is implausible."""
    if raw is None or (value := _plausible(raw)) is None:
        return None
    if _bare(raw):
        return value.date().isoformat()  # a bare date: no time to invent
    return to_iso(value)


def local_date(raw: str | None) -> str | None:
    """``raw`` in ISO 8601 as the page gave it: its own wall-clock time and UTC offset
    (``2026-11-20T08:15:00-05:00``), a time without zone or a bare day as they are."""
    if raw is None or (value := _plausible(raw)) is None:
        return None
    if _bare(raw):
        return value.date().isoformat()
    return value.isoformat(timespec="seconds")


class Published(TypedDict, total=False):
    """The publication-date fields of an article, all four or none."""

    # typed as ArticleData's (``str | None``), so that an article can be updated with them
    datePublished: str | None
    datePublishedRaw: str | None
    datePublishedSource: str | None
    datePublishedLocal: str | None


def published_fields(raw: str, source: str) -> Published:
    """``datePublished`` and its raw, source and local forms, or {} when ``raw`` is no date."""
    raw = raw.strip()
    value, local = normalise_date(raw), local_date(raw)
    if value is None or local is None:
        return {}
    return {"datePublished": value, "datePublishedRaw": raw, "datePublishedSource": source,
            "datePublishedLocal": local}


# A day in the URL's path: /2019/11/20/, /2019-11-20-, /20191120/ (not inside a longer number).
_URL_DATE = re.compile(
    r"(?<![\d])((?:19|20)\d{2})([/_.-]?)(0[1-9]|1[0-2])\2(0[1-9]|[12]\d|3[01])(?![\d])")


def url_date(url: str) -> str | None:
    """The day a URL's path gives (``/2019/11/20/``), as ``2019-11-20``, or None."""
    path = urlsplit(url).path
    for m in _URL_DATE.finditer(path):
        year, _, month, day = m.groups()
        try:
            return date(int(year), int(month), int(day)).isoformat()
        except ValueError:
            continue
    return None


def _candidates(node: dict[str, Any], meta: dict[str, list[str]], tree: etree._Element,
                key: str, meta_names: tuple[str, ...]) -> Iterator[tuple[str, str | None]]:
    yield "json-ld", text_of(node.get(key))
    for name in meta_names:
        for value in meta.get(name, ()):
            yield f"meta:{name}", value
    for el in tree.xpath(f'//*[@itemprop="{key}"]'):
        yield "html:itemprop", el.get("datetime") or el.get("content") or inner_text(el)
    if key == "datePublished":
        yield "html:time", tree.xpath("string((//article//time/@datetime)[1])")


def find_dates(node: dict[str, Any], meta: dict[str, list[str]], tree: etree._Element,
               url: str, html: str) -> dict[str, Any]:
    """``datePublished``/``dateModified``, their raw strings and sources: the first source
    whose value parses wins."""
    dates: dict[str, Any] = {}
    for key, meta_names in (("datePublished", PUBLISHED_META), ("dateModified", MODIFIED_META)):
        for source, raw in _candidates(node, meta, tree, key, meta_names):
            if not raw:
                continue
            if key == "datePublished" and (fields := published_fields(raw, source)):
                dates.update(fields)
                break
            if key == "dateModified" and (value := normalise_date(raw.strip())):
                dates.update(dateModified=value, dateModifiedRaw=raw.strip(),
                             dateModifiedSource=source)
                break
    if "datePublished" not in dates and (day := url_date(url)):
        dates.update(published_fields(day, URL))
    if "datePublished" not in dates and (day := _page_text_date(html)) \
            and day != dates.get("dateModified", "")[:10]:
        # htmldate falls back to "Updated ..." stamps: a guess on the day of the stated
        # modification may be that modification, so it is not taken for the publication.
        dates.update(published_fields(day, PAGE_TEXT))
    return dates


def _page_text_date(html: str) -> str | None:
    """htmldate's reading of the visible page (its own lxml.html tree: it reads no other)."""
    try:
        tree = lxml_html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return None
    day = find_date(tree, extensive_search=False, original_date=True, outputformat="%Y-%m-%d")
    return str(day) if day else None
