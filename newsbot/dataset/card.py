"""A dataset that describes itself: Parquet shards and the card a dataset hub reads.

``newsbot export --format hf -o DIR`` writes ``DIR/data/train-NNNNN-of-NNNNN.parquet`` and
``DIR/README.md``: a YAML header in the form the Hugging Face Hub and the ``datasets`` library
read (``configs`` pointing at the shards, ``dataset_info.features`` spelled from the Parquet
schema, ``language``, ``size_categories``), then the card itself: what was crawled, when and
from whom, how much of it is syndicated and from which agency, how complete each field is, the
runs included, and per outlet whether its robots.txt, as the crawl read it, asks AI-training
crawlers to stay away, and how many of its articles were behind a paywall. Everything on the
card is counted from the records written and the manifests of the runs they came from.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from newsbot import __version__
from newsbot.dataset import formats
from newsbot.extensions.runs import filled, manifest_path, read_manifest
from newsbot.items import SCHEMA_VERSION
from newsbot.optouts import OutletOptOut, outlet_optouts

SHARD_ROWS = 50_000
"""Rows per Parquet shard: small enough to stream, large enough to keep the file count low."""
MARK = "<!-- written by newsbot export --format hf -->"
"""Tells a card folder newsbot wrote (and may replace) from any other folder."""
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")
SIZES = ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"),
         (1_000_000, "100K<n<1M"), (10_000_000, "1M<n<10M"))


class CardError(ValueError):
    """The card cannot be written where asked; the message says why."""


@dataclass
class CardStats:
    """What the card says, counted record by record as the shards are written."""

    articles: int = 0
    outlets: Counter[str] = field(default_factory=Counter)
    hosts: defaultdict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    languages: Counter[str] = field(default_factory=Counter)
    first: str | None = None
    last: str | None = None
    syndicated: Counter[str] = field(default_factory=Counter)
    """syndicated copies by the agency they come from"""
    paywalled: Counter[str] = field(default_factory=Counter)
    filled: Counter[str] = field(default_factory=Counter)
    live_blogs: int = 0
    live_posts: int = 0
    later_versions: int = 0
    corrected: int = 0
    per_file: Counter[int] = field(default_factory=Counter)
    optouts: list[OutletOptOut] = field(default_factory=list)
    """per outlet, what its robots.txt said to AI crawlers (known once the runs are read)"""

    def add(self, record: dict[str, Any], file: int | None) -> None:
        self.articles += 1
        outlet = str(record.get("publisher") or "unknown outlet")
        self.outlets[outlet] += 1
        if host := urlsplit(str(record.get("url") or "")).netloc:
            self.hosts[outlet].add(host)
        if language := record.get("inLanguage"):
            self.languages[str(language)] += 1
        if day := str(record.get("datePublished") or "")[:10]:
            self.first = min(self.first or day, day)
            self.last = max(self.last or day, day)
        if record.get("isSyndicated"):
            self.syndicated[str(record.get("sourceOrganization") or "no agency named")] += 1
        if record.get("isAccessibleForFree") is False:
            self.paywalled[outlet] += 1
        self.filled.update(filled(record, record.keys()))
        if updates := record.get("liveBlogUpdates"):
            self.live_blogs += 1
            self.live_posts += len(updates)
        self.later_versions += bool(record.get("replaces"))
        self.corrected += bool(record.get("corrections"))
        if file is not None:
            self.per_file[file] += 1


def write_card(records: Iterable[dict[str, Any]], out: Path, names: Sequence[str],
               partitions: Sequence[Path], located: dict[str, tuple[int, int]],
               command: str = "newsbot export --format hf") -> CardStats:
    """Write the shards and the card of ``records`` into folder ``out`` (first as ``out.part``,
    then put in place, replacing a card newsbot wrote there before); returns what it counted."""
    if out.exists() and any(out.iterdir()) and MARK not in _card_text(out):
        raise CardError(f"{out} exists and is not a dataset card newsbot wrote; give a new "
                        f"or empty folder")
    partial = out.with_name(out.name + ".part")
    shutil.rmtree(partial, ignore_errors=True)
    (partial / "data").mkdir(parents=True)
    stats = CardStats()
    schema = formats.parquet_schema(names)
    shards = _write_shards(records, partial / "data", schema, stats, located)
    runs = [(path, read_manifest(manifest_path(path)), stats.per_file[i])
            for i, path in enumerate(partitions)]
    stats.optouts = optout_rows(stats, runs)
    import pyarrow.parquet as pq

    # the features as the files hold them (Parquet keeps timestamps in milliseconds)
    written = pq.read_schema(next((partial / "data").iterdir()))
    text = render_card(stats, written, shards, runs, command)
    (partial / "README.md").write_text(text, encoding="utf-8")
    _put_in_place(partial, out)
    return stats


def _card_text(out: Path) -> str:
    try:
        return (out / "README.md").read_text(encoding="utf-8")
    except OSError:
        return ""


def _put_in_place(partial: Path, out: Path) -> None:
    old = out.with_name(out.name + ".old")
    if out.exists():
        shutil.rmtree(old, ignore_errors=True)
        os.replace(out, old)
    os.replace(partial, out)
    shutil.rmtree(old, ignore_errors=True)


def _write_shards(records: Iterable[dict[str, Any]], folder: Path, schema: Any,
                  stats: CardStats, located: dict[str, tuple[int, int]]) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    shards = 0
    rows: list[dict[str, Any]] = []

    def flush() -> None:
        nonlocal shards, rows
        pq.write_table(pa.Table.from_pylist(rows, schema=schema),
                       folder / f"train-{shards:05d}.parquet")
        shards += 1
        rows = []

    for record in records:
        stats.add(record, located.get(record.get("id") or "", (None, 0))[0])
        rows.append(formats.parquet_row(record, schema))
        if len(rows) >= SHARD_ROWS:
            flush()
    if rows or not shards:
        flush()  # an empty dataset still has its (empty) shard, so its schema is known
    for n in range(shards):  # the hub's naming, once the count is known
        os.replace(folder / f"train-{n:05d}.parquet",
                   folder / f"train-{n:05d}-of-{shards:05d}.parquet")
    return shards


# --- the YAML header ----------------------------------------------------------------------------
def feature(name: str, kind: Any) -> dict[str, Any]:
    """A column as ``dataset_info.features`` spells it (the ``datasets`` library's YAML form)."""
    import pyarrow as pa

    if pa.types.is_list(kind):
        inner = kind.value_type
        if pa.types.is_struct(inner):
            return {"name": name, "list": [feature(f.name, f.type) for f in inner]}
        return {"name": name, "list": _dtype(inner)}
    if pa.types.is_struct(kind):
        return {"name": name, "struct": [feature(f.name, f.type) for f in kind]}
    return {"name": name, "dtype": _dtype(kind)}


def _dtype(kind: Any) -> str:
    import pyarrow as pa

    if pa.types.is_timestamp(kind):
        return f"timestamp[{kind.unit}" + (f", tz={kind.tz}]" if kind.tz else "]")
    if pa.types.is_boolean(kind):
        return "bool"
    return str(kind)  # string, int32, int64, double ...


def _yaml(value: Any, indent: int = 0) -> list[str]:
    """Block-style YAML of plain data; every string is a JSON string, which YAML reads as is."""
    pad = " " * indent
    lines: list[str] = []
    if not isinstance(value, dict | list):
        return [pad + _scalar(value)]
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, dict | list) and item:
                lines.append(f"{pad}{key}:")
                lines += _yaml(item, indent + (0 if isinstance(item, list) else 2))
            else:
                lines.append(f"{pad}{key}: {_scalar(item)}")
    else:
        for item in value:
            nested = _yaml(item, indent + 2)
            lines.append(f"{pad}- {nested[0].lstrip()}" if nested else f"{pad}- []")
            lines += nested[1:]
    return lines


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dict | list):
        return "{}" if isinstance(value, dict) else "[]"
    return json.dumps(str(value), ensure_ascii=False)


