"""Secrets never reach the log: passwords in URLs, and the values of secret-named settings.

Scrapy logs "Overridden settings" verbatim when a crawl starts (``scrapy/crawler.py``), and URLs
with credentials (a Redis URL, an FTP feed URI, a proxy) can appear in many lines ("Stored jsonl
feed in: ftp://user:password@..."). :class:`RedactingLogRecord`, made the record factory by the
newsbot add-on before the crawl logs anything, masks each record when it is written:

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

SECRET_NAME = re.compile(r"PASS|SECRET|TOKEN|CREDENTIAL|AUTH|COOKIE|DSN|(^|[^A-Z])KEY([^A-Z]|$)",
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


class RedactingLogRecord(logging.LogRecord):
    """A log record whose message and traceback come out with secrets masked.

    Installed as the record factory, so it holds for every handler, including the one Scrapy
    puts on the root logger after the add-ons ran; the masking costs nothing for records no
    handler writes (DEBUG lines at LOG_LEVEL INFO), since it happens when a record is formatted.
    """

    _exc_text: str | None = None

    def getMessage(self) -> str:
        args = self.args
        if isinstance(args, dict) and isinstance(args.get("settings"), str):
            args = {**args, "settings": _redact_pformat(args["settings"])}
        message = str(self.msg)
        if args:
            message = message % args
        return redact(message)

    @property
    def exc_text(self) -> str | None:
        if self._exc_text is None and self.exc_info:
            self._exc_text = redact(logging.Formatter().formatException(self.exc_info))
        return self._exc_text

    @exc_text.setter
    def exc_text(self, value: str | None) -> None:
        self._exc_text = None if value is None else redact(value)


def _redact_pformat(text: str) -> str:
    """Scrapy's pretty-printed settings dict, redacted as data rather than as text."""
    try:
        return pprint.pformat(redact_value(ast.literal_eval(text)))
    except (ValueError, SyntaxError):
        return redact(text)


def install() -> None:
    """Make every log record a :class:`RedactingLogRecord` (once; another factory is kept)."""
    if logging.getLogRecordFactory() is logging.LogRecord:
        logging.setLogRecordFactory(RedactingLogRecord)
