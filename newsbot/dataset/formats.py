"""Dataset formats: JSON Lines, CSV and Parquet, every Article field in its documented order.

* JSON Lines: the crawl's own line format (:func:`newsbot.exporters.dumps_line`).
* CSV: one column per field; lists and objects as JSON text; a cell starting with ``=``, ``+``,
  ``-``, ``@``, tab or carriage return is prefixed with ``'`` so spreadsheets do not run it as a
  formula.
* Parquet (pyarrow): typed columns, so pandas and DuckDB need no cleanup: dates as UTC
  timestamps (a date given without a zone is read as UTC; the ``...Raw`` fields keep the page's
  text), authors and images as lists of structs, keywords as lists of strings, ``version`` as
  an integer. A field without a type here (a newer schema's) is a string column, JSON text for
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
    types = {
        "datePublished": when, "dateModified": when, "crawledAt": when,
        "authors": pa.list_(pa.struct([("name", pa.string()), ("type", pa.string())])),
        "mainImage": image, "images": pa.list_(image),
        "keywords": pa.list_(pa.string()), "trailers": pa.list_(pa.string()),
        "version": pa.int32(),
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
    if pa.types.is_list(kind):
        return [_column_value(v, kind.value_type) for v in value] \
            if isinstance(value, list) else None
    if pa.types.is_struct(kind):
        return {kind.field(i).name: _column_value(value.get(kind.field(i).name), kind.field(i).type)
                for i in range(kind.num_fields)} if isinstance(value, dict) else None
    return value


def _write_parquet(records: Iterable[dict[str, Any]], out: Path, names: Sequence[str]) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = parquet_schema(names)
    count = 0
    with pq.ParquetWriter(out, schema) as writer:
        rows: list[dict[str, Any]] = []
        for record in records:
            rows.append({f.name: _column_value(record.get(f.name), f.type) for f in schema})
            count += 1
            if len(rows) >= ROW_GROUP:
                writer.write_table(pa.Table.from_pylist(rows, schema=schema))
                rows = []
        writer.write_table(pa.Table.from_pylist(rows, schema=schema))
    return count
