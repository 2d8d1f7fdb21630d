"""A SolrCloud collection as a ``StoreWriter`` (``indexer.index.store``): the articles of a
build, a crawl or the write API sent in batches of pre-analysed documents.

Each batch is one update request, acknowledged by Solr once its shards' leaders (and the
``min_rf`` replicas asked for) have logged it; the documents become visible at the commit
that ends the call. An upsert of an id replaces it, a delete of a missing id does nothing:
sending a batch twice is harmless. A run that fails midway leaves the batches sent before
the failure in the collection (visible at Solr's next commit) and nothing of the others; a
re-run sends what still differs.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from itertools import islice
from typing import Any

from ..article import FILES, Article, Skipped
from ..extract.sourcefiles import SourceFiles
from ..index.analyse import content_hash
from ..index.build import BuildReport
from .client import SolrClient, SolrError, quote_term
from .schema import solr_document

BATCH = 500  # documents per update request


class SolrWriter:
    """Writes batches into a SolrCloud collection; each call is committed when it returns."""

    def __init__(self, client: SolrClient, *, batch: int = BATCH, min_rf: int = 1) -> None:
        self.client = client
        self.batch = batch
        self.min_rf = min_rf

    @classmethod
    def connect(cls, solr_url: str, **kwargs: Any) -> SolrWriter:
        return cls(SolrClient(solr_url), **kwargs)

    def exists(self) -> bool:
        """Whether the collection exists with this version's schema (another schema
        raises ``SolrError`` naming the fix)."""
        try:
            self.client.check_schema()
        except SolrError:
            if not self.client.collection_exists():
                return False
            raise
        return True

    def replace_collection(
        self,
        articles: Iterable[Article | Skipped],
        *,
        collection: str = FILES,
        rebuild: bool = True,
        progress: Callable[[Article | Skipped], None] | None = None,
        files: SourceFiles | None = None,
    ) -> BuildReport:
        """Make ``articles`` the whole of ``collection``: new and changed ones (by content
        hash; every one with ``rebuild``) sent, those no longer given deleted. ``files`` is
        not used: every source file is read again (the local index keeps their record)."""
        started = time.perf_counter()
        self.client.check_schema()
        report = BuildReport(updated_in_place=not rebuild)
        known = {
            doc["id"]: doc.get("hash")
            for doc in self.client.scan("id,hash", q=f"collection:{quote_term(collection)}")
        }
        seen: set[str] = set()
        pending: list[dict[str, Any]] = []
        for item in articles:
            if progress is not None:
                progress(item)
            if isinstance(item, Skipped):
                report.skipped.append(item)
                continue
            item = _in(item, collection)
            if item.id in seen:
                report.repeated_ids.append(item.id)
                continue
            seen.add(item.id)
            if not rebuild and known.get(item.id) == content_hash(item):
                report.unchanged += 1
                continue
            if item.id in known:
                report.updated += 1
            else:
                report.added += 1
            pending.append(solr_document(item))
            if len(pending) >= self.batch:
                self.client.update(pending, min_rf=self.min_rf)
                pending = []
        gone = [doc_id for doc_id in known if doc_id not in seen]
        report.removed = len(gone)
        self._send(pending, gone)
        report.indexed = self._count()
        report.seconds = time.perf_counter() - started
        return report

    def write_batch(
        self,
        upserts: Sequence[Article | Skipped],
        deletes: Iterable[str],
        *,
        collection: str,
        workers: int | None = None,
    ) -> BuildReport:
        """Add or replace ``upserts`` and delete ``deletes``; an id both given and deleted
        is kept, as given."""
        started = time.perf_counter()
        self.client.check_schema()
        report = BuildReport(updated_in_place=True)
        articles = [a for a in upserts if isinstance(a, Article)]
        report.skipped = [a for a in upserts if isinstance(a, Skipped)]
        given = {a.id for a in articles}
        removed = [doc_id for doc_id in dict.fromkeys(deletes) if doc_id not in given]
        docs = [solr_document(_in(article, collection)) for article in articles]
        report.added = len(docs)  # Solr does not say which ids it had: each counts as added
        report.removed = len(removed)
        self._send(docs, removed)
        report.indexed = self._count()
        report.seconds = time.perf_counter() - started
        return report

    def _send(self, docs: Sequence[dict[str, Any]], deletes: Sequence[str]) -> None:
        """The last documents and the deletes in batches, then one commit."""
        for part in _batches(docs, self.batch):
            self.client.update(part, min_rf=self.min_rf)
        for part in _batches(deletes, self.batch):
            self.client.update(deletes=part, min_rf=self.min_rf)
        self.client.commit()

    def _count(self) -> int:
        return int(self.client.select({"q": "*:*", "rows": 0})["response"]["numFound"])


def _in(article: Article, collection: str) -> Article:
    """``article`` as owned by ``collection``."""
    if article.collection == collection:
        return article
    return replace(article, collection=collection)


def _batches(items: Sequence[Any], size: int) -> Iterator[list[Any]]:
    it = iter(items)
    while part := list(islice(it, size)):
        yield part
