"""The import path an index's pickled schema names for timkiem's analyzers.

Whoosh pickles the schema with its classes' import paths; the classes live in
``indexer.text.analysis`` and keep this path as their pickled name, so every index, old or
new, opens. Part of the index format: do not import from here.
"""

from .text.analysis import BigramFilter, FoldFilter, SyllableTokenizer

__all__ = ["BigramFilter", "FoldFilter", "SyllableTokenizer"]
