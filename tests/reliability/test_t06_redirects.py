"""T6: redirect loops, long chains, growing queries, meta-refresh loops and scheme tricks."""

from __future__ import annotations

from crawling import lines, stats
from faultserver import FaultServer, Req, serve_bytes
from support import article_page, lorem, run_crawl

ROBOTS = (200, {"Content-Type": "text/plain"}, b"User-agent: *\nAllow: /\n")


def moved(location: str):
    return 302, {"Location": location}, b""


async def growing(req: Req) -> None:
    step = int(req.arg("r", "0")) + 1
    await req.respond(302, b"", {"Location": f"/grow?r={step}"})


async def chain(req: Req) -> None:
    hop = int(req.path.rsplit("/", 1)[1])
    await req.respond(302, b"", {"Location": f"/chain/{hop + 1}" if hop < 25 else "/story.html"})


def refresh(target: str):
    return 200, {}, f'<html><head><meta http-equiv="refresh" content="0; url={target}"></head>' \
                    f'<body>Moved</body></html>'.encode()


def test_t06_redirect_traps_end_counted_and_the_crawl_continues(tmp_path):
    routes = {
        "/robots.txt": ROBOTS,
        "/story.html": (200, {}, article_page("Story at the end", lorem("end")).encode()),
        "/loop-a": moved("/loop-b"), "/loop-b": moved("/loop-a"),
        "/grow": growing,
        **{f"/chain/{n}": chain for n in range(26)},
        "/refresh-a": refresh("/refresh-b"), "/refresh-b": refresh("/refresh-a"),
        "/to-file": moved("file:///etc/passwd"),
        "/to-data": moved("data:text/html,<h1>x</h1>"),
        "/to-ftp": moved("ftp://127.0.0.1/pub/x"),
        "/to-latin1": serve_bytes(b"HTTP/1.1 302 Found\r\nLocation: /caf\xe9\r\n"
                                  b"Content-Length: 0\r\nConnection: close\r\n\r\n"),
        "/to-metadata": moved("http://169.254.169.254/latest/meta-data/"),
        "/fine": moved("/story.html"),
    }
    with FaultServer(routes) as server:
        starts = ["/loop-a", "/grow", "/chain/0", "/refresh-a", "/to-file", "/to-data", "/to-ftp",
                  "/to-latin1", "/to-metadata", "/fine"]
        result = run_crawl(tmp_path, "article", {"url": ",".join(server.url(p) for p in starts)},
                           settings={"NEWSBOT_ALLOW_PRIVATE_NETWORKS": "127.0.0.1/32"},
                           timeout=60)

    assert result.returncode == 0, result.log
    # The crawl continued: the one real story, reached through a redirect, is exported.
    assert [i["headline"] for i in result.items] == ["Story at the end"]
    counted = stats(result.log)
    # REDIRECT_MAX_TIMES is 10: loops (by Location or by meta refresh; the article spider's
    # URLs are not deduplicated), the growing query and the 25-hop chain all stop there.
    assert len(server.hits("/grow")) == 11
    assert len([h for h in server.arrivals if h.path.startswith("/chain/")]) == 11
    assert len(server.hits("/loop-a") + server.hits("/loop-b")) == 11
    assert len(server.hits("/refresh-a") + server.hits("/refresh-b")) == 11
    assert counted["newsbot/redirect/max_reached"] == 4
    for start in ("/loop-a", "/grow", "/chain/0", "/refresh-a"):
        assert lines(result.log, "WARNING",
                     f"Gave up following redirects from {server.url(start)} after 10 hops")
    # Non-HTTP targets are not followed (the 302 itself is ignored, as any non-2xx); the
    # metadata address is refused before connecting; a Latin-1 Location is percent-encoded.
    assert "Ignoring response <302 " + server.url("/to-file") in result.log
    assert server.hits("/caf%E9")
    assert lines(result.log, "WARNING", "Blocked non-public address/scheme: "
                                        "http://169.254.169.254/latest/meta-data/")
    assert counted["newsbot/ssrf_blocked"] == 1
    assert "Traceback" not in result.log
