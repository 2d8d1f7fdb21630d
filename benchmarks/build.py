"""Build throughput: timkiem's full build beside SQLite FTS5 and Tantivy on the same articles.

The first N VNTC articles are written to one JSON Lines file; each run then builds, one
after another on the same machine: timkiem's index of that file with ``timkiem index
--rebuild`` (its own process, with its analysis processes), an on-disk FTS5 table of title +
body in one transaction, and a Tantivy index (when installed; 2 indexing threads). Every
engine reads the file inside its build time. Prints articles/s of each (median of the runs),
timkiem's rate as a share of FTS5's (median of the runs' own ratios, which a loaded machine
disturbs less than either rate), the CPU timkiem spent per article in its main process and
in its analysis processes, the peak memory of its whole process tree (sampled as
``peak_memory.py`` does) and the index size against the raw text.

    python benchmarks/build.py --docs 20000
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` and ``indexer`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.harness.data import DATA_DIR, REPO_ROOT, iter_docs, raw_text_bytes, write_articles
from benchmarks.harness.indexes import live_generation_size
from benchmarks.harness.processes import TreeSample, checkout_timkiem, sample_tree
from benchmarks.harness.report import git_revision, log, reproduce_command
from benchmarks.harness.stats import median
from benchmarks.peers import Fts5Peer, TantivyPeer, tantivy_available

SAMPLE_SECONDS = 0.2  # how often the indexer's process tree is sampled


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="build.py",
        description="Articles/s of timkiem's full build beside SQLite FTS5 and Tantivy on the "
        "same VNTC articles; timkiem's CPU per article, peak memory and index size.",
    )
    parser.add_argument("--docs", type=int, default=20000, metavar="N", help="first N articles")
    parser.add_argument("--runs", type=int, default=3, help="timed runs; medians are shown")
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=DATA_DIR,
        help="the shared data folder holding vntc/ (default: ../shared/data beside the repo)",
    )
    parser.add_argument("--no-tantivy", action="store_true", help="leave Tantivy out")
    parser.add_argument("--json", action="store_true", help="print one JSON object last")
    return parser.parse_args(argv)


def command_args(args: argparse.Namespace) -> list[str]:
    out = ["--docs", str(args.docs), "--runs", str(args.runs)]
    if args.data_dir != DATA_DIR:
        out += ["--data-dir", str(args.data_dir)]
    if args.no_tantivy:
        out.append("--no-tantivy")
    if args.json:
        out.append("--json")
    return out


@dataclass
class TimkiemRun:
    seconds: float
    cpu_seconds: float  # every process of the indexer
    main_cpu_seconds: float  # the indexer's main process
    peak_mb: float
    index_bytes: int


def index_command(articles: Path, index_dir: Path) -> list[str]:
    return checkout_timkiem("index", str(articles), "--rebuild", "--index-dir", str(index_dir))


def build_timkiem(articles: Path, index_dir: Path) -> TimkiemRun:
    """``timkiem index --rebuild`` of ``articles`` in a process of its own (this checkout's
    code), timed, its process tree sampled."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with tempfile.TemporaryFile() as errors:
        proc = subprocess.Popen(
            index_command(articles, index_dir),
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=errors,
            cwd=REPO_ROOT,
        )
        sample = TreeSample()
        sampler = threading.Thread(
            target=sample_tree, args=(proc, sample, SAMPLE_SECONDS), daemon=True
        )
        sampler.start()
        status = proc.wait()
        seconds = time.perf_counter() - started
        sampler.join()
        if status:
            errors.seek(0)
            log(errors.read().decode("utf-8", "replace"))
            raise SystemExit(f"timkiem index failed with status {status}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # The indexer's own CPU is exact (it was waited for); its analysis processes are children
    # of multiprocessing's fork server, so theirs is what the last sample saw (up to
    # SAMPLE_SECONDS short each).
    waited = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    cpu_seen = sample.cpu or {}
    main_cpu = cpu_seen.get(proc.pid, 0.0)
    cpu = max(waited, sum(cpu_seen.values()))
    return TimkiemRun(
        seconds, cpu, main_cpu, sample.peak_kb / 1024, live_generation_size(index_dir)
    )


def build_peer(peer: Any, articles: Path) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds of this process, index bytes) of a peer's build, reading
    the file inside the timing."""
    cpu = time.process_time()
    started = time.perf_counter()
    peer.build(iter_docs([articles]))
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    size = peer.size()
    peer.close()
    return seconds, cpu, size


def summarise(n: int, raw: int, runs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Medians over the runs of every figure the report shows."""
    tk: list[TimkiemRun] = [r["timkiem"] for r in runs]
    out: dict[str, Any] = {
        "articles": n,
        "raw_text_mb": raw / 1e6,
        "runs": len(runs),
        "timkiem": {
            "articles_per_s": median([n / r.seconds for r in tk]),
            "seconds": median([r.seconds for r in tk]),
            "cpu_ms_per_article": median([1000 * r.cpu_seconds / n for r in tk]),
            "main_cpu_ms_per_article": median([1000 * r.main_cpu_seconds / n for r in tk]),
            "analysis_cpu_ms_per_article": median(
                [1000 * (r.cpu_seconds - r.main_cpu_seconds) / n for r in tk]
            ),
            "peak_memory_mb": max(r.peak_mb for r in tk),
            "index_mb": tk[-1].index_bytes / 1e6,
            "index_vs_raw": tk[-1].index_bytes / raw,
        },
    }
    for name in ("sqlite-fts5", "tantivy"):
        peer = [r[name] for r in runs if name in r]
        if peer:
            out[name] = {
                "articles_per_s": median([n / seconds for seconds, _, _ in peer]),
                "cpu_ms_per_article": median([1000 * cpu / n for _, cpu, _ in peer]),
                "index_mb": peer[-1][2] / 1e6,
                "index_vs_raw": peer[-1][2] / raw,
            }
    out["timkiem_vs_fts5"] = median(
        [(r["sqlite-fts5"][0] / r["timkiem"].seconds) for r in runs if "sqlite-fts5" in r]
    )
    return out


