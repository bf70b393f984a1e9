"""AI-training opt-outs: what an outlet's robots.txt says to the crawlers that gather training data.

Outlets that do not want their articles used to train models say so in robots.txt, by name
(``User-agent: GPTBot`` / ``Disallow: /``), since a blanket ``Disallow`` would also keep search
engines out. A dataset built from their pages should carry that choice along, as it stood when
the crawl read the file: the crawl records it per host in the run's manifest, and the dataset
card and the report show it per outlet. Pure: robots.txt text in, a verdict out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from protego import Protego

robots_txt_read = object()
"""Scrapy signal the robots.txt middleware sends once a host's robots.txt is read (or found
absent), with ``netloc``, ``url``, ``status`` and ``optout`` (:meth:`OptOut.as_dict`); the run's
manifest records it."""
_PROBE = "newsbot-optout-probe"
"""An agent no robots.txt names: what ``User-agent: *`` tells every crawler."""
_USER_AGENT = re.compile(r"^\s*user-agent\s*:\s*([^#\s]+)", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class OptOut:
    """What one robots.txt says to AI crawlers."""

    disallowed: tuple[str, ...]
    """AI crawlers kept off the whole site (its root disallowed to them), by name or by ``*``"""
    named: tuple[str, ...]
    """AI crawlers the file names in a ``User-agent`` line, whatever it then allows them"""
    everyone: bool
    """``User-agent: *`` disallows the whole site: no crawler is welcome, AI or not"""

    def as_dict(self) -> dict[str, Any]:
        return {"ai_crawlers_disallowed": list(self.disallowed),
                "ai_crawlers_named": list(self.named), "all_crawlers_disallowed": self.everyone}


def read_optout(robots_txt: str, agents: Sequence[str]) -> OptOut:
    """The verdict of ``robots_txt`` for each of ``agents``, the user agents of AI crawlers
    (``NEWSBOT_ROBOTSTXT_AI_CRAWLERS``), matched as crawlers match them: case-insensitively,
    by RFC 9309's group rules, by Protego as Scrapy obeys it."""
    rules = Protego.parse(robots_txt)
    named_in_file = {m.group(1).casefold() for m in _USER_AGENT.finditer(robots_txt)}
    return OptOut(
        disallowed=tuple(a for a in agents if not rules.can_fetch("/", a)),
        named=tuple(a for a in agents if a.casefold() in named_in_file),
        everyone=not rules.can_fetch("/", _PROBE))


@dataclass(frozen=True)
class OutletOptOut:
    """One row of the opt-out table of a dataset: an outlet and what its hosts' robots.txt said."""

    outlet: str
    hosts: tuple[str, ...]
    read: bool
    """whether the crawl read a robots.txt of any of the outlet's hosts"""
    disallowed: tuple[str, ...]
    named: tuple[str, ...]
    everyone: bool

    @property
    def verdict(self) -> str:
        """In words, for the card and the report."""
        if not self.read:
            return "robots.txt not read by the crawls included"
        if self.everyone:
            return "all crawlers disallowed (User-agent: *)"
        if self.disallowed:
            return "disallowed: " + ", ".join(self.disallowed)
        if self.named:
            return "named but not kept off the site: " + ", ".join(self.named)
        return "no AI crawler disallowed"


def outlet_optouts(hosts_by_outlet: Mapping[str, Iterable[str]],
                   robots_by_host: Mapping[str, Mapping[str, Any]]) -> list[OutletOptOut]:
    """Per outlet, the union of what the robots.txt of its hosts said (``robots_by_host`` as
    the manifests record it: ``{host: {"ai_crawlers_disallowed": [...], ...}}``)."""
    rows = []
    for outlet, hosts in sorted(hosts_by_outlet.items()):
        hosts = tuple(sorted(set(hosts)))
        entries = [robots_by_host[h] for h in hosts if h in robots_by_host]
        rows.append(OutletOptOut(
            outlet=outlet, hosts=hosts, read=bool(entries),
            disallowed=_union(e.get("ai_crawlers_disallowed") for e in entries),
            named=_union(e.get("ai_crawlers_named") for e in entries),
            everyone=any(bool(e.get("all_crawlers_disallowed")) for e in entries)))
    return rows


def _union(lists: Iterable[Any]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(str(a) for value in lists if isinstance(value, list)
                               for a in value))
