"""A real crawl records, per host, what robots.txt says to AI crawlers, and paywalls per outlet."""

from __future__ import annotations

import json

from newsbot.demo.server import serve_sites
from support import article_page, lorem, run_crawl, write_files

SITEMAPS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def site(root, name: str, robots: str | None, paywalled: set[int]):
    base = f"{{{{base:{name}}}}}"
    pages = {}
    for n in (1, 2):
        ld = {"@context": "https://schema.org", "@type": "NewsArticle",
              "headline": f"{name} story {n}", "datePublished": f"2026-11-2{n}T08:00:00Z",
              **({"isAccessibleForFree": False} if n in paywalled else {})}
        pages[f"/news/{name}-{n}.html"] = article_page(f"{name} story {n}", lorem(f"{name} {n}"),
                                                       json_ld=ld)
    urls = "".join(f"<url><loc>{base}{path}</loc></url>" for path in pages)
    files = {**pages, "/sitemap.xml": f'<urlset xmlns="{SITEMAPS}">{urls}</urlset>'}
    if robots is not None:
        files["/robots.txt"] = robots
    return write_files(root / name, files)


def test_manifest_records_ai_optouts_per_host_and_paywalled_articles_per_outlet(tmp_path):
    roots = {"optout": site(tmp_path, "optout", "User-agent: GPTBot\nDisallow: /\n\n"
                                                "User-agent: CCBot\nDisallow: /\n\n"
                                                "User-agent: *\nAllow: /\n", {2}),
             "open": site(tmp_path, "open", None, set())}  # no robots.txt: 404
    with serve_sites(roots) as servers:
        outlets = [{"name": n, "title": n.title(), "home": s.base_url + "/",
                    "sitemaps": [s.base_url + "/sitemap.xml"]} for n, s in servers.items()]
        result = run_crawl(tmp_path, "news", {"outlet": "optout,open"}, outlets=outlets,
                           output=None)
        hosts = {n: s.base_url.removeprefix("http://") for n, s in servers.items()}
    assert result.returncode == 0, result.log
    [partition] = (tmp_path / "data" / "optout+open").glob("*.jsonl")
    manifest = json.loads(partition.with_name(partition.name.replace(".jsonl", ".manifest.json"))
                          .read_text())
    robots = manifest["robots_txt"]
    assert set(robots) == set(hosts.values())
    optout, open_ = robots[hosts["optout"]], robots[hosts["open"]]
    assert optout["outlet"] == "optout" and optout["status"] == 200
    assert optout["ai_crawlers_disallowed"] == ["GPTBot", "CCBot"]
    assert optout["ai_crawlers_named"] == ["GPTBot", "CCBot"]
    assert optout["all_crawlers_disallowed"] is False and optout["read"].endswith("Z")
    assert open_["outlet"] == "open" and open_["status"] == 404
    assert open_["ai_crawlers_disallowed"] == [] and open_["url"].endswith("/robots.txt")
    assert manifest["paywalled_by_outlet"] == {"Optout": {"articles": 2, "paywalled": 1},
                                               "Open": {"articles": 2, "paywalled": 0}}
    articles = {a["headline"]: a for a in map(json.loads, partition.read_text().splitlines())}
    assert articles["optout story 2"]["isAccessibleForFree"] is False
    assert articles["open story 1"]["isAccessibleForFree"] is None
