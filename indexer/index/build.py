"""Articles → a Whoosh index on disk, built beside the live one and swapped in atomically.

What one generation of an index directory holds (the directory itself, ``CURRENT`` and the
lock: see ``generations``)::

    gen-20260405T190700-1234/
      timkiem.json       format version, document count, build time
      articles.json.gz   id → document number, content hash, collection (see catalog)
      sources.json.gz    the source files read, for the next update (see sourcefiles)
      vocabulary.json    accented forms of each folded syllable (query interpretation)
      columns.npz        date and source of each document (filters, facets, date sort)
      suggestions.tsv    phrase counts: frequent words and phrases with their articles
                         (autocomplete, query interpretation; see phrases)
      minhash.npy, groups.npy   near-duplicate signatures and groups (see duplicates)
      MAIN_*.toc, *.seg  the Whoosh index

A build writes a new generation, then publishes it. Killing the indexer at any moment
leaves the previous generation live and intact; the next build removes the unfinished one.
A lock file keeps two indexers from writing the same directory at once.

This module holds the flow of a build (rebuild or update, what is added, replaced, removed
or carried over) and its report; ``analyse`` turns articles into inverted documents on
worker processes, ``write`` writes the segments and the side files.
"""

from __future__ import annotations

import os
import shutil
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from itertools import chain, islice
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index

from ..article import FILES, Article, Skipped
from ..errors import IndexMissingError, IndexVersionError, NoArticlesError
from ..extract.sourcefiles import SOURCES_FILE, SourceFiles, read_table, write_table
from .analyse import (
    SMALL_UPDATE,
    analysed_chunks,
    article_fields,
    content_hash,
    stored_article,
    uncount,
)
from .catalog import Entry, read_articles
from .columns import Columns, ColumnsWriter
from .duplicates import load_signatures
from .generations import (
    generation_dir,
    live_name,
    new_generation_name,
    publish,
    remove_old_generations,
    write_lock,
    write_meta,
)
from .phrases import PhraseCounter, read_phrase_counts
from .schema import make_schema
from .segment import SPILL_POSTINGS
from .vocabulary import Vocabulary
from .write import (
    SegmentWriter,
    delete_documents,
    link_live_files,
    write_article_table,
    write_side_files,
)

# Imported by other modules from here: the build's entry points and what a caller hashes.
__all__ = [
    "BuildReport",
    "article_fields",
    "build_index",
    "collection_hashes",
    "content_hash",
    "remove_collection",
]


@dataclass
class BuildReport:
    """What a build did, for the summary a user reads."""

    indexed: int = 0  # articles in the index afterwards
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    carried: int = 0  # articles of other collections a rebuild carried over
    updated_in_place: bool = False  # an update of the live index rather than a rebuild
    skipped: list[Skipped] = field(default_factory=list)
    repeated_ids: list[str] = field(default_factory=list)  # ids seen more than once in one run
    duplicate_groups: int = 0  # groups of near-copies (same text) in the index afterwards
    grouped: int = 0  # articles in those groups
    seconds: float = 0.0
    generation: str = ""

    @property
    def articles_per_second(self) -> float:
        """Articles read per second (unchanged ones included)."""
        done = self.added + self.updated + self.unchanged
        return done / self.seconds if self.seconds else 0.0


def _live_articles(ix: Any, live: Path) -> tuple[dict[str, Entry], ColumnsWriter]:
    """id → (document number, content hash, collection) of every live article of the index
    ``ix`` linked from generation ``live``, and a columns writer holding their dates and
    sources: from the generation's article table and columns when it has them."""
    table = read_articles(live, ix.doc_count())
    columns = Columns.load(live)
    if table is not None and columns is not None and len(columns) == ix.doc_count_all():
        return table, ColumnsWriter(columns)
    writer = ColumnsWriter()
    return _existing_articles(ix, writer), writer


def _existing_articles(ix: Any, columns: ColumnsWriter) -> dict[str, Entry]:
    """id → (document number, content hash, collection) of every live article of an index,
    read from the stored documents; their dates and sources go to ``columns``."""
    out: dict[str, Entry] = {}
    with ix.reader() as reader:
        for docnum, stored in reader.iter_docs():
            out[stored["id"]] = (
                docnum,
                stored.get("hash", ""),
                stored.get("collection", FILES),
            )
            columns.add(docnum, stored.get("date"), stored.get("source"))
    return out


def _other_collections(live: Path, collection: str) -> Iterator[Article]:
    """The live generation's articles of every collection but ``collection``, rebuilt from
    their stored fields, so that a rebuild of one collection keeps the others as they were.
    They are analysed again rather than copied as segments: the new generation is then the
    one a build of all its articles from scratch would give (statistics, vocabulary,
    suggestions and near-copy groups included)."""
    ix = whoosh_index.open_dir(str(live))
    try:
        with ix.reader() as reader:
            names = [t.decode("utf-8") for t in reader.lexicon("collection")]
            for name in names:
                if name == collection:
                    continue
                for docnum in reader.postings("collection", name).all_ids():
                    yield stored_article(reader.stored_fields(docnum))
    finally:
        ix.close()


