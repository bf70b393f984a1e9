"""Refuse requests to non-public addresses and non-HTTP schemes (SSRF protection).

URLs come from pages, sitemaps and feeds that anyone can write, so a crawler must not be made to
fetch ``http://169.254.169.254/`` or an admin port on localhost. Every request (including each
redirect hop, which Scrapy re-schedules as a new request) is checked on the addresses its host
resolves to, so ``127.1``, ``2130706433``, ``0x7f000001`` and ``[::ffff:127.0.0.1]`` are all
caught. Tests and the demo allow loopback with ``NEWSBOT_ALLOW_PRIVATE_NETWORKS = True``.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
from typing import TYPE_CHECKING

from scrapy.exceptions import IgnoreRequest
from scrapy.utils.httpobj import urlparse_cached

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)
ALLOWED_SCHEMES = frozenset({"http", "https"})


def is_public(address: str) -> bool:
    """True for globally routable unicast addresses (IPv4-mapped IPv6 judged as IPv4)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


class PublicNetworkMiddleware:
    """Downloader middleware: only http(s) to public addresses, unless allowed by setting."""

    def __init__(self, crawler: Crawler):
        self.stats = crawler.stats
        self.allow_private = crawler.settings.getbool("NEWSBOT_ALLOW_PRIVATE_NETWORKS")
        self._addresses: dict[tuple[str, int], list[str]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PublicNetworkMiddleware:
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        parsed = urlparse_cached(request)
        if parsed.scheme not in ALLOWED_SCHEMES:
            self._block(request, f"scheme {parsed.scheme!r} is not http(s)")
        if self.allow_private:
            return
        host = parsed.hostname or ""
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
        addresses = await self._resolve(host, port)
        if not addresses:
            return  # unresolvable: the download fails with a DNS error of its own
        private = [a for a in addresses if not is_public(a)]
        if private:
            self._block(request, f"{host} resolves to non-public address {private[0]}")

    async def _resolve(self, host: str, port: int) -> list[str]:
        key = (host, port)
        if key not in self._addresses:
            try:
                infos = await asyncio.get_running_loop().getaddrinfo(
                    host, port, type=socket.SOCK_STREAM)
                self._addresses[key] = sorted({info[4][0] for info in infos})
            except OSError:
                self._addresses[key] = []
        return self._addresses[key]

    def _block(self, request: Request, why: str) -> None:
        self.stats.inc_value("newsbot/ssrf_blocked")
        logger.warning("Blocked non-public address/scheme: %s (%s)", request.url, why)
        raise IgnoreRequest(f"blocked: {why}")
