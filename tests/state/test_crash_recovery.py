"""Crashes, Ctrl-C and bad disks: the dataset ends up as a clean run's, nothing lost or doubled.

Each case runs the crawl as a subprocess against a local site whose article pages are slowed
down, interrupts it at a chosen point, runs it again, and compares ``newsbot export`` of every
partition with the export of one uninterrupted run.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess

import pytest

from newsroom import (
    articles_fetched,
    crawl,
    export,
    lines,
    manifest,
    partitions,
    serve,
    signature,
    start,
    wait_for,
    write_site,
)
from support import check_ledger


@pytest.fixture(scope="module")
def baseline(tmp_path_factory):
    """The dataset of one uninterrupted run."""
    cwd = tmp_path_factory.mktemp("clean")
    with serve(write_site(cwd / "site")) as server:
        result = crawl(cwd, server)
    assert result.returncode == 0, result.stderr
    return signature(export(cwd))


def lines_written(cwd) -> int:
    return sum(len(p.read_bytes().splitlines()) for p in partitions(cwd))


KILL_POINTS = {
    "during discovery": lambda cwd, server: articles_fetched(server) >= 1,
    "mid-fetch": lambda cwd, server: articles_fetched(server) >= 6,
    "mid-export": lambda cwd, server: lines_written(cwd) >= 3,  # a batch on disk, more coming
}


@pytest.mark.parametrize("point", KILL_POINTS)
def test_sigkill_then_rerun_ends_in_the_clean_runs_dataset(tmp_path, baseline, point):
    with serve(write_site(tmp_path / "site")) as server:
        server.delay = 0.2
        killed = start(tmp_path, server)
        wait_for(lambda: KILL_POINTS[point](tmp_path, server), killed)
        killed.kill()
        killed.wait(timeout=30)
        server.delay = 0
        rerun = crawl(tmp_path, server)
    assert rerun.returncode == 0, rerun.stderr
    dataset = export(tmp_path)
    assert signature(dataset) == baseline  # nothing lost, nothing twice
    assert len({r["id"] for r in dataset}) == len(dataset)
    first = partitions(tmp_path)[0]
    if manifest(first)["run"] != manifest(partitions(tmp_path)[-1])["run"]:
        assert manifest(first)["completed"] is False  # the killed run says so


def test_killed_twice_in_a_row(tmp_path, baseline):
    with serve(write_site(tmp_path / "site")) as server:
        server.delay = 0.2
        for enough in (3, 8):
            killed = start(tmp_path, server)
            before = articles_fetched(server)
            wait_for(lambda n=enough, b=before: articles_fetched(server) - b >= n, killed)
            killed.kill()
            killed.wait(timeout=30)
        server.delay = 0
        assert crawl(tmp_path, server).returncode == 0
    assert signature(export(tmp_path)) == baseline


def test_ctrl_c_stops_cleanly_and_jobdir_resumes(tmp_path, baseline):
    jobdir = str(tmp_path / "job")
    with serve(write_site(tmp_path / "site")) as server:
        server.delay = 0.3
        # two requests at a time, so most are still queued (in JOBDIR) when Ctrl-C comes
        stopped = start(tmp_path, server, {"JOBDIR": jobdir, "CONCURRENT_REQUESTS": "2"})
        wait_for(lambda: articles_fetched(server) >= 4, stopped)
        stopped.send_signal(signal.SIGINT)
        _, log = stopped.communicate(timeout=60)
        server.delay = 0
        resumed = crawl(tmp_path, server, {"JOBDIR": jobdir})
    assert stopped.returncode == 0, log
    assert "shutting down gracefully" in log
    check_ledger(log)  # pages in flight when Ctrl-C came were settled too
    first, second = partitions(tmp_path)
    assert manifest(first)["finish_reason"] == "shutdown" and manifest(first)["completed"] is False
    assert 0 < len(lines(first)) < 12
    assert resumed.returncode == 0, resumed.stderr
    assert "Resuming crawl" in resumed.stderr
    assert manifest(second)["completed"] is True
    assert signature(export(tmp_path)) == baseline


def test_lines_replayed_after_a_crash_are_dropped_by_id(tmp_path, baseline):
    """A crash after a batch is on disk but before it is marked exported: the next run writes
    those articles again, with the same ids (simulated by losing the whole crawl state)."""
    with serve(write_site(tmp_path / "site")) as server:
        assert crawl(tmp_path, server).returncode == 0
        shutil.rmtree(tmp_path / "data" / "state")
        assert crawl(tmp_path, server).returncode == 0
    assert [len(lines(p)) for p in partitions(tmp_path)] == [12, 12]
    assert signature(export(tmp_path)) == baseline


@pytest.mark.parametrize("broken", ["partition", "state"])
def test_an_unwritable_path_stops_the_run_before_any_fetch(tmp_path, broken):
    (tmp_path / "data").write_text("a file where the data folder should be")
    settings = {"NEWSBOT_STATE_PATH": str(tmp_path / "state" / "crawl.sqlite"),
                "NEWSBOT_DEDUP_INDEX_PATH": str(tmp_path / "state" / "near-duplicates.sqlite")} \
        if broken == "partition" else {}
    with serve(write_site(tmp_path / "site")) as server:
        result = crawl(tmp_path, server, settings)
        assert articles_fetched(server) == 0
        (tmp_path / "data").unlink()
        again = crawl(tmp_path, server, settings)
    assert result.returncode == 1
    message = "Cannot write the feed data/daily/" if broken == "partition" \
        else "cannot open the crawl state data/state/crawl.sqlite"
    assert message in result.stderr and "Not a directory" in result.stderr
    assert again.returncode == 0 and len(lines(partitions(tmp_path)[0])) == 12


@pytest.fixture
def small_disk(tmp_path):
    """A real 400 KB filesystem (tmpfs; the tests run as root, as CI does)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=400k", "tmpfs", str(disk)], check=True)
    yield disk
    subprocess.run(["umount", str(disk)], check=True)


