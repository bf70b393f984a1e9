"""Extraction benchmark: newsbot against trafilatura, resiliparse and readability-lxml on real
news pages, with newsbot's fitted thresholds scored in fold and out of fold.

    python benchmarks/extraction.py --aeb ../shared/datasets/aeb-dev \\
        --fundus ../shared/datasets/fundus-dev [--json OUT] [--predictions DIR] [--no-warc]

Every system runs in this process on the same decoded pages, one page at a time and in turn
(the order rotates from page to page), so the timings share the machine's load and compare as
ratios. newsbot runs exactly as ``newsbot extract`` does (extract, clean, attribute); the
``resiliparse`` row is the second main-text method newsbot uses, alone.

Honest tuning: newsbot's main-text thresholds (:class:`newsbot.extraction.body.Tuning`) were
chosen on these pages, so the run refits them by grouped k-fold cross-validation: the sites
(AEB: host, fundus: publisher) are split into folds, the grid point best on the other folds
scores each held-out fold, and the table gives these out-of-fold figures beside the in-fold
ones (the grid point best on all pages). Systems without fitted parameters score the same in
both.

Throughput: the pages are written to a WARC file in a temporary folder and read back by
``newsbot extract --warc`` and by trafilatura (same reader, same records), each in a process
of its own; records per CPU second of that process (startup and model loading included).

Datasets:

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
import dataclasses
import itertools
import json
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
import unicodedata
import zlib
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps
from pathlib import Path
from typing import Any, Self
from urllib.parse import urlsplit

import html_text
import trafilatura
from readability import Document

from newsbot.archive.warc import Exchange, Page, WarcWriter, read_pages
from newsbot.cli import extract_page, read_page
from newsbot.encoding import decode_html
from newsbot.exporters import article_record
from newsbot.extraction import body
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


def run_resiliparse(html: str, url: str, path: Path) -> Prediction:
    """The second main-text method newsbot uses, alone (resiliparse's main content)."""
    return {"url": url, "articleBody": "\n".join(body.resiliparse_paragraphs(html))}


def run_readability(html: str, url: str, path: Path) -> Prediction:
    doc = Document(html, url=url)
    return {"url": url, "headline": doc.short_title(),
            "articleBody": html_text.extract_text(doc.summary(html_partial=True))}


SYSTEMS: dict[str, Callable[[str, str, Path], Prediction]] = {
    "newsbot": run_newsbot,
    "trafilatura": run_trafilatura,
    "trafilatura_precision": run_trafilatura_precision,
    "resiliparse": run_resiliparse,
    "readability": run_readability,
}
FITTED = ("newsbot",)  # systems whose thresholds were chosen on these pages


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


# --- the pages ------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class DevPage:
    dataset: str  # "aeb" or "fundus"
    key: str  # the AEB id, the fundus file
    url: str
    html: str
    path: Path
    site: str  # what cross-validation groups by: the AEB page's host, the fundus publisher
    truth: dict[str, Any]


def load_pages(aeb: Path, fundus: Path) -> list[DevPage]:
    pages = []
    truth = json.loads((aeb / "ground-truth.json").read_text(encoding="utf-8"))
    for page_id, item in sorted(truth.items()):
        path = aeb / "html" / f"{page_id}.html.gz"
        pages.append(DevPage("aeb", page_id, item["url"], decode_html(read_page(path)), path,
                             _host(item["url"]), item))
    with open(fundus / "expected.jsonl", encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                item = json.loads(line)
                path = fundus / item["file"]
                pages.append(DevPage("fundus", item["file"], item["url"],
                                     decode_html(read_page(path)), path,
                                     item.get("publisher") or _host(item["url"]), item))
    return pages


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").removeprefix("www.")


# --- running ---------------------------------------------------------------------------------

class Runner:
    """Runs every system on one page after another and keeps outputs, timings and failures."""

    def __init__(self) -> None:
        self.ms: dict[str, list[float]] = {name: [] for name in SYSTEMS}
        self.errors: Counter[str] = Counter()
        self.turn = 0

    def run(self, page: DevPage) -> dict[str, Prediction]:
        names = list(SYSTEMS)
        names = names[self.turn % len(names):] + names[: self.turn % len(names)]
        self.turn += 1
        outputs: dict[str, Prediction] = {}
        for name in names:
            start = time.perf_counter()
            outputs[name] = self.call(name, SYSTEMS[name], page)
            self.ms[name].append((time.perf_counter() - start) * 1000)
        return {name: outputs[name] for name in SYSTEMS}

    def call(self, name: str, system: Callable[[str, str, Path], Prediction],
             page: DevPage) -> Prediction:
        label = f"{page.dataset}/{page.key}"
        try:
            output = system(page.html, page.url, page.path)
        except Exception:  # noqa: BLE001 - a benchmark counts failures, it does not stop
            self.errors[name] += 1
            print(f"{name}: {label}: raised\n{traceback.format_exc()}", file=sys.stderr)
            return {"url": page.url}
        if not (output.get("articleBody") or "").strip():
            print(f"{name}: {label}: no body", file=sys.stderr)
        return output


def score(pages: list[DevPage], predictions: dict[str, Prediction]) -> dict[str, dict]:
    """The AEB and fundus figures of one system's ``predictions`` (by page key)."""
    aeb = [p for p in pages if p.dataset == "aeb"]
    fundus = [p for p in pages if p.dataset == "fundus"]
    return {"aeb": score_aeb(aeb, [predictions[p.key] for p in aeb]),
            "fundus": score_fundus([p.truth for p in fundus],
                                   [predictions[p.key] for p in fundus])}


def score_aeb(pages: list[DevPage], predictions: list[Prediction]) -> dict[str, Any]:
    bodies = [(p.truth.get("articleBody"), got.get("articleBody") or "")
              for p, got in zip(pages, predictions, strict=True)]
    return {
        **shingle_scores([shingle_match(want, got) for want, got in bodies]),
        "accuracy": statistics.fmean(tokens(want) == tokens(got) for want, got in bodies)
        if bodies else 0.0,
        "empty": sum(not tokens(got) for _, got in bodies),
        "pages": len(bodies),
    }


def score_fundus(expected: list[dict], predictions: list[Prediction]) -> dict[str, Any]:
    headline, minute, day, bodies = [], [], [], []
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
            bodies.append(shingle_match(
                unicodedata.normalize("NFC", want["body"]),
                unicodedata.normalize("NFC", got.get("articleBody") or "")))
    p = statistics.fmean(author_p) if author_p else 0.0
    r = statistics.fmean(author_r) if author_r else 0.0
    return {
        "headline_exact": statistics.fmean(headline) if headline else 0.0,
        "authors_precision": p, "authors_recall": r,
        "authors_f1": 2 * p * r / (p + r) if p + r else 0.0,
        "date_minute": statistics.fmean(minute) if minute else 0.0,
        "date_day": statistics.fmean(day) if day else 0.0,
        "body_f1": shingle_scores(bodies)["f1"] if bodies else 0.0,
        "empty": sum(not tokens(p.get("articleBody")) for p in predictions),
        "pages": len(predictions),
    }


# --- honest tuning: grouped k-fold cross-validation of newsbot's thresholds ---------------

FOLDS = 5
GRID: dict[str, tuple[float, ...]] = {
    "agreement": (0.7, 0.8, 0.9),
    "sibling_share": (0.2, 0.5, 1.01),
    "max_other_text": (0.25, 0.35, 0.5),
}


def grid() -> list[body.Tuning]:
    return [dataclasses.replace(body.TUNING, **dict(zip(GRID, values, strict=True)))
            for values in itertools.product(*GRID.values())]


def fold_of(page: DevPage) -> int:
    """Sites, never pages, are assigned to folds: no site is both fitted and scored."""
    return zlib.crc32(f"{page.dataset}:{page.site}".encode()) % FOLDS


def body_matches(pages: list[DevPage], predictions: dict[str, Prediction]
                 ) -> dict[str, tuple[float, float, float]]:
    """Each page's body shingle match (what :func:`objective` needs), computed once."""
    matches = {}
    for page in pages:
        want = page.truth.get("articleBody" if page.dataset == "aeb" else "body")
        if want is not None:
            got = predictions[page.key].get("articleBody") or ""
            matches[page.key] = shingle_match(unicodedata.normalize("NFC", want),
                                              unicodedata.normalize("NFC", got))
    return matches


def objective(subset: list[DevPage], matches: dict[str, tuple[float, float, float]]) -> float:
    """What a grid point is chosen by: the mean body F1 of the two datasets on ``subset``."""
    return statistics.fmean(
        shingle_scores([matches[p.key] for p in subset
                        if p.dataset == dataset and p.key in matches])["f1"]
        for dataset in ("aeb", "fundus"))


class Memo:
    """The main-text methods' outputs kept per page while the grid is run: they do not depend
    on the thresholds, only the choice between them does."""

    def __init__(self) -> None:
        self.saved = (body.resiliparse_paragraphs, body.trafilatura_paragraphs)
        self.resiliparse: dict[int, list[str]] = {}
        self.trafilatura: dict[int, list[str]] = {}

    def __enter__(self) -> Self:
        resiliparse, trafilatura_paragraphs = self.saved

        @wraps(resiliparse)
        def remembered_resiliparse(html: str) -> list[str]:
            if id(html) not in self.resiliparse:
                self.resiliparse[id(html)] = resiliparse(html)
            return self.resiliparse[id(html)]

        @wraps(trafilatura_paragraphs)
        def remembered_trafilatura(html: str, url: str | None, blocks: list) -> list[str]:
            if id(html) not in self.trafilatura:
                self.trafilatura[id(html)] = trafilatura_paragraphs(html, url, blocks)
            return self.trafilatura[id(html)]

        body.resiliparse_paragraphs = remembered_resiliparse  # type: ignore[assignment]
        body.trafilatura_paragraphs = remembered_trafilatura  # type: ignore[assignment]
        return self

    def __exit__(self, *exc: object) -> None:
        body.resiliparse_paragraphs, body.trafilatura_paragraphs = self.saved


def newsbot_outputs(pages: list[DevPage], tuning: body.Tuning) -> dict[str, Prediction]:
    return {p.key: article_record(extract_page(p.html, p.url, p.path, tuning=tuning))
            for p in pages}


def cross_validate(pages: list[DevPage]) -> dict[str, Any]:
    """In-fold (the grid point best on all pages, scored on them) and out-of-fold (each fold
    scored with the grid point best on the other folds) predictions of newsbot."""
    points = grid()
    with Memo():  # the pages hold their html for the whole run, so id(html) is stable
        outputs = [newsbot_outputs(pages, tuning) for tuning in points]
    matches = [body_matches(pages, predictions) for predictions in outputs]

    def best(subset: list[DevPage]) -> int:
        return max(range(len(points)), key=lambda i: objective(subset, matches[i]))

    in_fold = best(pages)
    out_of_fold: dict[str, Prediction] = {}
    chosen = []
    for fold in range(FOLDS):
        held_out = [p for p in pages if fold_of(p) == fold]
        i = best([p for p in pages if fold_of(p) != fold])
        chosen.append({"fold": fold, "sites": len({p.site for p in held_out}),
                       "pages": len(held_out), "tuning": _tuning_dict(points[i])})
        out_of_fold.update({p.key: outputs[i][p.key] for p in held_out})
    return {"in_fold": outputs[in_fold], "out_of_fold": out_of_fold,
            "in_fold_tuning": _tuning_dict(points[in_fold]), "folds": chosen,
            "grid_points": len(points)}


def _tuning_dict(tuning: body.Tuning) -> dict[str, float]:
    return {name: getattr(tuning, name) for name in GRID}


# --- throughput on a WARC file -------------------------------------------------------------

def write_warc(pages: list[DevPage], path: Path) -> int:
    writer = WarcWriter(path, {"software": "newsbot benchmarks/extraction.py"})
    for page in pages:
        writer.write(Exchange(page.url, 200, [("Content-Type", "text/html; charset=utf-8")],
                              page.html.encode("utf-8")))
    writer.close()
    return len(pages)


def _child_cpu(command: list[str]) -> tuple[float, int]:
    """CPU seconds (user + system) of a child process, and the lines it printed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, sum(1 for line in done.stdout.splitlines() if line.strip())


def warc_throughput(pages: list[DevPage]) -> dict[str, Any]:
    """``newsbot extract --warc`` and trafilatura on the same WARC records, each in a process
    of its own, in records per CPU second (one core)."""
    newsbot = Path(sys.executable).with_name("newsbot")
    with tempfile.TemporaryDirectory() as folder:
        warc = Path(folder) / "pages.warc.gz"
        figures: dict[str, Any] = {"records": write_warc(pages, warc)}
        for name, command in (
                ("newsbot extract --warc", [str(newsbot), "extract", "--warc", str(warc)]),
                ("trafilatura", [sys.executable, __file__, "--trafilatura-warc", str(warc)])):
            cpu, lines = _child_cpu(command)
            figures[name] = {"cpu_s": cpu, "lines": lines,
                             "records_per_cpu_s": figures["records"] / cpu}
    return figures


def trafilatura_warc(path: Path) -> int:
    """trafilatura (as in the table) on every article record of a WARC file, read with the
    reader ``newsbot extract --warc`` uses; one JSON line per record."""
    from newsbot.spiders.base import is_page_type  # the crawl's own test, as the CLI's
    with open(path, "rb") as stream:
        for outcome in read_pages(stream, 10 * 2**20, is_page_type):
            if isinstance(outcome, Page):
                document = run_trafilatura(decode_html(outcome.body, outcome.content_type),
                                           outcome.url, path)
                sys.stdout.write(json.dumps(document, ensure_ascii=False, default=str) + "\n")
    return 0


# --- output -----------------------------------------------------------------------------------

def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else 0.0


def table(figures: dict[str, dict], runner: Runner) -> str:
    head = ("| system | AEB F1 | P | R | acc | empty | fundus headline | authors P | authors R "
            "| authors F1 | date min | date day | body F1 | empty | ms median | ms p95 "
            "| × trafilatura | errors |")
    rows = [head, "|" + "---|" * head.count(" | ") + "---|"]
    reference = statistics.median(runner.ms["trafilatura"])
    for name in SYSTEMS:
        a, f, ms = figures[name]["aeb"], figures[name]["fundus"], runner.ms[name]
        rows.append(
            f"| {name} | {a['f1']:.3f} | {a['precision']:.3f} | {a['recall']:.3f} "
            f"| {a['accuracy']:.3f} | {a['empty']} | {f['headline_exact']:.3f} "
            f"| {f['authors_precision']:.3f} | {f['authors_recall']:.3f} "
            f"| {f['authors_f1']:.3f} | {f['date_minute']:.3f} | {f['date_day']:.3f} "
            f"| {f['body_f1']:.3f} | {f['empty']} | {statistics.median(ms):.1f} "
            f"| {percentile(ms, 0.95):.1f} | {statistics.median(ms) / reference:.2f} "
            f"| {runner.errors[name]} |")
    return "\n".join(rows)


def report(main_run: dict[str, dict], cv: dict[str, Any], pages: list[DevPage],
           runner: Runner, throughput: dict[str, Any] | None, methods: Counter[str]) -> str:
    in_fold = {**main_run, "newsbot": score(pages, cv["in_fold"])}
    out_of_fold = {**main_run, "newsbot": score(pages, cv["out_of_fold"])}
    aeb = sum(p.dataset == "aeb" for p in pages)
    shipped = main_run["newsbot"]
    folds = "; ".join(f"fold {c['fold']} ({c['sites']} sites, {c['pages']} pages) "
                      f"{json.dumps(c['tuning'])}" for c in cv["folds"])
    used = ", ".join(f"{name} {n}" for name, n in methods.most_common())
    lines = [
        (f"AEB: {aeb} pages; fundus: {len(pages) - aeb} pages; sites in {FOLDS} folds; "
         f"{cv['grid_points']} grid points of {', '.join(GRID)}."),
        "",
        (f"In fold (newsbot's thresholds chosen on all pages: "
         f"{json.dumps(cv['in_fold_tuning'])}):"),
        "", table(in_fold, runner), "",
        ("Out of fold (each fold scored with the thresholds best on the other folds; the "
         "systems without fitted thresholds as in fold):"),
        "", table(out_of_fold, runner), "",
        f"Thresholds per held-out fold: {folds}",
        "", f"newsbot's main text by method (shipped thresholds): {used}", "",
        (f"Shipped thresholds {json.dumps(_tuning_dict(body.TUNING))} (the run the ms columns "
         f"time): AEB F1 {shipped['aeb']['f1']:.3f}, acc {shipped['aeb']['accuracy']:.3f}; "
         f"fundus body F1 {shipped['fundus']['body_f1']:.3f}."),
    ]
    if throughput:
        ours, theirs = throughput["newsbot extract --warc"], throughput["trafilatura"]
        ratio = ours["records_per_cpu_s"] / theirs["records_per_cpu_s"]
        lines += ["", (f"WARC of {throughput['records']} records, one process each: "
                       f"newsbot extract --warc {ours['records_per_cpu_s']:.1f} records/CPU s "
                       f"({ours['cpu_s']:.1f} s CPU, {ours['lines']} lines out); trafilatura "
                       f"{theirs['records_per_cpu_s']:.1f} records/CPU s "
                       f"({theirs['cpu_s']:.1f} s CPU); newsbot at {ratio:.2f}× trafilatura's "
                       "throughput.")]
    return "\n".join(lines)


def write_predictions(folder: Path, pages: list[DevPage],
                      outputs: dict[str, dict[str, Prediction]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, predictions in outputs.items():
        for dataset in ("aeb", "fundus"):
            with open(folder / f"{name}-{dataset}.jsonl", "w", encoding="utf-8") as out:
                out.writelines(json.dumps({"key": p.key, **predictions[p.key]},
                                          ensure_ascii=False, default=str) + "\n"
                               for p in pages if p.dataset == dataset)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--aeb", type=Path, metavar="DIR",
                        help="folder with ground-truth.json and html/<id>.html.gz")
    parser.add_argument("--fundus", type=Path, metavar="DIR",
                        help="folder with expected.jsonl and the pages it names")
    parser.add_argument("--json", type=Path, metavar="OUT", help="also write the figures here")
    parser.add_argument("--predictions", type=Path, metavar="DIR",
                        help="also write each system's raw outputs here")
    parser.add_argument("--no-warc", action="store_true",
                        help="skip the WARC throughput measurement")
    parser.add_argument("--trafilatura-warc", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.trafilatura_warc:  # the throughput measurement's child process
        return trafilatura_warc(args.trafilatura_warc)
    if not (args.aeb and args.fundus):
        parser.error("--aeb and --fundus are required")

    pages = load_pages(args.aeb, args.fundus)
    runner = Runner()
    methods: Counter[str] = Counter()
    choose = body.choose

    @wraps(choose)
    def counted(*a: Any, **k: Any) -> body.Choice:
        choice = choose(*a, **k)
        methods[choice.method] += 1
        return choice

    body.choose = counted  # type: ignore[assignment]
    outputs: dict[str, dict[str, Prediction]] = {name: {} for name in SYSTEMS}
    for page in pages:
        for name, output in runner.run(page).items():
            outputs[name][page.key] = output
    body.choose = choose  # type: ignore[assignment]
    main_run = {name: score(pages, outputs[name]) for name in SYSTEMS}
    cv = cross_validate(pages)
    throughput = None if args.no_warc else warc_throughput(pages)
    print(report(main_run, cv, pages, runner, throughput, methods))
    if args.json:
        args.json.write_text(json.dumps({
            "main_run": main_run,
            "newsbot_in_fold": score(pages, cv["in_fold"]),
            "newsbot_out_of_fold": score(pages, cv["out_of_fold"]),
            "folds": cv["folds"], "in_fold_tuning": cv["in_fold_tuning"],
            "ms_median": {n: statistics.median(runner.ms[n]) for n in SYSTEMS},
            "ms_p95": {n: percentile(runner.ms[n], 0.95) for n in SYSTEMS},
            "methods": dict(methods), "warc": throughput}, indent=2) + "\n", encoding="utf-8")
    if args.predictions:
        write_predictions(args.predictions, pages,
                          {**outputs, "newsbot_out_of_fold": cv["out_of_fold"]})
    return 0


if __name__ == "__main__":
    sys.exit(main())
