"""The worker's Redis connection against a real redis-server: refused at start with a clear,
password-free error; patient through an outage; TLS and passwords from the URL."""

from __future__ import annotations

import logging
import threading
import time

import pytest
import trustme

from newsbot.distributed.connection import RedisUnavailable, connect
from newsbot.distributed.server import RedisServer, free_port

SECRET = "s3cret-pw-4711"


def test_redis_down_at_start_is_a_clear_error_without_the_password():
    url = f"redis://:{SECRET}@127.0.0.1:{free_port()}/0"
    with pytest.raises(RedisUnavailable) as caught:
        connect(url, outage_timeout=5)
    message = str(caught.value)
    assert message.startswith("Cannot use Redis at redis://:***@127.0.0.1:")
    assert "the crawl does not start" in message and SECRET not in message


def test_a_wrong_password_is_refused_without_printing_it(tmp_path):
    server = RedisServer(tmp_path, password=SECRET).start()
    try:
        with pytest.raises(RedisUnavailable) as caught:
            connect(f"redis://:wrong-{SECRET}@127.0.0.1:{server.port}/0", outage_timeout=5)
        assert SECRET not in str(caught.value) and "***" in str(caught.value)
        assert connect(server.url, outage_timeout=5).ping()
    finally:
        server.stop()


def test_a_server_that_may_evict_keys_is_refused(tmp_path):
    server = RedisServer(tmp_path, extra=("--maxmemory", "5mb", "--maxmemory-policy",
                                          "allkeys-lru")).start()
    try:
        with pytest.raises(RedisUnavailable, match="maxmemory-policy allkeys-lru"):
            connect(server.url, outage_timeout=5)
    finally:
        server.stop()


def test_tls_and_a_password_by_url(tmp_path):
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1")
    files = tuple(tmp_path / n for n in ("ca.pem", "cert.pem", "key.pem"))
    ca.cert_pem.write_to_path(str(files[0]))
    cert.cert_chain_pems[0].write_to_path(str(files[1]))
    cert.private_key_pem.write_to_path(str(files[2]))
    server = RedisServer(tmp_path / "redis", password=SECRET, tls=files).start()
    try:
        assert server.url.startswith(f"rediss://:{SECRET}@127.0.0.1:")
        client = connect(server.url, outage_timeout=5)
        client.set(b"k", b"v")
        assert client.get(b"k") == b"v"
        plain = f"redis://:{SECRET}@127.0.0.1:{server.port}/0"  # plain text to a TLS port
        with pytest.raises(RedisUnavailable) as caught:
            connect(plain, outage_timeout=5)
        assert SECRET not in str(caught.value)
    finally:
        server.stop()


def test_commands_wait_through_an_outage_and_go_on(redis_server, caplog):
    client = connect(redis_server.url, outage_timeout=30)
    client.set(b"before", b"1")
    redis_server.kill()

    def come_back() -> None:
        time.sleep(1.5)
        redis_server.start()

    threading.Thread(target=come_back, daemon=True).start()
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, "newsbot.distributed.connection"):
        client.set(b"after", b"2")  # blocks until Redis is back
    assert time.monotonic() - started >= 1.0
    assert client.get(b"after") == b"2" and client.recovered_at > 0
    waits = [r.getMessage() for r in caplog.records if "unreachable" in r.getMessage()]
    assert 1 <= len(waits) <= 5  # one line per back-off, not one per retry loop turn
    assert any("is back after" in r.getMessage() for r in caplog.records)


def test_an_outage_longer_than_the_timeout_stops_with_a_clear_error(redis_server):
    client = connect(redis_server.url, outage_timeout=1)
    redis_server.kill()
    with pytest.raises(RedisUnavailable, match=r"unreachable for \d+ s \(NEWSBOT_REDIS_OUTAGE"):
        client.get(b"x")
