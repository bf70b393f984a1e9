"""T9: oversized and endless bodies, and article URLs that turn out to be PDFs or binaries."""

from __future__ import annotations

import asyncio

from crawling import lines, stats
from faultserver import FaultServer, Req
from support import article_page, lorem, run_crawl

ROBOTS = (200, {"Content-Type": "text/plain"}, b"User-agent: *\nAllow: /\n")
MAXSIZE = 16 * 1024 * 1024
SENT: dict[str, int] = {}


def streaming(content_type: str, *, length: int | None = None, chunk: int = 256 * 1024,
              pause: float = 0.0):
    """Headers, then zeros forever (or until the client goes away), counting what was sent."""
    async def handler(req: Req) -> None:
        head = f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\n"
        head += f"Content-Length: {length}\r\n" if length else "Transfer-Encoding: chunked\r\n"
        await req.raw((head + "\r\n").encode())
        SENT[req.path] = 0
        while True:
            data = b"\0" * chunk
            await req.raw(data if length else b"%x\r\n%s\r\n" % (len(data), data))
            SENT[req.path] += len(data)
            await asyncio.sleep(pause)
    return handler


def test_t09_size_limits_and_media_types(tmp_path):
    large = article_page("Large story", lorem("large", 30) * 250).encode()  # 1.5 MB
    routes = {
        "/robots.txt": ROBOTS,
        "/declared-2gib": streaming("text/html", length=2 ** 31),
        "/endless": streaming("text/html"),
        "/video-as-html": streaming("text/html", length=500 * 1024 * 1024),
        "/report.pdf": streaming("application/pdf", pause=0.05),
        "/blob": streaming("application/octet-stream", pause=0.05),
        "/large.html": (200, {}, large),
        "/story.html": (200, {}, article_page("Story", lorem("story")).encode()),
    }
    with FaultServer(routes) as server:
        urls = [server.url(p) for p in routes if p != "/robots.txt"]
        result = run_crawl(tmp_path, "article", {"url": ",".join(urls)}, settings={
            "DOWNLOAD_WARNSIZE": str(1024 * 1024), "RETRY_TIMES": "0"}, timeout=60)

    assert result.returncode == 0, result.log
    assert "Story" in {i["headline"] for i in result.items}
    # Declared too large: refused from the headers, nothing read.
    for path in ("/declared-2gib", "/video-as-html"):
        (refused,) = lines(result.log, "WARNING", f"<GET {server.url(path)}>")
        assert "Expected to receive" in refused and f"download max size ({MAXSIZE})" in refused
    # Endless: cancelled once DOWNLOAD_MAXSIZE bytes have arrived.
    (cancelled,) = lines(result.log, "WARNING", f"download max size ({MAXSIZE}) in request "
                                                f"<GET {server.url('/endless')}>")
    assert cancelled.split("WARNING: ")[1].startswith("Received")
    assert SENT["/endless"] < 4 * MAXSIZE
    # Not a page: stopped at the headers, dropped with the reason.
    for path, media in (("/report.pdf", "application/pdf"), ("/blob", "application/octet-stream")):
        assert f"Dropped (not_text): not an HTML page ({media}): {server.url(path)}" in result.log
        assert SENT[path] < 2 * 1024 * 1024
    assert stats(result.log)["newsbot/dropped/not_text"] == 2
    # Over the warning size: said once per response, and each failure named in one ERROR line.
    assert len(lines(result.log, "WARNING", f"<GET {server.url('/large.html')}>")) == 1
    for path in ("/declared-2gib", "/video-as-html", "/endless"):
        (failed,) = lines(result.log, "ERROR", server.url(path))
        assert f"Download failed: {server.url(path)}: " in failed
    assert not [i for i in result.items if i["url"].endswith(("pdf", "blob", "2gib", "endless"))]
