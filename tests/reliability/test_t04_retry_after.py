"""T4: rate limiting, 429/503 with and without Retry-After, measured at the server."""

from __future__ import annotations

import json
import math
import time
from email.utils import formatdate
from itertools import pairwise

import pytest

from crawling import lines, stats
from faultserver import FaultServer, answers
from newsbot.politeness import backoff_delay, retry_after_seconds
from support import article_page, lorem, run_crawl

ROBOTS = (200, {"Content-Type": "text/plain"}, b"User-agent: *\nAllow: /\n")
# A small DOWNLOAD_DELAY, as crawls of real outlets have (1 s): with none, Scrapy 2.19's
# downloader sends a slot's whole queue at once under asyncio (see T17).
SETTINGS = {"RETRY_TIMES": "3", "CONCURRENT_REQUESTS_PER_DOMAIN": "1", "DOWNLOAD_DELAY": "0.05",
            "NEWSBOT_HOSTS_BACKOFF_BASE": "0.4", "NEWSBOT_HOSTS_BACKOFF_MAX": "1.0",
            "NEWSBOT_HOSTS_PAUSE_AFTER": "4", "NEWSBOT_HOSTS_MAX_RETRY_AFTER": "60"}
SLUG = "ra+bo+ok+far+down"


def ok(name: str):
    return 200, {}, article_page(f"Story {name}", lorem(f"story {name}")).encode()


def feed(base: str, paths: list[str]):
    items = "".join(f"<item><title>{p}</title><link>{base}{p}</link></item>" for p in paths)
    return 200, {"Content-Type": "application/rss+xml"}, \
        f"<rss version='2.0'><channel><title>t</title>{items}</channel></rss>".encode()


INSTANTS: list[int] = []


def in_two_seconds():
    """503 with Retry-After as an HTTP-date two to three seconds ahead (whole seconds)."""
    INSTANTS.append(math.ceil(time.time()) + 2)
    return 503, {"Retry-After": formatdate(INSTANTS[-1], usegmt=True)}, b""


@pytest.fixture(scope="module")
def sites():
    with FaultServer(host="127.0.0.2") as ra, FaultServer(host="127.0.0.3") as bo, \
            FaultServer(host="127.0.0.4") as okay, FaultServer(host="127.0.0.5") as far, \
            FaultServer(host="127.0.0.6") as down:
        ra.routes.update({"/robots.txt": ROBOTS, "/feed.xml": feed(ra.base_url, ["/a1", "/a2"]),
                          "/a1": answers((429, {"Retry-After": "1"}, b""),
                                         (429, {"Retry-After": "1"}, b""), ok("a1")),
                          "/a2": answers(in_two_seconds, ok("a2"))})
        bo.routes.update({"/robots.txt": ROBOTS, "/feed.xml": feed(bo.base_url, ["/b1"]),
                          "/b1": answers(*[(429, {}, b"")] * 3, ok("b1"))})
        okay.routes.update({"/robots.txt": ROBOTS,
                            "/feed.xml": feed(okay.base_url, [f"/k{i}" for i in range(6)]),
                            **{f"/k{i}": ok(f"k{i}") for i in range(6)}})
        # The feed lists f1 only the first time: the second crawl can only know it from the
        # first crawl's deferred requests.
        far.routes.update({"/robots.txt": ROBOTS,
                           "/feed.xml": answers(feed(far.base_url, ["/f1"]),
                                                feed(far.base_url, [])),
                           "/f1": answers((429, {"Retry-After": "86400"}, b""), ok("f1"))})
        down.routes.update({"/robots.txt": ROBOTS,
                            "/feed.xml": feed(down.base_url, [f"/d{i}" for i in range(6)]),
                            **{f"/d{i}": (503, {}, b"") for i in range(6)}})
        yield {"ra": ra, "bo": bo, "ok": okay, "far": far, "down": down}


def outlets(sites):
    return [{"name": name, "title": name, "home": s.base_url + "/",
             "feeds": [s.base_url + "/feed.xml"]} for name, s in sites.items()]


@pytest.fixture(scope="module")
def first_run(sites, tmp_path_factory):
    cwd = tmp_path_factory.mktemp("t04")
    result = run_crawl(cwd, "news", {"outlet": ",".join(sites)}, outlets=outlets(sites),
                       settings=SETTINGS)
    assert result.returncode == 0, result.log
    return cwd, result


