"""A timkiem index for a benchmark: built once, or reused when its manifest (source files,
which subset, document count, build time) says it holds the same documents; sizes on disk."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.harness.data import MANIFEST_FILE, RENAMED_FILE, Doc, source_key
from benchmarks.harness.report import log

# -- the timkiem index --------------------------------------------------------------------


@dataclass
class BenchIndex:
    """A timkiem index ready for a benchmark, and how it came to be."""

    path: Path
    documents: int
    built: bool  # False when an existing index was reused
    build_seconds: float
    articles_per_second: float
    skipped: int
    # timkiem's article id → the record's id, where they differ (the extractor makes ids
    # URL-safe: "test/Chinh tri Xa hoi/XH_NLD_T_ (8962)" → "test_Chinh_tri_Xa_hoi_…").
    renamed: dict[str, str] = field(default_factory=dict)
    manifest: dict[str, Any] = field(default_factory=dict)

    def record_id(self, article_id: str) -> str:
        return self.renamed.get(article_id, article_id)


def source_list(sources: Sequence[Path]) -> list[dict[str, Any]]:
    """What identifies the documents of an index: file names and sizes (sorted by name)."""
    return sorted(({"name": p.name, "size": p.stat().st_size} for p in sources), key=str)


def selection_key(n_docs: int | None, seed: int) -> dict[str, Any]:
    """Which documents of the sources an index holds: all, or a seeded subset of ``n_docs``."""
    return {"docs": "all"} if n_docs is None else {"docs": n_docs, "seed": seed}


def read_manifest(index_dir: Path) -> dict[str, Any] | None:
    try:
        return json.loads((index_dir / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _read_renamed(index_dir: Path) -> dict[str, str]:
    try:
        return json.loads((index_dir / RENAMED_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _reusable(index_dir: Path, wanted: Mapping[str, Any]) -> dict[str, Any] | None:
    from indexer import Engine, index_exists

    manifest = read_manifest(index_dir)
    if manifest is None or not index_exists(index_dir):
        return None
    if any(manifest.get(k) != v for k, v in wanted.items()):
        return None
    try:
        if Engine(index_dir).doc_count() != manifest.get("engine_doc_count"):
            return None
    except Exception:
        return None
    return manifest


def first_articles(source: str | os.PathLike[str], limit: int | None = None) -> list[Any]:
    """The articles timkiem extracts from ``source`` (its ``Article`` records, skipped ones
    left out), the first ``limit`` of them when given."""
    from indexer import Article, iter_articles

    out = []
    for item in iter_articles([source]):
        if isinstance(item, Article):
            out.append(item)
            if limit and len(out) >= limit:
                break
    return out


def ensure_index(
    index_dir: Path,
    docs: Mapping[str, Doc],
    sources: Sequence[Path],
    subset: bool = False,
    selection: Mapping[str, Any] | None = None,
) -> BenchIndex:
    """The timkiem index of ``sources`` in ``index_dir``: of the records in ``docs`` only,
    when ``subset``.

    An index this function built earlier is reused when its manifest names the same source
    files (names and sizes) and ``selection``; otherwise the index is built (through
    ``iter_articles`` and ``build_index``, as ``timkiem index`` does) and the manifest written.
    Articles are tied to records by file and line, so ids the extractor rewrites still map.
    """
    from indexer import Engine, Skipped, build_index, iter_articles

    wanted = {"sources": source_list(sources), "selection": dict(selection or {})}
    manifest = _reusable(index_dir, wanted)
    if manifest is not None:
        log(f"Reusing the index in {index_dir} ({manifest['documents']:,} documents).")
        return BenchIndex(
            index_dir,
            manifest["documents"],
            False,
            manifest["build_seconds"],
            manifest["articles_per_second"],
            manifest["skipped"],
            _read_renamed(index_dir),
            manifest,
        )
    log(f"Building the timkiem index in {index_dir} …")
    by_key = {d.key: d.id for d in docs.values()}
    renamed: dict[str, str] = {}

    def articles() -> Iterator[Any]:
        for item in iter_articles(list(sources)):
            if isinstance(item, Skipped):
                yield item
                continue
            record_id = by_key.get(source_key(item.path, item.line))
            if subset and record_id is None:
                continue
            if record_id is not None and record_id != item.id:
                renamed[item.id] = record_id
            yield item

    report = build_index(articles(), index_dir)
    manifest = {
        **wanted,
        "documents": report.indexed,
        "engine_doc_count": Engine(index_dir).doc_count(),
        "skipped": len(report.skipped),
        "build_seconds": round(report.seconds, 3),
        "articles_per_second": round(report.articles_per_second, 1),
        "built": datetime.now(UTC).isoformat(timespec="seconds"),
        "renamed_ids": len(renamed),
    }
    (index_dir / RENAMED_FILE).write_text(json.dumps(renamed, ensure_ascii=False), "utf-8")
    (index_dir / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n", "utf-8")
    log(f"Built {report.indexed:,} documents in {report.seconds:.1f} s.")
    return BenchIndex(
        index_dir,
        report.indexed,
        True,
        report.seconds,
        report.articles_per_second,
        len(report.skipped),
        renamed,
        manifest,
    )


@contextlib.contextmanager
def index_dir_or_temp(index_dir: str | None, prefix: str) -> Iterator[Path]:
    """``index_dir`` (created if needed and kept), or a temporary directory removed after."""
    if index_dir:
        path = Path(index_dir)
        path.mkdir(parents=True, exist_ok=True)
        yield path
        return
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        yield Path(tmp)


def live_generation_size(index_dir: Path) -> int:
    """Bytes on disk of the live generation of a timkiem index."""
    from indexer.index.generations import generation_dir

    return dir_size(generation_dir(index_dir))


def dir_size(path: Path) -> int:
    """Bytes of every file under ``path``."""
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
