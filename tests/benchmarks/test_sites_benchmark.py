"""benchmarks/sites.py: its world of outlets and its report, on a tiny dataset written here."""

from __future__ import annotations

import gzip
import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request
from scrapy.utils.test import get_crawler

from newsbot.discovery.feeds import parse_feed
from newsbot.discovery.sitemaps import parse_sitemap, sitemaps_from_robots
from support import article_page, lorem

SCRIPT = Path(__file__).parents[2] / "benchmarks" / "sites.py"
spec = importlib.util.spec_from_file_location("sites_benchmark", SCRIPT)
bench = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = bench  # its dataclasses look their module up
spec.loader.exec_module(bench)

PUBLISHERS = ["Kestrel Post", "Harbour Times", "Ferry Gazette", "Quarry Herald", "Orchard News",
              "Reservoir Daily", "Tariff Tribune", "Pipeline Ledger", "Vineyard Voice"]
TOPICS = ["harbour dredging", "ferry fares", "quarry noise", "orchard frost", "reservoir levels",
          "tariff talks", "pipeline route", "vineyard harvest", "bridge repairs", "tram tickets",
          "school meals", "river flooding", "museum funding"]


def host_of(publisher: str) -> str:
    return "www." + publisher.lower().replace(" ", "") + ".example"


def write_datasets(root: Path) -> Path:
    """Nine fundus-style publishers (the first two with two pages) and two AEB-style hosts."""
    fundus, aeb = root / "fundus-dev", root / "aeb-dev"
    (fundus / "pages").mkdir(parents=True)
    (aeb / "html").mkdir(parents=True)
    rows, truth = [], {}
    topics = iter(TOPICS)
    for i, publisher in enumerate(PUBLISHERS):
        for n in range(2 if i < 2 else 1):
            topic = next(topics)
            host = host_of(publisher)
            url = f"https://{host}/politics/2026/03/0{n + 1}/{topic.replace(' ', '-')}-story"
            paragraphs = lorem(topic, 6)
            html = article_page(f"{topic.title()} decided", paragraphs, canonical=url,
                                authors=["Ida Wren"], published="2026-03-02T07:45:00+01:00",
                                site_name=publisher,
                                after='<p><a href="https://elsewhere.example/x">Elsewhere</a>'
                                      f' <a href="//{host}/about">About</a></p>')
            name = f"xx_{publisher.replace(' ', '')}_2026_03_0{n + 1}.html.gz"
            (fundus / "pages" / name).write_bytes(gzip.compress(html.encode()))
            rows.append({"file": f"pages/{name}", "url": url, "publisher": publisher,
                         "title": f"{topic.title()} decided", "authors": ["Ida Wren"],
                         "published": "2026-03-02 07:45:00+01:00",
                         "body": "\n\n".join(paragraphs)})
    for i in range(2):
        topic = next(topics)
        url = f"https://blog{i}.example/{topic.replace(' ', '-')}-what-we-know-now"
        paragraphs = lorem(topic, 5)
        (aeb / "html" / f"a{i}.html.gz").write_bytes(gzip.compress(article_page(
            f"{topic.title()}: what we know", paragraphs, canonical=url).encode()))
        truth[f"a{i}"] = {"url": url, "articleBody": "\n".join(paragraphs)}
    (fundus / "expected.jsonl").write_text("\n".join(map(json.dumps, rows)))
    (aeb / "ground-truth.json").write_text(json.dumps(truth))
    return root


@pytest.fixture(scope="module")
def datasets(tmp_path_factory) -> Path:
    return write_datasets(tmp_path_factory.mktemp("datasets"))


@pytest.fixture(scope="module")
def world(datasets):
    return bench.build_world(bench.read_datasets(datasets), seed=3, port=8123)


def served(files, url: str):
    parts = urlsplit(url)
    return files.get(bench.serve_key(parts.hostname, bench.path_of(url)))


