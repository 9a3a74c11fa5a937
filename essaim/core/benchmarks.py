"""What every `bench_*` command reports with its figures."""

from __future__ import annotations


def loadavg() -> str:
    """The machine's load when measured (other work shares the cores); empty where unknown."""
    try:
        with open("/proc/loadavg", encoding="ascii") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return ""
