"""Where articles come from: files, folders and glob patterns, each file read by its kind.

``iter_articles(["seeds", "data/*.jsonl.gz", "page.html"])`` walks folders recursively in
sorted order (hidden files and ``README*`` left out), expands globs, and sends each file to
the extractor for its kind:

=====================================  ============================================
``.txt``, no extension                 scraped news page as plain text
``.html``, ``.htm``, ``.xhtml``        HTML page
``.jsonl``, ``.ndjson``, ``.json``     JSON Lines, or a JSON array / document
any of these + ``.gz``                 the same, decompressed on the fly
=====================================  ============================================

Each article's source (the site name readers see) is the one the file gives, else the name
in the nearest ``.timkiem-source`` file (see ``sitename``), else the ``source`` passed in;
never the folder's or the file's name.

Nothing here raises for bad input: a missing path, an empty, binary, undecodable or huge
file, a broken JSON line, each becomes one ``Skipped`` with the reason, and the rest goes on.
"""

from __future__ import annotations

import glob
import gzip
import hashlib
import io
import os
import stat
import zlib
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from types import ModuleType
from typing import IO

from ..article import Article, Skipped
from .decode import DecodeError, decode_bytes
from .jsonl import iter_json
from .sitename import clean_name, folder_source
from .sourcefiles import SourceFiles
from .textpage import extract_textpage
from .tidy import safe_id

__all__ = ["MAX_FILE_BYTES", "extract_file", "file_kind", "iter_articles"]

# Files are read whole (except JSON Lines, which stream): a limit keeps a stray disk image or
# log file from exhausting memory. News pages are kilobytes; 64 MB is far beyond any of them.
MAX_FILE_BYTES = 64 * 2**20

_KINDS = {
    ".txt": "text",
    ".text": "text",
    "": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}
_SUPPORTED = ".txt, .html, .htm, .json, .jsonl, .ndjson (optionally .gz) or no extension"
NO_SUCH_PATH = "no such file or directory"


def file_kind(name: str) -> tuple[str | None, bool, str]:
    """(kind, gzipped?, stem) for a file name; kind is None when the type is not supported.

    >>> file_kind("vntc_10topics.jsonl.gz")
    ('jsonl', True, 'vntc_10topics')
    >>> file_kind("000_222d88ab3d04865c.txt")
    ('text', False, '000_222d88ab3d04865c')
    """
    compressed = name.lower().endswith(".gz")
    base = name[:-3] if compressed else name
    stem, dot, suffix = base.rpartition(".")
    if not dot or not stem or " " in suffix:
        stem, suffix = base, ""
    else:
        suffix = "." + suffix
    kind = _KINDS.get(suffix.lower())
    if kind is None:
        return None, compressed, base
    return kind, compressed, stem


def _skip_name(name: str) -> bool:
    """Hidden files and READMEs inside folders are not articles."""
    return name.startswith(".") or name.lower().startswith("readme")


def _walk(root: str) -> Iterator[str | Skipped]:
    """Paths of the files under ``root``, joined to ``root`` as given, in sorted order."""
    errors: list[OSError] = []
    found: list[tuple[tuple[str, ...], str]] = []
    for dirpath, dirnames, filenames in os.walk(root, onerror=errors.append):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        rel = os.path.relpath(dirpath, root)
        parts = () if rel == os.curdir else tuple(rel.split(os.sep))
        for name in filenames:
            if not _skip_name(name):
                found.append(((*parts, name), os.path.join(dirpath, name)))
    for error in errors:
        where = error.filename or root
        yield Skipped(os.fspath(where), f"cannot read folder: {error.strerror or error}")
    for _, path in sorted(found):
        yield path


class _Run:
    """What one walk over the sources shares: ids given so far, folder names read, and the
    operator's source name for articles that name none."""

    def __init__(self, source: str | None, files: SourceFiles | None = None) -> None:
        self.stems: dict[str, str] = {}
        self.folders: dict[tuple[str, str], str | None] = {}
        self.source = clean_name(source)
        self.files = files

    def source_for(self, path: str, root: str) -> str | None:
        """The operator's name for the articles of ``path``: the nearest ``.timkiem-source``
        up to ``root`` (the folder given), else the run's ``source``."""
        folder = os.path.dirname(os.path.abspath(path))
        return folder_source(folder, root, self.folders) or self.source


