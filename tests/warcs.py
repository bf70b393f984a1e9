"""WARC files written by hand for tests: a foreign crawler's, in the shape of Common Crawl's
CC-NEWS files (WARC/1.0, one gzip member per record, payloads as they came off the wire)."""

from __future__ import annotations

import gzip

PAGE = b"<html><head><title>A</title></head><body><p>Text \xc3\xa9</p></body></html>"


def record(kind: str, url: str | None, block: bytes, n: int, **headers: str) -> bytes:
    fields = {"WARC-Type": kind,
              "WARC-Record-ID": f"<urn:uuid:00000000-0000-0000-0000-{n:012d}>",
              "WARC-Date": "2026-11-20T08:15:30.123456Z",
              **({"WARC-Target-URI": url} if url else {}),
              "Content-Type": "application/http; msgtype=response"
              if kind in ("response", "revisit") else "application/warc-fields",
              **headers, "Content-Length": str(len(block))}
    head = "WARC/1.0\r\n" + "".join(f"{k}: {v}\r\n" for k, v in fields.items()) + "\r\n"
    return gzip.compress(head.encode() + block + b"\r\n\r\n")


def http(status: str, body: bytes, *headers: str) -> bytes:
    head = f"HTTP/1.1 {status}\r\n" + "".join(h + "\r\n" for h in headers) + "\r\n"
    return head.encode() + body


def chunked(data: bytes) -> bytes:
    return b"".join(b"%x\r\n%s\r\n" % (len(data[i:i + 20]), data[i:i + 20])
                    for i in range(0, len(data), 20)) + b"0\r\n\r\n"


def cc_news_like(page: bytes = PAGE, other: bytes = PAGE, last: bytes = PAGE) -> list[bytes]:
    """Records in CC-NEWS's shape: pages ``a`` (gzip'd), ``b`` (chunked) and ``c`` (plain), and
    between them every kind of record no article can come from."""
    html = "Content-Type: text/html; charset=UTF-8"
    site = "https://news.example"
    revisit = {"WARC-Profile": "http://netpreserve.org/warc/1.0/revisit/identical-payload-digest"}
    return [
        record("warcinfo", None, b"software: some-crawler/1.0\r\nformat: WARC File Format 1.0\r\n",
               1),
        record("request", f"{site}/a", b"GET /a HTTP/1.1\r\nHost: news.example\r\n\r\n", 2),
        record("response", f"{site}/a", http(
            "200 OK", gzip.compress(page), html, "Content-Encoding: gzip"), 3),
        record("metadata", f"{site}/a", b"fetchTimeMs: 120\r\n", 4),
        record("response", f"{site}/b", http(
            "200 OK", chunked(other), html, "Transfer-Encoding: chunked"), 5),
        record("response", f"{site}/gone", http("404 Not Found", b"no", html), 6),
        record("response", f"{site}/photo.jpg", http(
            "200 OK", b"\xff\xd8\xff", "Content-Type: image/jpeg"), 7),
        record("revisit", f"{site}/a", http("200 OK", b"", html), 8, **revisit),
        record("response", f"{site}/cut", http("200 OK", PAGE[:20], html), 9,
               **{"WARC-Truncated": "length"}),
        record("response", f"{site}/bad-gzip", http(
            "200 OK", b"\x1f\x8b\x08\x00garbage", html, "Content-Encoding: gzip"), 10),
        record("response", f"{site}/not-http", b"this is no HTTP response", 11),
        record("response", f"{site}/c", http("200 OK", last, html), 12),
    ]
