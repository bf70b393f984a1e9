"""Read run partitions back as one dataset: each article version once, filtered, in a stable order.

Scheduled crawls export at least once: after a crash a line can be written again by the next
run, with the same ``id``. Reading keeps the first line of each id (the earliest run's) and skips
lines a crash cut short (with a warning: their articles were still pending, so a later run has
them). Records are ordered by publication date, URL, version and id, so the same articles give
the same dataset however the runs that found them were split or interrupted.

The reader makes two passes: the first parses every line, applies the filters and keeps only a
small index entry per record (sort key, file, offset); the second reads the selected lines in
order. Memory grows with the number of records (about 300 bytes each), not their size.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from newsbot.state import article_key, version_id

FOLDER_RE = re.compile(r"^[a-z0-9][a-z0-9_+-]{0,127}$")
"""An outlet folder: a slug, or slugs joined by ``+`` for a run of several outlets."""
NOT_OUTLETS = frozenset({"state"})


class DatasetError(ValueError):
    """The dataset cannot be read as asked; the message says what and where."""


@dataclass(frozen=True)
class Filters:
    since: date | None = None
    until: date | None = None
    languages: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()
    latest_version_only: bool = False
    originals_only: bool = False

    def accepts(self, record: dict[str, Any]) -> bool:
        if self.originals_only and record.get("replaces"):
            return False
        if self.since or self.until:
            day = str(record.get("datePublished") or "")[:10]
            if not day or (self.since and day < self.since.isoformat()) \
                    or (self.until and day > self.until.isoformat()):
                return False
        if self.languages:
            language = str(record.get("inLanguage") or "").lower()
            if not any(language == w or language.startswith(w + "-") for w in self.languages):
                return False
        return not self.agencies or bool(
            names(record.get("sourceOrganization")) & set(self.agencies))


def names(value: Any) -> set[str]:
    """Lower-cased strings in a field that may be a name, an object or a list of either."""
    if isinstance(value, str):
        return {value.strip().lower()}
    if isinstance(value, dict):
        return set().union(*(names(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(names(v) for v in value))
    return set()


@dataclass
class Report:
    """What reading found, for the summary line."""

    partitions: int = 0
    lines: int = 0
    duplicates: int = 0
    filtered: int = 0
    superseded: int = 0
    unreadable: list[str] = field(default_factory=list)
    fields: set[str] = field(default_factory=set)
    """every key of the selected records"""
    located: dict[str, tuple[int, int]] = field(default_factory=dict)
    """id -> (file index, byte offset) of every record read, selected or not: where the version
    a selected one replaces is found (:func:`newsbot.dataset.changes.with_changes`)"""


@dataclass(frozen=True, order=True)
class _Entry:
    sort_key: tuple[str, str, int, str]
    file: int
    offset: int


def partitions(data_dir: Path, outlets: Sequence[str] = ()) -> list[Path]:
    """The ``*.jsonl`` partitions of the given outlet folders (all of them when none), sorted."""
    if not data_dir.is_dir():
        raise DatasetError(f"no data folder {data_dir}")
    for name in outlets:
        if not FOLDER_RE.match(name):
            raise DatasetError(f"{name!r} is not an outlet name")
    if outlets:
        folders = [data_dir / name for name in dict.fromkeys(outlets)]
        missing = [f for f in folders if not f.is_dir()]
        if missing:
            raise DatasetError(f"no partitions for outlet {missing[0].name!r} in {data_dir}")
    else:
        folders = sorted(f for f in data_dir.iterdir() if f.is_dir() and f.name not in NOT_OUTLETS
                         and FOLDER_RE.match(f.name))
    return [p for folder in folders for p in sorted(folder.glob("*.jsonl"))]


def _sort_key(record: dict[str, Any]) -> tuple[str, str, int, str]:
    return (str(record.get("datePublished") or ""), str(record.get("url") or ""),
            int(record.get("version") or 0), str(record["id"]))


def parse_line(line: bytes) -> dict[str, Any] | None:
    """A record, with ``id`` computed for partitions written before it existed; None if the
    line is not a complete article object."""
    try:
        record = json.loads(line)
    except ValueError:
        return None
    if not isinstance(record, dict) or not isinstance(record.get("url"), str):
        return None
    if not record.get("id"):
        key = article_key(record["url"], record.get("canonicalUrl"))
        record["id"] = version_id(key, record.get("contentHash"))
    return record


def select(files: Sequence[Path], filters: Filters, report: Report,
           progress: Callable[[int], Any] = lambda n: None) -> list[_Entry]:
    """First pass: index entries of the records to export, in output order."""
    seen: set[str] = set()
    kept: dict[str, _Entry] = {}
    # id -> (crawledAt, id) of its successors; only latest_version_only needs them
    replacers: dict[str, list[tuple[str, str]]] = {}
    for index, path in enumerate(files):
        report.partitions += 1
        with open(path, "rb") as lines:
            offset = 0
            for number, line in enumerate(lines, 1):
                start, offset = offset, offset + len(line)
                progress(len(line))
                if not line.strip():
                    continue
                report.lines += 1
                record = parse_line(line)
                if record is None:
                    report.unreadable.append(f"{path}:{number}")
                    continue
                if record["id"] in seen:
                    report.duplicates += 1
                    continue
                seen.add(record["id"])
                report.located[record["id"]] = (index, start)
                if filters.latest_version_only and record.get("replaces"):
                    replacers.setdefault(record["replaces"], []).append(
                        (str(record.get("crawledAt") or ""), record["id"]))
                if not filters.accepts(record):
                    report.filtered += 1
                    continue
                report.fields.update(record)
                kept[record["id"]] = _Entry(_sort_key(record), index, start)
    if filters.latest_version_only:
        for version in superseded(replacers) & kept.keys():
            del kept[version]
            report.superseded += 1
    return sorted(kept.values())


def superseded(replacers: dict[str, list[tuple[str, str]]]) -> set[str]:
    """Ids that a later version replaces. Two versions replacing one (a crash, then another
    edit before the rerun) are resolved by crawl time: the newer one is the latest."""
    gone = set(replacers)
    for successors in replacers.values():
        gone.update(version for _, version in sorted(successors)[:-1])
    return gone


def read(files: Sequence[Path], entries: Sequence[_Entry],
         progress: Callable[[int], Any] = lambda n: None) -> Iterator[dict[str, Any]]:
    """Second pass: the selected records, in order."""
    handles: dict[int, Any] = {}
    try:
        for entry in entries:
            if entry.file not in handles:
                handles[entry.file] = open(files[entry.file], "rb")  # noqa: SIM115
            handle = handles[entry.file]
            handle.seek(entry.offset)
            record = parse_line(handle.readline())
            assert record is not None  # it parsed in the first pass
            progress(1)
            yield record
    finally:
        for handle in handles.values():
            handle.close()
