"""Articles → Whoosh documents, analysed and inverted a chunk at a time, on worker processes.

An article's document (``article_fields``): its stored fields, the precomputed term counts of
title and body, its near-duplicate signature and its phrases. The articles of a build are cut
into chunks (``ANALYSIS_CHUNK``); each chunk is analysed and inverted in one of a pool of
analysis processes while the writer (``write``) adds the previous one to the segment. The
same analysis, without writing, takes deleted articles back out of the phrase counts and the
vocabulary's frequencies (``uncount``).
"""

from __future__ import annotations

import hashlib
import multiprocessing
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, partial
from itertools import islice
from typing import Any

from ..article import FILES, Article, Skipped
from ..text.analysis import syllable_terms, syllables
from ..text.normalize import nfc
from ..text.wordseg import word_starts
from .duplicates import word_signature
from .invert import InvertedDocuments, invert
from .phrases import PhraseCounter, phrases
from .schema import ACCENTED, FOLDED, FOLDED_BIGRAMS, make_schema, term_field

# Articles one analysis process analyses and inverts together. Each process gets one chunk
# at a time, and the writer adds each term's postings once per chunk: larger chunks, fewer
# calls in the writer (the one serial part of a build).
ANALYSIS_CHUNK = 256
# Documents reach the writer inverted a chunk at a time; True adds them one by one through
# Whoosh's own add_document instead: the same index, written the slow way (tests compare).
WRITE_PER_DOCUMENT = False
# Fewer changed articles than this are analysed in the indexer's own process: starting the
# analysis processes (each loading the word segmentation model) costs more than they save.
SMALL_UPDATE = 1024
SIGNATURE_KEY = "_signature"
PHRASES = "_phrases"  # key of a document's phrases, for the phrase counts (not a field)


def content_hash(article: Article) -> str:
    h = hashlib.blake2b(digest_size=16)
    for part in (
        article.title,
        article.body,
        article.date,
        article.author,
        article.source,
        article.url,
    ):
        h.update((part or "").encode("utf-8"))
        h.update(b"\x00")
    return h.hexdigest()


def article_fields(article: Article, *, with_phrases: bool = True) -> dict[str, Any]:
    """The Whoosh document of an article: stored fields plus precomputed term counts, and
    under ``SIGNATURE_KEY`` its near-duplicate signature (not a Whoosh field). Without
    ``with_phrases`` its phrases are left out (no word segmentation, the slow part): a
    merge writes a document again, and the phrase counts do not change."""
    doc: dict[str, Any] = {
        "id": article.id,
        "title_text": article.title,
        "body_text": article.body,
        "author": article.author,
        "path": article.path,
        "line": article.line,
        "url": article.url,
        "hash": content_hash(article),
        "collection": article.collection,
    }
    if article.date:
        doc["date"] = article.date
        doc["year"] = article.date[:4]
    if article.source:
        doc["source"] = article.source
    folded: dict[str, list[str]] = {}
    found: set[str] = set()
    for name, text in (("title", article.title), ("body", article.body)):
        text = nfc(text)
        sylls = syllables(text)
        if with_phrases:
            found |= phrases(sylls, word_starts(text, sylls))
        terms = syllable_terms(sylls)
        doc[term_field(name, ACCENTED)] = terms.accented
        doc[term_field(name, FOLDED)] = terms.folded
        doc[term_field(name, FOLDED_BIGRAMS)] = terms.folded_bigrams
        folded[name] = [s.folded for s in sylls]
    doc[SIGNATURE_KEY] = word_signature(folded["title"], folded["body"])
    doc[PHRASES] = tuple(found)
    return doc


@dataclass(slots=True)
class Analysed:
    """An analysed chunk of articles, as an analysis process hands it to the writer: per
    item its near-duplicate signature, phrases and accented syllables (None for a skipped
    source), and the chunk's Whoosh documents, inverted (or, to check the inverted path,
    one by one)."""

    extras: list[tuple[Any, tuple[str, ...], set[str]] | None]
    inverted: InvertedDocuments | None = None
    docs: list[dict[str, Any]] | None = None


