"""Live blogs, correction notices and paywalls on real news pages: what is found, and its cost.

    python benchmarks/features.py --aeb ../shared/datasets/aeb-dev \\
        --fundus ../shared/datasets/fundus-dev

The pages carry no ground truth for these fields, so the script lists every live blog, notice
and paywall it finds (with where the evidence came from), to be checked by eye, and counts the
pages whose JSON-LD declares a ``LiveBlogPosting`` (each should give posts). Cost: on every page
the whole extraction (``extract_article``) and the three new steps alone (``live_blog``,
``find_corrections``, ``accessible_for_free`` on a fresh parse) are timed in CPU seconds in the
same run, so their share of extraction is a ratio measured under the same load.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import time
from collections import Counter
from pathlib import Path
from typing import Any

from newsbot.encoding import decode_html
from newsbot.extraction import extract_article, parse_html
from newsbot.extraction.corrections import find_corrections
from newsbot.extraction.liveblog import live_blog
from newsbot.extraction.paywall import _boolean, _parts, accessible_for_free
from newsbot.extraction.structured import article_node, json_ld_nodes, meta_tags

DECLARED_LIVE = re.compile(r'"@type"\s*:\s*\[?\s*"LiveBlogPosting"')


def pages(aeb: Path, fundus: Path) -> list[tuple[str, Path, str]]:
    truth = json.loads((aeb / "ground-truth.json").read_text(encoding="utf-8"))
    found = [(f"aeb/{key[:12]}", aeb / "html" / f"{key}.html.gz", entry["url"])
             for key, entry in sorted(truth.items())]
    for line in (fundus / "expected.jsonl").read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        found.append((f"fundus/{Path(entry['file']).name.split('.')[0]}", fundus / entry["file"],
                       entry["url"]))
    return found


def paywall_source(node: dict[str, Any], meta: dict[str, list[str]]) -> str:
    if any(_boolean(p.get("isAccessibleForFree")) is False for p in _parts(node)):
        return "JSON-LD hasPart"
    if _boolean(node.get("isAccessibleForFree")) is not None:
        return "JSON-LD"
    if meta.get("article:content_tier"):
        return "article:content_tier"
    return "announced on the page"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--aeb", type=Path, required=True, metavar="DIR")
    parser.add_argument("--fundus", type=Path, required=True, metavar="DIR")
    args = parser.parse_args()
    whole: list[float] = []
    steps: list[float] = []
    live, notices, paywalled, free, declared = [], [], Counter[str](), 0, 0
    for name, path, url in pages(args.aeb, args.fundus):
        html = decode_html(gzip.decompress(path.read_bytes()))
        declared += bool(DECLARED_LIVE.search(html))
        start = time.process_time()
        article = extract_article(url, html)
        whole.append(time.process_time() - start)
        tree = parse_html(html)
        if tree is None:
            steps.append(0.0)
            continue
        nodes = json_ld_nodes(tree)
        node = article_node(nodes) or {}
        meta = meta_tags(tree)
        start = time.process_time()
        live_blog(node, nodes, tree, url)
        find_corrections(tree, node)
        accessible_for_free(node, meta, tree)
        steps.append(time.process_time() - start)
        if posts := article.get("liveBlogUpdates"):
            live.append((name, article.get("pageType"), len(posts), posts[0]["headline"]))
        notices += [(name, n["kind"], n["date"], n["text"]) for n in article.get("corrections", [])]
        if article.get("isAccessibleForFree") is False:
            paywalled[paywall_source(node, meta)] += 1
        free += article.get("isAccessibleForFree") is True
    total = len(whole)
    print(f"{total} pages ({declared} declare a LiveBlogPosting in JSON-LD)\n")
    print(f"live blogs with posts: {len(live)}")
    for name, kind, count, first in live:
        print(f"  {name}: {kind}, {count} posts, first: {first!r}")
    print(f"\ncorrection and update notices: {len(notices)}")
    for name, kind, date, text in notices:
        print(f"  {name}: {kind} ({date}): {text[:100]!r}")
    print(f"\nisAccessibleForFree: false on {sum(paywalled.values())} pages "
          f"({', '.join(f'{k}: {v}' for k, v in paywalled.most_common())}), true on {free}, "
          f"null on {total - free - sum(paywalled.values())}")
    share = sum(steps) / sum(whole)
    print(f"\ncost (CPU, same run): extraction median {statistics.median(whole) * 1000:.1f} ms "
          f"per page; the three steps median {statistics.median(steps) * 1000:.2f} ms, "
          f"{share:.1%} of extraction time in total")


if __name__ == "__main__":
    main()
