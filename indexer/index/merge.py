"""Merging segments: the policy that keeps an often-updated index as fast and as small as one
built in one go, and the merge itself.

Every update (a ``timkiem index`` run, a crawl, a batch of the write API) writes its new
articles as one more Whoosh segment and marks the documents it replaces as deleted in the
older ones. A search reads every segment for every term, and every segment lists again the
terms the others list: 200 single-article posts into a 5,000-article index left 201
segments, 2.7× the size and 2.8× the keyword latency of the same articles built at once.

**The policy** (``plan``) is logarithmic by size, Lucene's and Tantivy's idea with one
segment per size class: a segment of ``n`` live documents is in tier ``⌊log₂ n⌋`` (a segment
of 1 document in tier 0, of 2–3 in tier 1, of 4–7 in tier 2 …). Whenever a tier holds
``MERGE_FACTOR`` (2) segments they are merged into one, which lands in a higher tier, and
the planning goes on with the result until no tier holds two; everything chosen is written
as one new segment. A segment whose documents are mostly deleted (``PURGE_SHARE``) is
rewritten too, and a segment left with no live document is dropped.

**The guarantee**: after a merge every tier holds at most ``MERGE_FACTOR - 1`` segments, and
the tiers of an index of ``N`` live documents are 0 … ⌊log₂ N⌋, so it holds at most
``⌊log₂ N⌋ + 1`` segments (15 for 21,000 articles; in practice one per 1-bit of the numbers
of articles written since the last big build, plus that build's). Posting one article at a
time is then binary counting: each article is written again about log₂ of the articles
posted after it, the merge of ``k`` documents costs about what writing them did, and half
of all merges are of two single-article segments (a few tens of milliseconds).

**The merge** (``merge_index``) runs where the writes run: by the write API's applier after
it publishes a batch, and after ``timkiem index`` and ``timkiem crawl``; ``timkiem optimize``
merges everything. It holds the writer lock, like any build, so a write arriving meanwhile
waits for it (the applier keeps the write journaled and applies it right after; a
``timkiem index`` waits with ``--wait``) and is never lost. It builds a new generation
beside the live one: hard links to the live files of the segments it keeps, one new segment
written by the bulk writer (``segment``) from the merged segments' live documents, analysed
again from their stored fields, and the side files carried over (vocabulary and phrase
counts as they were, since the live articles are the same; the columns, near-copy
signatures and article table renumbered). It is then published with the atomic swap of
``generations``: searches go on against the live generation meanwhile, and a kill at any
moment leaves it live (the next writer removes the unfinished one).

Why analysed again and not copied posting by posting: Whoosh's own merge (``add_reader``)
spends tens of microseconds of Python per posting, and a bigram seen in one article of each
of two segments sits in each segment's hashed buckets (``rare``), from which it cannot be
read back as a term; analysing the stored text (syllables only, no word segmentation:
phrases are not counted again) gives the segment a build of those articles gives, bucketed
bigrams included, at several hundred articles a second.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from whoosh import index as whoosh_index

from ..errors import IndexLockedError, IndexMissingError
from ..extract.sourcefiles import SOURCES_FILE
from .analyse import analysed_chunks, stored_article
from .catalog import read_articles, write_articles
from .columns import Columns
from .duplicates import (
    EMPTY,
    GROUPS_FILE,
    SIGNATURES_FILE,
    load_signatures,
    save_groups,
    write_groups,
)
from .generations import (
    generation_dir,
    live_name,
    new_generation_name,
    publish,
    remove_old_generations,
    write_lock,
    write_meta,
)
from .phrases import PHRASE_COUNTS_FILE
from .segment import BulkSegmentWriter
from .vocabulary import VOCABULARY_FILE
from .write import link_live_files

MERGE_FACTOR = 2  # segments of one tier merged together; tiers are powers of this
PURGE_SHARE = 0.5  # a segment with this share of its documents deleted is rewritten
# Merges of fewer documents analyse them in the merging process itself: starting the
# analysis processes costs more than it saves below this many.
PARALLEL_MERGE = 2_000


@dataclass(frozen=True)
class SegmentInfo:
    """One segment as the policy sees it: its documents, and how many are deleted."""

    documents: int
    deleted: int = 0

    @property
    def live(self) -> int:
        return self.documents - self.deleted


@dataclass
class MergeReport:
    """What a merge did, for the summary a user reads and for the logs."""

    segments_before: int = 0
    segments_after: int = 0
    merged: int = 0  # segments merged (or rewritten, or dropped)
    written: int = 0  # documents written into the new segment
    purged: int = 0  # deleted documents dropped
    documents: int = 0  # live documents of the index afterwards
    seconds: float = 0.0
    generation: str = ""  # the generation published, "" when nothing was merged

    @property
    def merged_anything(self) -> bool:
        return bool(self.generation)


def tier(live: int, factor: int = MERGE_FACTOR) -> int:
    """The size class of a segment of ``live`` documents: ⌊log_factor live⌋ (0 for 0 or 1)."""
    t = 0
    while live >= factor:
        live //= factor
        t += 1
    return t


def plan(
    segments: Sequence[SegmentInfo], factor: int = MERGE_FACTOR, purge: float = PURGE_SHARE
) -> list[int]:
    """The positions of the segments to merge into one, [] when none need to be.

    Chosen: every segment with no live document (dropped), every segment with ``purge`` of
    its documents deleted (rewritten), and, tier by tier from the smallest, the segments of
    any tier holding ``factor`` of them, counting the merged segment as one of the tier its
    size puts it in, until no tier holds ``factor`` segments.

    >>> plan([SegmentInfo(5000), SegmentInfo(1), SegmentInfo(1)])
    [1, 2]
    >>> plan([SegmentInfo(5000), SegmentInfo(2), SegmentInfo(1), SegmentInfo(1)])
    [1, 2, 3]
    >>> plan([SegmentInfo(5000), SegmentInfo(4), SegmentInfo(1)])
    []
    """
    chosen = {
        i
        for i, s in enumerate(segments)
        if s.documents and (s.live == 0 or s.deleted >= purge * s.documents)
    }
    while True:
        entries = [(s.live, {i}) for i, s in enumerate(segments) if i not in chosen]
        if chosen:
            entries.append((sum(segments[i].live for i in chosen), set(chosen)))
        tiers: dict[int, list[set[int]]] = {}
        for live, members in entries:
            if live:
                tiers.setdefault(tier(live, factor), []).append(members)
        full = [t for t, groups in tiers.items() if len(groups) >= factor]
        if not full:
            break
        for members in tiers[min(full)]:
            chosen |= members
    return sorted(chosen)


def segment_infos(ix: Any) -> list[SegmentInfo]:
    """The segments of an open Whoosh index, in document order."""
    return [SegmentInfo(s.doc_count_all(), s.deleted_count()) for s in ix._segments()]


@dataclass
class IndexShape:
    """The live generation's segments, for ``timkiem stats``."""

    generation: str
    documents: int  # live documents
    segments: list[SegmentInfo]

    @property
    def deleted(self) -> int:
        return sum(s.deleted for s in self.segments)

    @property
    def bound(self) -> int:
        """The most segments the policy lets an index of this size keep."""
        return tier(max(1, self.documents)) + 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "generation": self.generation,
            "documents": self.documents,
            "deleted": self.deleted,
            "segments": [{"documents": s.documents, "deleted": s.deleted} for s in self.segments],
            "segment_bound": self.bound,
        }


