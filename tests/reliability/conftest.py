"""The reliability catalogue's tests (T1-T32): crawls that may load the helpers in tests/."""

from __future__ import annotations

import os

import pytest

from support import TESTS


@pytest.fixture(autouse=True)
def helpers_on_child_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Crawl subprocesses can import tests/stubdns.py (``TWISTED_DNS_RESOLVER``)."""
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        filter(None, [str(TESTS), os.environ.get("PYTHONPATH")])))
