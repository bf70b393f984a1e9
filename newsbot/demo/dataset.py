"""The demo's two crawls read back as ``newsbot export`` reads partitions, and told in words:
what changed in the new versions, the live blog's posts, the dataset card."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from newsbot.dataset import card, formats, reader
from newsbot.dataset.changes import with_changes
from newsbot.dataset.entries import entry_rows

WIDTH = 90


def read_dataset(partitions: Sequence[Path]) -> tuple[list[dict[str, Any]], reader.Report]:
    """Every article version of ``partitions`` once, later versions with their ``changes``."""
    report = reader.Report()
    selection = reader.select(partitions, reader.Filters(), report)
    records = with_changes(reader.read(partitions, selection), partitions, report.located)
    return list(records), report


def short(text: str | None, width: int = WIDTH) -> str:
    text = " ".join((text or "").split())
    return f'"{text}"' if len(text) <= width else f'"{text[:width - 1]}…"'


def around_difference(before: str, after: str, context: int = 30) -> tuple[str, str]:
    """The two texts from a little before where they first differ: what an editor changed."""
    start = next((i for i, (a, b) in enumerate(zip(before, after, strict=False)) if a != b),
                 min(len(before), len(after)))
    cut = max(0, before.rfind(" ", 0, max(0, start - context)) + 1)
    prefix = "…" if cut else ""
    return prefix + before[cut:], prefix + after[cut:]


def describe_changes(records: Iterable[dict[str, Any]]) -> Iterator[str]:
    """A few lines per version that replaces another: its changes and corrections."""
    for record in records:
        changes = record.get("changes")
        if not changes:
            continue
        yield (f"  [{record['publisher']}] {record['headline']}: version {record['version']}, "
               f"changed {', '.join(changes['fields'])}")
        if live := changes.get("liveBlogUpdates"):
            yield (f"      live posts: {live['added']} new, {live['edited']} edited, "
                   f"{live['removed']} gone ({len(record.get('liveBlogUpdates') or [])} on the "
                   f"page now)")
        body = changes["articleBody"]
        if body["added"] or body["removed"] or body["edited"]:
            yield (f"      paragraphs: {body['added']} added, {body['edited']} edited, "
                   f"{body['removed']} removed")
        for paragraph in body["paragraphs"][:4]:
            if paragraph["change"] == "edited":
                before, after = around_difference(paragraph["before"], paragraph["after"])
                yield f"        edited: {short(before)}"
                yield f"            -> {short(after)}"
            else:
                yield (f"        {paragraph['change']}: "
                       f"{short(paragraph['after'] or paragraph['before'])}")
        for notice in record.get("corrections") or []:
            yield f"      {notice['kind']} ({notice['date'] or 'undated'}): {short(notice['text'])}"


def describe_live_blogs(records: Iterable[dict[str, Any]]) -> Iterator[str]:
    """The live blogs' posts, one line each, as ``newsbot export --live-entries`` lists them."""
    page = None
    for row in entry_rows(records):
        if row["pageUrl"] != page:
            page = row["pageUrl"]
            yield (f"\nPosts of the live blog \"{row['pageHeadline']}\" (newsbot export "
                   f"--live-entries):")
        yield f"  {row['datePublished']}  {row['headline'] or short(row['articleBody'], 60)}"


def write_demo_card(records: list[dict[str, Any]], report: reader.Report,
                    partitions: Sequence[Path], out: Path) -> card.CardStats:
    """The card ``newsbot export --format hf`` would write of the demo's dataset."""
    return card.write_card(records, out, formats.columns(report.fields), partitions,
                           report.located, command="newsbot demo")
