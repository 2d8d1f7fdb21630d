"""Which store a command uses: the SolrCloud collection of ``SOLR_URL`` when it is set,
else the local index of ``INDEX_DIR`` (see docs/solr.md for what runs on Solr so far)."""

from __future__ import annotations

from typing import Any

from ..index.store import LocalWriter, StoreWriter
from ..search.engine import Engine
from .options import command_settings


def solr_url(index_dir: str | None) -> str:
    """``SOLR_URL`` as the command's settings give it ("" for the local index)."""
    return str(command_settings(index_dir).get("SOLR_URL") or "")


def writer_for(index_dir: str) -> StoreWriter:
    """The store ``timkiem index`` writes through."""
    url = solr_url(index_dir)
    if url:
        from ..solr.writer import SolrWriter

        return SolrWriter.connect(url)
    return LocalWriter(index_dir)


def searcher_for(index_dir: str) -> Any:
    """What ``timkiem search`` searches: an ``Engine``, or a ``SolrSearch`` (the same
    ``search``)."""
    url = solr_url(index_dir)
    if url:
        from ..solr.search import SolrSearch

        return SolrSearch(url)
    return Engine(index_dir)
