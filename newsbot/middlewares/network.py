"""Refuse requests to non-public addresses and non-HTTP schemes (SSRF protection).

URLs come from pages, sitemaps and feeds that anyone can write, so a crawler must not be made to
fetch ``http://169.254.169.254/`` or an admin port on localhost. Every request (including each
redirect hop and robots.txt, which Scrapy sends through the downloader middlewares as requests
of their own) is checked before any connection is made, on the address it will connect to:
numeric hosts in every spelling (``127.1``, ``2130706433``, ``0x7f000001``,
``[::ffff:127.0.0.1]``) are read as the socket layer reads them, and names are resolved with
the crawl's own resolver (Scrapy's caching resolver, ``TWISTED_DNS_RESOLVER``), so the address
checked is the address the downloader then connects to.

``NEWSBOT_ALLOW_PRIVATE_NETWORKS`` opens the door: ``True`` for every address (a crawler inside
a trusted network), or a list of networks (``127.0.0.0/8``) for just those: the tests and the
demo allow their loopback servers that way, and anything else stays refused.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import IgnoreRequest
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)
ALLOWED_SCHEMES = frozenset({"http", "https"})
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def is_public(address: str) -> bool:
    """True for globally routable unicast addresses (IPv4-mapped IPv6 judged as IPv4)."""
    return _is_public(_ip(address))


def _ip(address: str) -> IPAddress:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        return ip.ipv4_mapped
    return ip


def _is_public(ip: IPAddress) -> bool:
    return ip.is_global and not ip.is_multicast


def numeric_address(host: str) -> str | None:
    """The address a numeric host stands for, in every spelling the socket layer accepts.

    ``127.1``, ``2130706433``, ``0x7f000001`` and ``0177.0.0.1`` are all 127.0.0.1 to
    ``inet_aton``; IPv6 literals come without brackets from ``urlparse``. None for a name.
    """
    try:
        return str(ipaddress.ip_address(host.split("%", 1)[0]))
    except ValueError:
        pass
    try:
        return socket.inet_ntoa(socket.inet_aton(host))
    except OSError:
        return None


def allowed_networks(value: Any) -> list[Network] | None:
    """``NEWSBOT_ALLOW_PRIVATE_NETWORKS`` read: None allows every address, else these networks."""
    if isinstance(value, str):
        if value.strip().lower() in ("1", "true", "yes"):
            return None
        value = [] if value.strip().lower() in ("", "0", "false", "no", "none") else \
            value.split(",")
    elif isinstance(value, bool) or value is None:
        return None if value else []
    return [ipaddress.ip_network(str(v).strip(), strict=False) for v in value if str(v).strip()]


class PublicNetworkMiddleware:
    """Downloader middleware: only http(s) to public addresses, unless allowed by setting."""

    def __init__(self, crawler: Crawler, resolver: Any = None):
        self.stats = crawler.stats
        self.allowed = allowed_networks(crawler.settings.get("NEWSBOT_ALLOW_PRIVATE_NETWORKS"))
        self._resolver = resolver

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PublicNetworkMiddleware:
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        parsed = urlparse_cached(request)
        if parsed.scheme not in ALLOWED_SCHEMES:
            self._block(request, f"scheme {parsed.scheme!r} is not http(s)")
        if self.allowed is None:
            return
        host = parsed.hostname or ""
        address = numeric_address(host)
        if address is None:
            try:
                resolved: str = await maybe_deferred_to_future(
                    self.resolver().getHostByName(host))
            except Exception:  # noqa: BLE001 (any resolver failure)
                return  # unresolvable: the download fails with a DNS error of its own
            address = resolved
        ip = _ip(address)
        if not _is_public(ip) and not any(ip in network for network in self.allowed):
            self._block(request, f"{host} is non-public address {ip}")

    def resolver(self) -> Any:
        """The reactor's resolver, the one the downloader connects with (set when it starts)."""
        if self._resolver is None:
            from twisted.internet import reactor

            self._resolver = reactor.resolver
        return self._resolver

    def _block(self, request: Request, why: str) -> None:
        self.stats.inc_value("newsbot/ssrf_blocked")
        logger.warning("Blocked non-public address/scheme: %s (%s)", request.url, why)
        raise IgnoreRequest(f"blocked: {why}")