def header(stats: CardStats, schema: Any, shards: int, title: str) -> dict[str, Any]:
    languages = sorted({tag.split("-")[0].lower() for tag in stats.languages
                        if _LANGUAGE.match(tag.split("-")[0].lower())})
    size = next((label for limit, label in SIZES if stats.articles < limit), "n>10M")
    return {
        "configs": [{"config_name": "default",
                     "data_files": [{"split": "train", "path": "data/train-*.parquet"}]}],
        "dataset_info": {
            "features": [feature(f.name, f.type) for f in schema],
            "splits": [{"name": "train", "num_examples": stats.articles}],
        },
        **({"language": languages} if languages else {}),
        "license": "other",
        "pretty_name": title,
        "size_categories": [size],
        "tags": ["news", "newsbot"],
    }


# --- the card -----------------------------------------------------------------------------------
def _cell(value: Any) -> str:
    """Text from the data as a Markdown table cell: no markup, no row breaks."""
    text = " ".join(str(value).split())
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("|", "\\|").replace("`", "'"))


def _table(head: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[str]:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return lines


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.0%}" if whole else "—"


def optout_rows(stats: CardStats, runs: Sequence[tuple[Path, dict[str, Any] | None, int]],
                ) -> list[OutletOptOut]:
    """The opt-out table of the outlets in the dataset, from the robots.txt the runs read (the
    latest reading of each host wins)."""
    robots: dict[str, dict[str, Any]] = {}
    for _, manifest, _ in sorted(runs, key=lambda r: str((r[1] or {}).get("started") or "")):
        for host, entry in ((manifest or {}).get("robots_txt") or {}).items():
            if isinstance(entry, dict):
                robots[host] = entry
    return outlet_optouts(stats.hosts, robots)


