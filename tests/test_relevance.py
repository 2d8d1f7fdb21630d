"""Relevance regression: a fixed slice of the ViNewsQA dev questions over their 500 articles.

The floors sit a little under the figures measured when they were set, so a change that hurts
ranking (for any way of typing) fails here; `benchmarks/relevance.py` gives the full picture.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from benchmarks.variants import make_variant
from indexer import Engine, build_index, iter_articles
from indexer.proximity import Proximity
from indexer.scoring import Ranking
from tests.conftest import SHARED_DATA

VINEWSQA = SHARED_DATA / "vinewsqa"
QUESTIONS = 600  # the first questions of the file: fixed, about a fifth of the set

# Variant → MRR@10 floor, about 0.02 under what this slice measured when set (0.8488,
# 0.8435, 0.8488, 0.8476, 0.8479).
FLOORS = {
    "as-written": 0.83,
    "unaccented": 0.825,
    "tone-moved": 0.83,
    "telex": 0.83,
    "mixed": 0.825,
}


@pytest.fixture(scope="module")
def vinewsqa_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not (VINEWSQA / "corpus.jsonl").exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"the shared ViNewsQA data is missing from {VINEWSQA}")
        pytest.skip("shared ViNewsQA data not present beside the project")
    index_dir = tmp_path_factory.mktemp("vinewsqa")
    build_index(iter_articles([VINEWSQA / "corpus.jsonl"]), index_dir)
    return index_dir


@pytest.fixture(scope="module")
def vinewsqa_engine(vinewsqa_index: Path) -> Engine:
    return Engine(vinewsqa_index)


def _questions() -> list[tuple[str, str, str]]:
    relevant: dict[str, str] = {}
    for row in (VINEWSQA / "qrels.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        qid, doc, score = row.split("\t")
        if int(score) > 0:
            relevant[qid] = doc
    out = []
    with open(VINEWSQA / "queries.jsonl", encoding="utf-8") as fh:
        for line in fh:
            q = json.loads(line)
            if q["_id"] in relevant:
                out.append((q["_id"], q["text"], relevant[q["_id"]]))
            if len(out) == QUESTIONS:
                break
    return out


def mrr_at_10(engine: Engine, variant: str) -> float:
    total = 0.0
    questions = _questions()
    for qid, text, doc in questions:
        hits = engine.search(make_variant(variant, text, key=qid), per_page=10, snippets=False)
        ids = [h.id for h in hits.hits]
        if doc in ids:
            total += 1.0 / (ids.index(doc) + 1)
    return total / len(questions)


@pytest.mark.parametrize("variant", list(FLOORS))
def test_ranking_stays_above_its_floor(vinewsqa_engine: Engine, variant: str) -> None:
    score = mrr_at_10(vinewsqa_engine, variant)
    assert score >= FLOORS[variant], f"MRR@10 {score:.4f} for {variant} queries"


def test_unaccented_questions_rank_nearly_as_well_as_accented(vinewsqa_engine: Engine) -> None:
    accented = mrr_at_10(vinewsqa_engine, "as-written")
    assert mrr_at_10(vinewsqa_engine, "unaccented") >= accented - 0.02


def test_the_proximity_stage_earns_its_place(vinewsqa_index: Path) -> None:
    """Re-scoring the best articles by the closeness of the question's words is worth more
    than noise: this slice measured 0.8488 with it and 0.8260 without."""
    flat = Engine(vinewsqa_index, ranking=Ranking(proximity=Proximity(depth=0)))
    with_stage = mrr_at_10(Engine(vinewsqa_index), "as-written")
    assert with_stage >= mrr_at_10(flat, "as-written") + 0.01
