import io
import json

from newsbot.exporters import JsonLinesExporter
from newsbot.items import ARTICLE_FIELDS, Article


def export(*items) -> bytes:
    buffer = io.BytesIO()
    exporter = JsonLinesExporter(buffer)
    exporter.start_exporting()
    for item in items:
        exporter.export_item(item)
    exporter.finish_exporting()
    return buffer.getvalue()


def test_every_field_on_every_line_in_a_fixed_order():
    (line,) = export(Article(url="https://x.test/a", headline="Ünïcode")).decode().splitlines()
    record = json.loads(line)
    assert list(record) == list(ARTICLE_FIELDS)
    assert record["headline"] == "Ünïcode" and record["authors"] is None


def test_line_separators_and_lone_surrogates_cannot_break_records():
    hostile = ["a\u2028b", "c\u2029d", "e\u0085f", "g\x1eh", "\ud800 lone", "\x00nul"]
    data = export(*(Article(url="https://x.test/%d" % i, headline=h) for i, h in enumerate(hostile)))
    text = data.decode("utf-8")  # valid UTF-8 despite the surrogate
    lines = text.splitlines()
    assert len(lines) == len(hostile)
    records = [json.loads(line) for line in lines]
    assert records[0]["headline"] == "a\u2028b" and records[4]["headline"] == "\ufffd lone"
