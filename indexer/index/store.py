"""The store a build, the crawler and the write API's applier write through.

Every writer hands a store one batch at a time: articles to add or replace, ids to delete,
for one collection, and the store commits the batch and makes it live (swaps it in) before
the call returns, or changes nothing. ``LocalWriter`` writes generations of a local index
directory through ``build_index``; a second store (a cluster) implements the same calls.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Protocol

from ..article import FILES, Article, Skipped
from ..extract.sourcefiles import SourceFiles
from .build import BuildReport, build_index
from .generations import index_exists


class StoreWriter(Protocol):
    """Writes batches into one store; each call is committed and live when it returns."""

    def replace_collection(
        self,
        articles: Iterable[Article | Skipped],
        *,
        collection: str = FILES,
        rebuild: bool = True,
        progress: Callable[[Article | Skipped], None] | None = None,
        files: SourceFiles | None = None,
    ) -> BuildReport:
        """Make ``articles`` the whole of ``collection`` (the other collections are kept):
        from scratch with ``rebuild``, else as an update of what changed."""
        ...

    def exists(self) -> bool:
        """Whether the store holds an index yet."""
        ...

    def write_batch(
        self,
        upserts: Sequence[Article],
        deletes: Iterable[str],
        *,
        collection: str,
        workers: int | None = None,
    ) -> BuildReport:
        """Add or replace ``upserts`` and delete ``deletes`` (ids of ``collection``); an id
        both given and deleted is kept, as given."""
        ...


class LocalWriter:
    """A local index directory as a ``StoreWriter``: each batch is one new generation."""

    def __init__(
        self,
        index_dir: str | os.PathLike[str],
        build: Callable[..., BuildReport] = build_index,
    ) -> None:
        self.index_dir = Path(index_dir)
        self._build = build

    def exists(self) -> bool:
        return index_exists(self.index_dir)

    def replace_collection(
        self,
        articles: Iterable[Article | Skipped],
        *,
        collection: str = FILES,
        rebuild: bool = True,
        progress: Callable[[Article | Skipped], None] | None = None,
        files: SourceFiles | None = None,
    ) -> BuildReport:
        return self._build(
            articles,
            self.index_dir,
            rebuild=rebuild,
            collection=collection,
            progress=progress,
            files=files,
        )

    def write_batch(
        self,
        upserts: Sequence[Article | Skipped],
        deletes: Iterable[str],
        *,
        collection: str,
        workers: int | None = None,
    ) -> BuildReport:
        return self._build(
            list(upserts),
            self.index_dir,
            rebuild=False,
            collection=collection,
            upsert=True,
            remove=deletes,
            workers=workers,
        )