def index_shape(index_dir: str | os.PathLike[str]) -> IndexShape:
    """The segments of the live generation; raises IndexMissingError."""
    gen = generation_dir(index_dir)
    ix = whoosh_index.open_dir(str(gen))
    try:
        return IndexShape(gen.name, ix.doc_count(), segment_infos(ix))
    finally:
        ix.close()


def merge_index(
    index_dir: str | os.PathLike[str],
    *,
    everything: bool = False,
    workers: int | None = None,
    factor: int = MERGE_FACTOR,
) -> MergeReport:
    """Merge the live generation's segments the policy chooses (``everything``: all of them,
    into one, deleted documents purged) into a new generation, and make it live. Nothing is
    written when nothing needs merging (``report.generation`` is then "").

    Holds the writer lock (waiting as ``generations.writers_wait`` allows, else failing with
    IndexLockedError at once); raises IndexMissingError when there is no index.
    """
    root = Path(index_dir)
    started = time.perf_counter()
    report = MergeReport()
    with write_lock(root, "merging segments"):
        previous = live_name(root)
        live = generation_dir(root)
        ix_live = whoosh_index.open_dir(str(live))
        try:
            segments = ix_live._segments()
            infos = segment_infos(ix_live)
            report.segments_before = report.segments_after = len(infos)
            report.documents = ix_live.doc_count()
            if everything:
                chosen = list(range(len(infos)))
                if len(infos) == 1 and not infos[0].deleted:
                    chosen = []
            else:
                chosen = plan(infos, factor)
            if not chosen:
                report.seconds = time.perf_counter() - started
                return report
            renumber, merged_docs = _renumbering(segments, set(chosen))
            report.merged = len(chosen)
            report.purged = sum(infos[i].deleted for i in chosen)
            name = new_generation_name()
            remove_old_generations(root, {previous} if previous else set())
            gen = root / name
            gen.mkdir()
            try:
                written = _write_merged(ix_live, live, gen, segments, chosen, merged_docs, workers)
                report.written = written
                _carry_side_files(live, gen, ix_live, renumber)
                ix = whoosh_index.open_dir(str(gen))
                try:
                    report.segments_after = len(ix._segments())
                    report.documents = ix.doc_count()
                finally:
                    ix.close()
                write_meta(gen, report.documents)
            except BaseException:
                shutil.rmtree(gen, ignore_errors=True)
                raise
        finally:
            ix_live.close()
        publish(root, name)
        # Keep the superseded generation one round: a running server may still read it.
        remove_old_generations(root, {name, previous} if previous else {name})
        report.generation = name
    report.seconds = time.perf_counter() - started
    return report


