"""Test-wide guards and fixtures: loopback-only network, local sites, crawls as subprocesses."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

import netguard

TESTS = Path(__file__).parent
# Property tests of the parsers (tests/**/test_*_fuzz.py): `make test` tries a fixed, repeatable
# sample of inputs per property; `make fuzz` (HYPOTHESIS_PROFILE=fuzz) tries many more, new ones
# each run, and keeps the failing ones in .hypothesis/ to try first next time.
settings.register_profile("test", max_examples=40, derandomize=True, database=None,
                          deadline=None, print_blob=True)
settings.register_profile("fuzz", max_examples=int(os.environ.get("FUZZ_EXAMPLES", 1000)),
                          deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "test"))
GUARD_LOG = Path(os.environ.setdefault(
    "NEWSBOT_NETGUARD_LOG", str(TESTS.parent / ".pytest_cache" / "netguard.log")))
# Subprocesses (crawls, the demo) load tests/sitecustomize, which installs the same guard.
os.environ["PYTHONPATH"] = os.pathsep.join(
    filter(None, [str(TESTS / "sitecustomize"), os.environ.get("PYTHONPATH")]))


def pytest_sessionstart(session: pytest.Session) -> None:
    GUARD_LOG.parent.mkdir(parents=True, exist_ok=True)
    GUARD_LOG.write_text("")
    netguard.install()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    blocked = GUARD_LOG.read_text() if GUARD_LOG.exists() else ""
    if blocked:
        print(f"\nNetwork guard blocked connections to non-loopback addresses:\n{blocked}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture
def site_dirs(tmp_path: Path):
    """``site_dirs("wire")`` -> an empty folder to write a test site into."""
    def make(name: str) -> Path:
        path = tmp_path / "sites" / name
        path.mkdir(parents=True, exist_ok=True)
        return path
    return make


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory) -> tuple[Path, str]:
    """``newsbot demo --archive`` run once for the session: its folder and what it printed."""
    import subprocess
    import sys

    out = tmp_path_factory.mktemp("demo")
    proc = subprocess.run([sys.executable, "-m", "newsbot.cli", "demo", "--out", str(out),
                           "--archive"], capture_output=True, text=True, timeout=120, cwd=out)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out, proc.stdout


@pytest.fixture
def redis_server(tmp_path: Path):
    """A private ``redis-server`` (the Debian package) on a free loopback port, for this test."""
    from newsbot.distributed.server import RedisServer

    server = RedisServer(tmp_path / "redis").start()
    yield server
    server.stop()
