"""Dataset formats: JSON Lines, CSV and Parquet, every Article field in its documented order.

* JSON Lines: the crawl's own line format (:func:`newsbot.exporters.dumps_line`).
* CSV: one column per field; lists and objects as JSON text; a cell starting with ``=``, ``+``,
  ``-``, ``@``, tab or carriage return is prefixed with ``'`` so spreadsheets do not run it as a
  formula.
* Parquet (pyarrow): typed columns, so pandas and DuckDB need no cleanup: dates as UTC
  timestamps (a date given without a zone is read as UTC; the ``...Raw`` fields keep the page's
  text), authors, images, live-blog posts and corrections as lists of structs, ``changes`` as a
  struct, keywords as lists of strings, ``version`` as an integer, ``isAccessibleForFree`` as a
  boolean. A field without a type here (a newer schema's) is a string column, JSON text for
  non-strings.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from newsbot.exporters import dumps_line
from newsbot.items import ARTICLE_FIELDS

FORMATS = ("jsonl", "csv", "parquet")
SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".parquet": "parquet"}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
ROW_GROUP = 10_000


def columns(fields: Iterable[str]) -> list[str]:
    """Article fields in schema order, then any others (from newer partitions) sorted."""
    present = set(fields)
    return [*ARTICLE_FIELDS, *sorted(present - set(ARTICLE_FIELDS))]


def write(records: Iterable[dict[str, Any]], out: Path, fmt: str, names: Sequence[str]) -> int:
    """Write ``records`` to ``out``; returns how many."""
    if fmt == "parquet":
        return _write_parquet(records, out, names)
    with open(out, "w", encoding="utf-8", newline="") as f:
        return (_write_csv if fmt == "csv" else _write_jsonl)(records, f, names)


def _write_jsonl(records: Iterable[dict[str, Any]], f: IO[str], names: Sequence[str]) -> int:
    count = 0
    for record in records:
        f.write(dumps_line({name: record.get(name) for name in names}) + "\n")
        count += 1
    return count


def csv_cell(value: Any) -> str:
    if value is None:
        return ""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return "'" + text if text.startswith(FORMULA_START) else text


def _write_csv(records: Iterable[dict[str, Any]], f: IO[str], names: Sequence[str]) -> int:
    writer = csv.writer(f)
    writer.writerow(names)
    count = 0
    for record in records:
        writer.writerow([csv_cell(record.get(name)) for name in names])
        count += 1
    return count


# --- Parquet ----------------------------------------------------------------------------------
def parquet_schema(names: Sequence[str]) -> Any:
    import pyarrow as pa

    image = pa.struct([("url", pa.string()), ("caption", pa.string()), ("credit", pa.string())])
    when = pa.timestamp("s", tz="UTC")
    authors = pa.list_(pa.struct([("name", pa.string()), ("type", pa.string())]))
    count = pa.int32()
    post = pa.struct([("id", pa.string()), ("datePublished", when), ("dateModified", when),
                      ("headline", pa.string()), ("articleBody", pa.string()),
                      ("url", pa.string())])
    notice = pa.struct([("kind", pa.string()), ("text", pa.string()), ("date", pa.string())])
    paragraph = pa.struct([("change", pa.string()), ("before", pa.string()),
                           ("after", pa.string())])
    changes = pa.struct([
        ("fields", pa.list_(pa.string())),
        ("previous", pa.struct([("headline", pa.string()), ("description", pa.string()),
                                ("datePublished", pa.string()), ("dateModified", pa.string()),
                                ("authors", authors)])),
        ("articleBody", pa.struct([("added", count), ("removed", count), ("edited", count),
                                   ("paragraphs", pa.list_(paragraph)), ("omitted", count)])),
        ("liveBlogUpdates", pa.struct([("added", count), ("removed", count),
                                       ("edited", count)]))])
    types = {
        "datePublished": when, "dateModified": when, "crawledAt": when,
        "coverageStartTime": when, "coverageEndTime": when,
        "authors": authors, "mainImage": image, "images": pa.list_(image),
        "keywords": pa.list_(pa.string()), "trailers": pa.list_(pa.string()),
        "version": pa.int32(), "isAccessibleForFree": pa.bool_(),
        "liveBlogUpdates": pa.list_(post), "corrections": pa.list_(notice), "changes": changes,
        # rows of --changes and --live-entries (newsbot.dataset.changes, .entries)
        "fields": pa.list_(pa.string()), "pageVersion": pa.int32(),
        **{f"{what}{change}": count for what in ("paragraphs", "liveBlogUpdates")
           for change in ("Added", "Removed", "Edited")},
    }
    return pa.schema([(name, types.get(name, pa.string())) for name in names])


def timestamp(value: Any) -> datetime | None:
    """A UTC datetime from an ISO 8601 string (naive read as UTC), None if it is not one."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _column_value(value: Any, kind: Any) -> Any:
    import pyarrow as pa

    if value is None:
        return None
    if pa.types.is_timestamp(kind):
        return timestamp(value)
    if pa.types.is_string(kind):
        return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    if pa.types.is_integer(kind):
        return value if isinstance(value, int) and not isinstance(value, bool) else None
    if pa.types.is_boolean(kind):
        return value if isinstance(value, bool) else None
    if pa.types.is_list(kind):
        return [_column_value(v, kind.value_type) for v in value] \
            if isinstance(value, list) else None
    if pa.types.is_struct(kind):
        return {kind.field(i).name: _column_value(value.get(kind.field(i).name), kind.field(i).type)
                for i in range(kind.num_fields)} if isinstance(value, dict) else None
    return value


def parquet_row(record: dict[str, Any], schema: Any) -> dict[str, Any]:
    """``record`` as a row of ``schema``: every column, each value of its column's type."""
    return {f.name: _column_value(record.get(f.name), f.type) for f in schema}


def _write_parquet(records: Iterable[dict[str, Any]], out: Path, names: Sequence[str]) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = parquet_schema(names)
    count = 0
    with pq.ParquetWriter(out, schema) as writer:
        rows: list[dict[str, Any]] = []
        for record in records:
            rows.append(parquet_row(record, schema))
            count += 1
            if len(rows) >= ROW_GROUP:
                writer.write_table(pa.Table.from_pylist(rows, schema=schema))
                rows = []
        writer.write_table(pa.Table.from_pylist(rows, schema=schema))
    return count
