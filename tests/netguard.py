"""Fail any connection to an address other than loopback: tests never leave the machine.

Installed in the pytest process by conftest.py and in every subprocess the tests start (crawls,
the demo) through ``tests/sitecustomize`` on PYTHONPATH. A blocked attempt raises in the caller
and is appended to the file named by ``NEWSBOT_NETGUARD_LOG``; the session fails if it is not empty.
"""

from __future__ import annotations

import ipaddress
import os
import socket

_original_connect = socket.socket.connect
_original_connect_ex = socket.socket.connect_ex


def allowed(address) -> bool:
    if not isinstance(address, tuple):
        return True  # unix sockets
    host = address[0]
    if host == "localhost":
        return True
    try:
        ip = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False  # a name, not an address: nothing here connects by name
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_loopback


def _refuse(address) -> None:
    message = f"netguard: blocked connection to {address!r} (tests only talk to loopback)"
    log = os.environ.get("NEWSBOT_NETGUARD_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as f:
            f.write(message + "\n")
    raise ConnectionRefusedError(message)


def _connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and not allowed(address):
        _refuse(address)
    return _original_connect(self, address)


def _connect_ex(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and not allowed(address):
        _refuse(address)
    return _original_connect_ex(self, address)


def install() -> None:
    socket.socket.connect = _connect
    socket.socket.connect_ex = _connect_ex