def merge_after_write(index_dir: str | os.PathLike[str]) -> MergeReport | None:
    """The policy's merge after a write, if one is due; None when there is no index or
    another writer holds it (that writer merges after itself)."""
    try:
        return merge_index(index_dir)
    except (IndexLockedError, IndexMissingError):
        return None


@dataclass
class _Renumbering:
    """Old document number → new one (-1: purged), and the new count."""

    new_of: np.ndarray
    n_new: int


def _renumbering(segments: list[Any], chosen: set[int]) -> tuple[_Renumbering, list[int]]:
    """The new number of every document once the ``chosen`` segments are merged: the kept
    segments keep their order (and their deleted documents), then the merged segment's
    documents follow, in the old order, deleted ones left out. Also the old numbers of the
    merged documents."""
    sizes = [s.doc_count_all() for s in segments]
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    new_of = np.full(int(offsets[-1]), -1, dtype=np.int64)
    base = 0
    for i, size in enumerate(sizes):
        if i not in chosen:
            new_of[offsets[i] : offsets[i] + size] = np.arange(base, base + size)
            base += size
    merged: list[int] = []
    for i in sorted(chosen):
        deleted = set(segments[i].deleted_docs())
        start = int(offsets[i])
        merged += [start + d for d in range(sizes[i]) if d not in deleted]
    if merged:
        new_of[np.asarray(merged, dtype=np.int64)] = np.arange(base, base + len(merged))
    return _Renumbering(new_of, base + len(merged)), merged


