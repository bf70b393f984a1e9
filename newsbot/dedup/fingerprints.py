"""Fingerprints of article text: equal after normalisation means the same text.

Two kinds: :func:`body_hash` for *exact* copies, and :func:`shingles` (hashed word n-grams)
for *near* copies, compared by Jaccard and containment in :mod:`newsbot.dedup.similarity`.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib

import numpy as np

_TOKEN = re.compile(r"\w+")
_DIGITS = re.compile(r"\d+")
SHINGLE_SIZE = 5
"""Words per shingle: long enough that unrelated texts share almost none."""
LEAD_WORDS = 150
"""Words of the lead: reprints are cut from the bottom, so the top is what they keep."""
_MIX = np.uint64(0x9E3779B97F4A7C15)
_EMPTY = np.empty(0, dtype=np.uint32)
_WORD_HASHES: dict[str, int] = {}
"""CRC-32 of words seen recently: words repeat, and a look-up is far cheaper than a hash."""
_MAX_CACHED_WORDS = 500_000


def _crc(word: str) -> int:
    if len(_WORD_HASHES) >= _MAX_CACHED_WORDS:
        _WORD_HASHES.clear()
    value = _WORD_HASHES[word] = zlib.crc32(word.encode("utf-8"))
    return value


def tokens(text: str, *, fold_digits: bool = False) -> list[str]:
    """Words of ``text`` after NFKC and case folding: punctuation, quotes and spacing vanish.

    ``fold_digits`` turns every run of digits into ``0``, so a copy-edited figure
    ("18,000" -> "18,500") does not make two copies of one story look different.
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    return _TOKEN.findall(_DIGITS.sub("0", text) if fold_digits else text)


def body_hash(text: str) -> str:
    """SHA-1 of the normalised word sequence: the exact-duplicate key of a clean body."""
    return hashlib.sha1(" ".join(tokens(text)).encode("utf-8")).hexdigest()


def short_id(value: str) -> str:
    """A short stable identifier (16 hex digits) for a URL or other key."""
    return hashlib.sha1(value.encode("utf-8")).hexdigest()[:16]


def shingles(words: list[str], size: int = SHINGLE_SIZE) -> np.ndarray:
    """Sorted distinct 32-bit hashes of the ``size``-word runs of ``words``.

    Stable across processes (CRC-32 per word, mixed with a fixed odd constant), so the hashes can
    be stored and compared in a later run. Fewer words than ``size`` give one shorter shingle.
    """
    if not words:
        return _EMPTY
    size = min(size, len(words))
    cache = _WORD_HASHES
    hashed = np.array([cache[w] if w in cache else _crc(w) for w in words], dtype=np.uint64)
    count = len(words) - size + 1
    acc = np.zeros(count, dtype=np.uint64)
    for k in range(size):
        acc = (acc ^ hashed[k:k + count]) * _MIX
    return np.unique((acc >> np.uint64(32)).astype(np.uint32))


def text_shingles(text: str) -> tuple[np.ndarray, np.ndarray]:
    """``(body, lead)`` shingle sets of a clean body: the whole text, and its first words."""
    words = tokens(text, fold_digits=True)
    return shingles(words), shingles(words[:LEAD_WORDS])
