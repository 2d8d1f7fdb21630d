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
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

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


# How long a writer waits for the writer lock another holds, and whom it tells that it
# waits (see ``writers_wait``). The default is not to wait: the write API's applier retries
# by itself, and a library caller decides.
_PATIENCE: ContextVar[tuple[float, Callable[[str], None] | None]] = ContextVar(
    "timkiem_lock_patience", default=(0.0, None)
)
POLL_SECONDS = 0.1  # how often a waiting writer tries the lock again


class LockWaitTimeout(IndexLockedError):
    """The writer lock stayed held for as long as the writer was allowed to wait."""

    def __init__(self, index_dir: str, seconds: float, holder: str = "") -> None:
        super().__init__(index_dir)
        who = holder or "another timkiem writer"
        self.args = (
            f"Gave up after waiting {seconds:g} s for {who} to finish writing {index_dir}. "
            "Run the command again once it is done, or give it longer with --wait SECONDS.",
        )

    def __str__(self) -> str:
        return str(self.args[0])


@contextmanager
def writers_wait(seconds: float, announce: Callable[[str], None] | None = None) -> Iterator[None]:
    """Within the block, a writer finding the index's writer lock held waits up to
    ``seconds`` for it (then fails with IndexLockedError as before), calling ``announce``
    once with a line saying what it waits for: what ``timkiem index --wait`` sets around a
    build, so that it waits for the applier, a crawl or a merge instead of failing."""
    token = _PATIENCE.set((max(0.0, seconds), announce))
    try:
        yield
    finally:
        _PATIENCE.reset(token)


def _flock_waiting(
    fh: IO[str], path: Path, seconds: float, announce: Callable[[str], None] | None
) -> bool:
    """Try the lock until ``seconds`` have passed; whether it was taken."""
    deadline = time.monotonic() + seconds
    told = False
    while True:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            pass
        if time.monotonic() >= deadline:
            return False
        if not told and announce is not None:
            announce(_waiting_line(path, seconds))
            told = True
        time.sleep(POLL_SECONDS)


def _waiting_line(path: Path, seconds: float) -> str:
    holder = lock_holder(path)
    who = holder or "another timkiem writer"
    return f"Waiting up to {seconds:g} s for {who} to finish writing {path.parent} …"


def lock_holder(path: Path) -> str:
    """What the holder of the lock file ``path`` said it is ("timkiem index (pid 1234)"),
    or "" when it said nothing."""
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError:
        return ""


def _holder_name() -> str:
    argv = sys.argv
    name = Path(argv[0]).name if argv and argv[0] else "python"
    if name in ("-m", "__main__.py", "-c") or name.startswith("python"):
        name = "timkiem"
    words = [a for a in argv[1:3] if not a.startswith("-")][:1]
    return " ".join([name, *words]) + f" (pid {os.getpid()})"


@contextmanager
def file_lock(
    path: Path, busy: Callable[[], Exception] | None = None, *, holder: str | None = None
) -> Iterator[None]:
    """Hold an exclusive lock on the file ``path`` (created if need be), released however
    the block ends. Another holder makes it wait, or, with ``busy``, raise ``busy()`` at
    once (or after the patience ``writers_wait`` gives). The lock is the operating system's
    (``flock``): a killed process leaves none. ``holder`` is written into the file while
    it is held, for a waiting writer to say what it waits for."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as fh:
        if busy is None:
            fcntl.flock(fh, fcntl.LOCK_EX)
        else:
            seconds, announce = _PATIENCE.get()
            if not _flock_waiting(fh, path, seconds, announce):
                error = busy()
                if seconds and isinstance(error, IndexLockedError):
                    error = LockWaitTimeout(str(path.parent), seconds, lock_holder(path))
                raise error from None
        try:
            if holder is not None:
                fh.seek(0)
                fh.truncate()
                fh.write(holder + "\n")
                fh.flush()
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def write_lock(index_dir: Path, what: str = "") -> AbstractContextManager[None]:
    """Hold the directory's writer lock, or fail with a clear message: at once, or after
    waiting as long as ``writers_wait`` allows. ``what`` says what the holder does
    ("merging segments"), shown to a writer that waits."""
    holder = _holder_name() + (f", {what}" if what else "")
    return file_lock(
        Path(index_dir) / LOCK_FILE, lambda: IndexLockedError(str(index_dir)), holder=holder
    )


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
