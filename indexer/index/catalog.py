"""The article table of a generation: id → (document number, content hash, collection) of
every live article, in ``articles.json.gz`` (columns, gzip-compressed: about 22 bytes an
article, most of them the hash).

An update compares each article it is given with the live one of its id by content hash;
reading that from the stored documents would unpickle every article's text (a second for
20,000 articles), so each build writes the table beside the index and the next update reads
it in milliseconds. A generation without it (or with one that does not match its document
count) is read from its stored documents as before.
"""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Mapping
from itertools import accumulate
from pathlib import Path

ARTICLES_FILE = "articles.json.gz"

Entry = tuple[int, str, str]  # document number, content hash, collection


def write_articles(directory: Path, table: Mapping[str, Entry]) -> None:
    """Write the table of a generation's live articles."""
    names: dict[str, int] = {}
    columns: dict[str, list] = {"ids": [], "docnums": [], "collections": []}
    hashes = []
    for doc_id, (docnum, digest, collection) in table.items():
        columns["ids"].append(doc_id)
        columns["docnums"].append(docnum)
        columns["collections"].append(names.setdefault(collection, len(names)))
        hashes.append(digest)
    # Document numbers as differences from the previous one: mostly 1, which compresses away.
    numbers = columns["docnums"]
    columns["docnums"] = [b - a for a, b in zip([0, *numbers], numbers, strict=False)]
    data = {**columns, "hashes": " ".join(hashes), "names": list(names)}
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    (directory / ARTICLES_FILE).write_bytes(gzip.compress(text.encode("utf-8"), 6, mtime=0))


def read_articles(directory: str | os.PathLike[str], documents: int) -> dict[str, Entry] | None:
    """The generation's article table, or None when it has none or one that does not list
    exactly its ``documents`` live documents."""
    try:
        raw = gzip.decompress((Path(directory) / ARTICLES_FILE).read_bytes())
        data = json.loads(raw.decode("utf-8"))
        names = data["names"]
        table = {
            doc_id: (docnum, digest, names[code])
            for doc_id, docnum, digest, code in zip(
                data["ids"],
                accumulate(data["docnums"]),
                data["hashes"].split(" ") if data["hashes"] else [],
                data["collections"],
                strict=True,
            )
        }
    except (FileNotFoundError, OSError, ValueError, KeyError, TypeError, IndexError):
        return None
    return table if len(table) == documents else None
