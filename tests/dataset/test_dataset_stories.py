"""Stories resolved in datasets: lines written by the real clean, attribute and dedupe stages in
different arrival orders, read back by ``newsbot export``'s reader, give the same dataset."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from itertools import count

import pytest

from newsbot.dataset.reader import Filters, Report, partitions, read, select
from newsbot.dedup.originals import story_id
from newsbot.demo.server import SiteHandler, serve_sites
from newsbot.exporters import article_record
from newsbot.state import article_key, version_id
from story_text import paragraphs
from support import Stages, article_page, run_crawl, write_files

WIRE = paragraphs(21)
W = "https://apnews.com/article/storm-ilse"
LOCAL = "https://local.test/news/storm"
OTHER = "https://other.test/storm"
OWN = "https://local.test/news/library"
ARTICLES = {  # url: (folder, body, publisher, published hour, crawled hour)
    W: ("ap", ["WASHINGTON (AP) — " + WIRE[0], *WIRE[1:]], "AP News", "09:00", "14:00"),
    LOCAL: ("local", WIRE[:6], "Local", "12:00", "11:00"),     # names no agency
    OTHER: ("other", [*WIRE[:5], "Source: AFP"], "Other", "12:30", "12:00"),  # names its own
    OWN: ("local", paragraphs(22), "Local", "08:00", "10:00"),
}


def crawl(tmp_path, name: str, order: list[str]) -> tuple:
    """Lines of the stages fed ``order`` (one run per article), as partitions of outlets."""
    stages = Stages(tmp_path / name / "near.sqlite")
    data = tmp_path / name / "data"
    runs = count()
    lines = {}
    for url in order:
        folder, body, publisher, hour, crawled = ARTICLES[url]
        record = article_record(stages(url, body, publisher, hour=hour, crawled=crawled))
        record["id"] = version_id(article_key(url, record["canonicalUrl"]), record["contentHash"])
        lines[url] = record
        (data / folder).mkdir(parents=True, exist_ok=True)
        (data / folder / f"{next(runs):02d}.jsonl").write_text(json.dumps(record) + "\n")
    stages.close()
    return data, lines


def dataset(data, filters: Filters | None = None, outlets=()) -> list[dict]:
    files = partitions(data, outlets)
    return list(read(files, select(files, filters or Filters(), Report())))


ORDERS = [[W, LOCAL, OTHER, OWN], [LOCAL, OTHER, OWN, W], [OTHER, LOCAL, W, OWN]]


def test_a_story_is_the_same_whatever_order_its_pages_came_in(tmp_path):
    results = []
    for n, order in enumerate(ORDERS):
        data, lines = crawl(tmp_path, f"order{n}", order)
        if order[0] != W:  # the crawl wrote the reprint before its original arrived
            assert lines[LOCAL]["duplicateOf"] is None
            assert lines[LOCAL]["storyId"] == lines[W]["storyId"] != story_id(W, None)
        results.append(dataset(data))
    assert results[0] == results[1] == results[2]
    by_url = {r["url"]: r for r in results[0]}
    wire, local, other = by_url[W], by_url[LOCAL], by_url[OTHER]
    assert wire["duplicateOf"] is None and wire["sourceOrganization"] == "AP"
    assert {wire["storyId"], local["storyId"], other["storyId"]} == {story_id(W, None)}
    assert local["duplicateOf"] == W and local["isSyndicated"] is True
    assert local["sourceOrganization"] == "AP"
    assert local["attributionEvidence"] == [{"cue": "cluster", "text": W, "agency": "AP"}]
    assert other["duplicateOf"] == W and other["sourceOrganization"] == "AFP"  # its own cue
    assert all(c["cue"] != "cluster" for c in other["attributionEvidence"])
    assert by_url[OWN]["duplicateOf"] is None and by_url[OWN]["storyId"] == story_id(OWN, None)


def test_lines_the_crawl_already_got_right_are_written_as_they_are(tmp_path):
    data, lines = crawl(tmp_path, "w", ORDERS[0])
    files = partitions(data)
    selection = select(files, Filters(), Report())
    assert {r["url"]: r for r in read(files, selection)} == lines
    assert selection.resolved == 0
    data, lines = crawl(tmp_path, "r", ORDERS[1])
    files = partitions(data)
    selection = select(files, Filters(), Report())
    list(read(files, selection))
    # the local reprint, and the other one, which the crawl marked a copy of the local one
    assert selection.resolved == 2


def test_a_copy_whose_original_is_not_read_keeps_its_marks(tmp_path):
    data, _ = crawl(tmp_path, "w", ORDERS[0])
    (local,) = [r for r in dataset(data, outlets=["local"]) if r["url"] == LOCAL]
    assert local["duplicateOf"] == W and local["sourceOrganization"] == "AP"
    data, _ = crawl(tmp_path, "r", ORDERS[1])  # here nothing read says it is a copy
    (local,) = [r for r in dataset(data, outlets=["local"]) if r["url"] == LOCAL]
    assert local["duplicateOf"] is None


@pytest.mark.parametrize("order", ORDERS)
def test_story_originals_and_agencies_read_the_resolved_stories(tmp_path, order):
    data, _ = crawl(tmp_path, "x", order)
    originals = dataset(data, Filters(story_originals=True))
    assert sorted(r["url"] for r in originals) == sorted([W, OWN])
    assert sorted(r["url"] for r in dataset(data, Filters(agencies=("ap",)))) == sorted([W, LOCAL])
    assert [r["url"] for r in dataset(data, Filters(agencies=("afp",)))] == [OTHER]
    # a story whose original is not read has no original in the dataset
    assert [r["url"] for r in dataset(data, Filters(story_originals=True),
                                      outlets=["local"])] == [OWN] + ([LOCAL] if order[0] != W
                                                                      else [])


# --- end to end: real crawls of local sites, then `newsbot export` -------------------------------
def story_sites(root) -> dict:
    """A wire agency's site, an outlet reprinting its story (naming no agency) with one story of
    its own, and another outlet; each with a news sitemap."""
    wire_text, own_text, other_text = paragraphs(31), paragraphs(32), paragraphs(33)
    pages = {
        "wire": {"/2026/11/18/storm.html": article_page(
            "Storm Ilse reaches the coast", wire_text, published="2026-11-18T09:00:00Z",
            authors=["Dana Cole"], site_name="Wire")},
        "outlet": {"/news/storm.html": article_page(
            "Storm reaches the coast", wire_text[:6], published="2026-11-18T12:00:00Z",
            site_name="Outlet"),
                   "/news/library.html": article_page(
            "Library reopens", own_text, published="2026-11-18T08:00:00Z", site_name="Outlet")},
        "other": {"/a/market.html": article_page(
            "Market day", other_text, published="2026-11-18T07:00:00Z", site_name="Other")},
    }
    for name, files in pages.items():
        urls = "".join(f"<url><loc>{{{{base:{name}}}}}{path}</loc></url>" for path in files)
        write_files(root / name, {**files, "/robots.txt": "User-agent: *\nAllow: /\n",
                                  "/sitemap.xml": '<urlset xmlns="http://www.sitemaps.org/'
                                                  f'schemas/sitemap/0.9">{urls}</urlset>'})
    return {name: root / name for name in pages}


def declare(servers) -> list[dict]:
    return [{"name": name, "title": name.title(), "home": s.base_url + "/",
             "sitemaps": [s.base_url + "/sitemap.xml"], **({"agency": "AP"} if name == "wire"
                                                          else {})}
            for name, s in servers.items()]


class Held(SiteHandler):
    """``server.hold`` (a path) waits until ``server.until()`` is true: one page's response
    comes after another's article is exported."""

    def do_GET(self) -> None:  # noqa: N802
        if self.path == getattr(self.server, "hold", None):
            deadline = time.monotonic() + 60
            while not self.server.until() and time.monotonic() < deadline:
                time.sleep(0.05)
        super().do_GET()


