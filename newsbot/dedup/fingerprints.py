"""Fingerprints of article text: equal after normalisation means the same text."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_TOKEN = re.compile(r"\w+")


def tokens(text: str) -> list[str]:
    """Words of ``text`` after NFKC and case folding: punctuation, quotes and spacing vanish."""
    return _TOKEN.findall(unicodedata.normalize("NFKC", text).casefold())


def body_hash(text: str) -> str:
    """SHA-1 of the normalised word sequence: the exact-duplicate key of a clean body."""
    return hashlib.sha1(" ".join(tokens(text)).encode("utf-8")).hexdigest()


def short_id(value: str) -> str:
    """A short stable identifier (16 hex digits) for a URL or other key."""
    return hashlib.sha1(value.encode("utf-8")).hexdigest()[:16]
