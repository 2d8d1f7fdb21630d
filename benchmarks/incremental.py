"""An incremental update: the whole ``timkiem index`` command adding a few new articles to a
large index, beside the same insert into SQLite FTS5.

Writes the first ``--base`` VNTC articles to ``base.jsonl`` and the next ``--new`` ones to
``new.jsonl`` (both dated an hour back, as files written earlier are), builds the base index
with ``timkiem index base.jsonl``, then, on a fresh hard-linked copy of it each run, times
``timkiem index base.jsonl new.jsonl --index-dir COPY`` as a subprocess: wall time, CPU of
its whole process tree, and the parts (interpreter start and importing the command, each
timed apart; the build as the command reports it; the rest, wall minus those, so near zero
and within noise). FTS5 gets the same base (one table, optimised) and, on
a fresh copy each run, one transaction inserting the new articles.

    python benchmarks/incremental.py --base 20000 --new 10 --index-dir /tmp/tk-inc
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` and ``indexer`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.harness.data import DATA_DIR, REPO_ROOT, fold_dd, iter_docs
from benchmarks.harness.indexes import index_dir_or_temp
from benchmarks.harness.report import git_revision, log, reproduce_command
from benchmarks.harness.stats import median
from benchmarks.peers import Fts5Peer

MANIFEST = "incremental-benchmark.json"
BASE_FILE = "base.jsonl"
NEW_FILE = "new.jsonl"
BASE_INDEX = "base-index"
FTS5_FILE = "base-fts5.sqlite"
AGE_SECONDS = 3600  # the source files' modification time, this long ago
# "Updated the index in 1.2 s (…)": the build's own time, as the command prints it.
BUILD_SECONDS = re.compile(r"the index in ([\d.]+) s")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="incremental.py",
        description="The whole `timkiem index` command adding --new articles to an index of "
        "--base articles (wall, CPU of the process tree, parts), beside SQLite FTS5.",
    )
    parser.add_argument("--base", type=int, default=20_000, help="articles in the base index")
    parser.add_argument("--new", type=int, default=10, help="new articles added by the update")
    parser.add_argument("--runs", type=int, default=3, help="timed runs; medians are shown")
    parser.add_argument("--json", action="store_true", help="print one JSON object last")
    parser.add_argument(
        "--index-dir",
        help="working folder kept between runs (source files, base index, FTS5 base); "
        "reused when it holds the same --base and --new (default: a temporary folder)",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=DATA_DIR,
        help="shared data folder holding vntc/ (default: ../shared/data beside the repo)",
    )
    return parser.parse_args(argv)


def command_args(args: argparse.Namespace) -> list[str]:
    out = ["--base", str(args.base), "--new", str(args.new), "--runs", str(args.runs)]
    if args.index_dir:
        out += ["--index-dir", args.index_dir]
    if args.data_dir != DATA_DIR:
        out += ["--data-dir", str(args.data_dir)]
    if args.json:
        out.append("--json")
    return out


def write_sources(vntc: Path, work: Path, base: int, new: int) -> None:
    """The first ``base`` records of ``vntc`` into base.jsonl, the next ``new`` into new.jsonl,
    both last modified an hour ago."""
    with gzip.open(vntc, "rt", encoding="utf-8") as src:
        for name, count in ((BASE_FILE, base), (NEW_FILE, new)):
            with open(work / name, "w", encoding="utf-8") as out:
                written = 0
                while written < count:
                    line = src.readline()
                    if not line:
                        sys.exit(f"incremental.py: {vntc} holds fewer than {base + new} articles")
                    if line.strip():
                        out.write(line)
                        written += 1
    then = time.time_ns() - AGE_SECONDS * 10**9
    for name in (BASE_FILE, NEW_FILE):
        os.utime(work / name, ns=(then, then))


def timkiem(args: Sequence[str], cwd: Path) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds of the process tree, stderr) of ``timkiem ARGS``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "indexer.cli", *args],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        sys.exit(f"incremental.py: timkiem {' '.join(args)} failed:\n{done.stderr}")
    return wall, cpu, done.stderr


def python_seconds(code: str) -> float:
    """Median wall seconds of ``python -c CODE`` over three runs."""
    times = []
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
            check=True,
        )
        times.append(time.perf_counter() - started)
    return median(times)


def linked_copy(src: Path, dst: Path) -> None:
    """A copy of an index folder whose files are hard links (an update never writes through
    them: it writes a new generation beside the live one)."""
    shutil.copytree(src, dst, copy_function=os.link)


def prepare(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    """Source files, the base index and the FTS5 base in ``work``, reused when they match."""
    vntc = args.data_dir / "vntc" / "vntc_10topics.jsonl.gz"
    if not vntc.is_file():
        sys.exit(f"incremental.py: no such file: {vntc} (see --data-dir)")
    wanted = {"base": args.base, "new": args.new, "source": vntc.name, "bytes": vntc.stat().st_size}
    try:
        manifest = json.loads((work / MANIFEST).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        manifest = {}
    if all(manifest.get(k) == v for k, v in wanted.items()) and (work / BASE_INDEX).is_dir():
        log(f"Reusing the base index in {work / BASE_INDEX} ({args.base:,} articles).")
        return manifest
    for stale in (BASE_INDEX, FTS5_FILE, MANIFEST):
        path = work / stale
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    log(f"Writing {BASE_FILE} ({args.base:,} articles) and {NEW_FILE} ({args.new:,}) …")
    write_sources(vntc, work, args.base, args.new)
    log(f"Building the base index of {args.base:,} articles (timkiem index {BASE_FILE}) …")
    wall, cpu, _ = timkiem(["index", BASE_FILE, "--index-dir", BASE_INDEX], work)
    log(f"Built in {wall:.1f} s.")
    log("Building the FTS5 base …")
    peer = Fts5Peer(work / FTS5_FILE)
    peer.build(iter_docs([work / BASE_FILE]))
    peer.close()
    manifest = {**wanted, "base_build_seconds": round(wall, 2), "base_build_cpu": round(cpu, 2)}
    (work / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def fts5_update(work: Path, tmp: Path, run: int) -> float:
    """Wall seconds of inserting the new articles into a fresh copy of the FTS5 base."""
    path = tmp / f"fts5-{run}.sqlite"
    shutil.copyfile(work / FTS5_FILE, path)
    docs = list(iter_docs([work / NEW_FILE]))
    started = time.perf_counter()
    conn = sqlite3.connect(path)
    with conn:
        conn.executemany(
            "INSERT INTO docs (id, title, body) VALUES (?, ?, ?)",
            [(d.id, fold_dd(d.title), fold_dd(d.text)) for d in docs],
        )
    conn.close()
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with index_dir_or_temp(args.index_dir, "timkiem-incremental-") as work:
        manifest = prepare(args, work)
        log("Timing interpreter start and `import indexer.cli` …")
        start = python_seconds("pass")
        imported = python_seconds("import indexer.cli")
        runs: list[dict[str, float]] = []
        fts5: list[float] = []
        with tempfile.TemporaryDirectory(prefix="timkiem-incremental-runs-", dir=work) as tmp:
            for run in range(args.runs):
                copy = Path(tmp) / f"run-{run}"
                linked_copy(work / BASE_INDEX, copy)
                command = ["index", BASE_FILE, NEW_FILE, "--index-dir", str(copy)]
                wall, cpu, output = timkiem(command, work)
                found = BUILD_SECONDS.search(output)
                build = float(found.group(1)) if found else float("nan")
                summary = next(
                    (line for line in output.splitlines() if BUILD_SECONDS.search(line)), ""
                )
                log(f"run {run + 1}: {wall:.2f} s wall, {cpu:.2f} s CPU: {summary}")
                runs.append({"wall": wall, "cpu": cpu, "build": build})
                shutil.rmtree(copy)
                fts5.append(fts5_update(work, Path(tmp), run))
    wall = median([r["wall"] for r in runs])
    build = median([r["build"] for r in runs])
    result = {
        "base": args.base,
        "new": args.new,
        "runs": args.runs,
        "timkiem": {
            "wall_s": round(wall, 3),
            "cpu_s": round(median([r["cpu"] for r in runs]), 3),
            "parts_s": {
                "interpreter": round(start, 3),
                "import": round(imported - start, 3),
                "build": round(build, 3),
                "rest": round(wall - imported - build, 3),
            },
            "all_runs": [{k: round(v, 3) for k, v in r.items()} for r in runs],
        },
        "sqlite_fts5_insert_s": round(median(fts5), 4),
        "base_build_s": manifest.get("base_build_seconds"),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "cpus": os.cpu_count(),
        "commit": git_revision(),
        "command": reproduce_command(sys.argv[0], command_args(args)),
    }
    print_report(result)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    return 0


def print_report(result: dict[str, Any]) -> None:
    t = result["timkiem"]
    parts = t["parts_s"]
    print(
        f"timkiem index: {result['new']:,} new articles into {result['base']:,} "
        f"(median of {result['runs']} runs)"
    )
    print(f"  wall {t['wall_s']:.2f} s, CPU of the process tree {t['cpu_s']:.2f} s")
    print(
        f"  parts: interpreter {parts['interpreter']:.2f} s, import {parts['import']:.2f} s, "
        f"build {parts['build']:.2f} s, rest {parts['rest']:.2f} s"
    )
    fts5_ms = result["sqlite_fts5_insert_s"] * 1000
    print(f"sqlite-fts5: insert of the same articles {fts5_ms:.1f} ms")
    print(f"load average {result['load_average']} on {result['cpus']} CPUs; {result['commit']}")
    print(result["command"])


if __name__ == "__main__":
    sys.exit(main())
