"""A resolver for crawls under test: the names in the ``STUB_DNS`` setting, and nothing else.

``-s TWISTED_DNS_RESOLVER=stubdns.StubResolver -s 'STUB_DNS={"news.test": "127.0.0.2"}'``
makes ``news.test`` resolve to 127.0.0.2 inside the crawl; any other name fails with a DNS error
at once, without a query leaving the machine. Numeric hosts are read as ``inet_aton`` reads
them, like the system resolver. Loaded in crawl subprocesses (tests/ is on their PYTHONPATH).
"""

from __future__ import annotations

import socket
from typing import Any

from twisted.internet import defer
from twisted.internet.error import DNSLookupError
from twisted.internet.interfaces import IResolverSimple
from zope.interface import implementer


@implementer(IResolverSimple)
class StubResolver:
    def __init__(self, reactor: Any, hosts: dict[str, str]):
        self.reactor = reactor
        self.hosts = hosts

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> StubResolver:
        return cls(reactor, crawler.settings.getdict("STUB_DNS"))

    def install_on_reactor(self) -> None:
        self.reactor.installResolver(self)

    def getHostByName(self, name: str, timeout: Any = ()) -> defer.Deferred:
        try:
            return defer.succeed(socket.inet_ntoa(socket.inet_aton(name)))
        except OSError:
            pass
        if name in self.hosts:
            return defer.succeed(self.hosts[name])
        return defer.fail(DNSLookupError(f"stub resolver: no such host {name!r}"))
