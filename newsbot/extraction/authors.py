"""Authors: people and organisations, one name each, no "By", job titles or time stamps.

Evidence in order: JSON-LD ``author``, then ``<meta>`` author tags, then the visible byline. A
source that names only the outlet itself ("mdr.de", "STERN.de") is the CMS default, so the next
source is asked for the people who wrote the article; the outlet stays the author when no source
names anyone else (a desk such as "BR24 Redaktion").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from newsbot.extraction.site import names_site
from newsbot.extraction.structured import text_of

AUTHOR_META = ("author", "article:author", "parsely-author", "dc.creator", "byl",
               "sailthru.author")
# Byline elements, most specific first: marked up as the author, then classes naming a byline.
BYLINE_XPATHS = (
    '//*[@rel="author" or @itemprop="author"]',
    '//*[contains(@class, "byline") or contains(@class, "Byline")]',
    '//*[contains(@class, "author") or contains(@class, "Author")]',
)
MAX_BYLINE_CHARS = 150
# Words that make a byline name an organisation rather than a person.
ORGANISATION_WORDS = re.compile(
    r"\b(press|agency|agence|news|newsroom|staff|desk|service|reuters|afp|bureau|wire|"
    r"associated|editorial|team|redaktion|rédaction|ajansı|ajansi|agencia|agenzia|"
    r"xinhua|tass|ansa|dpa|efe|kyodo|yonhap|bloomberg|media|online|times|post|tribune|"
    r"herald|journal|gazette|daily|correspondents?)\b",
    re.IGNORECASE,
)
_BY = re.compile(r"^\s*(by|von|par|por|di|door|av|af|от|från)\s*[:\-]?\s+", re.IGNORECASE)
_SPLIT = re.compile(r"\s*(?:,|;|\||/|&| and | und | et | y | e | ve | i | og | och | en )\s*",
                    re.IGNORECASE)
# Job titles and stamps that bylines glue onto names.
_NOT_A_NAME = re.compile(
    r"^(staff writer|senior|reporter|correspondent|editor|contributor|columnist|writer|"
    r"photographer|producer|analyst|updated|published|posted|last updated|opinion|"
    r"special to|for |in |at |the associated press writer).*|.*\b\d[\d:.,/]*\b.*|.*@.*|https?:.*",
    re.IGNORECASE,
)
_TRAILING_TITLE = re.compile(
    r"\s*[,\-–—]\s*(staff writer|senior \w+|\w+ correspondent|reporter|editor|"
    r"\w+ editor|contributor|columnist)\s*$",
    re.IGNORECASE,
)
# Newsroom codes and titles glued to a name: "Elena Muster (emu)", "신현주 기자" (reporter).
_NAME_SUFFIX = re.compile(r"\s*\([\w.]{1,6}\)$|\s+(?:기자|記者|特派員)$")
MAX_NAME_WORDS = 5  # longer "names" are job descriptions ("professor at the faculty of ...")
# Where a byline element goes on to say when the article was published.
_STAMP = re.compile(r"\b(?:published|updated|posted|last updated|first published)\b|\s[|•·]\s",
                    re.IGNORECASE)
KNOWN_ORGANISATIONS = frozenset({
    "associated press", "the associated press", "ap", "reuters", "thomson reuters", "afp",
    "agence france-presse", "agence france presse", "anadolu agency", "anadolu ajansı", "aa",
    "dpa", "deutsche presse-agentur", "efe", "agencia efe", "xinhua", "xinhua news agency",
    "upi", "united press international", "pti", "press trust of india", "ians", "ani",
    "kyodo", "kyodo news", "yonhap", "yonhap news agency", "tass", "ansa", "bloomberg",
    "apa", "sid", "kna", "epd", "ddp", "ntb", "anp", "belga", "sda", "keystone-sda", "ats",
    "ctk", "pap", "mti", "ritzau", "lusa", "europa press", "bernama", "antara", "wafa",
})
# What a byline element says besides names: buttons, labels, credits.
_UI_WORDS = re.compile(
    r"\b(follow|folgen|share|teilen|twitter|facebook|instagram|linkedin|whatsapp|e-?mail|"
    r"more|mehr|subscribe|abonnieren|profile?|author|autor|articles?|artikel|image|photo|"
    r"foto|bild)\b", re.IGNORECASE)
_PARTICLES = frozenset({"van", "von", "de", "da", "del", "der", "den", "di", "la", "le", "bin",
                        "al", "el", "ibn", "y", "dos", "das", "du", "ten", "ter", "zu", "mc"})


def split_names(text: str) -> list[str]:
    """``"By Ana Ruiz and Tom Beck, Staff Writer"`` -> ``["Ana Ruiz", "Tom Beck"]``."""
    text = _STAMP.split(re.sub(r"\s+", " ", text))[0].strip()
    if "://" in text or text.startswith("www."):
        return []  # a profile URL, not a name
    text = _TRAILING_TITLE.sub("", _BY.sub("", text))
    if text.lower() in KNOWN_ORGANISATIONS:
        return [text]
    names = []
    for part in _SPLIT.split(text):
        part = _NAME_SUFFIX.sub("", _TRAILING_TITLE.sub("", _BY.sub("", part))).strip(" .:-–—")
        if part and len(part.split()) <= MAX_NAME_WORDS and not _NOT_A_NAME.match(part):
            names.append(part)
    return names


def author_type(name: str, declared: str | None = None) -> str:
    if declared in ("Person", "Organization"):
        return declared
    if name.lower() in KNOWN_ORGANISATIONS or ORGANISATION_WORDS.search(name):
        return "Organization"
    return "Person"


def normalise_authors(values: list[Any]) -> list[dict[str, str]]:
    """Authors from JSON-LD values (dicts, strings, lists) and byline strings, deduplicated."""
    authors: list[dict[str, str]] = []
    seen: set[str] = set()
    stack = list(reversed(values))
    while stack:
        value = stack.pop()
        if isinstance(value, list):
            stack.extend(reversed(value))
            continue
        declared = None
        if isinstance(value, dict):
            types = value.get("@type")
            declared = next((t for t in (types if isinstance(types, list) else [types])
                             if t in ("Person", "Organization", "NewsMediaOrganization")), None)
            declared = "Organization" if declared == "NewsMediaOrganization" else declared
            value = text_of(value.get("name")) or " ".join(filter(None, (
                text_of(value.get("givenName")), text_of(value.get("familyName")))))
        if not isinstance(value, str):
            continue
        names = [value.strip()] if declared == "Organization" else split_names(value)
        for name in names:
            if name and name.lower() not in seen:
                seen.add(name.lower())
                authors.append({"name": name, "type": author_type(name, declared)})
    return authors


def plausible_name(name: str) -> bool:
    """Whether text found in a byline element reads as a name: an organisation, or (in Latin
    script) two or more capitalised words, not a button label, a place or a photo credit."""
    if re.search(r"[():\[\]{}@#/\\|]", name) or _UI_WORDS.search(name):
        return False
    if author_type(name) == "Organization":
        return True
    if not all(c < "\u0250" for c in name if c.isalpha()):
        return True  # scripts without capitals: nothing more to check
    words = name.split()
    return len(words) >= 2 and all(w[0].isupper() or w.lower() in _PARTICLES for w in words)


def _meta_names(meta: dict[str, list[str]]) -> list[str]:
    """Author tags of the first kind the page has, profile URLs left out."""
    for key in AUTHOR_META:
        names = [v for v in meta.get(key, ()) if not v.startswith(("http://", "https://"))]
        if names:
            return names
    return []


def _byline(tree: lxml_html.HtmlElement, site_keys: set[str]) -> list[dict[str, str]]:
    """Names in the first byline element that gives any besides the outlet's own (elements only
    styled as bylines must also give plausible names)."""
    for strict, xpath in enumerate(BYLINE_XPATHS):
        for el in tree.xpath(xpath):
            if el.tag in ("script", "style", "meta", "link") or el.tag is etree.Comment:
                continue
            text = (el.get("content") if el.tag == "meta" else None) or el.text_content()
            if len(text.strip()) > MAX_BYLINE_CHARS:
                continue
            names = [a for a in normalise_authors([text])
                     if (not strict or plausible_name(a["name"]))
                     and not names_site(a["name"], site_keys)]
            if names:
                return names
    return []


def find_authors(declared: Any, meta: dict[str, list[str]], tree: lxml_html.HtmlElement,
                 site_keys: set[str]) -> list[dict[str, str]]:
    """Authors by the evidence order of the module docstring."""
    fallback: list[dict[str, str]] = []
    source: Callable[[], list[dict[str, str]]]
    for source in (lambda: normalise_authors([declared]) if declared else [],
                   lambda: [a for a in normalise_authors(_meta_names(meta))
                            if plausible_name(a["name"])],
                   lambda: _byline(tree, site_keys)):
        authors = source()
        if others := [a for a in authors if not names_site(a["name"], site_keys)]:
            return others
        fallback = fallback or authors
    return fallback
