"""Dataset formats: CSV safe for spreadsheets, Parquet typed so pandas and DuckDB need no
cleanup."""

from __future__ import annotations

import csv
import os
import re
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from newsbot.dataset.formats import columns, write
from newsbot.items import ARTICLE_FIELDS

README = (Path(__file__).parent.parent.parent / "README.md").read_text(encoding="utf-8")
RECORDS = [
    {"url": "https://x.test/a", "headline": "=HYPERLINK(\"http://evil.test\")",
     "datePublished": "2026-11-20T13:15:00Z", "datePublishedRaw": "2026-11-20T08:15:00-05:00",
     "dateModified": "2026-11-20", "crawledAt": "2026-11-25T11:13:53Z",
     "authors": [{"name": "Associated Press", "type": "Organization"}],
     "mainImage": {"url": "https://x.test/i.jpg", "caption": "Cranes", "credit": None},
     "images": [{"url": "https://x.test/i.jpg", "caption": "Cranes", "credit": None}],
     "keywords": ["port", "strike"], "version": 2, "id": "abc", "replaces": "def",
     "futureField": {"name": "AP"}},
    {"url": "https://x.test/b", "headline": "-5 degrees", "datePublished": "not a date",
     "version": None},
]


def test_csv_has_every_field_and_no_formulas(tmp_path):
    names = columns(set().union(*RECORDS))
    assert write(RECORDS, tmp_path / "d.csv", "csv", names) == 2
    rows = list(csv.DictReader(open(tmp_path / "d.csv", encoding="utf-8")))
    assert list(rows[0])[:len(ARTICLE_FIELDS)] == list(ARTICLE_FIELDS)
    assert list(rows[0])[-1] == "futureField"  # a newer field, after the schema's
    assert rows[0]["headline"] == "'=HYPERLINK(\"http://evil.test\")"
    assert rows[1]["headline"] == "'-5 degrees"
    assert rows[0]["authors"] == '[{"name": "Associated Press", "type": "Organization"}]'
    assert rows[1]["authors"] == ""


def test_parquet_columns_are_typed(tmp_path):
    names = columns(set().union(*RECORDS))
    write(RECORDS, tmp_path / "d.parquet", "parquet", names)
    table = pq.read_table(tmp_path / "d.parquet")
    assert table.schema.names == names
    assert pa.types.is_timestamp(table.schema.field("datePublished").type)
    assert table.schema.field("version").type == pa.int32()
    rows = table.to_pylist()
    assert rows[0]["datePublished"].isoformat() == "2026-11-20T13:15:00+00:00"
    assert rows[0]["dateModified"].isoformat() == "2026-11-20T00:00:00+00:00"
    assert rows[1]["datePublished"] is None  # unparsable: null (the raw text has its own field)
    assert rows[0]["authors"] == [{"name": "Associated Press", "type": "Organization"}]
    assert rows[0]["futureField"] == '{"name": "AP"}'


def test_the_readmes_analyst_example_runs_on_an_exported_dataset(tmp_path, capsys):
    section = README[README.index("## Exporting datasets"):]
    example = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    assert len(example.strip().splitlines()) == 3  # the import, then the two lines
    write(RECORDS, tmp_path / "apnews.parquet", "parquet", columns(set().union(*RECORDS)))
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        scope: dict = {}
        exec(example, scope)  # noqa: S102 (the README's own code, on a dataset of ours)
    finally:
        os.chdir(cwd)
    assert str(scope["df"]["datePublished"].dtype) == "datetime64[ms, UTC]"
    assert scope["df"]["authors"][0][0]["name"] == "Associated Press"
    assert "articles" in capsys.readouterr().out