def _analyse_chunk(
    items: list[Article | Skipped],
    per_document: bool = False,
    write: bool = True,
    with_phrases: bool = True,
) -> Analysed:
    """The chunk's analysis; without ``write`` its extras only (to uncount deleted articles,
    which are not written again); without ``with_phrases`` no phrases (a merge)."""
    extras: list[tuple[Any, tuple[str, ...], set[str]] | None] = []
    docs = []
    for item in items:
        if isinstance(item, Skipped):
            extras.append(None)
            continue
        doc = article_fields(item, with_phrases=with_phrases)
        accented = doc[term_field("body", ACCENTED)].keys() | doc[term_field("title", ACCENTED)]
        extras.append((doc.pop(SIGNATURE_KEY), doc.pop(PHRASES), accented))
        docs.append(doc)
    if not write:
        return Analysed(extras)
    if per_document:
        return Analysed(extras, docs=docs)
    return Analysed(extras, inverted=invert(_schema(), docs))


@cache
def _schema() -> Any:
    return make_schema()


def _chunks(
    items: Iterable[Article | Skipped], segment_docs: int | None
) -> Iterator[list[Article | Skipped]]:
    """``items`` cut into chunks of at most ``ANALYSIS_CHUNK`` articles, and at every
    ``segment_docs`` articles, so that a segment ends where a chunk does."""
    chunk: list[Article | Skipped] = []
    room = limit = min(ANALYSIS_CHUNK, segment_docs or ANALYSIS_CHUNK)
    written = 0  # articles before this chunk
    for item in items:
        chunk.append(item)
        if isinstance(item, Skipped):
            continue
        room -= 1
        if room == 0:
            yield chunk
            written += limit
            chunk = []
            limit = ANALYSIS_CHUNK
            if segment_docs:
                limit = min(limit, segment_docs - written % segment_docs)
            room = limit
    if chunk:
        yield chunk


def analysed_chunks(
    articles: Iterable[Article | Skipped],
    workers: int,
    segment_docs: int | None = None,
    write: bool = True,
    with_phrases: bool = True,
) -> Iterator[tuple[list[Article | Skipped], Analysed]]:
    """Pairs (chunk of items, its analysis), analysed on ``workers`` processes when > 1;
    without ``write``, the analysis holds no documents for the writer; without
    ``with_phrases``, no phrases (see ``article_fields``)."""
    analyse = partial(
        _analyse_chunk, per_document=WRITE_PER_DOCUMENT, write=write, with_phrases=with_phrases
    )
    chunks = _chunks(articles, segment_docs)
    if workers <= 1:
        for chunk in chunks:
            yield chunk, analyse(chunk)
        return
    # Batches, one analysed while the previous one is written: Pool.imap would read every
    # article ahead at once and hold them all in memory.
    # forkserver, not fork: a forked worker would inherit the writer lock's file descriptor
    # and hold the lock after the indexer itself was killed.
    ctx = multiprocessing.get_context("forkserver")
    # The analysis modules import once, in the server the workers fork from; each worker
    # reads the word segmentation model on its first chunk.
    ctx.set_forkserver_preload(["__main__", __name__])
    with ctx.Pool(workers) as pool:
        pending: tuple[list[list[Article | Skipped]], Any] | None = None
        while True:
            batch = list(islice(chunks, workers))
            submitted = pool.map_async(analyse, batch, chunksize=1) if batch else None
            if pending is not None:
                yield from zip(pending[0], pending[1].get(), strict=True)
            if submitted is None:
                return
            pending = batch, submitted


def uncount(
    ix: Any, docnums: list[int], phrases: PhraseCounter, forms: Counter[str], workers: int
) -> None:
    """Take the documents ``docnums`` (about to be deleted) out of the phrase counts and the
    accented forms' document frequencies: analysed again from their stored fields, they give
    what their addition counted. Suggestions then never offer a phrase only deleted articles
    held."""
    with ix.reader() as reader:
        gone = (stored_article(reader.stored_fields(docnum)) for docnum in docnums)
        small = len(docnums) < SMALL_UPDATE
        for _, analysed in analysed_chunks(gone, 1 if small else workers, write=False):
            for extra in analysed.extras:
                if extra is None:  # never: stored articles are not Skipped
                    continue
                _, doc_phrases, accented = extra
                phrases.subtract(doc_phrases)
                for form in accented:
                    left = forms.get(form, 0) - 1
                    if left > 0:
                        forms[form] = left
                    else:
                        forms.pop(form, None)


def stored_article(stored: dict[str, Any]) -> Article:
    """The Article a document was built from (every Article field is stored)."""
    return Article(
        id=stored["id"],
        title=stored.get("title_text") or "",
        body=stored.get("body_text") or "",
        date=stored.get("date"),
        author=stored.get("author"),
        source=stored.get("source"),
        path=stored.get("path") or "",
        line=stored.get("line"),
        url=stored.get("url"),
        collection=stored.get("collection", FILES),
    )
