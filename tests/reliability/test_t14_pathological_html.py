"""T14: broken and pathological HTML, and the per-page extraction time budget."""

from __future__ import annotations

import threading
import time

import pytest

from crawling import lines, stats
from faultserver import FaultServer
from newsbot.timebudget import OverBudget, time_budget
from support import article_page, lorem, run_crawl

ROBOTS = (200, {"Content-Type": "text/plain"}, b"User-agent: *\nAllow: /\n")
ANCHORS = "".join(f'<a href="/news/generated-story-number-{i}-of-many">Story {i}</a>'
                  for i in range(200_000))
PAGES = {
    "/nested": "<html><body>" + "<div>" * 100_000 + "<p>deep</p>" + "</div>" * 100_000
               + "</body></html>",
    "/single-line": "<html><body><article><h1>One line</h1><p>" + "word " * 2_000_000
                    + "</p></article></body></html>",
    "/anchors": f"<html><body><h1>Links</h1>{ANCHORS}</body></html>",
    "/unclosed": "<html><body><article><h1>Unclosed tags<p>" + "<p>text <b>bold <i>it ".join(
        lorem("unclosed", 8)),
    "/no-body": "<html><head><title>Only a head</title></head></html>",
    "/backtrack": "<html><body><article><h1>Backtracking</h1><p>" + "a" * 50_000 + "!</p><p>"
                  + "Copyright " * 5_000 + "</p></article></body></html>",
    "/huge-text": article_page("Huge text", lorem("huge", 30) * 120),
    "/nul": article_page("Story with NUL bytes", lorem("nul")).replace("paragraph 2",
                                                                        "para\x00graph 2"),
    "/story": article_page("Healthy story", lorem("healthy")),
}


def test_t14_every_pathological_page_ends_within_the_budget_or_is_dropped_with_a_reason(
        tmp_path):
    routes = {"/robots.txt": ROBOTS, **{p: (200, {}, html.encode()) for p, html in PAGES.items()}}
    with FaultServer(routes) as server:
        started = time.time()
        result = run_crawl(tmp_path, "article", {"url": ",".join(server.url(p) for p in PAGES)},
                           settings={"NEWSBOT_EXTRACT_TIME_BUDGET": "2",
                                     "MEMUSAGE_CHECK_INTERVAL_SECONDS": "0.2"}, timeout=120)
        elapsed = time.time() - started

    assert result.returncode == 0, result.log
    # What has a headline and a body is an article, however odd its HTML (the backtracking
    # bait is 50 000 letters and a copyright line repeated).
    assert sorted(i["headline"] for i in result.items) == [
        "Backtracking", "Healthy story", "Story with NUL bytes", "Unclosed tags"]
    assert "\x00" not in (tmp_path / "out.jsonl").read_text()
    # 200 000 anchors take trafilatura about 50 s: stopped at 2 s, dropped with the reason.
    assert f"Dropped (extract_timeout): extraction used more than 2 s of CPU " \
           f"(NEWSBOT_EXTRACT_TIME_BUDGET): {server.url('/anchors')}" in result.log
    counted = stats(result.log)
    assert counted["newsbot/dropped/extract_timeout"] == 1
    assert counted["newsbot/dropped/long_body"] == 1  # /huge-text: not a news article
    for path in ("/nested", "/single-line", "/no-body"):
        assert f": {server.url(path)}" in result.log  # each dropped with its reason logged
    assert "Traceback" not in result.log and "Extraction failed" not in result.log
    assert not [k for k in counted if k.startswith("spider_exceptions")]
    assert elapsed < 60
    assert counted["memusage/max"] - counted["memusage/startup"] < 600 * 1024 * 1024


def test_t14_a_front_of_200000_links_is_capped_and_bad_hrefs_are_ignored(tmp_path):
    bad = ('<base href="{evil}/"><a href="javascript:alert(1)">x</a><a href="mailto:a@b.c">m</a>'
           '<a href="http://[::1">broken</a><a href="/news/' + "long-" * 2000 + 'story">long</a>'
           '<a href="relative-story-about-the-harbour-bridge">relative</a>')
    with FaultServer() as evil, FaultServer(host="127.0.0.2") as site:
        front = f"<html><body>{bad.replace('{evil}', evil.base_url)}{ANCHORS}</body></html>"
        site.routes.update({"/robots.txt": ROBOTS, "/": (200, {}, front.encode()),
                            "/news/*": (404, {}, b"gone")})
        result = run_crawl(tmp_path, "news", {"home": site.base_url + "/"}, outlets=[],
                           settings={"NEWSBOT_FOLLOW_MAX_LINKS": "50", "DOWNLOAD_DELAY": "0"})

    assert result.returncode == 0, result.log
    assert evil.arrivals == []  # <base href> to another host leads nowhere
    assert lines(result.log, "WARNING", f"{site.base_url}/ has more than 6000 links; looking at "
                                        f"the first 6000 only (MAX_OUTLINKS)")
    assert lines(result.log, "WARNING", "article links; following the first 50 "
                                        "(NEWSBOT_FOLLOW_MAX_LINKS)")
    # 50 article links followed: 48 generated ones, the relative one (resolved against the
    # page, not <base>), and the 10 KB one, which URLLENGTH_LIMIT stops before any request.
    followed = [h.path for h in site.arrivals if h.path not in ("/", "/robots.txt", "/sitemap.xml")]
    assert len(followed) == 49 and "/relative-story-about-the-harbour-bridge" in followed
    assert lines(result.log, "INFO", "Ignoring link (url length > 2083)")
    assert not [k for k in stats(result.log) if k.startswith("spider_exceptions")]


def busy(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def test_t14_the_budget_interrupts_python_code():
    started = time.monotonic()
    with pytest.raises(OverBudget), time_budget(0.2):
        busy(5)
    assert time.monotonic() - started < 1


def test_t14_the_budget_counts_cpu_not_waiting():
    """A page that is slow only because the machine is busy (here: asleep) is not dropped."""
    with time_budget(0.1):
        time.sleep(0.3)
        busy(0.05)


def test_t14_the_budget_cannot_be_swallowed_by_except_exception():
    with pytest.raises(OverBudget), time_budget(0.1):
        try:
            busy(5)
        except Exception:  # what a careless extractor does
            pass


def test_t14_work_within_the_budget_is_untouched_and_the_timer_is_cleared():
    with time_budget(1):
        busy(0.05)
    busy(1.1)  # no late alarm


def test_t14_outside_the_main_thread_the_budget_is_not_enforced():
    outcome = []
    thread = threading.Thread(target=lambda: outcome.append(_run_budgeted()))
    thread.start()
    thread.join()
    assert outcome == ["finished"]


def _run_budgeted() -> str:
    with time_budget(0.05):
        busy(0.2)
    return "finished"
