"""A CPU-time budget for the work done on one page, so one pathological page cannot stall a crawl.

CPU time, not wall-clock time: on a loaded machine a normal page takes longer to extract but no
more work, and must not be dropped for it. Extraction runs in the crawl's main thread (the
reactor's). A ``SIGPROF`` interval timer (process CPU time) interrupts it when the budget is
spent by raising :class:`OverBudget`, a ``BaseException`` so
that the extractor's own ``except Exception`` clauses cannot swallow it. Python code is
interrupted at once; a single long call into C (one regex match, one lxml parse) runs to its end
first, and the page is dropped then. Outside the main thread, or without ``setitimer``, the
budget is not enforced (the work runs unbounded, as before).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class OverBudget(BaseException):
    """The work did not finish within its time budget."""


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Raise :class:`OverBudget` inside the ``with`` block once it has used ``seconds`` of CPU."""
    if (seconds <= 0 or not hasattr(signal, "setitimer")
            or threading.current_thread() is not threading.main_thread()):
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise OverBudget(f"over the CPU time budget of {seconds:g} s")

    previous = signal.signal(signal.SIGPROF, expire)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)
