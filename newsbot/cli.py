"""The ``newsbot`` command: the crawl from any folder (``newsbot crawl``, which is ``scrapy crawl``
with newsbot's settings) and the tools around it."""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy.settings import Settings

import newsbot.settings
from newsbot.attribution import attribute
from newsbot.attribution.agencies import Agencies
from newsbot.cleaning import clean_article
from newsbot.config import SettingsError, check_settings
from newsbot.encoding import decode_html
from newsbot.exporters import article_record, dumps_line
from newsbot.extraction import extract_article
from newsbot.extraction.body import TUNING, Tuning
from newsbot.items import ArticleData
from newsbot.outlets import Outlet, load_outlets, outlet_for
from newsbot.pipelines.attribute import agency_config
from newsbot.state import article_key, version_id

if TYPE_CHECKING:
    from newsbot.archive.warc import Page


def read_page(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" or data[:2] == b"\x1f\x8b" else data


@dataclass(frozen=True)
class Stages:
    """What the crawl's extract, clean and attribute stages are configured with."""

    outlets: dict[str, Outlet]
    agencies: Agencies
    max_bytes: int

    @classmethod
    def from_settings(cls, overrides: Sequence[str] = ()) -> Stages:
        """The project's settings, with ``-s NAME=VALUE`` overrides as in ``scrapy crawl``,
        checked as a crawl checks them: a bad one exits with status 2."""
        settings = Settings()
        settings.setmodule(newsbot.settings, priority="project")
        for override in overrides:
            name, sep, value = override.partition("=")
            if not sep:
                raise SystemExit(f"-s {override}: give NAME=VALUE")
            settings.set(name.strip(), value, priority="cmdline")
        try:
            check_settings(settings)
        except SettingsError as exc:
            print(f"newsbot extract: error: {exc}", file=sys.stderr)
            raise SystemExit(2) from None
        outlets_file = settings.get("NEWSBOT_OUTLETS_FILE")
        agencies = agency_config(settings.getdict("NEWSBOT_ATTRIBUTION_AGENCIES"), outlets_file)
        return cls(load_outlets(outlets_file), Agencies(agencies),
                   settings.getint("DOWNLOAD_MAXSIZE"))


def extract_page(html: str, url: str | None, path: Path, stages: Stages | None = None,
                 tuning: Tuning = TUNING) -> dict[str, Any]:
    """The crawl's extract, clean and attribute stages on a saved page (its canonical URL if
    none given), with the project's outlets and agencies unless ``stages`` says otherwise
    (``tuning``: main-text thresholds, for the extraction benchmark's cross-validation)."""
    article = extract_article(url or path.resolve().as_uri(), html, tuning)
    canonical = str(article.get("canonicalUrl") or "")
    if not url and canonical.startswith(("http://", "https://")):
        article = extract_article(canonical, html, tuning)
    return _after_extraction(article, stages or Stages.from_settings())


def extract_record(page: Page, warc_file: str, stages: Stages) -> dict[str, Any]:
    """The same stages on a page read from a WARC file: fetched when the record says."""
    article = extract_article(page.url, decode_html(page.body, page.content_type))
    article["crawledAt"], article["warcFile"] = page.date, warc_file
    article["warcRecordId"] = page.record_id
    return _after_extraction(article, stages)


def _after_extraction(article: ArticleData, stages: Stages) -> dict[str, Any]:
    article = clean_article(article)
    outlet = outlet_for(article["url"], stages.outlets)
    article["publisher"] = outlet.title if outlet else urlsplit(article["url"]).hostname
    # the crawl's id: the same article with the same text has it whatever extracted it
    article["id"] = version_id(article_key(article["url"], article.get("canonicalUrl")),
                               article.get("contentHash"))
    return {**article, **asdict(attribute(article, stages.agencies))}


def _inputs(args: argparse.Namespace) -> Iterator[tuple[Path, str | None]]:
    if args.manifest:
        with open(args.manifest, encoding="utf-8") as lines:
            for number, line in enumerate(lines, 1):
                if line.strip():
                    try:
                        entry = json.loads(line)
                        yield Path(entry["path"]), entry.get("url")
                    except (ValueError, KeyError, TypeError):
                        print(f"{args.manifest}:{number}: not a {{\"path\", \"url\"}} object",
                              file=sys.stderr)
    urls = args.url or []
    if urls and len(urls) != len(args.files):
        raise SystemExit("give one --url per FILE (or none: the page's canonical URL is used)")
    yield from zip(map(Path, args.files), urls or [None] * len(args.files), strict=True)


def cmd_extract(args: argparse.Namespace) -> int:
    stages = Stages.from_settings(args.set or ())
    if args.warc:
        statuses = [extract_warc(name, stages) for name in args.files]
        return 1 if any(statuses) else 0
    failures = 0
    for path, url in _inputs(args):
        try:
            article = extract_page(decode_html(read_page(path)), url, path, stages)
        except (OSError, EOFError, ValueError) as exc:
            failures += 1
            print(f"{path}: cannot extract: {exc}", file=sys.stderr)
            continue
        _print_article(article, str(path))
    return 1 if failures else 0


def _print_article(article: dict, where: str) -> None:
    if not article.get("articleBody"):
        print(f"{where}: no article text found", file=sys.stderr)
    sys.stdout.write(dumps_line(article_record(article)) + "\n")


def extract_warc(name: str, stages: Stages) -> int:
    """Print an Article line per article response in WARC file ``name``; 1 when the file could
    not be read to its end or a page could not be extracted, else 0."""
    from newsbot.archive.warc import NotWarc, Skipped, WarcCutShort, read_pages
    from newsbot.spiders.base import is_page_type

    articles, skipped, failed = 0, Counter[str](), 0
    try:
        with open(name, "rb") as stream:
            for outcome in read_pages(stream, stages.max_bytes, is_page_type):
                where = f"{name}: record {outcome.record_id} ({outcome.url})"
                if isinstance(outcome, Skipped):
                    skipped[outcome.reason] += 1
                    print(f"{where}: skipped ({outcome.reason}): {outcome.detail}",
                          file=sys.stderr)
                    continue
                try:
                    article = extract_record(outcome, name, stages)
                except Exception as exc:  # one bad page does not stop the file
                    failed += 1
                    print(f"{where}: cannot extract: {exc!r}", file=sys.stderr)
                    continue
                _print_article(article, where)
                articles += 1
    except OSError as exc:
        print(f"{name}: cannot read: {exc}", file=sys.stderr)
        return 1
    except NotWarc as exc:
        print(f"{name}: not a WARC file: {exc}", file=sys.stderr)
        return 1
    except WarcCutShort as exc:
        print(f"{name}: {exc}: {articles} articles read before it", file=sys.stderr)
        failed += 1
    detail = ", ".join(f"{reason}: {n}" for reason, n in sorted(skipped.items()))
    print(f"{name}: {articles} articles; {sum(skipped.values())} records skipped"
          f"{f' ({detail})' if detail else ''}", file=sys.stderr)
    return 1 if failed else 0


def crawl(argv: list[str]) -> int:
    """``scrapy crawl ARGS`` with newsbot's settings: an installed newsbot has no ``scrapy.cfg``
    to find them. A ``SCRAPY_SETTINGS_MODULE`` in the environment (a project of yours) wins."""
    from scrapy.cmdline import execute

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "newsbot.settings")
    try:
        execute(["scrapy", "crawl", *argv])
    except SystemExit as exc:  # execute() always ends with sys.exit
        return exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    if args.workers > 1:
        from newsbot.demo.distributed import main as distributed_main

        return distributed_main(Path(args.out), args.workers)
    from newsbot.demo.run import main as demo_main

    return demo_main(Path(args.out), args.archive)