def test_a_full_disk_stops_the_run_and_loses_nothing(tmp_path, baseline, small_disk):
    feeds = {"FEEDS": json.dumps({"disk/%(outlet)s/%(run_id)s.jsonl": {"format": "jsonl"}}),
             "NEWSBOT_EXPORT_BATCH_ITEMS": "1"}
    with serve(write_site(tmp_path / "site", filler=150)) as server:  # about 150 KB a page
        full = crawl(tmp_path, server, feeds)
        subprocess.run(["mount", "-o", "remount,size=20m", str(small_disk)], check=True)
        again = crawl(tmp_path, server, feeds)  # space freed: the next run completes the set
    assert full.returncode == 1
    assert "Cannot write to disk/daily/" in full.stderr and "No space left on device" in full.stderr
    assert "The run may have lost data (export_failed: 1" in full.stderr
    first = sorted((small_disk / "daily").glob("*.jsonl"))[0]
    assert first.read_bytes().endswith(b"\n")  # no half-written line left behind
    assert 0 < len(lines(first)) < 12
    assert manifest(first)["completed"] is False
    assert again.returncode == 0, again.stderr
    dataset = export(tmp_path, "--data", str(tmp_path / "disk"))
    assert sorted(path for path, _, _ in signature(dataset)) == \
        sorted(path for path, _, _ in baseline)


def test_a_read_only_disk_stops_the_run_before_any_fetch(tmp_path, small_disk):
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    feeds = {"FEEDS": json.dumps({"disk/%(outlet)s/%(run_id)s.jsonl": {"format": "jsonl"}})}
    with serve(write_site(tmp_path / "site")) as server:
        result = crawl(tmp_path, server, feeds)
        assert articles_fetched(server) == 0
    assert result.returncode == 1
    assert "Cannot write the feed disk/daily/" in result.stderr
    assert "Read-only file system" in result.stderr
