"""Run a command and print its wall time and the peak memory of its whole process tree.

``/usr/bin/time -v`` reports the largest single process only; ``timkiem index`` runs an
indexer and analysis processes, so this samples the resident memory (VmRSS) of the command
and all its descendants every half second and prints the largest sum.

    python benchmarks/peak_memory.py timkiem index --rebuild \\
        ../shared/data/vinewsqa/corpus.jsonl ../shared/data/vntc/vntc_10topics.jsonl.gz \\
        --index-dir /tmp/ix
"""

from __future__ import annotations

import shlex
import subprocess
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.harness.processes import TreeSample, sample_tree

INTERVAL = 0.5  # seconds between samples


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0 if argv else 2
    started = time.perf_counter()
    proc = subprocess.Popen(argv)
    sample = TreeSample()
    sample_tree(proc, sample, INTERVAL)
    peak = sample.peak_kb
    seconds = time.perf_counter() - started
    print(
        f"wall {seconds:.1f} s, peak memory of the process tree {peak / 1024:.0f} MB, "
        f"exit status {proc.returncode}"
    )
    print("command: python benchmarks/peak_memory.py " + shlex.join(argv))
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
