"""Resident memory of a process, for the benchmarks' memory figures (Linux /proc)."""

from __future__ import annotations


def rss_mib(pid: int | str = "self") -> float:
    """Resident set size of process ``pid`` (this one by default), in MiB."""
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS in /proc/{pid}/status")