def test_every_publisher_is_an_outlet_on_an_address_of_its_own(world):
    publishers = [s for s in world.sites if s.kind == "publisher"]
    assert sorted(s.title for s in publishers) == sorted(PUBLISHERS + ["blog0.example",
                                                                        "blog1.example"])
    assert len({s.address for s in world.sites}) == len(world.sites)
    assert all(s.address.startswith("127.") and s.address != "127.0.0.1" for s in world.sites)
    assert {s.mode for s in publishers} == set(bench.MODES)
    assert {s.kind for s in world.sites} == {"publisher", "partner", "reprint"}
    twists = {p.twist for p in world.placed}
    assert {"alias", "amp", "redirect"} <= twists
    assert any(s.dead for s in world.sites)
    assert {p.change for p in world.placed} == {None, "redated", "silent"}


def test_the_world_is_the_same_for_the_same_seed(datasets, world):
    again = bench.build_world(bench.read_datasets(datasets), seed=3, port=8123)
    shape = [(s.name, s.address, s.mode, [(p.path, p.announced, p.change) for p in s.placed])
             for s in world.sites]
    assert shape == [(s.name, s.address, s.mode, [(p.path, p.announced, p.change)
                                                  for p in s.placed]) for s in again.sites]
    other = bench.build_world(bench.read_datasets(datasets), seed=4, port=8123)
    assert shape != [(s.name, s.address, s.mode, [(p.path, p.announced, p.change)
                                                  for p in s.placed]) for s in other.sites]


def test_pages_are_served_at_their_real_paths_with_links_kept_on_loopback(world):
    files = bench.site_files(world, 1, "2026-03-05T10:00:00+00:00")
    for placed in (p for p in world.placed if p.kind == "article"):
        body = served(files, placed.site.base + placed.path).body
        real = urlsplit(placed.page.url).hostname.encode()
        assert b"https://" + real not in body and b"//" + real not in body
        assert f'href="{placed.site.base}{placed.path}"'.encode() in body  # the canonical
        if placed.page.dataset == "fundus":
            assert b'href="https://elsewhere.example/x"' in body  # not a host of the world
        loopback = f"{placed.site.address}:{placed.site.port}".encode()
        assert body.replace(b"http://" + loopback, b"https://" + real).replace(
            b"//" + loopback, b"//" + real) == placed.page.html  # nothing else changed
    reprint = next(p for p in world.placed if p.kind == "reprint")
    body = served(files, reprint.site.base + reprint.path).body
    assert f'rel="canonical" href="{reprint.site.base}{reprint.path}"'.encode() in body
    partner = next(p for p in world.placed if p.kind == "partner")
    original = next(p for p in world.placed if p.group == partner.group and p is not partner)
    body = served(files, partner.site.base + partner.path).body
    assert f'rel="canonical" href="{original.site.base}{original.path}"'.encode() in body


def announced(files, site) -> set[str]:
    """Every article URL the site's robots.txt, sitemaps, feeds and home page announce, read
    with newsbot's own parsers."""
    urls = set()
    robots = served(files, site.base + "/robots.txt").body
    queue = sitemaps_from_robots(robots, site.base + "/robots.txt")
    while queue:
        url = queue.pop()
        body = served(files, url).body
        sitemap = parse_sitemap(gzip.decompress(body) if url.endswith(".gz") else body, url)
        if sitemap.kind == "sitemapindex":
            queue += [e.loc for e in sitemap.entries]
        else:
            urls |= {e.loc for e in sitemap.entries}
    if site.feed:
        urls |= {e.loc for e in parse_feed(served(files, site.base + site.feed).body,
                                           site.base).entries}
    home = served(files, site.base + "/").body.decode()
    urls |= {site.base + p.announced for p in site.placed if f'"{site.base}{p.announced}"' in home}
    return urls


