"""Extraction, the first stage of the pipeline: files → ``Article`` records.

``iter_articles`` takes files, folders and glob patterns and yields one ``Article`` per
article found, or one ``Skipped`` per file or record that could not be used (with the
reason), never raising for bad input::

    for item in iter_articles(["seeds", "data/vntc_10topics.jsonl.gz"]):
        ...

The modules, in the order a file meets them:

- ``sources``: walking folders and globs, choosing an extractor by file kind;
- ``decode``: bytes → text (UTF-8, UTF-16, Windows-1258, TCVN3, VNI);
- ``textpage``, ``htmlpage``, ``jsonl``: one extractor per kind;
- ``chrome``, ``dates``, ``tidy``: what they share (site chrome and bylines, Vietnamese
  dates, NFC and whitespace).

Every text field comes out NFC with tidy whitespace; tone-mark placement is left as written.
"""

from __future__ import annotations

from .decode import Decoded, DecodeError, decode_bytes
from .sources import MAX_FILE_BYTES, extract_file, iter_articles

__all__ = [
    "MAX_FILE_BYTES",
    "DecodeError",
    "Decoded",
    "decode_bytes",
    "extract_file",
    "iter_articles",
]
