"""`make demo-distributed`: two workers sharing a private redis-server export the same dataset as
the single-process demo, each article once."""

from __future__ import annotations

import json
import subprocess
import sys


def test_two_workers_export_the_single_process_dataset(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "newsbot.cli", "demo", "--workers", "2",
                           "--out", str(tmp_path)], capture_output=True, text=True, timeout=180,
                          cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "dataset equals the single-process crawl's" in proc.stdout
    single = {json.loads(line)["id"] for line in
              (tmp_path / "single" / "articles.jsonl").read_text().splitlines()}
    lines = [json.loads(line)["id"] for n in (1, 2)
             for line in (tmp_path / f"worker-{n}.jsonl").read_text().splitlines()]
    assert len(single) == 15 and sorted(lines) == sorted(single)
    for n in (1, 2):
        assert " ERROR:" not in (tmp_path / f"worker-{n}.log").read_text()
