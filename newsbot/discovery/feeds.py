"""RSS 2.0, RSS 1.0 (RDF) and Atom feeds: article links with their dates and titles."""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree
from parsel import Selector

from newsbot.discovery import Entry
from newsbot.discovery.xml import (
    XmlRejected,
    absolute,
    child_text,
    children,
    local,
    parse_xml,
)

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")


@dataclass(frozen=True)
class Feed:
    entries: list[Entry] = field(default_factory=list)
    skipped: int = 0
    """Items without a usable http(s) link."""
    problem: str | None = None
    """First error the parser recovered from, when the document was not well-formed."""


def parse_feed(body: bytes, base_url: str, max_entries: int = 10_000) -> Feed:
    """Entries of an RSS or Atom feed; raises :class:`XmlRejected` for anything else."""
    root, problem = parse_xml(body)
    kind = local(root)
    if kind == "rss":
        channel = next(children(root, "channel"), root)
        items = children(channel, "item")
    elif kind == "rdf":
        items = children(root, "item")
    elif kind == "feed":
        items = children(root, "entry")
    else:
        raise XmlRejected(f"root element is <{kind or '?'}>, not an RSS or Atom feed")
    entries: list[Entry] = []
    skipped = 0
    for item in items:
        if len(entries) >= max_entries:
            break
        link = _link(item)
        url = absolute(link, base_url) if link else None
        if not url:
            skipped += 1
            continue
        entries.append(Entry(
            loc=url,
            lastmod=child_text(item, "updated") or child_text(item, "modified"),
            published=(child_text(item, "pubdate") or child_text(item, "published")
                       or child_text(item, "date") or child_text(item, "issued")),
            title=child_text(item, "title"),
        ))
    return Feed(entries, skipped, problem)


def _link(item: etree._Element) -> str | None:
    for link in children(item, "link"):
        if href := link.get("href"):  # Atom
            if link.get("rel", "alternate") == "alternate":
                return str(href).strip()
        elif link.text and link.text.strip():  # RSS
            return str(link.text).strip()
    guid = next(children(item, "guid"), None)
    if guid is not None and guid.get("isPermaLink", "true") == "true" and guid.text:
        return str(guid.text).strip()
    return None


def feeds_from_html(html: str, base_url: str) -> list[str]:
    """Feeds announced by ``<link rel="alternate" type="application/rss+xml">`` on a page."""
    selector = Selector(text=html)
    urls = []
    for link in selector.xpath('//link[contains(concat(" ", @rel, " "), " alternate ")]'):
        # attributes by name: .attrib reads them all, and raises on a malformed one's name
        kind = (link.xpath("@type").get() or "").strip().lower()
        href = (link.xpath("@href").get() or "").strip()
        if kind in FEED_TYPES and href:
            urls.append(absolute(href, base_url))
    return list(dict.fromkeys(u for u in urls if u))
