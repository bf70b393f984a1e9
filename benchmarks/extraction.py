"""Extraction benchmark: newsbot against trafilatura and readability-lxml on real news pages.

    python benchmarks/extraction.py --aeb ../shared/datasets/aeb-dev \\
        --fundus ../shared/datasets/fundus-dev [--json OUT] [--predictions DIR]

Every system runs in this process on the same decoded pages, one page at a time and in turn
(the order rotates from page to page), so the timings share the machine's load and compare as
ratios. newsbot runs exactly as ``newsbot extract`` does (extract, then clean). Datasets:

- ``--aeb DIR``: ``DIR/ground-truth.json`` and ``DIR/html/<id>.html.gz`` (the Article
  Extraction Benchmark layout), scored with the benchmark's own metric (4-word shingles, F1 from
  mean precision and mean recall, accuracy = exact token match);
- ``--fundus DIR``: ``DIR/expected.jsonl`` (``file``, ``url``, ``title``, ``authors``,
  ``published``, ``body``) and the pages it names: headline exact match (whitespace collapsed,
  NFC, invisible characters dropped), author-set precision/recall (names case-folded; F1 from
  the mean precision over pages with predicted authors and the mean recall over pages with
  expected ones), publication date to the minute and to the day (see ``date_matches``), body
  with the shingle metric on NFC text.

A page that raises is logged on stderr, counted in the table's ``errors`` column and scored as
empty; a page that yields no body is logged and counted as ``empty`` (AEB) as well.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
import traceback
import unicodedata
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import html_text
import trafilatura
from readability import Document

from newsbot.cli import extract_page, read_page
from newsbot.encoding import decode_html
from newsbot.exporters import article_record
from newsbot.extraction.dates import parse_date

Prediction = dict[str, Any]
_TOKEN = re.compile(r"\w+")
# Ask htmldate (trafilatura's date finder) for the time as well, so it can score to the minute.
_DATE_PARAMS = {"extensive_search": True, "original_date": True,
                "outputformat": "%Y-%m-%dT%H:%M:%S%z"}


# --- the systems: html in, an Article-shaped dict out ---------------------------------------

def run_newsbot(html: str, url: str, path: Path) -> Prediction:
    return article_record(extract_page(html, url, path))


def _trafilatura(html: str, url: str, favor_precision: bool) -> Prediction:
    doc = trafilatura.bare_extraction(html, url=url, include_comments=False,
                                      favor_precision=favor_precision, with_metadata=True,
                                      date_extraction_params=_DATE_PARAMS)
    if doc is None:
        return {"url": url}
    authors = [a.strip() for a in (doc.author or "").split(";") if a.strip()]
    return {"url": url, "headline": doc.title, "authors": [{"name": a} for a in authors],
            "datePublished": doc.date, "articleBody": doc.text}


def run_trafilatura(html: str, url: str, path: Path) -> Prediction:
    return _trafilatura(html, url, favor_precision=False)


def run_trafilatura_precision(html: str, url: str, path: Path) -> Prediction:
    return _trafilatura(html, url, favor_precision=True)


def run_readability(html: str, url: str, path: Path) -> Prediction:
    doc = Document(html, url=url)
    return {"url": url, "headline": doc.short_title(),
            "articleBody": html_text.extract_text(doc.summary(html_partial=True))}


SYSTEMS: dict[str, Callable[[str, str, Path], Prediction]] = {
    "newsbot": run_newsbot,
    "trafilatura": run_trafilatura,
    "trafilatura_precision": run_trafilatura_precision,
    "readability": run_readability,
}


# --- the AEB metric, as the benchmark defines it -----------------------------------------------

def tokens(text: str | None) -> list[str]:
    return _TOKEN.findall(text or "")


def shingles(text: str | None, n: int = 4) -> Counter[tuple[str, ...]]:
    toks = tokens(text)
    return Counter(tuple(toks[i:i + n]) for i in range(max(1, len(toks) - n + 1))
                   if toks[i:i + n])


def shingle_match(true: str | None, pred: str | None) -> tuple[float, float, float]:
    """Normalised (tp, fp, fn) over 4-word shingles, so long pages weigh no more than short."""
    t, p = shingles(true), shingles(pred)
    tp = sum((t & p).values())
    fp = sum((p - t).values())
    fn = sum((t - p).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def shingle_scores(matches: list[tuple[float, float, float]]) -> dict[str, float]:
    """Precision and recall are means over pages, F1 comes from those means."""
    def ratio(a: float, b: float, fp: float, fn: float) -> float:
        return 1.0 if fp == fn == 0 else a / (a + b)

    precision = statistics.fmean([ratio(tp, fp, fp, fn) for tp, fp, fn in matches
                                  if tp + fp > 0] or [0.0])
    recall = statistics.fmean([ratio(tp, fn, fp, fn) for tp, fp, fn in matches
                               if tp + fn > 0] or [0.0])
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"f1": f1, "precision": precision, "recall": recall}


# --- fundus fields -------------------------------------------------------------------------

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)


def _norm(text: str | None) -> str:
    """Whitespace collapsed; NFC; invisible characters (zero-width space, soft hyphen) gone."""
    return " ".join(unicodedata.normalize("NFC", text or "").translate(_INVISIBLE).split())


def author_names(prediction: Prediction) -> set[str]:
    return {_norm(a.get("name")).casefold() for a in prediction.get("authors") or []
            if _norm(a.get("name"))}


def date_matches(prediction: Prediction, expected: str) -> tuple[bool, bool]:
    """(same minute, same day) for the predicted ``datePublished``.

    Two aware times compare in UTC. When either side has no zone, both are compared as the
    publisher's wall-clock time (the raw string the page gave, before conversion to UTC). fundus
    writes a date-only value as naive midnight, so a predicted bare date equals it exactly; a
    bare date matches anything else only to the day."""
    predicted = prediction.get("datePublished")
    want, got = parse_date(expected.replace(" ", "T", 1)), parse_date(predicted)
    if want is None or got is None:
        return False, False
    bare_date = bool(re.fullmatch(r"\s*\d{4}-\d{2}-\d{2}\s*", predicted or ""))
    if got.tzinfo is None or want.tzinfo is None:
        local = parse_date(prediction.get("datePublishedRaw")) or got
        want, got = want.replace(tzinfo=None), local.replace(tzinfo=None)
    else:
        want, got = want.astimezone(UTC), got.astimezone(UTC)
    if bare_date:
        same_day = want.date() == got.date()
        return same_day and want.time() == datetime.min.time(), same_day
    return (want.replace(second=0, microsecond=0) == got.replace(second=0, microsecond=0),
            want.date() == got.date())


# --- running ---------------------------------------------------------------------------------

class Runner:
    """Runs every system on one page after another and keeps outputs, timings and failures."""

    def __init__(self) -> None:
        self.ms: dict[str, list[float]] = {name: [] for name in SYSTEMS}
        self.errors: Counter[str] = Counter()
        self.turn = 0

    def run(self, label: str, html: str, url: str, path: Path) -> dict[str, Prediction]:
        names = list(SYSTEMS)
        names = names[self.turn % len(names):] + names[: self.turn % len(names)]
        self.turn += 1
        outputs: dict[str, Prediction] = {}
        for name in names:
            start = time.perf_counter()
            try:
                outputs[name] = SYSTEMS[name](html, url, path)
            except Exception:  # noqa: BLE001 - a benchmark counts failures, it does not stop
                self.errors[name] += 1
                outputs[name] = {"url": url}
                print(f"{name}: {label}: raised\n{traceback.format_exc()}", file=sys.stderr)
            self.ms[name].append((time.perf_counter() - start) * 1000)
            if not (outputs[name].get("articleBody") or "").strip():
                print(f"{name}: {label}: no body", file=sys.stderr)
        return {name: outputs[name] for name in SYSTEMS}


def run_aeb(folder: Path, runner: Runner) -> tuple[dict, dict]:
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    predictions: dict[str, dict[str, Prediction]] = {name: {} for name in SYSTEMS}
    for page_id, item in sorted(truth.items()):
        path = folder / "html" / f"{page_id}.html.gz"
        outputs = runner.run(f"aeb/{page_id}", decode_html(read_page(path)), item["url"], path)
        for name, output in outputs.items():
            predictions[name][page_id] = {"articleBody": output.get("articleBody") or ""}
    figures = {}
    for name, pages in predictions.items():
        matches = [shingle_match(truth[i].get("articleBody"), p["articleBody"])
                   for i, p in pages.items()]
        figures[name] = {
            **shingle_scores(matches),
            "accuracy": statistics.fmean(
                tokens(truth[i].get("articleBody")) == tokens(p["articleBody"])
                for i, p in pages.items()) if pages else 0.0,
            "empty": sum(not tokens(p["articleBody"]) for p in pages.values()),
            "pages": len(pages),
        }
    return figures, predictions


def run_fundus(folder: Path, runner: Runner) -> tuple[dict, dict]:
    with open(folder / "expected.jsonl", encoding="utf-8") as lines:
        expected = [json.loads(line) for line in lines if line.strip()]
    predictions: dict[str, list[Prediction]] = {name: [] for name in SYSTEMS}
    for item in expected:
        path = folder / item["file"]
        outputs = runner.run(f"fundus/{item['file']}", decode_html(read_page(path)),
                             item["url"], path)
        for name, output in outputs.items():
            predictions[name].append({**output, "file": item["file"]})
    return {name: score_fundus(expected, preds) for name, preds in predictions.items()}, \
        predictions


def score_fundus(expected: list[dict], predictions: list[Prediction]) -> dict[str, Any]:
    headline, minute, day, body = [], [], [], []
    author_p, author_r = [], []
    for want, got in zip(expected, predictions, strict=True):
        if want.get("title") is not None:
            headline.append(_norm(want["title"]) == _norm(got.get("headline")))
        if want.get("authors") is not None:
            names, wanted = author_names(got), {_norm(a).casefold() for a in want["authors"]}
            if names:
                author_p.append(len(names & wanted) / len(names))
            if wanted:
                author_r.append(len(names & wanted) / len(wanted))
        if want.get("published"):
            same_minute, same_day = date_matches(got, want["published"])
            minute.append(same_minute)
            day.append(same_day)
        if want.get("body") is not None:  # NFC both: some pages (and fundus) keep NFD text
            body.append(shingle_match(unicodedata.normalize("NFC", want["body"]),
                                      unicodedata.normalize("NFC", got.get("articleBody") or "")))
    p = statistics.fmean(author_p) if author_p else 0.0
    r = statistics.fmean(author_r) if author_r else 0.0
    return {
        "headline_exact": statistics.fmean(headline) if headline else 0.0,
        "authors_precision": p, "authors_recall": r,
        "authors_f1": 2 * p * r / (p + r) if p + r else 0.0,
        "date_minute": statistics.fmean(minute) if minute else 0.0,
        "date_day": statistics.fmean(day) if day else 0.0,
        "body_f1": shingle_scores(body)["f1"] if body else 0.0,
        "empty": sum(not tokens(p.get("articleBody")) for p in predictions),
        "pages": len(predictions),
    }


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else 0.0


FUNDUS_KEYS = ("headline_exact", "authors_f1", "date_minute", "date_day", "body_f1", "pages")


def figures_json(aeb: dict, fundus: dict, runner: Runner) -> dict[str, Any]:
    """The ``--json`` shape: one key per system, the AEB and fundus figures and the timings."""
    return {name: {
        "aeb": {k: aeb[name][k] for k in ("f1", "precision", "recall", "accuracy", "empty",
                                          "pages")},
        "fundus": {k: fundus[name][k] for k in FUNDUS_KEYS},
        "ms_median": statistics.median(runner.ms[name]) if runner.ms[name] else 0.0,
        "ms_p95": percentile(runner.ms[name], 0.95),
    } for name in SYSTEMS}


def table(aeb: dict, fundus: dict, runner: Runner) -> str:
    head = ("| system | AEB F1 | P | R | acc | empty | fundus headline | authors P | authors R "
            "| authors F1 | date min | date day | body F1 | empty | ms median | ms p95 | errors |")
    rows = [head, "|" + "---|" * head.count(" | ") + "---|"]
    for name in SYSTEMS:
        a, f, ms = aeb[name], fundus[name], runner.ms[name]
        rows.append(
            f"| {name} | {a['f1']:.3f} | {a['precision']:.3f} | {a['recall']:.3f} "
            f"| {a['accuracy']:.3f} | {a['empty']} | {f['headline_exact']:.3f} "
            f"| {f['authors_precision']:.3f} | {f['authors_recall']:.3f} "
            f"| {f['authors_f1']:.3f} | {f['date_minute']:.3f} | {f['date_day']:.3f} "
            f"| {f['body_f1']:.3f} | {f['empty']} | {statistics.median(ms):.1f} "
            f"| {percentile(ms, 0.95):.1f} "
            f"| {runner.errors[name]} |")
    pages = f"AEB: {aeb['newsbot']['pages']} pages; fundus: {fundus['newsbot']['pages']} pages"
    return "\n".join([*rows, "", pages])


def write_predictions(folder: Path, aeb: dict, fundus: dict) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name in SYSTEMS:
        (folder / f"{name}-aeb.json").write_text(
            json.dumps(aeb[name], ensure_ascii=False, indent=1), encoding="utf-8")
        with open(folder / f"{name}-fundus.jsonl", "w", encoding="utf-8") as out:
            out.writelines(json.dumps(p, ensure_ascii=False) + "\n" for p in fundus[name])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--aeb", type=Path, required=True, metavar="DIR",
                        help="folder with ground-truth.json and html/<id>.html.gz")
    parser.add_argument("--fundus", type=Path, required=True, metavar="DIR",
                        help="folder with expected.jsonl and the pages it names")
    parser.add_argument("--json", type=Path, metavar="OUT", help="also write the figures here")
    parser.add_argument("--predictions", type=Path, metavar="DIR",
                        help="also write each system's raw outputs here")
    args = parser.parse_args(argv)

    runner = Runner()
    aeb, aeb_predictions = run_aeb(args.aeb, runner)
    fundus, fundus_predictions = run_fundus(args.fundus, runner)
    print(table(aeb, fundus, runner))
    if args.json:
        args.json.write_text(json.dumps(figures_json(aeb, fundus, runner), indent=2) + "\n",
                             encoding="utf-8")
    if args.predictions:
        write_predictions(args.predictions, aeb_predictions, fundus_predictions)
    return 0


if __name__ == "__main__":
    sys.exit(main())
