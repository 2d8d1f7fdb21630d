"""One small family of errors; each message says how to fix the problem."""

from __future__ import annotations


class TimkiemError(Exception):
    """Base class of every error timkiem reports to a user."""


class IndexMissingError(TimkiemError):
    def __init__(self, index_dir: str) -> None:
        super().__init__(
            f"No index in {index_dir}. Build it with: timkiem index --index-dir {index_dir}"
        )
        self.index_dir = index_dir


class IndexVersionError(TimkiemError):
    def __init__(self, index_dir: str, found: object, expected: int) -> None:
        super().__init__(
            f"The index in {index_dir} was built by an incompatible version of timkiem "
            f"(format {found}, this version reads {expected}). Rebuild it with: "
            f"timkiem index --rebuild SOURCES --index-dir {index_dir}"
        )


class IndexLockedError(TimkiemError):
    def __init__(self, index_dir: str) -> None:
        super().__init__(
            f"Another timkiem indexer is writing {index_dir}. Wait for it to finish, then run "
            "the command again."
        )


class NoArticlesError(TimkiemError):
    def __init__(self, index_dir: str) -> None:
        super().__init__(
            f"No article could be read from the sources, so the index in {index_dir} was left "
            "as it was. Check the paths and the skipped files listed above."
        )


class QueryError(TimkiemError):
    """A search request with bad parameters (the API answers 400)."""
