"""What the reliability tests share: fast-failing crawl settings, stats and log lines read back."""

from __future__ import annotations

import json
import socket

from support import crawl_stats

FAST = {"DOWNLOAD_TIMEOUT": "2", "RETRY_TIMES": "1"}
"""Timeouts and retries small enough for a test, still exercising both."""


def stub_dns(hosts: dict[str, str]) -> dict[str, str]:
    """Settings that make the crawl resolve ``hosts`` (name -> address) and no other name."""
    return {"TWISTED_DNS_RESOLVER": "stubdns.StubResolver", "STUB_DNS": json.dumps(hosts)}


stats = crawl_stats
"""The numeric stats of Scrapy's end-of-crawl dump in a log."""


def lines(log: str, level: str, text: str = "") -> list[str]:
    """Log lines at ``level`` (ERROR, WARNING ...) that contain ``text``."""
    return [line for line in log.splitlines() if f"] {level}: " in line and text in line]


def dead_port() -> int:
    """A loopback port nothing listens on: bound, then closed."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
