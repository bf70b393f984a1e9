import pytest

from newsbot.extraction.dates import normalise_date


@pytest.mark.parametrize(("raw", "expected"), [
    ("2026-11-20T08:15:00-05:00", "2026-11-20T13:15:00Z"),
    ("2026-11-20T08:15:00.123+0100", "2026-11-20T07:15:00Z"),
    ("2026-11-20 08:15:00 UTC", "2026-11-20T08:15:00Z"),
    ("Fri, 20 Nov 2026 13:15:00 +0300", "2026-11-20T10:15:00Z"),
    ("Fri, 20 Nov 2026 13:15:00 GMT", "2026-11-20T13:15:00Z"),
    ("2026-11-20T08:15:00", "2026-11-20T08:15:00"),  # no zone given: none invented
    ("2026-11-20", "2026-11-20"),
    ("20261120T081500Z", "2026-11-20T08:15:00Z"),
])
def test_dates_are_normalised_to_utc(raw, expected):
    assert normalise_date(raw) == expected


@pytest.mark.parametrize("raw", ["", None, "yesterday", "2026-13-45", "1970-01-01T00:00:00Z",
                                 "9999-01-01"])
def test_unusable_dates_give_none(raw):
    assert normalise_date(raw) is None
