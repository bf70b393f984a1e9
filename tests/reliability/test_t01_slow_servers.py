"""T1: servers that never answer, hang after the headers, or drip one byte at a time."""

from __future__ import annotations

import time

from crawling import FAST, lines, stats
from faultserver import FaultServer, drip, hang_after_headers, silent
from support import article_page, lorem, run_crawl

ROBOTS = (200, {"Content-Type": "text/plain"}, b"User-agent: *\nAllow: /\n")


def test_t01_slow_hosts_time_out_retry_and_give_up_while_other_hosts_progress(tmp_path):
    healthy = {f"/story-{i}.html": (200, {}, article_page(
        f"Healthy story {i}", lorem(f"healthy {i}")).encode()) for i in range(5)}
    slow_paths = ["/wait", "/hang-after-headers", "/drip"]
    with FaultServer({"/robots.txt": ROBOTS, "/wait": silent,
                      "/hang-after-headers": hang_after_headers, "/drip": drip}) as slow, \
            FaultServer({"/robots.txt": ROBOTS, **healthy}, host="127.0.0.2") as good:
        urls = [slow.url(p) for p in slow_paths] + [good.url(p) for p in healthy]
        started = time.time()
        result = run_crawl(tmp_path, "article", {"url": ",".join(urls)},
                           settings={**FAST, "DOWNLOAD_TIMEOUT": "1"})
        elapsed = time.time() - started

    assert result.returncode == 0, result.log
    assert sorted(i["headline"] for i in result.items) == [f"Healthy story {i}" for i in range(5)]
    for path in slow_paths:
        # retried once (RETRY_TIMES=1), then exactly one line names the URL
        assert len(slow.hits(path)) == 2
        assert len([line for line in lines(result.log, "ERROR") if path in line]) == 1
        (gave_up,) = lines(result.log, "ERROR", f"Gave up retrying <GET {slow.url(path)}>")
        assert "took longer than 1.0 seconds" in gave_up
    assert "Traceback" not in result.log
    assert stats(result.log)["retry/max_reached"] == 3
    assert "download failures:  6" in result.log  # the summary reports them

    # The whole download is bounded, so the drip ends too (1 s, plus scheduling slack).
    for hit in slow.hits("/drip"):
        assert hit.done is not None and hit.done - hit.time < 2.5
    # The healthy host was served before the slow one was given up on.
    assert max(hit.done for hit in good.arrivals) < max(hit.time for hit in slow.arrivals)
    # 3 URLs x 2 attempts x 1 s on 2 connections, plus start-up: far below unbounded.
    assert elapsed < 20
