"""`newsbot report` of the demo dataset, opened in headless Chromium: every section and chart shown,
no console error, nothing fetched, no sideways scrolling on a laptop screen."""

from __future__ import annotations

import subprocess
import sys

import pytest

from chromium import Chromium
from newsbot.report.page import SECTIONS

INSPECT = """(() => {
  const sections = {};
  for (const id of %s) {
    const s = document.getElementById(id);
    const box = s ? s.getBoundingClientRect() : null;
    sections[id] = s === null ? null : {
      heading: s.querySelector('h2').textContent, height: box.height,
      charts: [...s.querySelectorAll('figure svg')].map(svg => {
        const b = svg.getBoundingClientRect();
        return {width: b.width, height: b.height, marks: svg.querySelectorAll('path').length};
      }),
      rows: s.querySelectorAll('tbody tr').length};
  }
  return {sections, scrollWidth: document.documentElement.scrollWidth,
          innerWidth: window.innerWidth};
})()"""


@pytest.fixture(scope="module")
def browser():
    with Chromium(width=1366, height=768) as chromium:
        yield chromium


def test_the_demo_report_shows_every_section_in_chromium(demo_run, browser, tmp_path):
    out, _ = demo_run
    report = tmp_path / "report.html"
    proc = subprocess.run([sys.executable, "-m", "newsbot.cli", "report", str(out), "-o",
                           str(report)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "18 articles of 3 outlets, 2 runs (" in proc.stderr  # and 2 of them new versions

    visit = browser.visit(report.as_uri())
    assert visit.console == []
    # nothing fetched but the page: charts (vector, no embedded bitmaps) and style are inline
    assert visit.requests == [report.as_uri()]
    page = browser.evaluate(INSPECT % list(SECTIONS))
    assert page["scrollWidth"] <= page["innerWidth"] == 1366
    for key, title in SECTIONS.items():
        section = page["sections"][key]
        assert section is not None, f"section {key} missing"
        assert section["heading"] == title and section["height"] > 100
        if key == "optouts":  # a table, one row per outlet
            assert section["rows"] == 3 and not section["charts"]
            continue
        assert section["charts"], f"no chart in {key}"
        for chart in section["charts"]:
            assert chart["width"] > 600 and chart["height"] > 100, (key, chart)
            assert chart["marks"] > 10, (key, chart)
    assert page["sections"]["stories"]["rows"] == 5  # the five wire stories the outlets reprinted
    assert page["sections"]["runs"]["rows"] == 2  # the demo's two crawls
    # a small laptop screen: the column and its charts shrink, nothing scrolls sideways
    browser.send("Emulation.setDeviceMetricsOverride", width=1024, height=640,
                 deviceScaleFactor=1, mobile=False)
    try:
        narrow = browser.evaluate(INSPECT % list(SECTIONS))
    finally:
        browser.send("Emulation.clearDeviceMetricsOverride")
    assert narrow["innerWidth"] == 1024 and narrow["scrollWidth"] <= 1024
    assert all(chart["width"] <= 1024 for section in narrow["sections"].values()
               for chart in section["charts"])


def test_the_check_sees_console_errors_and_requests(browser, tmp_path):
    """The same inspection fails a page that logs an error, throws, or fetches something."""
    page = tmp_path / "bad.html"
    page.write_text('<!DOCTYPE html><html><head><link rel="icon" href="data:,"></head><body>'
                    '<img src="http://127.0.0.1:9/chart.png">'
                    '<script>console.error("broken chart"); undefinedFunction();</script>'
                    '</body></html>')
    visit = browser.visit(page.as_uri())
    assert "http://127.0.0.1:9/chart.png" in visit.requests
    assert any("console.error: broken chart" in m for m in visit.console)
    assert any("undefinedFunction is not defined" in m for m in visit.console)
