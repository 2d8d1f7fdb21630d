"""Writing a new generation: its Whoosh segments and timkiem's side files.

- ``link_live_files``: an update's new generation starts as hard links to the live one's
  Whoosh files.
- ``SegmentWriter``: analysed chunks (see ``analyse``) into one segment, or one per
  ``segment_docs`` documents; ``delete_documents`` once the new ones are committed.
- ``write_side_files``: vocabulary, columns, near-duplicate groups and phrase counts;
  ``write_article_table``: the id → document table (see ``catalog``).
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from ..extract.sourcefiles import SOURCES_FILE
from .analyse import Analysed
from .catalog import ARTICLES_FILE, Entry, write_articles
from .columns import COLUMNS_FILE, ColumnsWriter
from .duplicates import write_groups
from .generations import META_FILE
from .phrases import PHRASE_COUNTS_FILE, PhraseCounter, write_phrase_counts
from .segment import BulkSegmentWriter
from .vocabulary import VOCABULARY_FILE, Vocabulary


def link_live_files(live: Path, gen: Path) -> None:
    """Hard-link the live generation's Whoosh files into the new generation ``gen``."""
    # Whoosh's files are only ever added to; timkiem's own files are written anew,
    # so they are not linked (writing through a link would change the live index).
    rewritten = {
        META_FILE,
        VOCABULARY_FILE,
        COLUMNS_FILE,
        PHRASE_COUNTS_FILE,
        ARTICLES_FILE,
        SOURCES_FILE,
    }
    for file in live.iterdir():
        name_ok = file.name not in rewritten and not file.name.endswith("WRITELOCK")
        if file.is_file() and name_ok:
            os.link(file, gen / file.name)


class SegmentWriter:
    """The new documents of a build, a chunk at a time, into segments of the index ``ix``:
    one segment, or one per ``segment_docs`` documents when that is given (a chunk never
    spans two, see ``analyse``)."""

    def __init__(self, ix: Any, spill_postings: int, segment_docs: int | None) -> None:
        self.ix = ix
        self.spill_postings = spill_postings
        self.segment_docs = segment_docs
        self.committed = ix.doc_count_all()  # documents in committed segments
        self.writer: BulkSegmentWriter | None = None

    @property
    def docnum(self) -> int:
        """The document number the next document written gets."""
        return self.committed + (self.writer.docnum if self.writer is not None else 0)

    def add(self, analysed: Analysed) -> None:
        """Write a chunk's documents; past ``segment_docs`` documents, commit the segment."""
        if self.writer is None:
            self.writer = BulkSegmentWriter(self.ix, self.spill_postings)
        if analysed.inverted is not None:
            self.writer.add_inverted(analysed.inverted)
        else:
            for doc in analysed.docs or ():
                self.writer.add_document(**doc)
        if self.segment_docs is not None and self.writer.docnum >= self.segment_docs:
            self.committed += self.writer.docnum
            self.writer.commit(merge=False)
            self.writer = None

    def commit(self) -> None:
        """Commit the segment being written, if any."""
        if self.writer is not None:
            self.writer.commit(merge=False)
            self.writer = None

    def cancel(self) -> None:
        """Drop the segment being written, if any."""
        if self.writer is not None:
            self.writer.cancel()


def delete_documents(ix: Any, docnums: list[int]) -> None:
    """Delete the documents ``docnums`` of the index ``ix``, in one commit."""
    # Whoosh cannot delete a document it has not committed yet: superseded and
    # vanished articles are deleted once the new ones are written.
    deleter = ix.writer()
    for docnum in docnums:
        deleter.delete_document(docnum)
    deleter.commit(merge=False)


def _group_counts(groups: Any) -> tuple[int, int]:
    """(groups of several articles, articles in them) of a per-document group array."""
    sizes = np.bincount(groups, minlength=len(groups))
    return int(np.count_nonzero(sizes > 1)), int(sizes[sizes > 1].sum())


def write_side_files(
    gen: Path,
    n_all: int,
    forms: Counter[str],
    columns: ColumnsWriter,
    old_signatures: Any,
    signatures: dict[int, Any],
    deleted: list[int],
    phrase_counter: PhraseCounter,
    folded: dict[str, str],
) -> tuple[int, int]:
    """Write the vocabulary, columns, near-duplicate groups and phrase counts of generation
    ``gen`` (``n_all`` documents, ``deleted`` among them); return (groups of near-copies,
    articles in them)."""
    Vocabulary.from_counts(forms).save(gen)
    columns.columns(n_all).save(gen)
    groups = write_groups(gen, n_all, old_signatures, signatures, deleted)
    counts = _group_counts(groups)
    write_phrase_counts(gen, forms, phrase_counter.top(), folded)
    return counts


def write_article_table(
    gen: Path,
    existing: dict[str, Entry],
    written: dict[str, Entry],
    deleted: set[int],
    indexed: int,
) -> None:
    """Write the article table of generation ``gen``: the ``existing`` entries not deleted or
    written again, and the ``written`` ones; when they do not add up to the ``indexed``
    documents, none (readers then read the stored documents)."""
    table = {i: e for i, e in existing.items() if e[0] not in deleted and i not in written}
    table.update(written)
    if len(table) == indexed:
        write_articles(gen, table)
