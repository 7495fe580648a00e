"""What a benchmark ran on: the machine, the code, and its processes' memory (Linux ``/proc``)."""

from __future__ import annotations

import datetime as dt
import os
import platform
import resource
import subprocess
from pathlib import Path
from typing import Any

__all__ = [
    "describe_code",
    "describe_machine",
    "machine_line",
    "open_files_limit",
    "process_cpu_ms",
    "process_memory_mb",
    "raise_open_files",
]


def _first(path: str, prefix: str) -> str | None:
    try:
        for line in Path(path).read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith(prefix):
                return line.split(":", 1)[1].strip()
    except OSError:
        return None
    return None


def describe_machine() -> dict[str, Any]:
    """CPU count and model, memory, OS, Python and the time, for the record of a run."""
    memory = _first("/proc/meminfo", "MemTotal")
    memory_gb = round(int(memory.split()[0]) / 1024 / 1024, 1) if memory else None
    return {
        "cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu_model": _first("/proc/cpuinfo", "model name") or platform.processor() or "unknown",
        "memory_gb": memory_gb,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def describe_code(root: Path) -> dict[str, Any]:
    """The commit checked out at ``root`` and the files changed since (figures depend on both)."""

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", "-C", str(root), *args], capture_output=True, text=True, timeout=10, check=True
            )
        except (OSError, subprocess.SubprocessError):
            return None
        # rstrip only: a porcelain line starts with a space (" M path") that the path slice counts on
        return done.stdout.rstrip()

    changed = git("status", "--porcelain", "--untracked-files=no")
    return {
        "commit": git("rev-parse", "--short", "HEAD"),
        "changed_files": [line[3:] for line in changed.splitlines()] if changed else [],
    }


def machine_line(machine: dict[str, Any]) -> str:
    """``machine`` on one line, for a printed table."""
    return (
        f"{machine['cpus']} CPUs ({machine['cpu_model']}), {machine['memory_gb']} GB RAM, "
        f"{machine['os']}, {machine['implementation']} {machine['python']}, {machine['date']}"
    )


def process_memory_mb(pid: int) -> dict[str, float]:
    """``VmHWM`` (peak resident set) and ``VmRSS`` (current) of ``pid`` in MiB; empty if unreadable."""
    found: dict[str, float] = {}
    for key, name in (("VmHWM", "peak_mb"), ("VmRSS", "current_mb")):
        value = _first(f"/proc/{pid}/status", key)
        if value:
            found[name] = round(int(value.split()[0]) / 1024, 1)
    return found


def process_cpu_ms(pid: int) -> float:
    """CPU time (user + system) ``pid`` has used so far, in ms; ``nan`` when unreadable."""
    try:
        # The command name, in parentheses, may hold spaces: split after its closing one.
        fields = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8").rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return float("nan")
    ticks = int(fields[11]) + int(fields[12])  # utime and stime, fields 14 and 15 of stat(5)
    return ticks * 1000 / os.sysconf("SC_CLK_TCK")


def open_files_limit(pid: int | None = None) -> int | None:
    """The soft limit of open files of ``pid`` (default: this process); ``None``: unlimited or unknown."""
    if pid is None:
        limit = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
        return None if limit == resource.RLIM_INFINITY else limit
    try:
        lines = Path(f"/proc/{pid}/limits").read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    for line in lines:
        # "Max open files            20000                20000                files"
        if line.startswith("Max open files"):
            soft = line.split()[3]
            return None if soft == "unlimited" else int(soft)
    return None


def raise_open_files(wanted: int) -> int:
    """Raise this process's soft limit of open files to ``wanted`` (at most the hard limit).

    Children started afterwards inherit it. Returns the soft limit now in force.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]
