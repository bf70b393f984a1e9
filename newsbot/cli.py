"""The ``newsbot`` command: tools around the crawl (``scrapy crawl`` runs the crawl itself)."""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

import newsbot.settings
from newsbot.attribution import attribute
from newsbot.attribution.agencies import Agencies
from newsbot.cleaning import clean_article
from newsbot.encoding import decode_html
from newsbot.exporters import article_record, dumps_line
from newsbot.extraction import extract_article
from newsbot.outlets import load_outlets, outlet_for
from newsbot.pipelines.attribute import agency_config


def read_page(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" or data[:2] == b"\x1f\x8b" else data


def extract_page(html: str, url: str | None, path: Path) -> dict:
    """The crawl's extract, clean and attribute stages on a saved page (its canonical URL if
    none given), with the default agencies."""
    article = extract_article(url or path.resolve().as_uri(), html)
    if not url and str(article.get("canonicalUrl", "")).startswith(("http://", "https://")):
        article = extract_article(article["canonicalUrl"], html)
    article = clean_article(article)
    if outlet := outlet_for(article["url"], load_outlets()):
        article["publisher"] = outlet.title
    agencies = Agencies(agency_config(newsbot.settings.NEWSBOT_ATTRIBUTION_AGENCIES, None))
    return {**article, **asdict(attribute(article, agencies))}


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
    yield from zip(map(Path, args.files), urls or [None] * len(args.files))


def cmd_extract(args: argparse.Namespace) -> int:
    failures = 0
    for path, url in _inputs(args):
        try:
            article = extract_page(decode_html(read_page(path)), url, path)
        except (OSError, EOFError, ValueError) as exc:
            failures += 1
            print(f"{path}: cannot extract: {exc}", file=sys.stderr)
            continue
        if not article.get("articleBody"):
            print(f"{path}: no article text found", file=sys.stderr)
        sys.stdout.write(dumps_line(article_record(article)) + "\n")
    return 1 if failures else 0


def cmd_demo(args: argparse.Namespace) -> int:
    from newsbot.demo.run import main as demo_main

    return demo_main(Path(args.out))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsbot",
        description="Tools around newsbot crawls. Crawl with `scrapy crawl news -a outlet=NAME`.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    extract = commands.add_parser(
        "extract", help="re-extract saved pages (.html or .html.gz) into Article JSON lines",
        description="Run the crawl's extract and clean stages on saved pages and print one "
                    "Article JSON object per line, in input order.")
    extract.add_argument("files", nargs="*", metavar="FILE", help="saved page, .html or .html.gz")
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
    demo.set_defaults(func=cmd_demo)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "extract" and not (args.files or args.manifest):
        build_parser().error("extract needs FILE arguments or --manifest")
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
