"""The engines timkiem is compared with: SQLite FTS5 (standard library) and Tantivy (PyPI).

Both get the same documents and queries, folded the way they need to match Vietnamese typed
without accents: FTS5's ``remove_diacritics 2`` drops the marks but not đ, so đ → d is
applied on both sides; Tantivy's default tokenizer keeps every accent, so all of them are
stripped on both sides. ``conjunctive`` queries need every word (keyword queries),
otherwise any word may match (questions). Each ``search`` returns the ids of the top 10.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from benchmarks.harness.data import Doc, fold_all, fold_dd

# What both tokenizers treat as a token: letters and digits (underscore separates).
_TOKEN = re.compile(r"[^\W_]+")


def query_tokens(text: str) -> list[str]:
    """The query's words, lower case, in order: "Hòa-Bình 2024?" → ["hòa", "bình", "2024"]."""
    return _TOKEN.findall(text.lower())


class Fts5Peer:
    """SQLite FTS5, ``unicode61 remove_diacritics 2``, ranked by bm25(), top 10."""

    name = "sqlite-fts5"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.conn = sqlite3.connect(path)

    def build(self, docs: Iterable[Doc]) -> int:
        """Index ``docs`` (one transaction, then merged into one b-tree); returns the count."""
        conn = self.conn
        conn.execute(
            "CREATE VIRTUAL TABLE docs USING fts5("
            "id UNINDEXED, title, body, tokenize = 'unicode61 remove_diacritics 2')"
        )
        count = 0
        with conn:
            for doc in docs:
                conn.execute(
                    "INSERT INTO docs (id, title, body) VALUES (?, ?, ?)",
                    (doc.id, fold_dd(doc.title), fold_dd(doc.text)),
                )
                count += 1
        with conn:
            conn.execute("INSERT INTO docs (docs) VALUES ('optimize')")
        return count

    def search(self, text: str, conjunctive: bool, k: int = 10) -> list[str]:
        tokens = query_tokens(fold_dd(text))
        if not tokens:
            return []
        # Quoted, every token is a plain string to FTS5, never an operator.
        expr = (" " if conjunctive else " OR ").join(f'"{t}"' for t in tokens)
        rows = self.conn.execute(
            "SELECT id FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT ?", (expr, k)
        )
        return [row[0] for row in rows]

    def size(self) -> int:
        return self.path.stat().st_size

    def close(self) -> None:
        self.conn.close()


class TantivyPeer:
    """Tantivy with its default tokenizer over accent-stripped text, BM25, top 10."""

    name = "tantivy"

    def __init__(self, path: Path) -> None:
        import tantivy

        self.tantivy = tantivy
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        builder = tantivy.SchemaBuilder()
        builder.add_text_field("id", stored=True, tokenizer_name="raw")
        builder.add_text_field("title", stored=True)
        builder.add_text_field("body", stored=True)
        self.index = tantivy.Index(builder.build(), path=str(path))
        self.searcher = None

    def build(self, docs: Iterable[Doc], threads: int = 2) -> int:
        """Index ``docs`` with ``threads`` indexing threads; returns the count."""
        writer = self.index.writer(heap_size=256_000_000, num_threads=threads)
        count = 0
        for doc in docs:
            writer.add_document(
                self.tantivy.Document(id=doc.id, title=fold_all(doc.title), body=fold_all(doc.text))
            )
            count += 1
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        self.searcher = self.index.searcher()
        return count

    def search(self, text: str, conjunctive: bool, k: int = 10) -> list[str]:
        tokens = query_tokens(fold_all(text))
        if not tokens:
            return []
        expr = " ".join(("+" if conjunctive else "") + t for t in tokens)
        query = self.index.parse_query(expr, ["title", "body"])
        searcher = self.searcher
        return [searcher.doc(addr).get_first("id") for _, addr in searcher.search(query, k).hits]

    def size(self) -> int:
        return sum(p.stat().st_size for p in self.path.rglob("*") if p.is_file())

    def close(self) -> None:
        self.searcher = None


def tantivy_available() -> str | None:
    """None when Tantivy can be imported, else why not."""
    try:
        import tantivy  # noqa: F401
    except ImportError as exc:
        return f"tantivy is not installed ({exc}); pip install tantivy (or .[bench])"
    return None
