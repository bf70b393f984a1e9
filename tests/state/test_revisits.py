"""Revisits of young articles: the schedule as pure functions, then scheduled runs against a local
site whose articles change without being re-dated in its sitemap or feed."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from newsbot.state import next_revisit, parse_schedule
from newsroom import crawl, lines, manifest, partitions, serve, wait_for_revisits, write_site

SOON = "[0.0003]"
"""One revisit about a second after the first fetch: due by the time the next run starts."""


def article_hits(server, since: int) -> list[str]:
    return sorted(p for p in server.hits[since:] if p.startswith("/news/"))


@pytest.mark.parametrize(("value", "hours"), [
    ([1, 6, 24], (1.0, 6.0, 24.0)), ("[24, 1, 6]", (1.0, 6.0, 24.0)), ("1,6", (1.0, 6.0)),
    ("[0.0003]", (0.0003,)), ([], ()), ("[]", ()), ("", ()), (None, ()),
])
def test_schedule_values(value, hours):
    assert parse_schedule(value or ([] if value is None else value)) == hours


@pytest.mark.parametrize("value", ["[0]", [-1], "[1, x]", "soon", [float("nan")], 3])
def test_a_bad_schedule_is_a_clear_error(value):
    with pytest.raises(ValueError, match="NEWSBOT_REVISIT_SCHEDULE must be a list of positive"):
        parse_schedule(value)


def test_next_revisit_is_the_first_point_still_ahead():
    assert next_revisit(0, 0, (1, 6, 24)) == 3600
    assert next_revisit(0, 3600, (1, 6, 24)) == 6 * 3600
    assert next_revisit(0, 7 * 3600, (1, 6, 24)) == 24 * 3600  # late: 6 h is skipped
    assert next_revisit(0, 24 * 3600, (1, 6, 24)) is None
    assert next_revisit(0, 0, ()) is None


def test_an_article_changed_without_being_re_dated_is_version_2_after_its_revisit(tmp_path):
    site = write_site(tmp_path / "site")
    settings = {"NEWSBOT_REVISIT_SCHEDULE": SOON}
    with serve(site) as server:
        first = crawl(tmp_path, server, settings)
        # story 2 (in the sitemap) and 11 (in the feed) change; neither document says so
        write_site(site, quiet_edits={2: 1, 11: 1})
        wait_for_revisits(tmp_path)
        before = len(server.hits)
        second = crawl(tmp_path, server, settings)
        revisited = article_hits(server, before)
        before = len(server.hits)
        third = crawl(tmp_path, server, settings)  # the schedule's only point is behind
        after = article_hits(server, before)
    assert [r.returncode for r in (first, second, third)] == [0, 0, 0], second.stderr
    assert revisited == sorted(f"/news/story-{n}.html" for n in range(1, 13))
    assert after == []
    run1, run2, run3 = map(lines, partitions(tmp_path))
    assert sorted(urlsplit(r["url"]).path for r in run2) == [
        "/news/story-11.html", "/news/story-2.html"]
    old = {r["url"]: r for r in run1}
    for record in run2:
        assert record["version"] == 2 and record["replaces"] == old[record["url"]]["id"]
        assert "revised 1" in record["articleBody"]
        # found by the revisit, not by a re-dated entry: the time it was found
        assert record["dateModifiedSource"] == "crawl"
        assert record["dateModified"] == record["crawledAt"]
    assert run3 == []
    counts = manifest(partitions(tmp_path)[1])["counts"]
    # ten unchanged pages answered 304 to If-None-Match with the ETag the first run kept
    assert counts["revisits"] == {"due": 12, "requested": 12, "not_modified": 10, "changed": 2}
    assert counts["new_versions"] == 2 and counts["articles_exported"] == 2
    assert manifest(partitions(tmp_path)[2])["counts"]["revisits"] == {"due": 0, "requested": 0}


def test_the_budget_leaves_the_rest_for_the_next_runs(tmp_path):
    site = write_site(tmp_path / "site")
    settings = {"NEWSBOT_REVISIT_SCHEDULE": SOON, "NEWSBOT_REVISIT_MAX_PER_RUN": "5"}
    with serve(site) as server:
        assert crawl(tmp_path, server, settings).returncode == 0
        wait_for_revisits(tmp_path)
        batches = []
        for _ in range(3):
            before = len(server.hits)
            assert crawl(tmp_path, server, settings).returncode == 0
            batches.append(article_hits(server, before))
    assert [len(b) for b in batches] == [5, 5, 2]
    revisited = sorted(path for batch in batches for path in batch)
    assert revisited == sorted(f"/news/story-{n}.html" for n in range(1, 13))
    assert [manifest(p)["counts"]["revisits"] for p in partitions(tmp_path)[1:]] == [
        {"due": 12, "requested": 5, "not_modified": 5},
        {"due": 7, "requested": 5, "not_modified": 5},
        {"due": 2, "requested": 2, "not_modified": 2}]


def test_an_empty_schedule_turns_revisits_off(tmp_path):
    site = write_site(tmp_path / "site")
    with serve(site) as server:
        assert crawl(tmp_path, server, {"NEWSBOT_REVISIT_SCHEDULE": SOON}).returncode == 0
        write_site(site, quiet_edits={2: 1})
        wait_for_revisits(tmp_path)
        before = len(server.hits)
        off = crawl(tmp_path, server, {"NEWSBOT_REVISIT_SCHEDULE": "[]"})
        hits_off = article_hits(server, before)
        before = len(server.hits)
        on = crawl(tmp_path, server, {"NEWSBOT_REVISIT_SCHEDULE": SOON})  # still due
        hits_on = article_hits(server, before)
    assert off.returncode == 0 and on.returncode == 0
    assert hits_off == [] and manifest(partitions(tmp_path)[1])["counts"]["revisits"] == {}
    assert len(hits_on) == 12
    assert [urlsplit(r["url"]).path for r in lines(partitions(tmp_path)[2])] == [
        "/news/story-2.html"]
