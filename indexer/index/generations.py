"""Generations of an index directory: which one is live, and how a new one replaces it.

Layout of an index directory::

    index_data/
      CURRENT              name of the live generation (replaced atomically)
      .lock                held by the one indexer writing this directory
      gen-20260405T190700-1234/
        timkiem.json       format version, document count, build time
        …                  the files of one index (see ``build``)

A build writes a new generation, fsyncs it, then replaces ``CURRENT`` with one atomic
rename; searchers notice the new ``CURRENT`` and open the generation it names. Killing the
indexer at any moment leaves the previous generation live and intact.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from pathlib import Path

from ..errors import IndexLockedError, IndexMissingError, IndexVersionError
from .schema import SCHEMA_VERSION

CURRENT_FILE = "CURRENT"
META_FILE = "timkiem.json"
LOCK_FILE = ".lock"
GENERATION_PREFIX = "gen-"


def generation_dir(index_dir: str | os.PathLike[str]) -> Path:
    """The directory of the live generation; raises IndexMissingError/IndexVersionError."""
    root = Path(index_dir)
    name = live_name(root)
    if name is None:
        raise IndexMissingError(str(index_dir))
    gen = root / name
    try:
        meta = json.loads((gen / META_FILE).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        raise IndexMissingError(str(index_dir)) from None
    if meta.get("format") != SCHEMA_VERSION:
        raise IndexVersionError(str(index_dir), meta.get("format"), SCHEMA_VERSION)
    return gen


def index_exists(index_dir: str | os.PathLike[str]) -> bool:
    try:
        generation_dir(index_dir)
    except IndexMissingError:
        return False
    return True


def live_name(root: Path) -> str | None:
    """The name ``CURRENT`` holds, or None when there is none yet."""
    try:
        return (root / CURRENT_FILE).read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):
        return None


def current_stamp(root: Path) -> tuple[int, int] | None:
    """What changes when a generation is published (``CURRENT``'s mtime and inode)."""
    try:
        st = os.stat(root / CURRENT_FILE)
    except FileNotFoundError:
        return None
    return (st.st_mtime_ns, st.st_ino)


@contextmanager
def file_lock(path: Path, busy: Callable[[], Exception] | None = None) -> Iterator[None]:
    """Hold an exclusive lock on the file ``path`` (created if need be), released however
    the block ends. Another holder makes it wait, or, with ``busy``, raise ``busy()`` at
    once. The lock is the operating system's (``flock``): a killed process leaves none."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as fh:
        if busy is None:
            fcntl.flock(fh, fcntl.LOCK_EX)
        else:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise busy() from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def write_lock(index_dir: Path) -> AbstractContextManager[None]:
    """Hold the directory's writer lock, or fail at once with a clear message."""
    return file_lock(Path(index_dir) / LOCK_FILE, lambda: IndexLockedError(str(index_dir)))


def new_generation_name() -> str:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    return f"{GENERATION_PREFIX}{stamp}-{os.getpid()}"


def write_meta(gen: Path, documents: int) -> None:
    """The generation's ``timkiem.json``: format version, document count, build time."""
    meta = {
        "format": SCHEMA_VERSION,
        "documents": documents,
        "built": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    (gen / META_FILE).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")


def publish(root: Path, name: str) -> None:
    """Make generation ``name`` live with one atomic rename, durable across a crash: its
    files are synced first, then ``CURRENT`` and the directory holding it."""
    _fsync_tree(root / name)
    tmp = root / (CURRENT_FILE + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(name + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, root / CURRENT_FILE)
    dir_fd = os.open(root, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def remove_old_generations(root: Path, keep: set[str]) -> None:
    """Delete generations other than ``keep`` (unfinished builds, superseded ones)."""
    for path in root.iterdir():
        if path.is_dir() and path.name.startswith(GENERATION_PREFIX) and path.name not in keep:
            shutil.rmtree(path, ignore_errors=True)


def _fsync_tree(path: Path) -> None:
    for file in path.iterdir():
        if file.is_file():
            with open(file, "rb") as fh:
                os.fsync(fh.fileno())