def test_each_mode_announces_its_articles_its_own_way(world):
    files = bench.site_files(world, 1, "2026-03-05T10:00:00+00:00")
    for site in world.sites:
        urls = announced(files, site)
        want = {site.base + p.announced for p in site.placed}
        if site.mode == "amp":
            want |= {site.base + p.path for p in site.placed}
        assert urls == want | {site.base + path for path, _ in site.dead}, site.mode
        assert all(urlsplit(u).hostname == site.address for u in urls)
        home = served(files, site.base + "/").body
        assert (b"<li>" in home) == (site.mode in ("home_links", "all_three", "amp"))
        for placed in site.placed:
            resource = served(files, site.base + placed.announced)
            if placed.twist == "redirect":
                assert (resource.status, resource.location) == (301, site.base + placed.path)
            else:
                assert resource.body == served(files, site.base + placed.path).body
            if placed.twist == "alias":
                assert placed.announced.startswith("/news/") and len(placed.announced) < 24
        for path, status in site.dead:
            resource = served(files, site.base + path) or bench.Resource(404, "")
            assert resource.status == status
            if status == 301:
                assert urlsplit(resource.location).hostname == "www.example.com"


def test_the_second_run_serves_changed_pages_some_redated(world):
    first = bench.site_files(world, 1, "2026-03-05T10:00:00+00:00")
    second = bench.site_files(world, 2, "2026-03-05T10:00:00+00:00")
    for placed in world.placed:
        url = placed.site.base + placed.path
        changed = served(first, url).body != served(second, url).body
        assert changed == (placed.change is not None)
        if placed.change:
            assert b"from the newsroom" in served(second, url).body
    redated = next(p for p in world.placed if p.change == "redated")
    site = redated.site
    feeds = [served(second, site.base + path).body for path in
             (site.sitemap, site.feed, "/sitemaps/articles-1.xml.gz") if path
             and served(second, site.base + path)]
    texts = [gzip.decompress(b) if b[:2] == b"\x1f\x8b" else b for b in feeds]
    assert any(b"2026-03-05T10:00:00+00:00" in t for t in texts)
    assert not any(b"2026-03-05T10:00:00+00:00" in served(first, site.base + path).body
                   for path in (site.sitemap, site.feed) if path)


def test_only_loopback_requests_pass_the_guard():
    crawler = get_crawler()
    crawler.stats.open_spider()
    guard = bench.LoopbackOnly.from_crawler(crawler)
    guard.process_request(Request("http://127.0.0.9:8000/news/a.html"))
    for url in ("https://www.example.com/", "http://10.0.0.1/", "http://localhost:80/"):
        with pytest.raises(IgnoreRequest):
            guard.process_request(Request(url))
    assert crawler.stats.get_value("sites/refused_off_host") == 3


def test_the_script_crawls_its_world_and_reports(datasets, tmp_path):
    out = tmp_path / "figures.json"
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--datasets", str(datasets), "--styles", "declared",
         "--seed", "3", "--json", str(out), "--work", str(tmp_path / "work")],
        capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    figures = json.loads(out.read_text())
    assert set(figures["styles"]) == {"declared"}
    first, second = figures["styles"]["declared"]["run1"], figures["styles"]["declared"]["run2"]
    assert first["announced"] == figures["world"]["articles"] == 14
    assert 0 < first["exported"] <= first["announced"]
    # the dead entry that moved off loopback was followed and refused, before any DNS look-up
    assert first["refused_off_host"] == first["redirects_off_host"] == 1
    assert first["dead_exported"] == 0
    assert first["responses"] == first["responses_served"] > first["announced"]
    assert set(first["fields"]) == {"crawl", "extract"}
    assert first["fields"]["extract"]["fundus"]["headline_exact"] == 1.0
    assert second["changes"]["changed_redated"] + second["changes"]["changed_silent"] == \
        sum(figures["world"]["changed"].values())
    assert "| declared | 1 |" in proc.stdout and "Second run" in proc.stdout
