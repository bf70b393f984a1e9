"""`make demo-distributed`: two workers sharing a private redis-server export the same dataset as
the single-process demo, each article once."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from support import check_ledger


def test_two_workers_export_the_single_process_dataset(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "newsbot.cli", "demo", "--workers", "2",
                           "--out", "demo"], capture_output=True, text=True, timeout=180,
                          cwd=tmp_path)  # a relative folder, as `make demo-distributed` gives
    out = tmp_path / "demo"
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "dataset equals the single-process crawl's" in proc.stdout
    single = {(a := json.loads(line))["id"]: a for line in
              (out / "single" / "articles.jsonl").read_text().splitlines()}
    workers = [json.loads(line) for n in (1, 2)
               for line in (out / f"worker-{n}.jsonl").read_text().splitlines()]
    expected = json.loads((Path(__import__("newsbot").__file__).parent / "demo" /
                           "expected.json").read_text(encoding="utf-8"))
    assert len(single) == len(expected) and sorted(a["id"] for a in workers) == sorted(single)
    for article in workers:  # the same page content, whichever worker fetched it
        expected = single[article["id"]]
        for field in ("canonicalUrl", "headline", "articleBody", "datePublished",
                      "sourceOrganization"):
            assert article[field] == expected[field], (article["id"], field)
    for n in (1, 2):
        assert " ERROR:" not in (out / f"worker-{n}.log").read_text()
        check_ledger((out / f"worker-{n}.log").read_text(), unsettled_articles=0)
    check_ledger((out / "single" / "articles.log").read_text(), unsettled_articles=0)