def print_report(s: dict[str, Any]) -> None:
    tk = s["timkiem"]
    print(
        f"{s['articles']:,} VNTC articles ({s['raw_text_mb']:.1f} MB of text), "
        f"median of {s['runs']} runs"
    )
    print(f"{'engine':<12} {'articles/s':>11} {'CPU ms/article':>15} {'index MB':>9} {'× raw':>6}")
    print(
        f"{'timkiem':<12} {tk['articles_per_s']:>11.0f} {tk['cpu_ms_per_article']:>15.2f} "
        f"{tk['index_mb']:>9.1f} {tk['index_vs_raw']:>6.2f}"
    )
    for name in ("sqlite-fts5", "tantivy"):
        if name in s:
            p = s[name]
            print(
                f"{name:<12} {p['articles_per_s']:>11.0f} {p['cpu_ms_per_article']:>15.2f} "
                f"{p['index_mb']:>9.1f} {p['index_vs_raw']:>6.2f}"
            )
    print(f"timkiem / FTS5 articles/s (same runs): {s['timkiem_vs_fts5']:.3f}")
    print(
        f"timkiem CPU per article: main process {tk['main_cpu_ms_per_article']:.2f} ms, "
        f"analysis processes {tk['analysis_cpu_ms_per_article']:.2f} ms; "
        f"peak memory of its process tree {tk['peak_memory_mb']:.0f} MB"
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    source = args.data_dir / "vntc" / "vntc_10topics.jsonl.gz"
    if not source.exists():
        log(f"missing {source}: see the data folder's README")
        return 2
    no_tantivy = args.no_tantivy or tantivy_available() is not None
    if not args.no_tantivy and no_tantivy:
        log(f"Tantivy left out: {tantivy_available()}")
    with tempfile.TemporaryDirectory(prefix="timkiem-build-") as tmp_name:
        tmp = Path(tmp_name)
        articles = tmp / "articles.jsonl"
        n = write_articles(source, args.docs, articles)
        raw = raw_text_bytes(iter_docs([articles]))
        runs: list[dict[str, Any]] = []
        for run in range(args.runs):
            log(f"run {run + 1}/{args.runs}: timkiem, {n:,} articles")
            result: dict[str, Any] = {"timkiem": build_timkiem(articles, tmp / f"tk{run}")}
            log(f"run {run + 1}/{args.runs}: SQLite FTS5")
            result["sqlite-fts5"] = build_peer(Fts5Peer(tmp / f"fts{run}.db"), articles)
            if not no_tantivy:
                log(f"run {run + 1}/{args.runs}: Tantivy")
                result["tantivy"] = build_peer(TantivyPeer(tmp / f"tantivy{run}"), articles)
            runs.append(result)
    summary = summarise(n, raw, runs)
    print_report(summary)
    command = reproduce_command("benchmarks/build.py", command_args(args))
    print(f"command: {command}")
    if args.json:
        summary["per_run"] = [
            {k: asdict(v) if isinstance(v, TimkiemRun) else v for k, v in r.items()} for r in runs
        ]
        summary["command"] = command
        summary["revision"] = git_revision()
        print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
