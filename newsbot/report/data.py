"""What the report shows, gathered from datasets and run manifests in one pass.

Inputs are data folders (``data/``, holding outlet folders), outlet folders, JSON Lines files
(run partitions or ``newsbot export`` datasets) and Parquet datasets. Records are read through
:mod:`newsbot.dataset.reader`, so a line replayed after a crash counts once; each partition's
manifest, when there is one, gives the run's duration, errors and health warnings. Memory grows
with the number of stories and outlets, not with the size of the texts.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from newsbot.dataset import reader
from newsbot.extensions.runs import filled, manifest_path, read_manifest
from newsbot.optouts import OutletOptOut, outlet_optouts
from newsbot.state import article_key

FILL_FIELDS = ("headline", "description", "articleBody", "datePublished", "dateModified",
               "authors", "inLanguage", "mainImage", "articleSection", "keywords", "canonicalUrl",
               "dateline", "sourceOrganization", "warcRecordId")
"""Fields whose fill rate per outlet the report charts (the rest are always or rarely set by
design: ``url``, ``id``, ``duplicateOf`` ...)."""
NO_AGENCY = "none named"


class ReportError(ValueError):
    """An input cannot be read; the message names it."""


@dataclass
class Story:
    size: int = 0
    """articles in the story (the versions of one article count once)"""
    outlets: Counter[str] = field(default_factory=Counter)
    articles: set[str] = field(default_factory=set)
    headline: str | None = None
    url: str | None = None
    agency: str | None = None
    has_original: bool = False


@dataclass(frozen=True)
class Run:
    folder: str
    run: str
    started: datetime | None
    seconds: float | None
    articles: int
    errors: int
    completed: bool
    problems: tuple[str, ...]
    warnings: tuple[str, ...]
    robots: dict[str, dict[str, Any]] = field(default_factory=dict, compare=False, hash=False)
    """per host, what its robots.txt said to AI crawlers when the run read it"""


@dataclass
class Summary:
    inputs: list[str] = field(default_factory=list)
    articles: int = 0
    per_day: Counter[tuple[date, str]] = field(default_factory=Counter)
    undated: int = 0
    agencies: Counter[str] = field(default_factory=Counter)
    stories: dict[str, Story] = field(default_factory=dict)
    outlet_articles: Counter[str] = field(default_factory=Counter)
    outlet_filled: defaultdict[str, Counter[str]] = field(
        default_factory=lambda: defaultdict(Counter))
    runs: list[Run] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    replayed: int = 0
    hosts: defaultdict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    paywalled: Counter[str] = field(default_factory=Counter)

    def optouts(self) -> list[OutletOptOut]:
        """Per outlet, what its hosts' robots.txt said to AI crawlers (the latest reading)."""
        robots = {host: entry for run in self.runs for host, entry in run.robots.items()}
        return outlet_optouts(self.hosts, robots)

    @property
    def outlets(self) -> list[str]:
        """Outlets, the largest first."""
        return [name for name, _ in self.outlet_articles.most_common()]

    def add(self, record: dict[str, Any]) -> None:
        self.articles += 1
        outlet = str(record.get("publisher") or "unknown outlet")
        self.outlet_articles[outlet] += 1
        self.outlet_filled[outlet].update(filled(record, FILL_FIELDS))
        if host := urlsplit(str(record.get("url") or "")).netloc:
            self.hosts[outlet].add(host)
        self.paywalled[outlet] += record.get("isAccessibleForFree") is False
        day = day_of(record.get("datePublished"))
        if day is None:
            self.undated += 1
        else:
            self.per_day[day, outlet] += 1
        agency = record.get("sourceOrganization")
        self.agencies[str(agency) if agency else NO_AGENCY] += 1
        key = str(record.get("storyId") or record.get("contentHash") or record.get("id")
                  or record.get("url"))
        story = self.stories.setdefault(key, Story())
        article = article_key(str(record.get("url") or ""), record.get("canonicalUrl"))
        if record.get("replaces") and article in story.articles:
            return  # a later version of an article the story has: not another copy
        story.articles.add(article)
        story.size += 1
        story.outlets[outlet] += 1
        if not story.has_original and not record.get("duplicateOf"):
            story.has_original = True
            story.headline, story.url = record.get("headline"), record.get("url")
            story.agency = agency
        elif story.headline is None:
            story.headline, story.url = record.get("headline"), record.get("url")
            story.agency = story.agency or agency


