"""Scheduled runs of one outlet, as subprocesses against a local site: only what is new."""

from __future__ import annotations

from urllib.parse import urlsplit

from newsroom import (
    B,
    articles_fetched,
    crawl,
    export,
    lines,
    manifest,
    partitions,
    serve,
    start,
    wait_for,
    write_site,
)
from support import check_ledger, write_files


def paths(records: list[dict]) -> list[str]:
    return sorted(urlsplit(r["url"]).path for r in records)


def test_second_run_of_an_unchanged_site_exports_nothing(tmp_path):
    site = write_site(tmp_path / "site")
    with serve(site) as server:
        first = crawl(tmp_path, server)
        before = len(server.hits)
        second = crawl(tmp_path, server)
    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    run1, run2 = partitions(tmp_path)
    assert len(lines(run1)) == 12 and {r["version"] for r in lines(run1)} == {1}
    assert lines(run2) == []
    assert not [p for p in server.hits[before:] if p.startswith("/news/")]  # nothing refetched
    counts = manifest(run2)["counts"]
    assert counts["articles_exported"] == 0
    assert counts["documents_not_modified"] == 2  # sitemap and feed: 304 to If-None-Match
    assert counts["urls_skipped_unchanged"] == 0  # a 304 announces nothing to skip
    assert manifest(run2)["completed"] is True and manifest(run2)["finish_reason"] == "finished"


def test_a_changed_article_is_exported_as_version_2(tmp_path):
    site = write_site(tmp_path / "site")
    with serve(site) as server:
        assert crawl(tmp_path, server).returncode == 0
        # story 2 (sitemap) and 11 (feed) edited, story 3 re-dated with the same text, 13 is new
        write_site(site, 13, edits={2: 1, 11: 1}, touched={3: 1})
        before = len(server.hits)
        third = crawl(tmp_path, server)
    assert third.returncode == 0, third.stderr
    assert sorted(p for p in server.hits[before:] if p.startswith("/news/")) == [
        "/news/story-11.html", "/news/story-13.html", "/news/story-2.html", "/news/story-3.html"]
    first, second = map(lines, partitions(tmp_path))
    assert paths(second) == ["/news/story-11.html", "/news/story-13.html", "/news/story-2.html"]
    by_path = {urlsplit(r["url"]).path: r for r in first}
    for record in second:
        old = by_path.get(urlsplit(record["url"]).path)
        if old is None:
            assert record["version"] == 1 and record["replaces"] is None
            continue
        assert record["version"] == 2 and record["replaces"] == old["id"] != record["id"]
        assert record["contentHash"] != old["contentHash"]
    story2 = next(r for r in second if r["url"].endswith("/story-2.html"))
    assert story2["dateModified"] == "2026-11-03T09:00:00Z"  # the sitemap's new lastmod
    counts = manifest(partitions(tmp_path)[1])["counts"]
    assert (counts["new_articles"], counts["new_versions"]) == (1, 2)
    # story 3's unchanged refetch is dropped by the versions stage, from the crawl state
    assert counts["unchanged_refetches"] == 1
    assert counts["urls_skipped_unchanged"] == 9

    everything = export(tmp_path)
    assert len(everything) == 15
    latest = export(tmp_path, "--latest-version-only")
    assert len(latest) == 13 and {r["id"] for r in latest} >= {r["id"] for r in second}
    originals = export(tmp_path, "--originals-only")
    assert len(originals) == 13 and {r["version"] for r in originals} == {1}


def test_an_overlapping_run_of_the_same_outlet_exits_with_a_clear_message(tmp_path):
    site = write_site(tmp_path / "site")
    with serve(site) as server:
        server.gate.clear()  # the first run waits on its articles until the second has tried
        first = start(tmp_path, server)
        wait_for(lambda: articles_fetched(server) >= 1, first)
        second = crawl(tmp_path, server)
        server.gate.set()
        _, first_log = first.communicate(timeout=60)
        third = crawl(tmp_path, server)  # the lock is released with the first run
    assert second.returncode == 1
    assert "outlet 'daily' is being crawled by another run (pid " in second.stderr
    assert "this run does not start" in second.stderr
    assert first.returncode == 0, first_log
    check_ledger(first_log)
    assert third.returncode == 0, third.stderr
    assert [len(lines(p)) for p in partitions(tmp_path)] == [12, 0]  # none from the second


def test_urls_left_pending_still_obey_robots_txt(tmp_path):
    """A URL robots.txt forbids stays pending, so every run requests it again at start, while
    robots.txt is still being fetched: it must wait for the rules like any request."""
    site = write_files(tmp_path / "site", {
        "/robots.txt": "User-agent: *\nDisallow: /private/\n",
        "/news-sitemap.xml": '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                             f"<url><loc>{B}/private/story.html</loc></url></urlset>",
        "/rss.xml": '<rss version="2.0"><channel><title>Daily</title></channel></rss>',
        "/private/story.html": "<html><body>not for crawlers</body></html>"})
    with serve(site) as server:
        runs = [crawl(tmp_path, server) for _ in range(3)]
    assert [r.returncode for r in runs] == [0, 0, 0]
    assert "/private/story.html" not in server.hits
    assert "'newsbot/state/resumed': 1" in runs[2].stderr
