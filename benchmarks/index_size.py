"""Where the bytes of a timkiem index go: per kind of file and per field.

For every field of every segment: terms in the dictionary, how many of them have their
postings inlined, how many occur in one article, dictionary bytes (keys and term infos) and
postings bytes. Reads the live generation; changes nothing.

    python benchmarks/index_size.py --index-dir /tmp/tk-full
"""

from __future__ import annotations

import argparse
import json
import struct
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` and ``indexer`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3TermInfo
from whoosh.filedb.filetables import OrderedHashReader

from benchmarks.harness.report import git_revision, reproduce_command
from indexer.index.generations import generation_dir


def file_kind(name: str) -> str:
    if name.endswith(".trm"):
        return "term dictionary (.trm)"
    if name.endswith(".pst"):
        return "postings (.pst)"
    if name.endswith("_stored.col"):
        return "stored fields (_stored.col)"
    if name.endswith("_len.col"):
        return "field lengths (_len.col)"
    if name == "vocabulary.json":
        return "accent vocabulary (vocabulary.json)"
    return "other"


def breakdown(index_dir: Path) -> dict[str, Any]:
    gen = generation_dir(index_dir)
    files: Counter[str] = Counter()
    for path in gen.iterdir():
        if path.is_file():
            files[file_kind(path.name)] += path.stat().st_size
    fields: dict[str, Counter[str]] = defaultdict(Counter)
    ix = whoosh_index.open_dir(str(gen))
    segments = ix._segments()
    for segment in segments:
        name = segment.make_filename(".trm")
        reader = OrderedHashReader(ix.storage.open_file(name), ix.storage.file_length(name))
        names = {v: k for k, v in reader.extras["fieldmap"].items()}
        for key, value in reader.items():
            c = fields[names[struct.unpack("!H", key[:2])[0]]]
            info = W3TermInfo.from_bytes(value)
            c["terms"] += 1
            c["postings"] += info.doc_frequency()
            c["df1"] += info.doc_frequency() == 1
            # Key and value, their two lengths (8 bytes), 1.25 hash slots of 12 bytes (as
            # timkiem writes them; stock Whoosh writes 2), an index entry (4).
            c["dictionary_bytes"] += len(key) + len(value) + 8 + 15 + 4
            if info.is_inlined():
                c["inlined"] += 1
            else:
                length = info.extent()[1]
                c["postings_bytes"] += length[0] if isinstance(length, tuple) else length
        reader.close()
    ix.close()
    return {
        "generation": gen.name,
        "segments": len(segments),
        "files": dict(files.most_common()),
        "total_bytes": sum(files.values()),
        "fields": {name: dict(c) for name, c in sorted(fields.items())},
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="index_size.py", description=__doc__.split("\n")[0])
    parser.add_argument("--index-dir", required=True, help="A timkiem index directory.")
    parser.add_argument("--raw-mb", type=float, help="Raw text size (MiB) to divide by.")
    parser.add_argument("--json", action="store_true", help="Also print one JSON line.")
    args = parser.parse_args(argv)
    r = breakdown(Path(args.index_dir))
    mb = 1024 * 1024
    print(f"generation {r['generation']}: {r['segments']} segment(s), commit {git_revision()}")
    for kind, size in r["files"].items():
        print(f"  {kind:<38}{size / mb:>9.1f} MB")
    total = r["total_bytes"] / mb
    ratio = f"  ({total / args.raw_mb:.2f}× raw text)" if args.raw_mb else ""
    print(f"  {'total':<38}{total:>9.1f} MB{ratio}")
    print(f"\n  {'field':<10}{'terms':>11}{'df=1':>11}{'inlined':>11}{'postings':>13}", end="")
    print(f"{'dict MB':>9}{'post MB':>9}")
    for name, c in r["fields"].items():
        counts = f"{c['terms']:>11,}{c.get('df1', 0):>11,}{c.get('inlined', 0):>11,}"
        sizes = f"{c['dictionary_bytes'] / mb:>9.1f}{c.get('postings_bytes', 0) / mb:>9.1f}"
        print(f"  {name:<10}{counts}{c['postings']:>13,}{sizes}")
    print("\n" + reproduce_command(sys.argv[0], sys.argv[1:] if argv is None else argv))
    if args.json:
        print(json.dumps(r))


if __name__ == "__main__":
    main()
