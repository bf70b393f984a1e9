"""T2: truncated, aborted and malformed responses."""

from __future__ import annotations

import asyncio

import pytest

from crawling import FAST, lines, stats
from faultserver import FaultServer, Req, serve_bytes
from support import article_page, lorem, run_crawl

ROBOTS = (200, {"Content-Type": "text/plain"}, b"User-agent: *\nAllow: /\n")


def page(name: str) -> bytes:
    return article_page(f"Story {name}", lorem(f"story {name}")).encode()


def head(*lines_: bytes) -> bytes:
    return b"\r\n".join(lines_) + b"\r\n\r\n"


async def reset_mid_body(req: Req) -> None:
    body = page("rst")
    await req.raw(head(b"HTTP/1.1 200 OK", b"Content-Type: text/html",
                       b"Content-Length: %d" % len(body)) + body[:300])
    await asyncio.sleep(0.05)
    req.reset()


TRUNCATED = {
    # Content-Length promises more than is sent, then FIN
    "/partial": serve_bytes(head(b"HTTP/1.1 200 OK", b"Content-Type: text/html",
                                 b"Content-Length: 4096") + page("partial")[:16]),
    # chunked, without the terminating zero-length chunk
    "/chunked": serve_bytes(head(b"HTTP/1.1 200 OK", b"Content-Type: text/html",
                                 b"Transfer-Encoding: chunked")
                            + b"%x\r\n" % 400 + page("chunked")[:400] + b"\r\n"),
    "/reset": reset_mid_body,
}
MALFORMED = {
    "/garbage-status": serve_bytes(b"HTXP/9 lol\r\n\r\n" + page("garbage")),
    "/two-lengths": serve_bytes(head(b"HTTP/1.1 200 OK", b"Content-Type: text/html",
                                     b"Content-Length: %d" % len(page("two")),
                                     b"Content-Length: 10", b"Connection: close")
                                + page("two")),
}
PARSED = {
    # a header line without a colon is skipped, as browsers do
    "/no-colon": serve_bytes(head(b"HTTP/1.1 200 OK", b"Content-Type: text/html",
                                  b"This line has no colon",
                                  b"Content-Length: %d" % len(page("no-colon")),
                                  b"Connection: close") + page("no-colon")),
    # non-UTF-8 bytes in Content-Type (scrapy#5914)
    "/bad-content-type": serve_bytes(head(b"HTTP/1.1 200 OK",
                                          b"Content-Type: text/html; charset=\xff\xfe",
                                          b"Content-Length: %d" % len(page("ctype")),
                                          b"Connection: close") + page("ctype")),
    # no Content-Length, ended by closing the connection: valid, only unbounded
    "/unbounded": serve_bytes(head(b"HTTP/1.1 200 OK", b"Content-Type: text/html",
                                   b"Connection: close") + page("unbounded")),
}


@pytest.fixture(scope="module")
def server():
    with FaultServer({"/robots.txt": ROBOTS, **TRUNCATED, **MALFORMED, **PARSED}) as s:
        yield s


def crawl(server: FaultServer, tmp_path, **settings: str):
    urls = [server.url(p) for p in (*TRUNCATED, *MALFORMED, *PARSED)]
    return run_crawl(tmp_path, "article", {"url": ",".join(urls)}, settings={**FAST, **settings})


def test_t02_no_item_from_a_truncated_body_and_malformed_responses_fail_alone(server, tmp_path):
    result = crawl(server, tmp_path)
    assert result.returncode == 0, result.log
    assert sorted(i["headline"] for i in result.items) == [
        "Story ctype", "Story no-colon", "Story unbounded"]
    for path in (*TRUNCATED, *MALFORMED):
        assert len(server.hits(path)) == 2  # retried once
        failures = [line for line in lines(result.log, "ERROR") if server.url(path) in line]
        assert len(failures) == 1 and "Gave up retrying" in failures[0]
    assert "Traceback" not in result.log
    assert stats(result.log)["downloader/exception_type_count/"
                             "scrapy.exceptions.ResponseDataLossError"] == 6


def test_t02_with_dataloss_allowed_truncated_bodies_are_dropped_as_truncated(server, tmp_path):
    result = crawl(server, tmp_path, DOWNLOAD_FAIL_ON_DATALOSS="False")
    assert "Story partial" not in {i["headline"] for i in result.items}
    assert {i["headline"] for i in result.items} >= {"Story ctype", "Story no-colon"}
    counted = stats(result.log)
    assert counted["newsbot/dropped/truncated"] == len(TRUNCATED)
    for path in TRUNCATED:
        assert f"Dropped (truncated): the response body is incomplete: {server.url(path)}" \
            in result.log