def day_of(value: Any) -> date | None:
    """The publication day of a ``datePublished`` (ISO text, or a timestamp from Parquet)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def summarise(inputs: Iterable[str]) -> Summary:
    """Read every input into one :class:`Summary` (articles counted once, by ``id``)."""
    summary = Summary()
    partitions: list[Path] = []
    parquets: list[Path] = []
    for name in inputs:
        summary.inputs.append(name)
        path = Path(name)
        if path.is_dir():
            partitions += folder_partitions(path)
        elif path.suffix.lower() in (".jsonl", ".ndjson") and path.is_file():
            partitions.append(path)
        elif path.suffix.lower() == ".parquet" and path.is_file():
            parquets.append(path)
        elif not path.exists():
            raise ReportError(f"{name}: no such file or folder")
        else:
            raise ReportError(f"{name}: not a data folder, an outlet folder, a .jsonl partition "
                              f"or dataset, or a .parquet dataset")
    files = list(dict.fromkeys(partitions))
    found = reader.Report()
    seen: set[str | None] = set()
    for record in reader.read(files, reader.select(files, reader.Filters(), found)):
        seen.add(record["id"])
        summary.add(record)
    summary.unreadable = found.unreadable
    summary.replayed = found.duplicates
    for path in parquets:
        for record in parquet_records(path):
            if record.get("id") not in seen:
                seen.add(record.get("id"))
                summary.add(record)
    summary.runs = sorted((run for path in files if (run := read_run(path)) is not None),
                          key=lambda r: (r.started or datetime.min, r.folder, r.run))
    return summary


def folder_partitions(folder: Path) -> list[Path]:
    """The partitions of a folder: its own ``*.jsonl`` (an outlet folder, the demo's), then
    those of the outlet folders in it (a data folder)."""
    own = sorted(folder.glob("*.jsonl"))
    try:
        nested = reader.partitions(folder)
    except reader.DatasetError as exc:
        raise ReportError(str(exc)) from None
    return [*own, *nested]


def parquet_records(path: Path) -> Iterator[dict[str, Any]]:
    import pyarrow.parquet as pq

    try:
        table = pq.ParquetFile(path)
        for batch in table.iter_batches(batch_size=10_000):
            yield from batch.to_pylist()
    except (OSError, ValueError) as exc:
        raise ReportError(f"{path}: cannot read it as Parquet: {exc}") from None


def read_run(partition: Path) -> Run | None:
    """The run that wrote ``partition``, from its manifest (None without one)."""
    manifest = read_manifest(manifest_path(partition))
    if manifest is None:
        return None
    started, finished = (_time(manifest.get(k)) for k in ("started", "finished"))
    counts = manifest.get("counts") or {}
    errors = sum(v for v in (counts.get("errors_by_kind") or {}).values() if isinstance(v, int))
    health = manifest.get("health") or {}
    return Run(
        folder=partition.parent.name, run=str(manifest.get("run") or partition.stem),
        started=started,
        seconds=(finished - started).total_seconds() if started and finished else None,
        articles=int(counts.get("articles_exported") or 0), errors=errors,
        completed=bool(manifest.get("completed")),
        problems=tuple(map(str, manifest.get("problems") or ())),
        warnings=tuple(str(w.get("message")) for w in health.get("warnings") or ()
                       if isinstance(w, dict)),
        robots={str(host): entry for host, entry in (manifest.get("robots_txt") or {}).items()
                if isinstance(entry, dict)})


def _time(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")) if value else None
    except ValueError:
        return None
