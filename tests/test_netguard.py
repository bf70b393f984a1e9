import socket

import pytest

import netguard


def test_guard_refuses_non_loopback_and_records_it(tmp_path, monkeypatch):
    log = tmp_path / "guard.log"
    monkeypatch.setenv("NEWSBOT_NETGUARD_LOG", str(log))  # keep the session's own log clean
    with socket.socket() as sock, pytest.raises(ConnectionRefusedError, match="netguard"):
        sock.connect(("192.0.2.1", 80))  # TEST-NET-1: never routed, never dialled
    assert "192.0.2.1" in log.read_text()


@pytest.mark.parametrize("address", [("127.0.0.1", 1), ("127.0.0.5", 1), ("::1", 1, 0, 0),
                                     ("::ffff:127.0.0.1", 1, 0, 0), ("localhost", 1)])
def test_guard_allows_loopback(address):
    assert netguard.allowed(address)


@pytest.mark.parametrize("address", [("10.0.0.1", 80), ("169.254.169.254", 80),
                                     ("example.com", 80), ("::ffff:8.8.8.8", 53, 0, 0)])
def test_guard_blocks_everything_else(address):
    assert not netguard.allowed(address)
