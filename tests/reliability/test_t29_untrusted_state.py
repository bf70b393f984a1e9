"""T29, newsbot's own state: the deferred-requests file is read as untrusted data.

The Redis half (pickled payloads and JSON start URLs pushed into scrapy-redis queues) belongs to
the distributed issue, and JOBDIR tampering to the scheduled-crawls issue."""

from __future__ import annotations

import json

from crawling import lines, stats
from faultserver import FaultServer
from support import article_page, lorem, run_crawl


def test_t29_a_tampered_deferred_file_cannot_lift_any_safeguard(tmp_path):
    with FaultServer(host="127.0.0.2") as site:
        base = site.base_url
        site.routes.update({
            "/robots.txt": (200, {}, b"User-agent: *\nDisallow: /private\n"),
            "/feed.xml": (200, {}, b"<rss version='2.0'><channel></channel></rss>"),
            "/kept": (200, {}, article_page("Kept story", lorem("kept")).encode()),
            "/private/secret": (200, {}, article_page("Secret", lorem("secret")).encode()),
        })
        entries = [
            {"url": f"{base}/kept", "callback": "parse_article", "meta": {"outlet": "site"}},
            {"url": f"{base}/private/secret", "callback": "parse_article",
             "meta": {"outlet": "site", "dont_obey_robotstxt": True, "download_maxsize": 0,
                      "proxy": "http://127.0.0.1:9", "dont_filter": True}},
            {"url": "http://169.254.169.254/latest/meta-data/", "callback": "parse_article",
             "meta": {"outlet": "site"}},
            {"url": f"{base}/kept", "callback": "close", "meta": {}},
            {"url": f"{base}/kept", "callback": "__init__", "meta": {}},
        ]
        state = tmp_path / "data/state/deferred"
        state.mkdir(parents=True)
        (state / "site.jsonl").write_text(
            "\n".join(json.dumps(e) for e in entries) + "\nnot json at all\n")
        outlet = {"name": "site", "title": "Site", "home": base + "/",
                  "feeds": [base + "/feed.xml"]}
        result = run_crawl(tmp_path, "news", {"outlet": "site"}, outlets=[outlet],
                           settings={"NEWSBOT_ALLOW_PRIVATE_NETWORKS": "127.0.0.2/32"})

    assert result.returncode == 0, result.log
    assert [i["headline"] for i in result.items] == ["Kept story"]
    assert site.hits("/private/secret") == []  # robots.txt still applies
    assert stats(result.log)["robotstxt/forbidden"] == 1
    assert lines(result.log, "WARNING", "Blocked non-public address/scheme: "
                                        "http://169.254.169.254/latest/meta-data/")
    assert len(lines(result.log, "WARNING", "Skipping line")) == 3  # close, __init__, not JSON
    assert "Resuming 3 request(s) deferred by an earlier run" in result.log
    assert not (state / "site.jsonl").exists()  # all done: nothing left to keep
