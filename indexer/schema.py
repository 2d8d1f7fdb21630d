"""The import path an index's pickled schema names for its field types.

Whoosh pickles the schema with its classes' import paths; the classes live in
``indexer.index.schema`` and keep this path as their pickled name, so every index, old or
new, opens. Part of the index format: do not import from here.
"""

from .index.schema import Counts, TermCounts

__all__ = ["Counts", "TermCounts"]
