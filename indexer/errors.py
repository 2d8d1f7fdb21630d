"""One small family of errors; each message says how to fix the problem.

Each class carries the HTTP status the web app answers it with, so the app needs one error
handler, not a ``try`` per page. ``str(error)`` is for the operator (the CLI, the server's
log) and may name local paths; ``public_message`` is what the JSON API may show anyone.
"""

from __future__ import annotations

from typing import ClassVar


class TimkiemError(Exception):
    """Base class of every error timkiem reports to a user."""

    status: ClassVar[int] = 500

    @property
    def public_message(self) -> str:
        """The message without local paths, for API clients."""
        return str(self)


class IndexMissingError(TimkiemError):
    status = 503

    def __init__(self, index_dir: str) -> None:
        super().__init__(
            f"No index in {index_dir}. Build it with: timkiem index --index-dir {index_dir}"
        )
        self.index_dir = index_dir

    @property
    def public_message(self) -> str:
        return "No index yet. Build it with: timkiem index SOURCES"


class IndexVersionError(TimkiemError):
    status = 503

    def __init__(self, index_dir: str, found: object, expected: int) -> None:
        super().__init__(
            f"The index in {index_dir} was built by an incompatible version of timkiem "
            f"(format {found}, this version reads {expected}). Rebuild it with: "
            f"timkiem index --rebuild SOURCES --index-dir {index_dir}"
        )
        self.found = found
        self.expected = expected

    @property
    def public_message(self) -> str:
        return (
            f"The index was built by an incompatible version of timkiem (format {self.found}, "
            f"this version reads {self.expected}). Rebuild it with: timkiem index --rebuild SOURCES"
        )


class IndexLockedError(TimkiemError):
    status = 503

    def __init__(self, index_dir: str) -> None:
        super().__init__(
            f"Another timkiem indexer is writing {index_dir}. Wait for it to finish, then run "
            "the command again."
        )


class NoArticlesError(TimkiemError):
    status = 422

    def __init__(self, index_dir: str) -> None:
        super().__init__(
            f"No article could be read from the sources, so the index in {index_dir} was left "
            "as it was. Check the paths and the skipped files listed above."
        )


class QueryError(TimkiemError):
    """A search request with bad parameters (the API answers 400).

    ``param`` names the request parameter at fault (``"from-to"`` when the two dates are in
    the wrong order), so a page can explain the problem in the reader's language.
    """

    status = 400

    def __init__(self, message: str, *, param: str | None = None) -> None:
        super().__init__(message)
        self.param = param


class SettingError(TimkiemError):
    """A setting that cannot be read (an environment variable of the wrong type, a config
    file that is missing): the server does not start."""
