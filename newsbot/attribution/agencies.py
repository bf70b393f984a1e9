"""Wire agencies as data: what names, codes, domains and house-style trailers identify each.

``names`` count wherever a cue is read (dateline, trailer, byline, JSON-LD); ``codes`` are
ambiguous on their own (a bare "AA" looks like a TV call sign) and count only in a dateline or
a "Source:" line. The list is the setting ``NEWSBOT_ATTRIBUTION_AGENCIES``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_KEYS = {"names", "codes", "domains", "trailers"}


@dataclass(frozen=True)
class Agency:
    code: str
    names: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    trailers: tuple[re.Pattern[str], ...] = ()


def name_key(text: str) -> str:
    """``"The Associated Press."`` and ``"associated press"`` -> one key."""
    text = re.sub(r"[\s\-‐–.]+", " ", text.casefold()).strip(" ,;:()[]")
    return re.sub(r"^(the|by) ", "", text)


class Agencies:
    """Look-ups over the configured agencies."""

    def __init__(self, config: dict[str, Any]):
        self.all: dict[str, Agency] = {}
        for code, entry in config.items():
            if not isinstance(entry, dict) or set(entry) - _KEYS:
                raise ValueError(f"agency {code!r} must be an object with keys among "
                                 f"{sorted(_KEYS)}, not {entry!r}")
            for key, values in entry.items():
                if not isinstance(values, list | tuple) or not all(isinstance(v, str)
                                                                    for v in values):
                    raise ValueError(f"agency {code!r}: {key!r} must be a list of strings, "
                                     f"not {values!r}")
            for pattern in entry.get("trailers", ()):
                try:
                    re.compile(pattern)
                except re.error as exc:
                    raise ValueError(f"agency {code!r}: trailer {pattern!r} is not a regular "
                                     f"expression: {exc}") from None
            self.all[code] = Agency(
                code, tuple(entry.get("names", ())), tuple(entry.get("codes", ())),
                tuple(d.lower().removeprefix("www.") for d in entry.get("domains", ())),
                tuple(re.compile(p, re.IGNORECASE) for p in entry.get("trailers", ())))
        self._names = {name_key(n): a.code for a in self.all.values()
                       for n in (*a.names, *([a.code] if a.code not in a.codes else []))}
        self._codes = {c: a.code for a in self.all.values() for c in a.codes}

    def by_name(self, text: str) -> str | None:
        """The agency a full name (or unambiguous brand) designates."""
        return self._names.get(name_key(text))

    def by_name_or_code(self, text: str) -> str | None:
        """Also accepts ambiguous codes: only for datelines and "Source:" lines."""
        return self.by_name(text) or self._codes.get(text.strip(" .,;:()[]"))

    def by_host(self, host: str | None) -> str | None:
        host = (host or "").lower().removeprefix("www.")
        return next((a.code for a in self.all.values()
                     for d in a.domains if host == d or host.endswith("." + d)), None)

    def by_trailer_style(self, line: str) -> str | None:
        return next((a.code for a in self.all.values() for p in a.trailers if p.search(line)),
                    None)
