import fcntl
import gzip
import json
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

from support import PAGES


def newsbot(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "newsbot.cli", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=60)


def test_extract_prints_one_clean_article_per_file_in_order(tmp_path):
    gz = tmp_path / "graph.html.gz"
    gz.write_bytes(gzip.compress((PAGES / "graph_jsonld.html").read_bytes()))
    proc = newsbot("extract", str(PAGES / "seed_reprint.html"), str(gz))
    assert proc.returncode == 0, proc.stderr
    first, second = map(json.loads, proc.stdout.splitlines())
    assert first["url"] == "https://harbourworld.example/article/18342"  # from the canonical
    assert "Advertisement" not in first["articleBody"] and first["trailers"] == ["Source: HWN"]
    assert second["headline"] == "Windräder in Südbaden: Genehmigung erteilt"


def test_extract_with_urls_and_a_manifest(tmp_path):
    proc = newsbot("extract", str(PAGES / "og_only.html"), "--url", "https://x.test/a")
    assert json.loads(proc.stdout)["url"] == "https://x.test/a"
    manifest = tmp_path / "list.jsonl"
    manifest.write_text("\n".join(json.dumps({"path": str(PAGES / name), "url": f"https://x.test/{i}"})
                                  for i, name in enumerate(["og_only.html", "graph_jsonld.html"])))
    proc = newsbot("extract", "--manifest", str(manifest))
    assert [json.loads(line)["url"] for line in proc.stdout.splitlines()] == [
        "https://x.test/0", "https://x.test/1"]


def test_extract_reports_unreadable_files_and_keeps_going(tmp_path):
    bad = tmp_path / "bad.html.gz"
    bad.write_bytes(b"\x1f\x8bnot gzip")
    proc = newsbot("extract", str(bad), str(PAGES / "og_only.html"))
    assert proc.returncode == 1
    assert "bad.html.gz: cannot extract" in proc.stderr
    assert len(proc.stdout.splitlines()) == 1


def test_help_and_usage_errors():
    assert "extract" in newsbot("--help").stdout
    proc = newsbot("extract")
    assert proc.returncode == 2 and "needs FILE arguments" in proc.stderr


def test_export_errors_name_the_problem(tmp_path):
    proc = newsbot("export", "-o", str(tmp_path / "x.parquet"), "--data", str(tmp_path / "none"))
    assert proc.returncode == 1 and "no data folder" in proc.stderr
    proc = newsbot("export", "-o", str(tmp_path / "x.xlsx"), "--data", str(tmp_path))
    assert proc.returncode == 1 and "give --format" in proc.stderr
    proc = newsbot("export", "-o", "x.csv", "--since", "last week")
    assert proc.returncode == 2 and "'last week' is not a date" in proc.stderr
    proc = newsbot("export", "-o", "x.csv", "--latest-version-only", "--originals-only")
    assert proc.returncode == 2 and "not allowed with argument" in proc.stderr


def test_export_shows_a_progress_bar_on_a_terminal(tmp_path):
    (tmp_path / "data" / "x").mkdir(parents=True)
    (tmp_path / "data" / "x" / "run.jsonl").write_text(
        "".join(json.dumps({"url": f"https://x.test/{n}", "contentHash": str(n)}) + "\n"
                for n in range(50)))
    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    proc = subprocess.run([sys.executable, "-m", "newsbot.cli", "export", "-o", "out.jsonl"],
                          cwd=tmp_path, stderr=terminal, stdout=subprocess.PIPE, timeout=60)
    os.close(terminal)
    screen = os.read(controller, 65536).decode(errors="replace")
    os.close(controller)
    assert proc.returncode == 0, screen
    assert "writing: 100%" in screen and "50/50" in screen
    assert len((tmp_path / "out.jsonl").read_text().splitlines()) == 50


