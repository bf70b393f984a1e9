"""Spider-trap rules: URLs a crawl should not follow however many of them a site generates.

Calendars, endless pagination and session ids are bounded elsewhere (link-following depth and
per-page link caps in the ``news`` spider, session parameters stripped by
:func:`newsbot.urls.clean_url`); these rules catch the URL shapes that only machines write, after
Heritrix's ``PathologicalPathDecideRule`` and ``TooManyPathSegmentsDecideRule``.
"""

from __future__ import annotations

from collections import Counter
from urllib.parse import parse_qsl, urlsplit


def trap_rule(url: str, max_repeats: int = 2, max_segments: int = 20) -> str | None:
    """The name of the rule ``url`` breaks (``"too_many_segments"``, ``"repeated_path"``,
    ``"repeated_parameter"``), or None for an ordinary URL."""
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    if len(segments) > max_segments:
        return "too_many_segments"
    if _repeats(segments) > max_repeats:
        return "repeated_path"
    names = Counter(name for name, _ in parse_qsl(parts.query, keep_blank_values=True))
    if names and max(names.values()) > max_repeats:
        return "repeated_parameter"
    return None


def _repeats(segments: list[str]) -> int:
    """Most times any run of segments repeats back to back (``/a/b/a/b/a/b`` -> 3)."""
    best = 1
    for length in range(1, len(segments) // 2 + 1):
        for start in range(len(segments) - 2 * length + 1):
            run = segments[start:start + length]
            count = 1
            while segments[start + count * length:start + (count + 1) * length] == run:
                count += 1
            best = max(best, count)
    return best
