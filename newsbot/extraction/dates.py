"""Dates: every date the page gives, normalised to UTC ISO 8601, raw string and source kept.

Publication and modification dates are looked up separately and never stand in for each other.
Sources, most trusted first: JSON-LD, ``<meta>`` tags, microdata (``itemprop``), the first
``<time datetime>`` of the ``<article>``, and last htmldate's reading of the page (a date
without a time). Each date records which source gave it (``datePublishedSource``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any

from htmldate import find_date
from lxml import html as lxml_html

from newsbot.extraction.structured import text_of

PUBLISHED_META = ("article:published_time", "og:published_time", "datepublished", "pubdate",
                  "publishdate", "publish-date", "date", "dc.date.issued", "dcterms.created",
                  "dc.date", "parsely-pub-date", "sailthru.date", "article.published")
MODIFIED_META = ("article:modified_time", "og:updated_time", "datemodified", "dcterms.modified",
                 "last-modified", "article.updated")
PAGE_TEXT = "page text"

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


def normalise_date(raw: str | None) -> str | None:
    """``raw`` as UTC ISO 8601, or None when it does not parse or is implausible."""
    value = parse_date(raw)
    if value is None or not 1990 <= value.year <= 2100:
        return None
    if (m := _ISO.match(raw or "")) and m.group(4) is None:
        return value.date().isoformat()  # a bare date: no time to invent
    return to_iso(value)


def _candidates(node: dict[str, Any], meta: dict[str, list[str]], tree: lxml_html.HtmlElement,
                key: str, meta_names: tuple[str, ...]) -> Iterator[tuple[str, str | None]]:
    yield "json-ld", text_of(node.get(key))
    for name in meta_names:
        for value in meta.get(name, ()):
            yield f"meta:{name}", value
    for el in tree.xpath(f'//*[@itemprop="{key}"]'):
        yield "html:itemprop", el.get("datetime") or el.get("content") or el.text_content()
    if key == "datePublished":
        yield "html:time", tree.xpath("string((//article//time/@datetime)[1])")


def find_dates(node: dict[str, Any], meta: dict[str, list[str]],
               tree: lxml_html.HtmlElement) -> dict[str, Any]:
    """``datePublished``/``dateModified``, their raw strings and sources: the first source
    whose value parses wins."""
    dates: dict[str, Any] = {}
    for key, meta_names in (("datePublished", PUBLISHED_META), ("dateModified", MODIFIED_META)):
        for source, raw in _candidates(node, meta, tree, key, meta_names):
            if raw and (value := normalise_date(raw.strip())):
                dates.update({key: value, f"{key}Raw": raw.strip(), f"{key}Source": source})
                break
    if "datePublished" not in dates and (day := find_date(
            tree, extensive_search=False, original_date=True, outputformat="%Y-%m-%d")) \
            and day != dates.get("dateModified", "")[:10]:
        # htmldate falls back to "Updated ..." stamps: a guess on the day of the stated
        # modification may be that modification, so it is not taken for the publication.
        dates.update(datePublished=day, datePublishedRaw=day, datePublishedSource=PAGE_TEXT)
    return dates
