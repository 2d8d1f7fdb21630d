"""Run a command and print its wall time and the peak memory of its whole process tree.

``/usr/bin/time -v`` reports the largest single process only; ``timkiem index`` runs an
indexer and analysis processes, so this samples the resident memory (VmRSS) of the command
and all its descendants every half second and prints the largest sum.

    python benchmarks/peak_memory.py timkiem index --rebuild \\
        ../shared/data/vinewsqa/corpus.jsonl ../shared/data/vntc/vntc_10topics.jsonl.gz \\
        --index-dir /tmp/ix
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import time

INTERVAL = 0.5  # seconds between samples


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


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0 if argv else 2
    started = time.perf_counter()
    proc = subprocess.Popen(argv)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, sum(rss_kb(p) for p in process_tree(proc.pid)))
        time.sleep(INTERVAL)
    seconds = time.perf_counter() - started
    print(
        f"wall {seconds:.1f} s, peak memory of the process tree {peak / 1024:.0f} MB, "
        f"exit status {proc.returncode}"
    )
    print("command: python benchmarks/peak_memory.py " + shlex.join(argv))
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
