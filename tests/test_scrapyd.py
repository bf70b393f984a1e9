"""scrapy.cfg's deploy target works: deploy to a real scrapyd on loopback and run the demo crawl.

The project is copied to a temporary folder first (scrapyd-deploy builds its egg in place),
scrapyd runs from another with its own config on a free port, and the crawl it starts writes
its partition and manifest under scrapyd's working folder.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from newsbot.demo.run import DEMO_DIR, SITES, write_outlets
from newsbot.demo.server import serve_sites
from support import check_ledger

ROOT = Path(__file__).parent.parent
EXPECTED = json.loads((DEMO_DIR / "expected.json").read_text(encoding="utf-8"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def api(base: str, endpoint: str, data: list[tuple[str, str]] | None = None) -> dict:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    with urllib.request.urlopen(base + endpoint, data=body, timeout=30) as response:
        return json.loads(response.read())


@pytest.fixture
def scrapyd(tmp_path):
    home = tmp_path / "scrapyd"
    home.mkdir()
    port = free_port()
    (home / "scrapyd.conf").write_text(
        "[scrapyd]\nbind_address = 127.0.0.1\n"
        f"http_port = {port}\npoll_interval = 0.2\nmax_proc = 1\n"
        "eggs_dir = eggs\nlogs_dir = logs\ndbs_dir = dbs\nitems_dir =\n", encoding="utf-8")
    log = open(home / "scrapyd.log", "w")  # noqa: SIM115
    server = subprocess.Popen([sys.executable, "-m", "scrapyd"], cwd=home, stdout=log,
                              stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 30
    while True:
        try:
            api(base, "daemonstatus.json")
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise AssertionError((home / "scrapyd.log").read_text()) from None
            time.sleep(0.2)
    yield base, home
    server.terminate()
    server.wait(timeout=30)
    log.close()


def test_deploy_to_scrapyd_and_run_the_demo_crawl(scrapyd, tmp_path):
    base, home = scrapyd
    project = tmp_path / "project"
    shutil.copytree(ROOT / "newsbot", project / "newsbot",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "setup.py", "scrapy.cfg", "README.md"):
        shutil.copy(ROOT / name, project / name)
    deploy = subprocess.run(
        [str(Path(sys.executable).with_name("scrapyd-deploy")), "env", "-p", "newsbot"],
        cwd=project, capture_output=True, text=True, timeout=180,
        env={**__import__("os").environ, "SCRAPYD_URL": base})
    assert deploy.returncode == 0, deploy.stdout + deploy.stderr
    assert json.loads(deploy.stdout)["spiders"] >= 2

    with serve_sites({name: DEMO_DIR / "sites" / name for name in SITES}) as servers:
        outlets = write_outlets({n: s.base_url for n, s in servers.items()},
                                tmp_path / "outlets.json")
        settings = {"NEWSBOT_OUTLETS_FILE": str(outlets), "NEWSBOT_ALLOW_PRIVATE_NETWORKS": "True",
                    "DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "False"}
        job = api(base, "schedule.json", [
            ("project", "newsbot"), ("spider", "news"), ("outlet", ",".join(SITES)),
            *(("setting", f"{k}={v}") for k, v in settings.items())])["jobid"]
        deadline = time.monotonic() + 120
        while not any(j["id"] == job
                      for j in api(base, "listjobs.json?project=newsbot")["finished"]):
            assert time.monotonic() < deadline, (home / "scrapyd.log").read_text()
            time.sleep(0.3)

    (partition,) = (home / "data" / "+".join(SITES)).glob("*.jsonl")
    articles = [json.loads(line) for line in partition.read_text().splitlines()]
    assert len(articles) == len(EXPECTED)
    manifest = json.loads(partition.with_name(partition.name.replace(".jsonl", ".manifest.json"))
                          .read_text())
    assert manifest["completed"] is True and manifest["scrapyd_job"] == job
    check_ledger(manifest, unsettled_articles=0)
    assert "Process died" not in (home / "scrapyd.log").read_text()  # exit status 0