def iter_articles(
    sources: Iterable[str | os.PathLike[str]],
    *,
    source: str | None = None,
    files: SourceFiles | None = None,
) -> Iterator[Article | Skipped]:
    """Every article found in ``sources`` (files, folders, glob patterns), in order.

    Yields ``Article`` for each article and ``Skipped`` for each file or record that could
    not be used; it never raises for bad input. For example
    ``iter_articles(["seeds/000_222d88ab3d04865c.txt"])`` yields one Article titled
    "Tiếp tục phối hợp chặt chẽ, hiệu quả trong công tác dân vận", dated 2022-04-05.
    ``source`` names the site of the articles that do not name their own (and have no
    ``.timkiem-source`` above them). With ``files``, a file it says is unchanged since the
    last run is not read (see ``sourcefiles``; ``build_index`` keeps its articles).
    """
    run = _Run(source, files)
    for item in sources:
        given = os.fspath(item)
        if isinstance(given, bytes):
            given = os.fsdecode(given)
        yield from _iter_source(given, run)


def _iter_source(given: str, run: _Run) -> Iterator[Article | Skipped]:
    if os.path.isdir(given):
        yield from _iter_folder(given, run)
    elif os.path.exists(given):
        yield from _extract(given, run, os.path.dirname(os.path.abspath(given)))
    elif glob.has_magic(given):
        matches = sorted(glob.glob(given, recursive=True))
        if not matches:
            yield Skipped(given, "no files match this pattern")
        for match in matches:
            if os.path.isdir(match):
                yield from _iter_folder(match, run)
            elif not _skip_name(os.path.basename(match)):
                yield from _extract(match, run, os.path.dirname(os.path.abspath(match)))
    else:
        yield Skipped(given, NO_SUCH_PATH)


def _iter_folder(folder: str, run: _Run) -> Iterator[Article | Skipped]:
    root = os.path.abspath(folder)
    for item in _walk(folder):
        if isinstance(item, Skipped):
            yield item
        else:
            yield from _extract(item, run, root)


def extract_file(
    path: str | os.PathLike[str], *, source: str | None = None
) -> list[Article | Skipped]:
    """All articles of one file (a JSON Lines file gives many), as a list.

    >>> extract_file("missing.txt")
    [Skipped(path='missing.txt', reason='no such file or directory', line=None)]
    """
    given = os.fspath(path)
    if not os.path.exists(given):
        return [Skipped(given, NO_SUCH_PATH)]
    return list(_extract(given, _Run(source), os.path.dirname(os.path.abspath(given))))


class _TooLarge(Exception):
    pass


def _read_whole(path: str, compressed: bool) -> bytes:
    limit = MAX_FILE_BYTES
    if compressed:
        with gzip.open(path, "rb") as f:
            data = f.read(limit + 1)
        if len(data) > limit:
            raise _TooLarge(f"more than {limit / 2**20:.0f} MB uncompressed")
        return data
    size = os.path.getsize(path)
    if size > limit:
        raise _TooLarge(f"{size / 2**20:.1f} MB")
    with open(path, "rb") as f:
        return f.read()


def _sniff(text: str) -> str | None:
    """The kind of an extension-less or .txt file by its first characters."""
    head = text.lstrip()[:100].lower()
    if head.startswith(("<!doctype html", "<html", "<?xml version")) and "<html" in text[:2000]:
        return "html"
    return None


