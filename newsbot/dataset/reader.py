"""Read run partitions back as one dataset: each article version once, filtered, in a stable order.

Scheduled crawls export at least once: after a crash a line can be written again by the next
run, with the same ``id``. Reading keeps the first line of each id (the earliest run's) and skips
lines a crash cut short (with a warning: their articles were still pending, so a later run has
them). Records are ordered by publication date, URL, version and id, so the same articles give
the same dataset however the runs that found them were split or interrupted. Each story is
resolved from every line read (:mod:`newsbot.dataset.stories`), before the filters: a copy
exported before its original arrived points at it, so the dataset is the same whatever order
the pages were crawled in.

The reader makes two passes: the first parses every line, elects each story's original, applies
the filters and keeps only a small index entry per record (sort key, file, offset); the second
reads the selected lines in order. Memory grows with the number of records (about 300 bytes
each, with their stories), not their size.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any

from newsbot.dataset.stories import Stories, story_of
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
    story_originals: bool = False
    """only each story's original article (copies left out)"""

    def accepts(self, record: dict[str, Any]) -> bool:
        """Whether the record passes every filter but the agency's (which reads the record
        resolved in its story: :meth:`accepts_agency`)."""
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
        return True

    def accepts_agency(self, record: dict[str, Any]) -> bool:
        return not self.agencies or bool(names(record.get("sourceOrganization"))
                                         & set(self.agencies))


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
    copies: int = 0
    """copies left out by ``story_originals``"""
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
    story: str | None = field(default=None, compare=False)
    """its story, kept for ``story_originals`` only"""


@dataclass
class Selection:
    """What the first pass chose: index entries in output order, and the stories."""

    entries: list[_Entry]
    stories: Stories
    resolved: int = 0
    """records written with other story marks than their crawl gave them (the second pass)"""


class Lines:
    """Random access to lines of the partitions, by file index and byte offset."""

    def __init__(self, files: Sequence[Path]):
        self.files = files
        self._handles: dict[int, IO[bytes]] = {}

    def __call__(self, file: int, offset: int) -> dict[str, Any]:
        if file not in self._handles:
            self._handles[file] = open(self.files[file], "rb")  # noqa: SIM115 (closed below)
        handle = self._handles[file]
        handle.seek(offset)
        record = parse_line(handle.readline())
        assert record is not None  # it parsed in the first pass
        return record

    def close(self) -> None:
        for handle in self._handles.values():
            handle.close()
        self._handles.clear()


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
           progress: Callable[[int], Any] = lambda n: None) -> Selection:
    """First pass: index entries of the records to export, in output order."""
    seen: set[str] = set()
    kept: dict[str, _Entry] = {}
    stories = Stories()
    line_at = Lines(files)
    # id -> (crawledAt, id) of its successors; only latest_version_only needs them
    replacers: dict[str, list[tuple[str, str]]] = {}
    agency_later: list[_Entry] = []
    try:
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
                    stories.add(record, (index, start), line_at)
                    if filters.latest_version_only and record.get("replaces"):
                        replacers.setdefault(record["replaces"], []).append(
                            (str(record.get("crawledAt") or ""), record["id"]))
                    entry = _Entry(_sort_key(record), index, start,
                                   story_of(record) if filters.story_originals else None)
                    if not filters.accepts(record):
                        report.filtered += 1
                        continue
                    if filters.agencies and story_of(record) and not own_agency(record):
                        agency_later.append(entry)  # may get its story's original's agency
                    elif not filters.accepts_agency(record):
                        report.filtered += 1
                        continue
                    report.fields.update(record)
                    kept[record["id"]] = entry
        if filters.latest_version_only:
            for version in superseded(replacers) & kept.keys():
                del kept[version]
                report.superseded += 1
        if filters.story_originals:
            for version, entry in list(kept.items()):
                if not stories.is_original(entry.story, (entry.file, entry.offset), line_at):
                    del kept[version]
                    report.copies += 1
        for entry in agency_later:
            record = line_at(entry.file, entry.offset)
            if record["id"] in kept and not filters.accepts_agency(
                    stories.resolve(record, (entry.file, entry.offset), line_at)):
                del kept[record["id"]]
                report.filtered += 1
    finally:
        line_at.close()
    return Selection(sorted(kept.values()), stories)


def own_agency(record: dict[str, Any]) -> bool:
    """Whether the record names its agency itself (its story cannot change that)."""
    cues = record.get("attributionEvidence")
    return bool(record.get("sourceOrganization")) and isinstance(cues, list) and not any(
        isinstance(c, dict) and c.get("cue") == "cluster" for c in cues)


def superseded(replacers: dict[str, list[tuple[str, str]]]) -> set[str]:
    """Ids that a later version replaces. Two versions replacing one (a crash, then another
    edit before the rerun) are resolved by crawl time: the newer one is the latest."""
    gone = set(replacers)
    for successors in replacers.values():
        gone.update(version for _, version in sorted(successors)[:-1])
    return gone


def read(files: Sequence[Path], selection: Selection,
         progress: Callable[[int], Any] = lambda n: None) -> Iterator[dict[str, Any]]:
    """Second pass: the selected records, in order, resolved in their stories."""
    line_at = Lines(files)
    try:
        for entry in selection.entries:
            record = line_at(entry.file, entry.offset)
            resolved = selection.stories.resolve(record, (entry.file, entry.offset), line_at)
            if resolved is not record and any(resolved.get(k) != record.get(k) for k in MARKS):
                selection.resolved += 1
            progress(1)
            yield resolved
    finally:
        line_at.close()


MARKS = ("duplicateOf", "isSyndicated", "sourceOrganization", "attributionEvidence")
"""The fields a story's resolution may change (besides ``storyId``)."""