def cmd_export(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from newsbot.dataset import card, formats, reader
    from newsbot.dataset.changes import CHANGE_COLUMNS, change_rows, with_changes
    from newsbot.dataset.entries import ENTRY_COLUMNS, entry_rows

    out = Path(args.output)
    fmt = args.format or formats.SUFFIXES.get(out.suffix.lower())
    if fmt == "hf" and (args.changes or args.live_entries):
        raise SystemExit("--format hf writes the articles; export --changes or --live-entries "
                         "as .jsonl, .csv or .parquet")
    if fmt is None:
        raise SystemExit(f"cannot tell the format of {out} from its name; give --format "
                         f"({', '.join([*formats.FORMATS, 'hf'])})")
    filters = reader.Filters(
        since=args.since, until=args.until,
        languages=tuple(x.lower() for x in args.language or ()),
        agencies=tuple(x.strip().lower() for x in args.agency or ()),
        latest_version_only=args.latest_version_only, originals_only=args.originals_only,
        story_originals=args.story_originals)
    outlets = [n.strip() for value in args.outlet or () for n in value.split(",") if n.strip()]
    try:
        files = reader.partitions(Path(args.data), outlets)
    except reader.DatasetError as exc:
        raise SystemExit(f"newsbot export: {exc}") from None
    report = reader.Report()
    size = sum(f.stat().st_size for f in files)
    with tqdm(total=size, unit="B", unit_scale=True, desc="reading", disable=None,
              file=sys.stderr) as bar:
        selection = reader.select(files, filters, report, bar.update)
    for where in report.unreadable:
        print(f"{where}: not a complete article line (cut short by a crash?); skipped",
              file=sys.stderr)
    partial = out.with_name(out.name + ".part")  # never a half-written dataset under OUT
    with tqdm(total=len(selection.entries), unit=" articles", desc="writing", disable=None,
              file=sys.stderr) as bar:
        records = reader.read(files, selection, bar.update)
        rows, names, what = records, formats.columns(report.fields), "articles"
        if args.live_entries:
            rows, names, what = entry_rows(records), list(ENTRY_COLUMNS), "live-blog posts"
        else:  # versions 2, 3 ... compared with the version they replace (`changes`)
            rows = with_changes(records, files, report.located)
        if args.changes:
            rows, names, what = change_rows(rows), list(CHANGE_COLUMNS), "changed versions"
        if fmt == "hf":
            try:
                count = card.write_card(rows, out, names, files, report.located).articles
            except card.CardError as exc:
                raise SystemExit(f"newsbot export: {exc}") from None
        else:
            count = formats.write(rows, partial, fmt, names)
            os.replace(partial, out)
    print(f"{count} {what} from {report.partitions} partitions written to {out} ({fmt}); "
          f"{report.duplicates} replayed duplicates dropped, {report.filtered} filtered out, "
          f"{report.superseded} older versions left out, "
          f"{f'{report.copies} copies left out, ' if filters.story_originals else ''}"
          f"{selection.resolved} copies pointed at an original that arrived after them, "
          f"{len(report.unreadable)} unreadable lines skipped", file=sys.stderr)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from newsbot.report import ReportError, write_report

    out = Path(args.output)
    try:
        summary = write_report(args.datasets, out)
    except ReportError as exc:
        raise SystemExit(f"newsbot report: {exc}") from None
    outlets, runs = len(summary.outlet_articles), len(summary.runs)
    print(f"{out}: {summary.articles} articles of {outlets} outlet{'s' * (outlets != 1)}, "
          f"{runs} run{'s' * (runs != 1)} ({out.stat().st_size // 1024} KB)", file=sys.stderr)
    return 0


def iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date in YYYY-MM-DD form") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsbot",
        description="Crawl news outlets, and the tools around the crawls.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    commands.add_parser(
        "crawl", add_help=False,
        help="run a spider from any folder: the arguments of `scrapy crawl` (`newsbot crawl news "
             "-a outlet=NAME -s NAME=VALUE -O out.jsonl`; `newsbot crawl -h` lists them)")

    extract = commands.add_parser(
        "extract", help="re-extract saved pages (.html, .html.gz) or WARC files into Article "
                        "JSON lines",
        description="Run the crawl's extract, clean and attribute stages on saved pages, or on "
                    "every article response of WARC files, and print one Article JSON object "
                    "per line, in input order.")
    extract.add_argument("files", nargs="*", metavar="FILE",
                         help="saved page (.html or .html.gz), or WARC file with --warc")
    extract.add_argument("--warc", action="store_true",
                         help="the FILEs are WARC files (.warc or .warc.gz, newsbot's or another "
                              "crawler's): re-extract every article response in them")
    extract.add_argument("-s", "--set", action="append", metavar="NAME=VALUE",
                         help="a setting, as with scrapy crawl -s (NEWSBOT_OUTLETS_FILE, "
                              "NEWSBOT_ATTRIBUTION_AGENCIES as JSON, DOWNLOAD_MAXSIZE)")
    extract.add_argument("--url", action="append", metavar="URL",
                         help="URL the page was fetched from, once per FILE (default: the "
                              "page's canonical URL)")
    extract.add_argument("--manifest", metavar="LIST.jsonl",
                         help='JSON Lines file of {"path": ..., "url": ...} objects')
    extract.set_defaults(func=cmd_extract)

    demo = commands.add_parser(
        "demo", help="serve the bundled demo sites on 127.0.0.x and crawl them",
        description="Serve the bundled demo sites on loopback, crawl them with the news "
                    "spider and write OUT/articles.jsonl.")
    demo.add_argument("--out", default="data/demo", help="output folder (default: data/demo)")
    demo.add_argument("--archive", action="store_true",
                      help="also archive the article pages as WARC (OUT/articles.warc.gz)")
    demo.add_argument("--workers", type=int, default=1, metavar="N",
                      help="with N > 1, also crawl with N workers sharing a private redis-server "
                           "and check their combined dataset equals the single process's")
    demo.set_defaults(func=cmd_demo)

    export = commands.add_parser(
        "export", help="write the partitions of crawled outlets as one dataset "
                       "(JSON Lines, CSV or Parquet)",
        description="Read the run partitions (DATA/<outlet>/*.jsonl) of one or more outlets and "
                    "write one dataset: each article version once (lines replayed after a "
                    "crash dropped by id), each story resolved from every line read (a copy "
                    "exported before its original arrived points at it), filtered, ordered by "
                    "publication date, URL and version, so the same input always gives the "
                    "same output.")
    export.add_argument("-o", "--output", required=True, metavar="OUT",
                        help="dataset to write; its suffix (.jsonl, .csv, .parquet) picks the "
                             "format unless --format is given")
    export.add_argument("--format", choices=("jsonl", "csv", "parquet", "hf"),
                        help="output format (default: from OUT's suffix); hf: OUT is a folder "
                             "of Parquet shards (OUT/data/) and a dataset card (OUT/README.md) "
                             "a dataset hub reads")
    export.add_argument("--data", default="data", metavar="DIR",
                        help="folder holding the outlet folders (default: data)")
    export.add_argument("--outlet", action="append", metavar="NAME[,NAME...]",
                        help="outlet folder(s) to read, as crawled: NAME, or A+B for a crawl of "
                             "several outlets (default: every outlet under DIR)")
    export.add_argument("--since", type=iso_date, metavar="YYYY-MM-DD",
                        help="only articles published on or after this day (datePublished)")
    export.add_argument("--until", type=iso_date, metavar="YYYY-MM-DD",
                        help="only articles published on or before this day (datePublished)")
    export.add_argument("--language", action="append", metavar="LANG",
                        help="only articles in this language (inLanguage; 'en' matches "
                             "'en-GB'); repeat for several")
    export.add_argument("--agency", action="append", metavar="NAME",
                        help="only articles whose original agency (sourceOrganization) is NAME; "
                             "repeat for several")
    versions = export.add_mutually_exclusive_group()
    versions.add_argument("--latest-version-only", action="store_true",
                          help="of each article, only its latest version")
    versions.add_argument("--originals-only", action="store_true",
                          help="of each article, only its first version (version 1; a story's "
                               "copies stay: see --story-originals)")
    export.add_argument("--story-originals", action="store_true",
                        help="of each story, only its original article (the agency's own page, "
                             "else the target of a cross-outlet canonical, else the earliest "
                             "published): one article per story, reprints and copies left out. "
                             "Unlike --originals-only, which is about versions of one article, "
                             "this is about articles of one story; with --latest-version-only, "
                             "one line per story")
    rows = export.add_mutually_exclusive_group()
    rows.add_argument("--changes", action="store_true",
                      help="one row per version 2, 3 ... with what changed since the version it "
                           "replaces (fields, paragraphs added, removed, edited, new live-blog "
                           "posts, corrections)")
    rows.add_argument("--live-entries", action="store_true",
                      help="one row per live-blog post, with the id, URL and outlet of the page "
                           "it is on")
    export.set_defaults(func=cmd_export)

    report = commands.add_parser(
        "report", help="an HTML report with charts of datasets and their runs",
        description="Write one self-contained HTML file (charts inline, nothing fetched when "
                    "it is viewed): articles per day and outlet, shares of wire agencies, "
                    "story clusters and the most reprinted stories, field fill rates and "
                    "health warnings per outlet, run durations and errors.")
    report.add_argument("datasets", nargs="+", metavar="DATASET",
                        help="a data folder (data/), an outlet folder (data/apnews/), a run "
                             "partition or exported dataset (.jsonl), or a .parquet dataset")
    report.add_argument("-o", "--output", required=True, metavar="OUT.html",
                        help="the report to write")
    report.set_defaults(func=cmd_report)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["crawl"]:  # every argument is scrapy crawl's
        return crawl(argv[1:])
    args = build_parser().parse_args(argv)
    if args.command == "extract" and not (args.files or args.manifest):
        build_parser().error("extract needs FILE arguments or --manifest")
    if args.command == "extract" and args.warc and (args.url or args.manifest):
        build_parser().error("--warc reads the URLs from the WARC files: no --url or --manifest")
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
