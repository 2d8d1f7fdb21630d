"""A plain syllable BM25 (k1=1.2, b=0.75) to compare timkiem with, over the same documents.

No folding, no stop words, no word segmentation: the accented, lower-cased title and text
split into syllables. An in-memory inverted index with numpy: postings sorted by term, one
precomputed BM25 impact per posting, so a query is a few array additions.

>>> bm25 = SyllableBM25([("a", "Hòa bình"), ("b", "hoà bình")])
>>> bm25.search("hòa")
['a']
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import numpy as np

from benchmarks.harness.data import syllables


class SyllableBM25:
    """BM25 over syllables; ``search`` returns document ids, best first."""

    def __init__(self, docs: Iterable[tuple[str, str]], k1: float = 1.2, b: float = 0.75) -> None:
        """Index ``docs``, pairs (id, text); give title and text as one string."""
        self.k1, self.b = k1, b
        self.vocab: dict[str, int] = {}
        self.ids: list[str] = []
        chunks: list[np.ndarray] = []
        lengths: list[int] = []
        vocab = self.vocab
        for doc_id, text in docs:
            tokens = syllables(text)
            # setdefault's default is evaluated first: an unseen term gets the next number.
            chunks.append(
                np.fromiter(
                    (vocab.setdefault(t, len(vocab)) for t in tokens), np.int64, len(tokens)
                )
            )
            lengths.append(len(tokens))
            self.ids.append(doc_id)
        n_docs = len(self.ids)
        self.n_docs = n_docs
        doc_len = np.asarray(lengths, dtype=np.float64)
        terms = np.concatenate(chunks) if chunks else np.zeros(0, np.int64)
        del chunks
        docs_of = np.repeat(np.arange(n_docs, dtype=np.int64), doc_len.astype(np.int64))
        # One key per (term, doc) occurrence; sorting groups postings by term, then by doc.
        keys, tf = np.unique(terms * max(n_docs, 1) + docs_of, return_counts=True)
        del terms, docs_of
        posting_terms = keys // max(n_docs, 1)
        self.posting_docs = (keys % max(n_docs, 1)).astype(np.int32)
        self.indptr = np.searchsorted(posting_terms, np.arange(len(vocab) + 1))
        df = np.diff(self.indptr).astype(np.float64)
        idf = np.log(1.0 + (n_docs - df + 0.5) / (df + 0.5))
        avgdl = doc_len.mean() if n_docs else 1.0
        norm = k1 * (1.0 - b + b * doc_len / max(avgdl, 1e-9))
        tf = tf.astype(np.float64)
        impact = idf[posting_terms] * tf * (k1 + 1.0) / (tf + norm[self.posting_docs])
        self.impacts = impact.astype(np.float32)

    def scores(self, query: str) -> np.ndarray:
        """The BM25 score of every document for ``query`` (one float per document)."""
        scores = np.zeros(self.n_docs, dtype=np.float32)
        counts = Counter(self.vocab[t] for t in syllables(query) if t in self.vocab)
        for term, qtf in counts.items():
            lo, hi = self.indptr[term], self.indptr[term + 1]
            scores[self.posting_docs[lo:hi]] += self.impacts[lo:hi] * qtf
        return scores

    def search(self, query: str, k: int = 100) -> list[str]:
        """The ids of the ``k`` best documents for ``query`` (documents sharing no syllable
        with it are never returned); ties go to the earlier document."""
        scores = self.scores(query)
        candidates = np.flatnonzero(scores > 0)
        if len(candidates) > k:
            candidates = candidates[np.argpartition(-scores[candidates], k - 1)[:k]]
        order = np.lexsort((candidates, -scores[candidates]))
        return [self.ids[i] for i in candidates[order]]