def test_t04_retry_after_seconds_and_date_are_honoured_at_the_server(sites, first_run):
    _, result = first_run
    assert {"Story a1", "Story a2"} <= {i["headline"] for i in result.items}
    ra = sites["ra"]
    a1 = ra.hits("/a1")
    assert [h.status for h in a1] == [429, 429, 200]
    for refused, following in pairwise(a1):
        assert following.time >= refused.sent + 1.0
    (instant,) = INSTANTS
    date_refused, date_ok = ra.hits("/a2")
    assert [date_refused.status, date_ok.status] == [503, 200] and date_ok.time >= instant
    # No request of any path reached the host inside a window it asked for.
    for refused in [h for h in ra.arrivals if h.status in (429, 503)]:
        until = refused.sent + 1.0 if refused.status == 429 else instant
        assert not [h for h in ra.arrivals if refused.sent < h.time < until]
    assert stats(result.log)["newsbot/hosts/retry_after"] == 3


def test_t04_without_the_header_backoff_grows_with_jitter_and_a_cap(sites, first_run):
    b1 = sites["bo"].hits("/b1")
    assert [h.status for h in b1] == [429, 429, 429, 200]
    for attempt, (refused, following) in enumerate(pairwise(b1), 1):
        nominal = min(1.0, 0.4 * 2 ** (attempt - 1))
        # never early; late only by what a busy machine adds (the exact cap: a unit test below)
        assert nominal / 2 <= following.time - refused.sent <= nominal + 2


def test_t04_back_off_is_per_host(sites, first_run):
    okay = sites["ok"]
    assert len(okay.hits("/k0")) == 1
    # All six healthy stories were fetched while ra was still held by its first Retry-After.
    articles = [h for h in okay.arrivals if h.path.startswith("/k")]
    second_a1 = sites["ra"].hits("/a1")[1].time
    assert len(articles) == 6 and max(h.done for h in articles) < second_a1


def test_t04_requests_per_url_are_bounded_by_the_retries(sites, first_run):
    for site in sites.values():
        for path in {h.path for h in site.arrivals}:
            assert len(site.hits(path)) <= int(SETTINGS["RETRY_TIMES"]) + 1


def test_t04_a_host_asking_for_too_long_a_wait_is_deferred_to_the_next_run(sites, first_run):
    cwd, result = first_run
    assert len(sites["far"].hits("/f1")) == 1
    assert lines(result.log, "WARNING", "Pausing 127.0.0.5 for the rest of this crawl: "
                                        "Retry-After of 86400 s is longer than")
    kept = [json.loads(line) for line in
            (cwd / "data/state/deferred" / f"{SLUG}.jsonl").read_text().splitlines()]
    assert sites["far"].url("/f1") in {k["url"] for k in kept}


def test_t04_a_host_that_keeps_refusing_is_paused_and_its_urls_kept(sites, first_run):
    cwd, result = first_run
    down = sites["down"]
    articles = [h for h in down.arrivals if h.path.startswith("/d")]
    assert len(articles) == 4  # NEWSBOT_HOSTS_PAUSE_AFTER
    assert lines(result.log, "WARNING", "Pausing 127.0.0.6 for the rest of this crawl: "
                                        "4 refusals in a row, the last HTTP 503")
    kept = (cwd / "data/state/deferred" / f"{SLUG}.jsonl").read_text()
    assert all(down.url(f"/d{i}") in kept for i in range(6))  # none lost, none fetched twice


def test_t04_the_next_run_makes_the_deferred_requests(sites, first_run):
    cwd, _ = first_run
    result = run_crawl(cwd, "news", {"outlet": ",".join(sites)}, outlets=outlets(sites),
                       settings=SETTINGS)
    assert "Resuming 7 request(s) deferred by an earlier run" in result.log
    assert "Story f1" in {i["headline"] for i in result.items}
    kept = (cwd / "data/state/deferred" / f"{SLUG}.jsonl").read_text()
    assert "/f1" not in kept and "/d5" in kept  # done; still refused, so still kept


@pytest.mark.parametrize(("header", "expected"), [
    ("120", 120.0), (b"0", 0.0), ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0), ("", None),
    ("soon", None), ("-5", None), (None, None)])
def test_t04_retry_after_values(header, expected):
    assert retry_after_seconds(header, now=time.time()) == expected


def test_t04_retry_after_date_in_the_future():
    now = 1_700_000_000
    assert retry_after_seconds(formatdate(now + 30, usegmt=True), now) == 30


def test_t04_backoff_doubles_with_half_of_it_random_and_a_cap():
    assert [backoff_delay(n, 1.0, 5.0, rng=lambda: 0.0) for n in (1, 2, 3, 4)] == [
        0.5, 1.0, 2.0, 2.5]
    assert [backoff_delay(n, 1.0, 5.0, rng=lambda: 1.0) for n in (1, 2, 3, 4)] == [
        1.0, 2.0, 4.0, 5.0]
