"""How long to leave a host alone: ``Retry-After`` read, and back-off when the host says nothing.

Pure functions; :mod:`newsbot.middlewares.hosts` applies them per host.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from email.utils import parsedate_to_datetime


def retry_after_seconds(value: str | bytes | None, now: float) -> float | None:
    """Seconds to wait according to a ``Retry-After`` header (RFC 9110 §10.2.3), None if unusable.

    Both forms are read: delta-seconds (``120``) and an HTTP-date, which is compared with ``now``
    (a Unix time); a date in the past means "now" (0).
    """
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    value = (value or "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        return None  # not an HTTP-date: those are always GMT
    return max(0.0, moment.timestamp() - now)


def backoff_delay(attempt: int, base: float, cap: float,
                  rng: Callable[[], float] = random.random) -> float:
    """Exponential back-off with "equal jitter": ``base * 2**(attempt-1)`` capped at ``cap``,
    of which half is waited for sure and half at random, so hosts' retries do not synchronise.
    """
    nominal = min(cap, base * 2 ** max(0, attempt - 1))
    return nominal / 2 + rng() * nominal / 2
