"""Every ``NEWSBOT_*`` setting and what it accepts, checked before a crawl sends a request.

A wrong value must not become a quiet change of behaviour (a misspelt mode that switches
deduplication off, a typo in a name that is ignored): :func:`check_settings` stops at the first
problem with one line naming the setting and what it accepts. The add-on runs it for every
crawl (:mod:`newsbot.addon`), ``scrapy crawl`` prints that line and exits with status 2
(:mod:`newsbot.commands.crawl`), and so does ``newsbot extract -s``. Configuration files a
setting names (``NEWSBOT_OUTLETS_FILE``) are read and checked here too, with the position of
what is wrong in them.
"""

from __future__ import annotations

import difflib
import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings


class SettingsError(ValueError):
    """A setting newsbot cannot use; the message is one line saying which and what it takes."""


class Explained(ValueError):
    """What is wrong with a value, said in full (where in a file, what was expected there)."""


@dataclass(frozen=True)
class Rule:
    """What one setting accepts: ``read`` raises ValueError or TypeError for anything else,
    :class:`Explained` when its message says more than ``accepts``."""

    accepts: str
    read: Callable[[Any], object]


def _boolean(value: Any) -> bool:
    # what Scrapy's Settings.getbool reads; anything else makes it raise mid-crawl
    if isinstance(value, bool) or value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value in ("0", "1", "True", "true", "False", "false"):
        return value in ("1", "True", "true")
    raise ValueError


def boolean() -> Rule:
    return Rule("True or False (also true/false, 1/0)", _boolean)


