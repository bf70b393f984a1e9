import fcntl
import gzip
import json
import os
import pty
import struct
import subprocess
import sys
import termios

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