def exported(cwd) -> list[str]:
    return [line for path in sorted((cwd / "data").glob("*/*.jsonl"))
            for line in path.read_text().splitlines()]


def export(cwd) -> list[dict]:
    """``newsbot export`` of cwd's data folder, without crawledAt (the only field that says when
    a page was fetched)."""
    out = cwd / "dataset.jsonl"
    proc = subprocess.run([sys.executable, "-m", "newsbot.cli", "export", "-o", str(out),
                           "--data", str(cwd / "data")], capture_output=True, text=True,
                          timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    return [{k: v for k, v in json.loads(line).items() if k != "crawledAt"}
            for line in out.read_text().splitlines()]


def test_article_crawl_in_both_arrival_orders_gives_one_dataset(tmp_path):
    """``scrapy crawl article -a url=WIRE,REPRINT,OTHER``: once with the reprint's response held
    until the wire's article is on disk, once the other way round."""
    sites = story_sites(tmp_path / "sites")
    datasets, replaced = [], []
    with serve_sites(sites) as servers:
        pages = {"wire": "/2026/11/18/storm.html", "outlet": "/news/storm.html"}
        urls = [servers["wire"].base_url + pages["wire"], servers["outlet"].base_url +
                pages["outlet"], servers["other"].base_url + "/a/market.html"]
        for first, then in (("wire", "outlet"), ("outlet", "wire")):
            cwd = tmp_path / f"{first}-first"
            cwd.mkdir()
            mark = servers[first].base_url
            servers[first].hold = None
            servers[then].RequestHandlerClass = Held
            servers[then].hold = pages[then]
            servers[then].until = lambda cwd=cwd, mark=mark: any(
                mark in line for line in exported(cwd))
            result = run_crawl(cwd, "article", {"url": ",".join(urls)},
                               outlets=declare(servers), output=None,
                               settings={"NEWSBOT_EXPORT_BATCH_ITEMS": "1"})
            assert result.returncode == 0, result.log
            story = [json.loads(line)["url"] for line in exported(cwd) if "storm" in line]
            assert len(story) == 2 and story[0].startswith(mark)  # the order asked for
            replaced.append("'newsbot/dedup_index/original_replaced': 1" in result.log)
            datasets.append(export(cwd))
    assert replaced == [False, True]  # the wire page took the story over in the second crawl
    assert datasets[0] == datasets[1]
    reprint = next(r for r in datasets[0] if "/news/storm" in r["url"])
    wire = next(r for r in datasets[0] if "/storm.html" in r["url"] and r is not reprint)
    assert reprint["duplicateOf"] == wire["url"] and wire["duplicateOf"] is None
    assert reprint["sourceOrganization"] == wire["sourceOrganization"] == "AP"
    assert {"cue": "cluster", "text": wire["url"], "agency": "AP"} in \
        reprint["attributionEvidence"]


def test_an_outlet_crawled_before_its_agency(tmp_path):
    """Two scheduled runs, the outlet's then the agency's; then `newsbot export`: the reprint
    points at the agency's page, as when the agency is crawled first."""
    sites = story_sites(tmp_path / "sites")
    datasets = []
    with serve_sites(sites) as servers:
        for order in (("outlet", "wire"), ("wire", "outlet")):
            cwd = tmp_path / "-".join(order)
            cwd.mkdir()
            for name in order:
                result = run_crawl(cwd, "news", {"outlet": name}, outlets=declare(servers),
                                   output=None)
                assert result.returncode == 0, result.log
            datasets.append(export(cwd))
    replaced = [json.loads(line) for line in exported(tmp_path / "outlet-wire")]
    assert next(r for r in replaced if r["url"].endswith("/news/storm.html"))["duplicateOf"] \
        is None  # as the outlet's run wrote it: its original came a run later
    reprint = next(r for r in datasets[0] if r["url"].endswith("/news/storm.html"))
    wire = next(r for r in datasets[0] if r["url"].endswith("/2026/11/18/storm.html"))
    assert reprint["duplicateOf"] == wire["url"] and reprint["isSyndicated"] is True
    assert reprint["sourceOrganization"] == wire["sourceOrganization"] == "AP"
    assert reprint["storyId"] == wire["storyId"]
    assert datasets[0] == datasets[1]
