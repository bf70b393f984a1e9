"""End-to-end: what became of each response of a crawl, and the articles it did not settle."""

from __future__ import annotations

from faultserver import FaultServer
from support import article_page, check_ledger, lorem, run_crawl

ROBOTS = (200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /private\n")


def page(name: str) -> tuple[int, dict[str, str], bytes]:
    return 200, {}, article_page(f"Story {name}", lorem(name)).encode()


def test_every_response_has_one_outcome_and_unsettled_articles_are_said(tmp_path):
    with FaultServer(host="127.0.0.2") as server:
        server.routes.update({
            "/robots.txt": ROBOTS,
            "/ok": page("ok"),
            "/moved": (301, {"Location": "/ok-too"}, b""),
            "/ok-too": page("ok too"),
            "/gone": (404, {}, b"<html><body>Not here</body></html>"),
            "/broken": (503, {}, b"<html><body>Try later</body></html>"),
            "/forbidden": (403, {}, b"<html><body>No</body></html>"),
            "/short": (200, {}, b"<html><head><title>Hi</title></head><body><p>Hi</p></body>"),
            "/private": page("private"),
        })
        urls = ",".join(server.url(p) for p in ("/ok", "/moved", "/gone", "/broken",
                                                "/forbidden", "/short", "/private"))
        result = run_crawl(tmp_path, "article", {"url": urls}, settings={"RETRY_TIMES": "1"})
    assert result.returncode == 0, result.log
    outcomes = check_ledger(result.log, unsettled_articles=3)
    assert outcomes == {
        "robots.txt": 1, "exported/new": 2, "redirected": 1, "failure/HTTP 404": 1,
        "retried": 1, "failure/HTTP 503": 1, "refused/HTTP 403": 1, "dropped/short_body": 1}
    (warning,) = [line for line in result.log.splitlines() if "] WARNING: 3 article URL(s) "
                  "announced in this run were not settled" in line]
    detail = result.log.split(warning, 1)[1]
    assert f"{server.url('/broken')}: failure/HTTP 503" in detail
    assert f"{server.url('/forbidden')}: refused/HTTP 403" in detail
    assert f"{server.url('/private')}: Forbidden by robots.txt" in detail
    assert "unsettled articles: 3" in result.log