def render_card(stats: CardStats, schema: Any, shards: int,
                runs: Sequence[tuple[Path, dict[str, Any] | None, int]], command: str) -> str:
    outlets = [name for name, _ in stats.outlets.most_common()]
    title = "newsbot crawl of " + (", ".join(outlets[:5]) + (" ..." if len(outlets) > 5 else "")
                                   if outlets else "nothing")
    published = f"{stats.first} to {stats.last}" if stats.first else "no publication dates"
    made = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    optouts = {row.outlet: row for row in stats.optouts}
    syndicated = sum(stats.syndicated.values())
    lines = ["---", *_yaml(header(stats, schema, shards, title)), "---", MARK, "",
             f"# {_cell(title)}", "",
             (f"{stats.articles} news articles crawled by newsbot {__version__}, written by "
             f"`{command}` on {made}: Parquet shards under `data/` ({shards} file"
             f"{'s' * (shards != 1)}), one row per article version, output schema version "
             f"**{SCHEMA_VERSION}** (every column is documented in newsbot's README, \"Output\")."),
             "",
             "## Loading", "", "```python",
             "from datasets import load_dataset",
             ('ds = load_dataset("parquet", data_dir="THIS_FOLDER")["train"]  # or '
             'load_dataset("THIS_FOLDER")'),
             "", "import pandas as pd",
             'df = pd.read_parquet("THIS_FOLDER/data")  # datePublished: datetime64[ms, UTC]',
             "```", "",
             "## What is in it", "",
             *_table(("", ""), [
                 ("articles (versions)", stats.articles),
                 ("later versions of an article (version 2, 3 ...)", stats.later_versions),
                 ("outlets", len(stats.outlets)),
                 ("published", published),
                 ("languages", ", ".join(f"{k} ({v})" for k, v in stats.languages.most_common())
                  or "—"),
                 ("live blogs (posts)", f"{stats.live_blogs} ({stats.live_posts})"),
                 ("articles with a correction or update notice", stats.corrected),
                 ("syndicated copies", f"{syndicated} ({_share(syndicated, stats.articles)})"),
                 ("behind a paywall (isAccessibleForFree false)",
                  sum(stats.paywalled.values())),
                 ("runs included", sum(1 for _, _, n in runs if n))]), "",
             "## Outlets", "",
             ("Whether each outlet's robots.txt, as the crawl read it, keeps AI-training crawlers "
             "(GPTBot, CCBot, Google-Extended, ClaudeBot ...) off the site. The articles belong "
             "to their publishers: respect these choices and each outlet's terms before "
             "training on or sharing this data."), "",
             *_table(("outlet", "articles", "behind a paywall", "robots.txt and AI crawlers"),
                     [(o, n, stats.paywalled[o],
                       optouts[o].verdict if o in optouts else "—")
                      for o, n in stats.outlets.most_common()]), "",
             "## Syndicated copies by agency", "",
             (f"{syndicated} of {stats.articles} articles ({_share(syndicated, stats.articles)}) "
             f"are copies of another outlet's or a wire agency's story (`isSyndicated`)."), ""]
    if stats.syndicated:
        lines += [*_table(("agency (sourceOrganization)", "copies", "share of copies"),
                          [(a, n, _share(n, syndicated))
                           for a, n in stats.syndicated.most_common()]), ""]
    lines += ["## Field fill rates", "",
              "Share of rows with a value in each column.", "",
              *_table(("field", "filled"), [(f.name, _share(stats.filled[f.name], stats.articles))
                                            for f in schema]), "",
              "## Runs included", "",
              *_table(("outlet folder", "run", "started", "finished", "rows here", "completed"),
                      [(path.parent.name, (m or {}).get("run") or path.stem,
                        (m or {}).get("started") or "—", (m or {}).get("finished") or "—", n,
                        "yes" if (m or {}).get("completed") else "no" if m else "no manifest")
                       for path, m, n in runs if n]), ""]
    return "\n".join(lines) + "\n"
