"""T5: bot challenges and consent walls, the same page for every URL of a host."""

from __future__ import annotations

import pytest

from crawling import lines, stats
from faultserver import FaultServer
from newsbot.challenges import challenge_kind
from support import PAGES, article_page, lorem, run_crawl

ROBOTS = (200, {"Content-Type": "text/plain"}, b"User-agent: *\nAllow: /\n")
CLOUDFLARE = (403, {"cf-mitigated": "challenge"}, b"""<!DOCTYPE html><html><head>
<title>Just a moment...</title></head><body><noscript>Enable JavaScript and cookies to
continue</noscript><script>window._cf_chl_opt={cvId:'3'};</script></body></html>""")
AWS_WAF = (202, {"x-amzn-waf-action": "challenge"}, b"""<html><head><script>
window.gokuProps = {"key":"AQID"};</script><script src="https://x.token.awswaf.com/challenge.js">
</script></head><body><div id="challenge-container"></div></body></html>""")
CONSENT = (200, {}, (PAGES / "consent_wall.html").read_bytes())
PATHS = [f"/story-{i}.html" for i in range(6)]


def site(page) -> dict:
    return {"/robots.txt": ROBOTS, **{p: page for p in PATHS}}


def test_t05_challenges_are_blocked_counted_per_host_and_pause_the_host(tmp_path):
    real = {p: (200, {}, article_page(f"Real story {p}", lorem(p)).encode()) for p in PATHS}
    with FaultServer(site(CLOUDFLARE), host="127.0.0.2") as cloudflare, \
            FaultServer(site(AWS_WAF), host="127.0.0.3") as waf, \
            FaultServer(site(CONSENT), host="127.0.0.4") as consent, \
            FaultServer({"/robots.txt": ROBOTS, **real}, host="127.0.0.5") as good:
        servers = (cloudflare, waf, consent, good)
        urls = [s.url(p) for s in servers for p in PATHS]
        result = run_crawl(tmp_path, "article", {"url": ",".join(urls)}, settings={
            "RETRY_TIMES": "2", "NEWSBOT_HOSTS_PAUSE_AFTER": "3",
            # the next request leaves when a response arrives, before the middleware has counted
            # it: the delay keeps the 4th behind the 3rd refusal however loaded the machine is
            "DOWNLOAD_DELAY": "0.3", "CONCURRENT_REQUESTS_PER_DOMAIN": "1"})

    assert result.returncode == 0, result.log
    assert sorted(i["headline"] for i in result.items) == sorted(f"Real story {p}" for p in PATHS)
    counted = stats(result.log)
    for server, kind in ((cloudflare, "cloudflare"), (waf, "aws-waf"), (consent, "consent")):
        pages = [h for h in server.arrivals if h.path != "/robots.txt"]
        assert len(pages) == 3  # NEWSBOT_HOSTS_PAUSE_AFTER: no retry storm, no crawl-through
        assert len({h.path for h in pages}) == 3  # none retried
        assert counted[f"newsbot/blocked/{server.host}"] == 3
        assert len(lines(result.log, "INFO", f"Blocked by a {kind} page")) == 3
        assert lines(result.log, "WARNING", f"Pausing {server.host} for the rest of this crawl: "
                                            f"3 refusals in a row, the last {kind} pages")
    assert "newsbot/blocked/127.0.0.5" not in counted


@pytest.mark.parametrize(("headers", "body", "kind"), [
    ({"cf-mitigated": "challenge"}, "", "cloudflare"),
    ({}, CLOUDFLARE[2].decode(), "cloudflare"),
    ({}, AWS_WAF[2].decode(), "aws-waf"),
    ({}, '<script src="https://geo.captcha-delivery.com/captcha/?x=1"></script>', "datadome"),
    ({}, '<div id="px-captcha"></div>', "perimeterx"),
    ({}, "<title>Access Denied</title><h1>Access Denied</h1>You don't have permission to "
         "access this page on this server.<p>Reference #18.1</p>", "akamai"),
    ({}, CONSENT[2].decode(), "consent"),
    ({}, '<form action="https://consent.google.com/save" method="POST">', "consent"),
])
def test_t05_vendor_marks_are_recognised(headers, body, kind):
    assert challenge_kind(headers, body) == kind


def test_t05_articles_loading_vendor_scripts_are_not_challenges():
    page = article_page("Just a moment of silence for the harbour", lorem("harbour"), head=(
        '<script src="/cdn-cgi/challenge-platform/scripts/jsd/main.js"></script>'
        '<script src="https://www.google.com/recaptcha/api.js"></script>'))
    assert challenge_kind({"cf-ray": "8a1b", "server": "cloudflare"}, page) is None