def _unique_stem(stem: str, path: str, stems: dict[str, str]) -> str:
    """The file's id: its URL-safe stem, made unique when another file has the same stem.

    Ids are the file stem ("000_222d88ab3d04865c"); two files named ``index.html`` in
    different folders would otherwise share one id and the second would replace the first.
    The second gets a short hash of its path: stable for the same sources.
    """
    base = safe_id(stem)
    where = os.path.normpath(path)
    owner = stems.setdefault(base, where)
    if owner == where:
        return base
    unique = f"{base}-{hashlib.sha1(where.encode('utf-8', 'surrogateescape')).hexdigest()[:8]}"
    stems.setdefault(unique, where)
    return unique


def _html() -> ModuleType:
    """The HTML extractor, imported on first use: its parser (bs4) takes longer to import
    than an update of a few JSON Lines articles takes to run."""
    from . import htmlpage

    return htmlpage


def _extract(path: str, run: _Run, root: str) -> Iterator[Article | Skipped]:
    """Articles of one existing file; every failure becomes a Skipped."""
    name = os.path.basename(path)
    kind, compressed, stem = file_kind(name)
    if kind is None:
        suffix = os.path.splitext(name)[1] or name
        yield Skipped(path, f"unsupported file type ({suffix}): expected {_SUPPORTED}")
        return
    try:
        st: os.stat_result | None = os.stat(path)
    except OSError:
        st = None  # reported with the reason when the file is read below
    if st is not None and not stat.S_ISREG(st.st_mode):
        # A pipe or device would block or never end.
        yield Skipped(path, "not a regular file")
        return
    stem = _unique_stem(stem, path, run.stems)
    fallback = run.source_for(path, root)  # the operator's name, when the file gives none
    if st is not None and run.files is not None and run.files.unchanged(path, st, stem, fallback):
        return  # its articles are live and unchanged
    try:
        if kind in ("json", "jsonl"):
            yield from _extract_json(path, kind, compressed, stem, fallback)
            return
        data = _read_whole(path, compressed)
        declared = _html().declared_charset(data) if kind == "html" else None
        text = decode_bytes(data, declared).text
        if kind == "text" and _sniff(text) == "html":
            kind = "html"
        if kind == "text" and not os.path.splitext(name.removesuffix(".gz"))[1]:
            first = text.lstrip()[:1]
            if first in ("{", "["):
                # An extension-less JSON export: read it as JSON.
                stream = io.BufferedReader(io.BytesIO(text.encode("utf-8")))  # type: ignore[arg-type]
                yield from iter_json(
                    stream, path=path, stem=stem, source=fallback, limit=MAX_FILE_BYTES, lines=True
                )
                return
        extract = _html().extract_htmlpage if kind == "html" else extract_textpage
        yield extract(text, article_id=stem, path=path, source=fallback)
    except _TooLarge as e:
        yield Skipped(path, f"file too large ({e}, limit {MAX_FILE_BYTES / 2**20:.0f} MB)")
    except DecodeError as e:
        yield Skipped(path, e.reason)
    except (gzip.BadGzipFile, EOFError, zlib.error) as e:
        yield Skipped(path, f"not a valid gzip file ({e})")
    except FileNotFoundError:
        yield Skipped(path, NO_SUCH_PATH)
    except PermissionError:
        yield Skipped(path, "permission denied")
    except IsADirectoryError:
        yield Skipped(path, "is a directory")
    except OSError as e:
        yield Skipped(path, f"cannot read file: {e.strerror or e}")
    except Exception as e:  # one odd page must not stop a run over thousands of files
        yield Skipped(path, f"extraction failed ({type(e).__name__}: {e})")


def _extract_json(
    path: str, kind: str, compressed: bool, stem: str, fallback: str | None
) -> Iterator[Article | Skipped]:
    with ExitStack() as stack:
        stream: IO[bytes]
        if compressed:
            # GzipFile buffers by itself, in small steps: a damaged file then loses only the
            # last few kilobytes before the damage.
            stream = stack.enter_context(gzip.open(path, "rb"))
        else:
            stream = stack.enter_context(open(path, "rb", buffering=1 << 20))
        yield from iter_json(
            stream,
            path=path,
            stem=stem,
            source=fallback,
            limit=MAX_FILE_BYTES,
            lines=kind == "jsonl",
        )
