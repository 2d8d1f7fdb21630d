"""The article table of a generation: id → (document number, content hash, collection) of
every live article, in ``articles.json``.

An update compares each article it is given with the live one of its id by content hash;
reading that from the stored documents would unpickle every article's text (a second for
20,000 articles), so each build writes the table beside the index and the next update reads
it in milliseconds. A generation without it (or with one that does not match its document
count) is read from its stored documents as before.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path

ARTICLES_FILE = "articles.json"

Entry = tuple[int, str, str]  # document number, content hash, collection


def write_articles(directory: Path, table: Mapping[str, Entry]) -> None:
    """Write the table of a generation's live articles."""
    rows = [
        [doc_id, docnum, digest, collection]
        for doc_id, (docnum, digest, collection) in table.items()
    ]
    path = directory / ARTICLES_FILE
    path.write_text(json.dumps(rows, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def read_articles(directory: str | os.PathLike[str], documents: int) -> dict[str, Entry] | None:
    """The generation's article table, or None when it has none or one that does not list
    exactly its ``documents`` live documents."""
    try:
        rows = json.loads((Path(directory) / ARTICLES_FILE).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None
    table = {doc_id: (docnum, digest, collection) for doc_id, docnum, digest, collection in rows}
    return table if len(table) == documents else None
