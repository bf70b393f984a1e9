"""Authors: people and organisations, one name each, no "By", job titles or time stamps."""

from __future__ import annotations

import re
from typing import Any

from newsbot.extraction.structured import text_of

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
    r"special to|for |in |at |the associated press writer).*|.*\d.*|.*@.*|https?:.*",
    re.IGNORECASE,
)
_TRAILING_TITLE = re.compile(
    r"\s*[,-–—]\s*(staff writer|senior \w+|\w+ correspondent|reporter|editor|"
    r"\w+ editor|contributor|columnist)\s*$",
    re.IGNORECASE,
)
# Where a byline element goes on to say when the article was published.
_STAMP = re.compile(r"\b(?:published|updated|posted|last updated|first published)\b|\s[|•·]\s",
                    re.IGNORECASE)
KNOWN_ORGANISATIONS = frozenset({
    "associated press", "the associated press", "ap", "reuters", "thomson reuters", "afp",
    "agence france-presse", "agence france presse", "anadolu agency", "anadolu ajansı", "aa",
    "dpa", "deutsche presse-agentur", "efe", "agencia efe", "xinhua", "xinhua news agency",
    "upi", "united press international", "pti", "press trust of india", "ians", "ani",
    "kyodo", "kyodo news", "yonhap", "yonhap news agency", "tass", "ansa", "bloomberg",
})


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
        part = _TRAILING_TITLE.sub("", _BY.sub("", part)).strip(" .:-–—")
        if part and len(part) <= 80 and not _NOT_A_NAME.match(part):
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
            value = text_of(value.get("name"))
        if not isinstance(value, str):
            continue
        names = [value.strip()] if declared == "Organization" else split_names(value)
        for name in names:
            if name and name.lower() not in seen:
                seen.add(name.lower())
                authors.append({"name": name, "type": author_type(name, declared)})
    return authors
