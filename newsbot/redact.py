"""Secrets never reach the log: passwords in URLs, and the values of secret-named settings.

Scrapy logs "Overridden settings" verbatim when a crawl starts (``scrapy/crawler.py``), and URLs
with credentials (a Redis URL, an FTP feed URI, a proxy) can appear in many lines ("Stored jsonl
feed in: ftp://user:password@..."). :class:`RedactingFilter`, put on the log handlers by the
newsbot add-on before the crawl logs anything, rewrites each record before it is written:

* ``scheme://user:password@host`` becomes ``scheme://user:***@host``;
* in a logged dict, the value of every key whose name says it is secret (``PASSWORD``, ``SECRET``,
  ``TOKEN``, ``API_KEY``, ``CREDENTIALS`` ...) becomes ``'***'``.
"""

from __future__ import annotations

import ast
import logging
import pprint
import re
from typing import Any

SECRET_NAME = re.compile(r"PASS|SECRET|TOKEN|(^|_)KEY($|_)|KEY_ID|CREDENTIAL|AUTH|COOKIE|DSN",
                         re.IGNORECASE)
URL_PASSWORD = re.compile(r"(?P<head>\b[a-z][a-z0-9+.-]*://[^\s:/@'\"]*:)[^\s@/'\"]+@",
                          re.IGNORECASE)
SECRET_ITEM = re.compile(
    r"(?P<key>['\"](?P<name>[A-Za-z0-9_.-]+)['\"]\s*:\s*)"
    r"(?P<value>(?:'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\"|[^,}\n]+)"
    r"(?:\s*\n\s*(?:'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\"))*)")
MASK = "***"


def redact(text: str) -> str:
    """``text`` with URL passwords and secret-named values masked."""
    text = URL_PASSWORD.sub(lambda m: m["head"] + MASK + "@", text)
    return SECRET_ITEM.sub(
        lambda m: f"{m['key']}'{MASK}'" if SECRET_NAME.search(m["name"]) else m[0], text)


def redact_value(value: Any) -> Any:
    """A copy of a settings-like value with secret-named keys masked (dicts, lists, strings)."""
    if isinstance(value, dict):
        return {k: MASK if isinstance(k, str) and SECRET_NAME.search(k) else redact_value(v)
                for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(redact_value(v) for v in value)
    if isinstance(value, str):
        return redact(value)
    return value


class RedactingFilter(logging.Filter):
    """A handler filter that masks secrets in every record's message and traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if isinstance(record.args, dict) and isinstance(record.args.get("settings"), str):
            message = record.msg % {**record.args,
                                    "settings": _redact_pformat(record.args["settings"])}
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return True


def _redact_pformat(text: str) -> str:
    """Scrapy's pretty-printed settings dict, redacted as data rather than as text."""
    try:
        return pprint.pformat(redact_value(ast.literal_eval(text)))
    except (ValueError, SyntaxError):
        return redact(text)


def install(logger: logging.Logger | None = None) -> None:
    """Put one :class:`RedactingFilter` on every handler of ``logger`` (the root logger)."""
    for handler in (logger or logging.getLogger()).handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())
