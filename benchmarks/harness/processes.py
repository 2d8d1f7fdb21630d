"""Processes a benchmark runs: this checkout's ``timkiem`` command, and the CPU time and
memory of a process and everything below it, read from Linux /proc."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass


def process_tree(pid: int) -> list[int]:
    """``pid`` and every process below it (Linux /proc)."""
    out = [pid]
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children") as f:
                children = [int(c) for c in f.read().split()]
        except OSError:
            continue
        for child in children:
            out += process_tree(child)
    return out


def rss_kb(pid: int) -> int:
    """Resident memory (VmRSS) of one process, kB; 0 when it is gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def process_cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system) one process has used so far; None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            # Fields after the command name, which is in parentheses and may hold spaces.
            fields = fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def memory_kb(pid: int) -> dict[str, int]:
    """Memory of a server and its worker processes, in kB, from /proc: VmRSS and VmHWM (peak
    resident) summed over the process tree, Pss (resident, pages shared between processes
    split among them: the tree's real footprint) and the number of processes."""
    out: dict[str, int] = {}
    pids = process_tree(pid)
    for p in pids:
        try:
            with open(f"/proc/{p}/status", encoding="ascii") as fh:
                for line in fh:
                    key, _, value = line.partition(":")
                    if key in ("VmRSS", "VmHWM"):
                        out[key] = out.get(key, 0) + int(value.split()[0])
            with open(f"/proc/{p}/smaps_rollup", encoding="ascii") as fh:
                for line in fh:
                    key, _, value = line.partition(":")
                    if key == "Pss":
                        out["Pss"] = out.get("Pss", 0) + int(value.split()[0])
        except OSError:
            continue
    if out:
        out["processes"] = len(pids)
    return out


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a server and its worker processes so far, from /proc."""
    return sum(process_cpu_seconds(p) or 0.0 for p in process_tree(pid))


def checkout_timkiem(*args: str) -> list[str]:
    """The ``timkiem ARGS`` command run by this checkout's code, whatever is installed."""
    cli = "import sys; from indexer.cli import main; sys.exit(main())"
    return [sys.executable, "-c", cli, *args]


@dataclass
class TreeSample:
    """What sampling a process tree found: the largest resident memory summed over it, and
    the CPU seconds each process had used when last seen."""

    peak_kb: int = 0
    cpu: dict[int, float] | None = None


def sample_tree(proc: subprocess.Popen[bytes], into: TreeSample, interval: float) -> None:
    """Sample ``proc``'s process tree every ``interval`` seconds until it ends (in a thread
    of its own to go on meanwhile)."""
    into.cpu = {}
    while proc.poll() is None:
        pids = process_tree(proc.pid)
        into.peak_kb = max(into.peak_kb, sum(rss_kb(p) for p in pids))
        for p in pids:
            seconds = process_cpu_seconds(p)
            if seconds is not None:
                into.cpu[p] = seconds
        time.sleep(interval)
