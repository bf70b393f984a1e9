"""The shared per-host budget on a real redis-server: reservations spaced by the delay for every
worker, and a hold (Retry-After, back-off) by one worker pushing the host back for all."""

from __future__ import annotations

import pytest

from newsbot.distributed.connection import connect
from newsbot.distributed.politeness import HostBudget


@pytest.fixture
def budgets(redis_server):
    """Two workers' budgets: each its own connection to the same Redis."""
    return (HostBudget(connect(redis_server.url, outage_timeout=5)),
            HostBudget(connect(redis_server.url, outage_timeout=5)))


def test_reservations_of_two_workers_are_spaced_by_the_delay(budgets):
    a, b = budgets
    waits = [a.reserve("x.test", 0.5), b.reserve("x.test", 0.5), a.reserve("x.test", 0.5)]
    assert waits[0] == 0
    assert waits[1] == pytest.approx(0.5, abs=0.05)
    assert waits[2] == pytest.approx(1.0, abs=0.05)
    assert b.reserve("other.test", 0.5) == 0  # hosts are apart


def test_a_hold_by_one_worker_delays_the_others(budgets):
    a, b = budgets
    a.hold("x.test", 30)
    assert b.reserve("x.test", 0.1) == pytest.approx(30, abs=0.1)
    a.hold("x.test", 5)  # a shorter hold never brings the host forward
    assert b.reserve("x.test", 0.1) == pytest.approx(30.1, abs=0.1)
