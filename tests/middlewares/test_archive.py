"""NEWSBOT_ARCHIVE = "warc": a real crawl writes its article responses beside its partition."""

from __future__ import annotations

import json
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from newsbot.demo.server import serve_sites
from support import article_page, lorem, run_crawl, write_files

SITEMAPS = "http://www.sitemaps.org/schemas/sitemap/0.9"
B = "{{base:site}}"


def write_site(root: Path) -> Path:
    stories = {f"/news/story-{n}.html": article_page(
        f"Story {n}", lorem(f"story {n}"), published=f"2026-11-2{n}T08:00:00Z",
        canonical=f"{B}/news/story-{n}.html") for n in (1, 2, 3)}
    urls = "".join(f"<url><loc>{B}{path}</loc></url>" for path in [*stories, "/news/gone.html"])
    return write_files(root, {
        **stories, "/robots.txt": "User-agent: *\nAllow: /\n",
        "/sitemap.xml": f'<urlset xmlns="{SITEMAPS}">{urls}</urlset>'})


def crawl(tmp_path: Path, base: str, **settings: str):
    outlets = [{"name": "site", "title": "The Site", "home": base + "/",
                "sitemaps": [base + "/sitemap.xml"]}]
    return run_crawl(tmp_path, "news", {"outlet": "site"}, outlets=outlets, output=None,
                     settings={"NEWSBOT_ARCHIVE": "warc", **settings})


def test_each_exported_article_names_its_response_record_in_the_runs_warc(tmp_path):
    with serve_sites({"site": write_site(tmp_path / "www")}) as servers:
        result = crawl(tmp_path, servers["site"].base_url)
    assert result.returncode == 0, result.log
    [partition] = (tmp_path / "data" / "site").glob("*.jsonl")
    warc = partition.with_name(partition.name.replace(".jsonl", ".warc.gz"))
    articles = [json.loads(line) for line in partition.read_text().splitlines()]
    assert len(articles) == 3
    with open(warc, "rb") as stream:
        records = [(r.rec_type, r.rec_headers, r.content_stream().read())
                   for r in ArchiveIterator(stream)]
    # only article pages: no robots.txt, no sitemap, and the 404 is not archived
    responses = {h.get_header("WARC-Record-ID"): (h, body) for kind, h, body in records
                 if kind == "response"}
    requests = {h.get_header("WARC-Concurrent-To") for kind, h, _ in records if kind == "request"}
    assert len(responses) == 3 and requests == set(responses)
    for article in articles:
        assert article["warcFile"] == str(Path("data", "site", warc.name))
        headers, body = responses[article["warcRecordId"]]
        assert headers.get_header("WARC-Target-URI") == article["url"]
        assert headers.get_header("WARC-Date") == article["crawledAt"]
        assert article["headline"].encode() in body
    manifest = json.loads(partition.with_name(partition.name.replace(".jsonl", ".manifest.json"))
                          .read_text())
    assert manifest["fill_rates"]["warcRecordId"] == 1.0
    assert "Archived 3 article responses" in result.log


def test_an_archive_that_cannot_be_written_stops_the_run_before_any_request(tmp_path):
    (tmp_path / "blocker").write_text("a file where a folder should be")
    with serve_sites({"site": write_site(tmp_path / "www")}) as servers:
        result = crawl(tmp_path, servers["site"].base_url,
                       NEWSBOT_ARCHIVE_PATH=str(tmp_path / "blocker" / "x.warc.gz"))
        hits = servers["site"].hits
    assert result.returncode == 1
    assert f"Cannot write the archive {tmp_path / 'blocker' / 'x.warc.gz'}" in result.log
    assert "the crawl does not start" in result.log
    [partition] = (tmp_path / "data" / "site").glob("*.jsonl")
    assert partition.read_text() == ""
    assert not [path for path in hits if path.startswith("/news/")]
