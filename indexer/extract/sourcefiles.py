"""The source files of the last ``timkiem index`` run, so that an update reads only the files
that changed.

Each generation built from files holds ``sources.json.gz`` (gzip-compressed JSON): for every
source file read, its absolute path, size, modification time (ns), inode, the id its name
gives, the source name given to its articles, and the ids of the articles it gave. On the
next update a file whose size, modification time and inode are all unchanged is not read:
its articles stay as they are (``SourceFiles.unchanged``). A file that changed, a new file,
a file with a bad record (so that it is reported again) and a file whose ids another file
also gave are read as before; a file that is gone has its articles removed as before.
``--rebuild`` reads every file.

A file edited without changing its size and with its modification time set back by hand
looks unchanged: ``--rebuild`` reads it. A file modified within two seconds of being read
is not listed (a coarse file-system clock could hide a second write in the same tick), so
it is read again next time.
"""

from __future__ import annotations

import gzip
import json
import os
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

SOURCES_FILE = "sources.json.gz"
RACY_NS = 2_000_000_000  # a file modified this close to being read is read again next time


@dataclass
class FileEntry:
    """One source file as the last run read it."""

    size: int
    mtime_ns: int
    inode: int
    stem: str  # the id its name gives (see ``extract.sources``)
    source: str | None  # the site name given to articles that name none
    ids: list[str] = field(default_factory=list)
    racy: bool = False  # modified too close to being read to be trusted next time

    def same_file(self, other: FileEntry) -> bool:
        return (self.size, self.mtime_ns, self.inode, self.stem, self.source) == (
            other.size,
            other.mtime_ns,
            other.inode,
            other.stem,
            other.source,
        )


def read_table(directory: Path) -> dict[str, FileEntry]:
    """The source files a generation was built from ({} when it lists none)."""
    try:
        raw = json.loads(gzip.decompress((directory / SOURCES_FILE).read_bytes()))
        return {path: FileEntry(**entry) for path, entry in raw.items()}
    except (FileNotFoundError, OSError, ValueError, TypeError):
        return {}


def write_table(directory: Path, table: Mapping[str, FileEntry]) -> None:
    rows = {path: asdict(entry) for path, entry in table.items()}
    text = json.dumps(rows, ensure_ascii=False, separators=(",", ":"))
    (directory / SOURCES_FILE).write_bytes(gzip.compress(text.encode("utf-8"), 6, mtime=0))


class SourceFiles:
    """What one run knows of its source files, shared by the reading (``iter_articles``
    asks ``unchanged`` before it reads a file) and the build (which calls ``start`` with the
    live generation's table before the first file is read, and writes ``table`` after)."""

    def __init__(self) -> None:
        self._previous: dict[str, FileEntry] = {}
        self._keep: Callable[[list[str]], bool] = lambda ids: False
        self.read: dict[str, FileEntry] = {}  # files read in this run
        self.unread: dict[str, FileEntry] = {}  # files left unread, unchanged

    def start(self, previous: Mapping[str, FileEntry], keep: Callable[[list[str]], bool]) -> None:
        """The live generation's table, and ``keep``: given the ids of a file about to be
        left unread, whether they are all still live as that file gave them (the build then
        counts them as seen); when not, the file is read."""
        self._previous = dict(previous)
        self._keep = keep

    def unchanged(self, path: str, st: os.stat_result, stem: str, source: str | None) -> bool:
        """Whether the file at ``path`` (with ``st`` its stat) can be left unread."""
        now = FileEntry(st.st_size, st.st_mtime_ns, st.st_ino, stem, source)
        path = os.path.abspath(path)  # the same file, from whichever folder it was named
        before = self._previous.get(path)
        if (
            before is not None
            and not before.racy
            and before.same_file(now)
            and self._keep(list(before.ids))
        ):
            self.unread[path] = before
            return True
        now.racy = time.time_ns() - st.st_mtime_ns < RACY_NS
        self.read[path] = now
        return False

    def table(
        self, ids: Mapping[str, list[str]], bad: Iterable[str], repeated: Iterable[str]
    ) -> dict[str, FileEntry]:
        """The table of the new generation: the files left unread, and the files read with
        ``ids`` (path → ids of the articles each gave), but not those with a ``bad`` record
        (to be reported again) nor those that gave a ``repeated`` id."""
        given: dict[str, list[str]] = {}
        for path, found in ids.items():
            given.setdefault(os.path.abspath(path), []).extend(found)
        bad = {os.path.abspath(path) for path in bad}
        repeated = set(repeated)
        out = dict(self.unread)
        for path, entry in self.read.items():
            if path not in bad:
                out[path] = FileEntry(**{**asdict(entry), "ids": given.get(path, [])})
        return {p: e for p, e in out.items() if not repeated.intersection(e.ids)}
