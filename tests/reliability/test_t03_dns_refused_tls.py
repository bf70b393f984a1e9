"""T3: a name that does not resolve, a refused port, a certificate nobody vouches for."""

from __future__ import annotations

import ssl

import trustme

import newsbot.settings
from crawling import FAST, dead_port, lines, stub_dns
from faultserver import FaultServer
from support import article_page, lorem, run_crawl

ROBOTS = (200, {"Content-Type": "text/plain"}, b"User-agent: *\nAllow: /\n")


def test_t03_certificates_are_verified_by_default():
    # Pinned: a Scrapy upgrade (whose default is False) cannot flip it silently.
    assert newsbot.settings.DOWNLOAD_VERIFY_CERTIFICATES is True


def test_t03_dns_failure_refused_port_and_bad_tls_fail_alone(tmp_path):
    ca = trustme.CA()  # a CA that no trust store knows: its certificates cannot be verified
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.3").configure_cert(context)
    story = (200, {}, article_page("Healthy story", lorem("healthy")).encode())
    refused = f"http://127.0.0.1:{dead_port()}/story.html"
    with FaultServer({"/robots.txt": ROBOTS, "/story.html": story}, host="127.0.0.2") as good, \
            FaultServer({"/robots.txt": ROBOTS, "/story.html": story}, host="127.0.0.3",
                        tls=context) as bad_tls:
        urls = ["http://no-such-host.invalid/story.html", refused, bad_tls.url("/story.html"),
                good.url("/story.html")]
        result = run_crawl(tmp_path, "article", {"url": ",".join(urls)},
                           settings={**FAST, **stub_dns({})})

    assert result.returncode == 0, result.log
    assert [i["url"] for i in result.items] == [good.url("/story.html")]
    assert bad_tls.hits("/story.html") == []  # nothing read over the unverified connection
    assert "Traceback" not in result.log
    for host in ("no-such-host.invalid", refused.split("/")[2], "127.0.0.3"):
        # robots.txt comes first: it is retried, given up with one ERROR, and then, as RFC 9309
        # says of an unreachable robots.txt, the host is disallowed for now (paused).
        (error,) = [line for line in lines(result.log, "ERROR") if host in line]
        assert "Gave up retrying" in error and "/robots.txt" in error
        assert lines(result.log, "WARNING", f"Pausing {host.split(':')[0]} for the rest")
