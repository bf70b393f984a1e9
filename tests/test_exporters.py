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
    data = export(*(Article(url=f"https://x.test/{i}", headline=h)
                    for i, h in enumerate(hostile)))
    text = data.decode("utf-8")  # valid UTF-8 despite the surrogate
    lines = text.splitlines()
    assert len(lines) == len(hostile)
    records = [json.loads(line) for line in lines]
    assert records[0]["headline"] == "a\u2028b" and records[4]["headline"] == "\ufffd lone"


def test_lines_reach_the_file_a_batch_at_a_time(tmp_path):
    path = tmp_path / "feed.jsonl"
    with open(path, "ab") as f:
        exporter = JsonLinesExporter(f, batch_items=2)
        exporter.start_exporting()
        exporter.export_item(Article(url="https://x.test/1"))
        assert path.read_bytes() == b""  # held until the batch is complete
        exporter.export_item(Article(url="https://x.test/2"))
        assert len(path.read_bytes().splitlines()) == 2  # written, flushed, fsync'd
        exporter.export_item(Article(url="https://x.test/3"))
        exporter.finish_exporting()
        assert len(path.read_bytes().splitlines()) == 3 and exporter.written == 3
        assert exporter.path == path


def test_a_failed_write_is_a_clear_error():
    with open("/dev/full", "ab") as full:  # every write: ENOSPC, as on a full disk
        exporter = JsonLinesExporter(full, batch_items=1)
        exporter.start_exporting()
        try:
            exporter.export_item(Article(url="https://x.test/1"))
        except OSError as exc:
            assert "Cannot write to /dev/full" in str(exc) and "No space left" in str(exc)
        else:
            raise AssertionError("the write to /dev/full did not fail")
        assert exporter.failed and exporter.written == 0
