"""The headline: the page's own statement of it, without the site name pages append to titles.

Sources in order of trust: JSON-LD ``headline``, ``og:title``, ``twitter:title``, the first
``<h1>``, ``<title>``. A source that equals another one plus a `` | Suffix`` is the decorated
copy of it, so the undecorated one wins whatever its rank.
"""

from __future__ import annotations

import re

from newsbot.extraction.site import is_site_name, name_key

# " | ", " - ", " – ", " — ", " : ", " · ", " • ", " * ", and the full-width "｜" / "：" that
# East Asian outlets use without spaces.
TITLE_SEPARATOR = re.compile(r"\s+[|\-–—:·•*]\s+|\s*[｜：]\s*")
_EDGES = " |-–—:·•*｜："
# Separators that attach a site or section name (not ":", which introduces a headline's topic).
_SUFFIX = re.compile(r"\s+[|\-–—·•*]\s+|\s*｜\s*")


def strip_site_name(title: str, site_keys: set[str]) -> str | None:
    """``"Headline | Site"`` and ``"Site - Headline"`` -> ``"Headline"``; None if only the site."""
    title = title.strip(_EDGES)
    while seps := list(TITLE_SEPARATOR.finditer(title)):
        if is_site_name(title[seps[-1].end():], site_keys):
            title = title[: seps[-1].start()]
        elif name_key(title[: seps[0].start()]) in site_keys:
            title = title[seps[0].end():]
        else:
            break
    title = title.strip(_EDGES)
    return None if not title or name_key(title) in site_keys else title


def _decorates(longer: str, shorter: str) -> bool:
    """``"Headline | Sport"`` decorates ``"Headline"``: a short suffix after a separator."""
    if not longer.startswith(shorter) or not (m := _SUFFIX.match(longer, len(shorter))):
        return False
    suffix = longer[m.end():]
    return len(suffix.split()) <= 5 and len(suffix) < len(shorter) / 2


def _truncates(cut: str, full: str) -> bool:
    """JSON-LD headlines are often cut at a fixed length and end in an ellipsis."""
    stem = cut.rstrip(".… ")
    return cut.endswith(("...", "…")) and len(full) > len(stem) and full.startswith(stem)


def choose_headline(candidates: list[str | None], site_keys: set[str]) -> str | None:
    """The first usable candidate, unless another one is its untruncated or undecorated form."""
    cleaned = [c for c in (strip_site_name(c, site_keys) for c in candidates if c) if c]
    if not cleaned:
        return None
    chosen = cleaned[0]
    for other in cleaned[1:]:
        if _truncates(chosen, other) or _decorates(chosen, other):
            chosen = other
    return chosen


def without_repeated_title(paragraphs: list[str], titles: list[str | None],
                           site_keys: set[str]) -> list[str]:
    """The text without a first line that repeats one of the page's titles: extractors pick up
    the display headline, which can differ from the chosen one (SEO title, ``og:title``)."""
    keys = {name_key(t) for t in titles if t} | {
        name_key(s) for t in titles if t and (s := strip_site_name(t, site_keys))}
    start = 0
    while start < min(2, len(paragraphs)) and name_key(paragraphs[start]) in keys:
        start += 1
    return paragraphs[start:]