def collection_hashes(index_dir: str | os.PathLike[str], collection: str) -> dict[str, str]:
    """id → content hash of the live index's articles of ``collection``; {} when there is no
    index yet (an index of an older format raises IndexVersionError)."""
    try:
        gen = generation_dir(index_dir)
    except IndexMissingError:
        return {}
    ix = whoosh_index.open_dir(str(gen))
    try:
        table = read_articles(gen, ix.doc_count())
        if table is not None:
            return {i: digest for i, (_, digest, owner) in table.items() if owner == collection}
        with ix.reader() as reader:
            if not reader.doc_frequency("collection", collection):
                return {}
            out: dict[str, str] = {}
            for docnum in reader.postings("collection", collection).all_ids():
                stored = reader.stored_fields(docnum)
                out[stored["id"]] = stored.get("hash", "")
            return out
    finally:
        ix.close()


def remove_collection(index_dir: str | os.PathLike[str], collection: str) -> BuildReport | None:
    """Remove every article of ``collection`` from the index; None when it holds none."""
    ids = collection_hashes(index_dir, collection)
    if not ids:
        return None
    return build_index([], index_dir, collection=collection, upsert=True, remove=ids, workers=1)


def build_index(
    articles: Iterable[Article | Skipped],
    index_dir: str | os.PathLike[str],
    *,
    rebuild: bool = True,
    collection: str = FILES,
    upsert: bool = False,
    remove: Iterable[str] = (),
    progress: Callable[[Article | Skipped], None] | None = None,
    workers: int | None = None,
    segment_docs: int | None = None,
    spill_postings: int = SPILL_POSTINGS,
    files: SourceFiles | None = None,
) -> BuildReport:
    """Index ``articles`` as collection ``collection`` into a new generation of ``index_dir``
    and make it live.

    An index holds several collections (files, crawled pages, articles written through the
    API); ``articles`` replace collection ``collection`` only, and the articles of the other
    collections are kept whichever the mode. With ``rebuild`` (or when there is no usable
    index yet) the new generation holds exactly ``articles`` plus the live generation's
    articles of other collections, analysed again from their stored fields. Without it, the
    live index is updated: the new generation starts as hard links to the live one's files,
    articles whose content hash is unchanged are left alone, new and changed ones are
    analysed and added, changed ones and the collection's vanished ones deleted. With
    ``upsert`` (which implies an update) nothing vanishes: ``articles`` are added or replace
    the ones with their id, and only the ids in ``remove`` (of this collection) are deleted;
    an id both given and removed is kept, as given. Ids are one namespace across
    collections: an article given here whose id another collection holds moves into this
    one. Either way the live index is never modified, so an interrupted run changes nothing.

    Skipped sources are collected in the report; an article whose id was already seen in
    this run replaces the earlier one (the later source wins). Analysis runs on ``workers``
    processes (default: one per core). The new articles are written as one segment, or one
    per ``segment_docs`` articles when that is given; past ``spill_postings`` postings in
    memory a segment's postings are spilled to disk, which bounds the memory a build needs.

    ``files``, when ``articles`` come from ``iter_articles(..., files=files)``, lets an update
    leave unread the source files unchanged since the last build (``sourcefiles``): their
    articles stay live as they are. A rebuild reads every file.
    """
    root = Path(index_dir)
    report = BuildReport()
    started = time.perf_counter()
    if workers is None:
        workers = os.cpu_count() or 1
    incremental = upsert or not rebuild
    to_remove = set(remove)
    with write_lock(root):
        previous = live_name(root)
        live = None
        phrase_counter = PhraseCounter()  # phrases → documents holding them
        if previous:
            try:
                live = generation_dir(root)
            except IndexMissingError:
                pass
            except IndexVersionError:
                # Only a rebuild or update of the files starts afresh from an index of an
                # older format: anything else would drop the files' articles with it.
                if upsert or collection != FILES:
                    raise
        report.updated_in_place = incremental and live is not None
        name = new_generation_name()
        # Drop unfinished builds of earlier runs; keep the live generation.
        remove_old_generations(root, {previous} if previous else set())
        gen = root / name
        gen.mkdir()
        carried: set[str] = set()  # ids of other collections' articles a rebuild keeps
        if live is not None and incremental:
            link_live_files(live, gen)
            ix = whoosh_index.open_dir(str(gen))
            existing, columns = _live_articles(ix, live)
            live_phrases, live_words, folded = read_phrase_counts(live)
            # The vocabulary keeps six forms a syllable: the words the suggestions listed keep
            # their exact counts too, so an update lists the words a rebuild would.
            forms = Vocabulary.load(live).counts()
            forms.update({w: n for w, n in live_words.items() if forms.get(w, 0) < n})
            phrase_counter.update(live_phrases)
            del live_phrases
        else:
            ix = whoosh_index.create_in(str(gen), make_schema())
            existing = {}
            forms = Counter()  # accented syllable → documents holding it
            folded = {}  # accented form → folded form, of the forms listed before
            columns = ColumnsWriter()
        old_signatures = load_signatures(gen)  # the live generation's, linked; none if new
        signatures: dict[int, Any] = {}  # document number → signature, of articles written now
        writer = SegmentWriter(ix, spill_postings, segment_docs)
        docnums: dict[str, int] = {}  # id → document number, for articles written now
        replaced: list[int] = []  # documents superseded in this run
        seen: set[str] = set()
        written: dict[str, Entry] = {}  # id → entry, of the articles written now
        sent: set[str] = set()  # ids of the articles sent to be analysed and written
        file_ids: dict[str, list[str]] = {}  # source file → ids of the articles it gave

        def keep_unread(ids: list[str]) -> bool:
            # A file left unread: its ids stay live unless one was given earlier in this run
            # (the later source wins: the file must be read) or is no longer this
            # collection's live article.
            if any(i in seen or existing.get(i, (0, "", ""))[2] != collection for i in ids):
                return False
            seen.update(ids)
            report.unchanged += len(ids)
            return True

        if files is not None:
            previous_files = read_table(live) if live is not None and incremental else {}
            files.start(previous_files, keep_unread)

        def changed_only() -> Iterator[Article | Skipped]:
            for item in articles:
                if isinstance(item, Article):
                    if item.collection != collection:
                        item = replace(item, collection=collection)
                    old = existing.get(item.id)
                    if item.id in seen:
                        report.repeated_ids.append(item.id)
                    seen.add(item.id)
                    if files is not None:
                        file_ids.setdefault(item.path, []).append(item.id)
                    # An article given again after a changed one with its id was sent to be
                    # written replaces that one even when it equals the live article.
                    if (
                        old is not None
                        and item.id not in sent
                        and old[1:] == (content_hash(item), collection)
                    ):
                        report.unchanged += 1
                        continue
                    sent.add(item.id)
                yield item

        def kept_from_live() -> Iterator[Article]:
            # Runs once ``articles`` are exhausted: ``seen`` is complete, and an article given
            # now wins over another collection's article with its id.
            if live is None or incremental:
                return
            for item in _other_collections(live, collection):
                if item.id not in seen:
                    carried.add(item.id)
                    yield item

        try:
            items: Iterator[Article | Skipped] = chain(changed_only(), kept_from_live())
            if workers > 1:
                # How many articles are to be analysed is known only once they are read.
                head = list(islice(items, SMALL_UPDATE))
                if len(head) < SMALL_UPDATE:
                    workers = 1
                items = chain(head, items)
            for chunk, analysed in analysed_chunks(items, workers, segment_docs):
                first = docnum = writer.docnum
                for item, extra in zip(chunk, analysed.extras, strict=True):
                    if progress is not None:
                        progress(item)
                    if isinstance(item, Skipped) or extra is None:
                        report.skipped.append(item)  # type: ignore[arg-type]
                        continue
                    if item.id in docnums:
                        replaced.append(docnums[item.id])
                    elif item.id in carried:
                        report.carried += 1
                    elif item.id in existing:
                        report.updated += 1
                        replaced.append(existing[item.id][0])
                    else:
                        report.added += 1
                    docnums[item.id] = docnum
                    columns.add(docnum, item.date, item.source)
                    written[item.id] = (docnum, content_hash(item), item.collection)
                    signature, doc_phrases, accented = extra
                    signatures[docnum] = signature
                    phrase_counter.add(doc_phrases)
                    forms.update(accented)  # document frequencies: once per article
                    docnum += 1
                if docnum == first:
                    continue  # skipped sources only
                writer.add(analysed)
            if not seen and not (upsert and live is not None):
                raise NoArticlesError(str(index_dir))
            writer.commit()
            removed = [
                docnum
                for doc_id, (docnum, _, owner) in existing.items()
                if owner == collection
                and doc_id not in seen
                and (doc_id in to_remove or not upsert)
            ]
            report.removed = len(removed)
            if replaced or removed:
                uncount(ix, replaced + removed, phrase_counter, forms, workers)
                delete_documents(ix, replaced + removed)
            report.indexed = ix.doc_count()
        except BaseException:
            writer.cancel()
            ix.close()
            shutil.rmtree(gen, ignore_errors=True)
            raise
        n_all = ix.doc_count_all()
        ix.close()
        report.duplicate_groups, report.grouped = write_side_files(
            gen,
            n_all,
            forms,
            columns,
            old_signatures,
            signatures,
            replaced + removed,
            phrase_counter,
            folded,
        )
        del phrase_counter
        write_article_table(gen, existing, written, set(replaced + removed), report.indexed)
        if files is not None:
            bad = {s.path for s in report.skipped}
            write_table(gen, files.table(file_ids, bad, report.repeated_ids))
        elif live is not None and collection != FILES and (live / SOURCES_FILE).exists():
            shutil.copyfile(live / SOURCES_FILE, gen / SOURCES_FILE)  # the files are as they were
        write_meta(gen, report.indexed)
        publish(root, name)
        # Keep the superseded generation one round: a running server may still read it.
        remove_old_generations(root, {name, previous} if previous else {name})
        report.generation = name
    report.seconds = time.perf_counter() - started
    return report
