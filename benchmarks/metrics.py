"""Ranking metrics with binary relevance: MRR@k, nDCG@k, Recall@k.

Each function takes one ranking (document ids, best first) and the set of relevant ids;
``evaluate`` averages them over queries.

>>> mrr_at_k(["d3", "d1", "d7"], {"d1"})
0.5
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence, Set

METRIC_NAMES = ("MRR@10", "nDCG@10", "R@10", "R@100")


def mrr_at_k(ranking: Sequence[str], relevant: Set[str], k: int = 10) -> float:
    """1 / rank of the first relevant document within the top ``k``, else 0."""
    for rank, doc_id in enumerate(ranking[:k], start=1):
        if doc_id in relevant:
            return 1.0 / rank
    return 0.0


def ndcg_at_k(ranking: Sequence[str], relevant: Set[str], k: int = 10) -> float:
    """Binary-gain nDCG: sum of 1/log2(rank+1) over relevant hits, over the ideal sum."""
    if not relevant:
        return 0.0
    dcg = sum(
        1.0 / math.log2(rank + 1)
        for rank, doc_id in enumerate(ranking[:k], start=1)
        if doc_id in relevant
    )
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(len(relevant), k) + 1))
    return dcg / ideal


def recall_at_k(ranking: Sequence[str], relevant: Set[str], k: int) -> float:
    """Share of the relevant documents found in the top ``k``."""
    if not relevant:
        return 0.0
    return len(relevant.intersection(ranking[:k])) / len(relevant)


def evaluate(
    rankings: Mapping[str, Sequence[str]], qrels: Mapping[str, Set[str]]
) -> dict[str, float]:
    """Mean MRR@10, nDCG@10, R@10 and R@100 over the queries of ``qrels``.

    A query missing from ``rankings`` counts as an empty ranking (all zeros).
    """
    sums = dict.fromkeys(METRIC_NAMES, 0.0)
    for qid, relevant in qrels.items():
        ranking = rankings.get(qid, ())
        sums["MRR@10"] += mrr_at_k(ranking, relevant, 10)
        sums["nDCG@10"] += ndcg_at_k(ranking, relevant, 10)
        sums["R@10"] += recall_at_k(ranking, relevant, 10)
        sums["R@100"] += recall_at_k(ranking, relevant, 100)
    n = len(qrels)
    return {name: (total / n if n else 0.0) for name, total in sums.items()}
