"""``newsbot report``: a dataset's shape and its crawls' health, as one self-contained HTML page.

:mod:`newsbot.report.data` reads datasets and run manifests into a summary,
:mod:`newsbot.report.charts` draws it with matplotlib (inline SVG), :mod:`newsbot.report.page`
lays it out.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from newsbot.report.data import ReportError, Summary, summarise

__all__ = ["ReportError", "Summary", "write_report"]


def write_report(inputs: Sequence[str], out: Path) -> Summary:
    """Read ``inputs`` and write the report to ``out`` (under ``OUT.part``, then renamed)."""
    from newsbot.report.page import render

    summary = summarise(inputs)
    partial = out.with_name(out.name + ".part")
    partial.write_text(render(summary), encoding="utf-8")
    os.replace(partial, out)
    return summary