def whole(minimum: int = 0) -> Rule:
    def read(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise TypeError
        try:
            number = int(value)
        except ValueError:
            raise ValueError from None
        if number < minimum:
            raise ValueError
        return number
    return Rule(f"a whole number >= {minimum}", read)


def number(minimum: float = 0, *, above: bool = False) -> Rule:
    def read(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise TypeError
        try:
            result = float(value)
        except ValueError:
            raise ValueError from None
        if not math.isfinite(result) or result < minimum or (above and result == minimum):
            raise ValueError
        return result
    return Rule(f"a number {'>' if above else '>='} {minimum:g}", read)


def choice(*values: str | None) -> Rule:
    def read(value: Any) -> str | None:
        if value == "" and None in values:
            return None
        if value not in values:
            raise ValueError
        return value
    shown = [json.dumps(v) if v is not None else "None" for v in values]
    return Rule(" or ".join(shown), read)


def text(*, optional: bool = False) -> Rule:
    def read(value: Any) -> str | None:
        if optional and value in (None, ""):
            return None
        if not isinstance(value, str) or not value.strip():
            raise ValueError
        return value
    return Rule("a file name or path" + (", or None" if optional else ""), read)


def _http_url(value: Any) -> str:
    if not isinstance(value, str) or urlsplit(value).scheme not in ("http", "https") \
            or not urlsplit(value).hostname:
        raise ValueError
    return value


def _redis_url(value: Any) -> str | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str) or urlsplit(value).scheme not in ("redis", "rediss", "unix"):
        raise ValueError
    return value


def _networks(value: Any) -> object:
    from newsbot.middlewares.network import allowed_networks

    return allowed_networks(value)


def _article_fields(value: Any) -> list[str]:
    from newsbot.items import Article

    names = [n.strip() for n in value.split(",")] if isinstance(value, str) else list(value)
    unknown = [str(n) for n in names if n not in Article.fields]
    if unknown:
        raise ValueError(f"not output fields: {', '.join(unknown)}")
    return names


def _agencies(value: Any) -> object:
    from newsbot.attribution.agencies import Agencies

    if isinstance(value, str):  # -s NEWSBOT_ATTRIBUTION_AGENCIES='{"AP": {...}}'
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            raise Explained(f"the JSON given is not valid at line {exc.lineno}, column "
                            f"{exc.colno}: {exc.msg}") from None
    if not isinstance(value, dict):
        raise TypeError
    try:
        return Agencies(value)
    except ValueError as exc:
        raise Explained(str(exc)) from None


def _revisit_schedule(value: Any) -> object:
    from newsbot.state import parse_schedule

    try:
        return parse_schedule(value)
    except ValueError:
        raise ValueError from None  # what it accepts says it all


def _names(value: Any) -> list[str]:
    names = [n.strip() for n in value.split(",")] if isinstance(value, str) else value
    if not isinstance(names, list | tuple) or not all(isinstance(n, str) and n for n in names):
        raise TypeError
    return list(names)


def _outlets_file(value: Any) -> object:
    from newsbot.outlets import load_outlets

    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise TypeError
    try:
        return load_outlets(value)
    except ValueError as exc:  # names the file, and the line and column in it
        raise Explained(str(exc)) from None


SETTINGS: dict[str, Rule] = {
    "NEWSBOT_CONTACT_URL": Rule("an http(s) URL", _http_url),
    "NEWSBOT_ALLOW_PRIVATE_NETWORKS": Rule(
        "True, False or networks (127.0.0.0/8,10.1.0.0/16)", _networks),
    "NEWSBOT_HOSTS_BACKOFF_BASE": number(),
    "NEWSBOT_HOSTS_BACKOFF_MAX": number(),
    "NEWSBOT_HOSTS_MAX_RETRY_AFTER": number(),
    "NEWSBOT_HOSTS_PAUSE_AFTER": whole(),
    "NEWSBOT_DEFERRED_DIR": text(),
    "NEWSBOT_ROBOTSTXT_MAX_CRAWL_DELAY": number(),
    "NEWSBOT_ROBOTSTXT_AI_CRAWLERS": Rule("user agent names (GPTBot,CCBot)", _names),
    "NEWSBOT_TRAPS_MAX_REPEATS": whole(),
    "NEWSBOT_TRAPS_MAX_SEGMENTS": whole(),
    "NEWSBOT_TRAPS_MAX_REQUESTS_PER_HOST": whole(),
    "NEWSBOT_EXTRACT_TIME_BUDGET": number(),
    "NEWSBOT_OUTLETS_FILE": Rule("a JSON file of outlet declarations, or None", _outlets_file),
    "NEWSBOT_FOLLOW_DEPTH": whole(),
    "NEWSBOT_FOLLOW_MAX_LINKS": whole(),
    "NEWSBOT_SITEMAP_MAX_DEPTH": whole(),
    "NEWSBOT_SITEMAP_MAX_CHILDREN": whole(),
    "NEWSBOT_SITEMAP_MAX_BYTES": whole(),
    "NEWSBOT_AGENCIES_FIRST": boolean(),
    "NEWSBOT_VALIDATE_MIN_BODY_CHARS": whole(),
    "NEWSBOT_VALIDATE_MAX_BODY_CHARS": whole(),
    "NEWSBOT_DEDUP_ENABLED": boolean(),
    "NEWSBOT_DEDUP_MODE": choice("mark", "drop"),
    "NEWSBOT_DEDUP_INDEX_PATH": text(),
    "NEWSBOT_DEDUP_WINDOW_DAYS": whole(1),
    "NEWSBOT_DEDUP_JACCARD": number(),
    "NEWSBOT_DEDUP_CONTAINMENT": number(),
    "NEWSBOT_DEDUP_LEAD_OVERLAP": number(),
    "NEWSBOT_DEDUP_MIN_SHINGLES": whole(),
    "NEWSBOT_DEDUP_BRIEF_JACCARD": number(),
    "NEWSBOT_DEDUP_RELATED_CONTAINMENT": number(),
    "NEWSBOT_ATTRIBUTION_AGENCIES": Rule(
        'an object {CODE: {"names", "codes", "domains", "trailers": [strings]}} '
        "(JSON on the command line)", _agencies),
    "NEWSBOT_STATE_ENABLED": boolean(),
    "NEWSBOT_STATE_PATH": text(),
    "NEWSBOT_STATE_TTL_DAYS": number(0, above=True),
    "NEWSBOT_REVISIT_SCHEDULE": Rule("hours after an article's first fetch, each > 0 "
                                     "([1, 6, 24]; [] for none)", _revisit_schedule),
    "NEWSBOT_REVISIT_MAX_PER_RUN": whole(),
    "NEWSBOT_REDIS_URL": Rule("a redis://, rediss:// or unix:// URL, or None", _redis_url),
    "NEWSBOT_REDIS_LEASE_SECONDS": number(0, above=True),
    "NEWSBOT_REDIS_OUTAGE_TIMEOUT": number(),
    "NEWSBOT_EXPORT_BATCH_ITEMS": whole(),
    "NEWSBOT_HEALTH_RUNS": whole(),
    "NEWSBOT_HEALTH_MIN_RUNS": whole(),
    "NEWSBOT_HEALTH_FIELDS": Rule("output field names (headline,datePublished)", _article_fields),
    "NEWSBOT_HEALTH_FILL_MARGIN": number(),
    "NEWSBOT_HEALTH_ARTICLES_MARGIN": number(),
    "NEWSBOT_HEALTH_STRICT": boolean(),
    "NEWSBOT_ARCHIVE": choice(None, "warc"),
    "NEWSBOT_ARCHIVE_PATH": text(),
    "NEWSBOT_PROGRESS_INTERVAL": number(),
}
"""Every setting newsbot reads, by name (README "Settings" documents each, a test checks)."""


def _shown(value: Any) -> str:
    shown = repr(value)
    return shown if len(shown) <= 80 else shown[:77] + "..."


def unknown(names: Iterable[str]) -> str | None:
    """The first ``NEWSBOT_*`` name that is not a setting, said with its likely meaning."""
    for name in names:
        if name.startswith("NEWSBOT_") and name not in SETTINGS:
            close = difflib.get_close_matches(name, SETTINGS, n=1)
            hint = f"did you mean {close[0]}?" if close else 'see README "Settings"'
            return f"{name} is not a newsbot setting ({hint})"
    return None


def check_settings(settings: BaseSettings) -> None:
    """Raise :class:`SettingsError` at the first ``NEWSBOT_*`` setting that is unknown or whose
    value (or the file it names) its component cannot use."""
    if problem := unknown(sorted(name for name, _ in settings.items())):
        raise SettingsError(problem)
    for name, rule in SETTINGS.items():
        if name not in settings:
            continue
        value = settings[name]
        try:
            rule.read(value)
        except Explained as exc:
            raise SettingsError(f"setting {name}: {exc}") from None
        except (ValueError, TypeError) as exc:
            detail = f" ({exc})" if str(exc) else ""
            raise SettingsError(f"setting {name}={_shown(value)}: expected {rule.accepts}"
                                f"{detail}") from None
