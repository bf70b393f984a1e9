"""Made-up article text for the dedup tests: deterministic, and unrelated between seeds."""

from __future__ import annotations

import random

_SYLLABLES = ("ka", "lo", "mi", "ren", "sa", "tor", "vel", "un", "dor", "pe", "qua", "zim",
              "bra", "fen", "gul", "hos", "ist", "jor", "ny", "ox")
WORDS = sorted({a + b + c for a in _SYLLABLES for b in _SYLLABLES for c in ("", "n", "s")})


def paragraphs(seed: int, count: int = 10, words: int = 40) -> list[str]:
    """``count`` paragraphs of ``words`` words each, the same for the same seed."""
    rng = random.Random(seed)
    return [" ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."
            for _ in range(count)]


def body(seed: int, count: int = 10, words: int = 40) -> str:
    return "\n\n".join(paragraphs(seed, count, words))