def _write_merged(
    ix_live: Any,
    live: Path,
    gen: Path,
    segments: list[Any],
    chosen: list[int],
    merged_docs: list[int],
    workers: int | None,
) -> int:
    """Write generation ``gen``: the live one's Whoosh files linked, the ``chosen`` segments
    replaced by one segment of their live documents (``merged_docs``); documents written."""
    link_live_files(live, gen)
    ix = whoosh_index.open_dir(str(gen))
    dropped = {segments[i].segment_id() for i in chosen}
    if workers is None:
        workers = (os.cpu_count() or 1) if len(merged_docs) >= PARALLEL_MERGE else 1
    writer = BulkSegmentWriter(ix)
    try:
        with ix_live.reader() as reader:
            articles = (stored_article(reader.stored_fields(d)) for d in merged_docs)
            for _, analysed in analysed_chunks(articles, workers, with_phrases=False):
                if analysed.inverted is not None:
                    writer.add_inverted(analysed.inverted)
                else:
                    for doc in analysed.docs or ():
                        writer.add_document(**doc)
    except BaseException:
        writer.cancel()
        ix.close()
        raise

    def keep(_writer: Any, current: list[Any]) -> list[Any]:
        return [s for s in current if s.segment_id() not in dropped]

    writer.commit(mergetype=keep)
    ix.close()
    return len(merged_docs)


def _renumber_groups(live: Path, gen: Path, new_of: np.ndarray, n_new: int) -> None:
    """The near-copy signatures and groups of ``gen``: the live ones renumbered, each group
    labelled again by its smallest document number (the live articles are the same, so are
    their groups: nothing is compared again)."""
    sigs = load_signatures(live)
    try:
        groups = np.load(live / GROUPS_FILE)
    except FileNotFoundError:
        groups = None
    if not len(sigs) or len(sigs) != len(new_of):
        # Signatures that do not match the documents cannot be renumbered: none (no groups).
        for name in (SIGNATURES_FILE, GROUPS_FILE):
            (gen / name).unlink(missing_ok=True)
        return
    kept = np.flatnonzero(new_of >= 0)
    renumbered = np.full((n_new, sigs.shape[1]), EMPTY, dtype=sigs.dtype)
    renumbered[new_of[kept]] = sigs[kept]
    if groups is None or len(groups) != len(new_of):
        write_groups(gen, n_new, renumbered, {}, [])
        return
    labels = groups[kept].astype(np.int64)
    smallest = np.full(len(new_of), n_new, dtype=np.int64)
    np.minimum.at(smallest, labels, new_of[kept])
    out = np.arange(n_new, dtype=np.int32)
    out[new_of[kept]] = smallest[labels]
    save_groups(gen, renumbered, out)


def _carry_side_files(live: Path, gen: Path, ix_live: Any, renumber: _Renumbering) -> None:
    """The live generation's side files for ``gen``: the vocabulary, phrase counts and
    source files as they were (the live articles are the same), the per-document ones
    renumbered."""
    for name in (VOCABULARY_FILE, PHRASE_COUNTS_FILE, SOURCES_FILE):
        # Linked, not copied: no writer ever writes a file of a generation it did not create.
        if (live / name).exists():
            os.link(live / name, gen / name)
    new_of, n_new = renumber.new_of, renumber.n_new
    kept = new_of >= 0
    columns = Columns.load(live)
    if columns is not None and len(columns) == len(new_of):
        date = np.zeros(n_new, dtype=np.int32)
        source = np.full(n_new, -1, dtype=np.int32)
        date[new_of[kept]] = columns.date[kept]
        source[new_of[kept]] = columns.source[kept]
        Columns(date, source, columns.sources).save(gen)
    _renumber_groups(live, gen, new_of, n_new)
    table = read_articles(live, ix_live.doc_count())
    if table is not None:
        write_articles(
            gen,
            {i: (int(new_of[d]), digest, owner) for i, (d, digest, owner) in table.items()},
        )
