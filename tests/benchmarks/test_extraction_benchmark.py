"""benchmarks/extraction.py: its flags, JSON shape and metric, on two tiny datasets written here."""

from __future__ import annotations

import gzip
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from support import article_page, lorem

SCRIPT = Path(__file__).parents[2] / "benchmarks" / "extraction.py"
SYSTEMS = {"newsbot", "trafilatura", "trafilatura_precision", "readability"}
spec = importlib.util.spec_from_file_location("extraction_benchmark", SCRIPT)
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)


def write_datasets(root: Path) -> tuple[Path, Path]:
    aeb, fundus = root / "aeb", root / "fundus"
    (aeb / "html").mkdir(parents=True)
    (fundus / "pages").mkdir(parents=True)
    truth, expected = {}, []
    for i, topic in enumerate(["harbour dredging", "ferry fares"]):
        paragraphs = lorem(topic, 6)
        html = article_page(f"Story about {topic}", paragraphs, authors=["Ida Wren"],
                            published="2026-03-02T07:45:00+01:00")
        url = f"https://kestrel.example/{i}"
        (aeb / "html" / f"p{i}.html.gz").write_bytes(gzip.compress(html.encode()))
        truth[f"p{i}"] = {"url": url, "articleBody": "\n".join(paragraphs)}
        (fundus / "pages" / f"x{i}.html.gz").write_bytes(gzip.compress(html.encode()))
        expected.append({"file": f"pages/x{i}.html.gz", "url": url,
                         "title": f"Story about {topic}", "authors": ["Ida Wren"],
                         "published": "2026-03-02 07:45:00+01:00", "body": "\n\n".join(paragraphs)})
    (aeb / "ground-truth.json").write_text(json.dumps(truth))
    (fundus / "expected.jsonl").write_text("\n".join(map(json.dumps, expected)))
    return aeb, fundus


def test_the_benchmark_runs_every_system_and_writes_the_contracted_shapes(tmp_path):
    aeb, fundus = write_datasets(tmp_path)
    out, predictions = tmp_path / "figures.json", tmp_path / "pred"
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--aeb", str(aeb), "--fundus", str(fundus),
         "--json", str(out), "--predictions", str(predictions)],
        capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert all(f"| {name} |" in proc.stdout for name in SYSTEMS)
    figures = json.loads(out.read_text())
    assert set(figures) == SYSTEMS
    for system in figures.values():
        assert set(system) == {"aeb", "fundus", "ms_median", "ms_p95"}
        assert set(system["aeb"]) == {"f1", "precision", "recall", "accuracy", "empty", "pages"}
        assert set(system["fundus"]) == {"headline_exact", "authors_f1", "date_minute",
                                         "date_day", "body_f1", "pages"}
        assert system["aeb"]["pages"] == system["fundus"]["pages"] == 2
    newsbot = figures["newsbot"]
    assert newsbot["aeb"]["accuracy"] == 1.0 and newsbot["aeb"]["empty"] == 0
    assert newsbot["fundus"]["headline_exact"] == newsbot["fundus"]["authors_f1"] == 1.0
    assert newsbot["fundus"]["date_minute"] == 1.0
    for name in SYSTEMS:
        aeb_out = json.loads((predictions / f"{name}-aeb.json").read_text())
        assert set(aeb_out) == {"p0", "p1"} and set(aeb_out["p0"]) == {"articleBody"}
        lines = (predictions / f"{name}-fundus.jsonl").read_text().splitlines()
        assert [json.loads(line)["file"] for line in lines] == ["pages/x0.html.gz",
                                                              "pages/x1.html.gz"]


def test_shingle_metric_follows_the_article_extraction_benchmark():
    assert bench.shingle_match("a b c d e", "a b c d e") == (1.0, 0.0, 0.0)
    tp, fp, fn = bench.shingle_match("one two three four five", "one two three four six")
    assert (tp, fp, fn) == pytest.approx((1 / 3, 1 / 3, 1 / 3))
    assert bench.shingle_match("short text", "short text") == (1.0, 0.0, 0.0)  # one shingle
    # an empty prediction is left out of the precision mean, not counted as zero
    scores = bench.shingle_scores([(1.0, 0.0, 0.0), (0.0, 0.0, 1.0)])
    assert scores["precision"] == 1.0 and scores["recall"] == 0.5


@pytest.mark.parametrize(("prediction", "expected", "result"), [
    ({"datePublished": "2026-03-02T06:45:00Z"}, "2026-03-02 07:45:00+01:00", (True, True)),
    ({"datePublished": "2026-03-02T06:45:00Z", "datePublishedRaw": "2026-03-02T07:45:00+01:00"},
     "2026-03-02 07:45:00", (True, True)),  # a naive expectation is the publisher's wall clock
    ({"datePublished": "2026-03-02"}, "2026-03-02 00:00:00", (True, True)),  # both date-only
    ({"datePublished": "2026-03-02"}, "2026-03-02 07:45:00+01:00", (False, True)),
    ({"datePublished": "2026-01-06"}, "2026-06-01 00:00:00", (False, False)),
    ({"datePublished": "2026-03-02T08:45:00Z"}, "2026-03-02 07:45:00+01:00", (False, True)),
    ({}, "2026-03-02 07:45:00+01:00", (False, False)),
])
def test_date_matching(prediction, expected, result):
    assert bench.date_matches(prediction, expected) == result