def test_extract_warc_reads_a_foreign_warc_and_skips_its_bad_records_with_reasons(tmp_path):
    from support import article_page, lorem
    from warcs import cc_news_like

    pages = [article_page(f"Story {n}", lorem(f"story {n}"), published=f"2026-11-2{n}T08:00:00Z")
             .encode() for n in (1, 2, 3)]
    warc = tmp_path / "CC-NEWS-20261120081530-00001.warc.gz"
    warc.write_bytes(b"".join(cc_news_like(*pages)))
    proc = newsbot("extract", "--warc", str(warc))
    assert proc.returncode == 0, proc.stderr
    articles = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [(a["url"], a["headline"]) for a in articles] == [
        ("https://news.example/a", "Story 1"), ("https://news.example/b", "Story 2"),
        ("https://news.example/c", "Story 3")]
    first = articles[0]
    assert first["warcFile"] == str(warc) and first["crawledAt"] == "2026-11-20T08:15:30Z"
    assert first["warcRecordId"] == "<urn:uuid:00000000-0000-0000-0000-000000000003>"
    assert first["datePublished"] == "2026-11-21T08:00:00Z" and "story 1 paragraph 5" in \
        first["articleBody"] and first["id"] and first["publisher"] == "news.example"
    assert f"{warc}: record <urn:uuid:00000000-0000-0000-0000-000000000006> " \
           f"(https://news.example/gone): skipped (http_status): HTTP status 404" in proc.stderr
    assert (f"{warc}: 3 articles; 6 records skipped (http_status: 1, not_html: 1, revisit: 1, "
            f"truncated: 1, undecodable: 2)") in proc.stderr


def test_extract_warc_stops_at_the_last_good_record_of_a_cut_file(tmp_path):
    from warcs import cc_news_like

    data = b"".join(cc_news_like())
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[:-25])
    not_warc = tmp_path / "page.warc"
    not_warc.write_bytes(b"<html></html>")
    proc = newsbot("extract", "--warc", str(cut), str(not_warc))
    assert proc.returncode == 1
    assert len(proc.stdout.splitlines()) == 2  # a and b, before the cut
    assert (f"{cut}: the file is cut short or damaged after 11 complete records (the last "
            f"record is incomplete); stopped there: 2 articles read before it") in proc.stderr
    assert f"{not_warc}: not a WARC file" in proc.stderr
    proc = newsbot("extract", "--warc", str(cut), "--url", "https://x.test/")
    assert proc.returncode == 2 and "--warc reads the URLs from the WARC files" in proc.stderr


def test_newsbot_crawl_runs_from_a_folder_outside_the_repository(tmp_path):
    """An installed newsbot has no scrapy.cfg: `newsbot crawl` finds its settings anyway and
    writes data/ where it is run."""
    from scrapy.utils.conf import closest_scrapy_cfg

    from newsbot.demo.server import serve_sites
    from support import LOOPBACK_SETTINGS, article_page, lorem, write_files

    site = write_files(tmp_path / "site", {"/a.html": article_page("Ferry service resumes",
                                                                   lorem("ferry"))})
    here = tmp_path / "elsewhere"
    here.mkdir()
    assert not closest_scrapy_cfg(str(here))
    env = {k: v for k, v in os.environ.items() if k != "SCRAPY_SETTINGS_MODULE"}
    command = [str(Path(sys.executable).with_name("newsbot")), "crawl", "article"]
    for name, value in LOOPBACK_SETTINGS.items():
        command += ["-s", f"{name}={value}"]
    with serve_sites({"site": site}) as servers:
        proc = subprocess.run([*command, "-a", f"url={servers['site'].base_url}/a.html"],
                              cwd=here, env=env, capture_output=True, text=True, timeout=90)
        assert proc.returncode == 0, proc.stderr
        [partition] = (here / "data").glob("*/*.jsonl")
        assert json.loads(partition.read_text())["headline"] == "Ferry service resumes"
        bad = subprocess.run([*command, "-a", f"url={servers['site'].base_url}/a.html", "-s",
                              "NEWSBOT_DEDUP_MODE=dorp"], cwd=here, env=env, capture_output=True,
                             text=True, timeout=60)
        assert bad.returncode == 2 and "NEWSBOT_DEDUP_MODE" in bad.stderr
    assert "crawl" in newsbot("--help").stdout
