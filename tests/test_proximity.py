"""The second ranking stage: articles whose text holds the query's words close together."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from indexer import Article, Engine, build_index
from indexer.search.proximity import Proximity, QueryTerms, proximity_bonus, rerank, window_share
from indexer.search.scoring import Ranking

TERMS = QueryTerms({"tiem": 1.0, "vac": 1.0, "xin": 1.0, "soi": 3.0})


@pytest.mark.parametrize(
    ("tokens", "size", "share"),
    [
        ("tiem vac xin soi".split(), 4, 1.0),
        ("tiem vac xin soi".split(), 3, 5 / 6),  # vac xin soi outweighs tiem vac xin
        ("soi a b c d e f tiem".split(), 8, 4 / 6),
        ("soi a b c d e f tiem".split(), 7, 3 / 6),
        ("a b c".split(), 10, 0.0),
        ("soi soi soi".split(), 10, 3 / 6),  # a word counts once however often it occurs
    ],
)
def test_window_share_is_the_best_share_of_the_query_in_one_window(
    tokens: list[str], size: int, share: float
) -> None:
    assert window_share(tokens, TERMS, size) == pytest.approx(share)


def test_words_close_together_earn_more_than_the_same_words_scattered() -> None:
    filler = ["benh", "vien"] * 30
    close = filler + "tiem vac xin soi".split() + filler
    scattered = ["tiem", *filler, "vac", "xin", *filler, "soi"]
    model = Proximity()
    assert proximity_bonus(close, TERMS, model) > proximity_bonus(scattered, TERMS, model)


def test_rerank_reorders_only_the_top_and_keeps_them_above_the_rest() -> None:
    scores = np.array([10.0, 9.0, 8.0, 1.0, 0.5], dtype=np.float32)
    texts = {
        0: "tiem a b c d e f g h i j k l m n o p q r s t u v w x y z vac xin soi",
        1: "tiem vac xin soi",
        2: "soi",
    }
    rerank(scores, np.array([0, 1, 2]), lambda d: texts[d].split(), TERMS, Proximity())
    order = list(np.argsort(-scores, kind="stable"))
    assert order[:2] == [1, 0]
    assert order[3:] == [3, 4]
    assert scores[[0, 1, 2]].min() > 1.0


FILLER = "Người dân địa phương sinh hoạt bình thường trong những ngày qua."


@pytest.fixture(scope="module")
def measles_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two articles of the same length holding the question's words: one answers it in one
    sentence, the other holds each word more often but in different sentences."""
    answer = "Trẻ em được tiêm vắc-xin sởi miễn phí tại trạm y tế phường. " + " ".join([FILLER] * 8)
    scattered = " ".join(
        f"{sentence} {FILLER}"
        for sentence in [
            "Trẻ em đi học.",
            "Trẻ em vui chơi.",
            "Tiêm vắc-xin đầy đủ.",
            "Tiêm vắc-xin cúm.",
            "Bệnh sởi giảm.",
            "Sởi ít.",
            "Khám miễn phí.",
            "Miễn phí thuốc.",
        ]
    )
    articles = [
        Article(id="rai-rac", title="Tin y tế cuối tuần", body=scattered),
        Article(id="cau-tra-loi", title="Tin y tế trong tuần", body=answer),
        Article(id="khac", title="Giao thông", body="Xe buýt chạy thêm tuyến mới. " + FILLER),
    ]
    index_dir = tmp_path_factory.mktemp("measles")
    build_index(articles, index_dir)
    return index_dir


QUESTIONS = ["Trẻ em tiêm vắc-xin sởi miễn phí ở đâu?", "tre em tiem vac xin soi mien phi o dau"]


@pytest.mark.parametrize("question", QUESTIONS)
def test_the_article_answering_the_question_in_one_sentence_ranks_first(
    measles_index: Path, question: str
) -> None:
    hits = Engine(measles_index).search(question).hits
    assert [h.id for h in hits] == ["cau-tra-loi", "rai-rac"]
    assert hits[0].score > hits[1].score > 0


@pytest.mark.parametrize("question", QUESTIONS)
def test_whole_article_scores_alone_rank_the_scattered_words_first(
    measles_index: Path, question: str
) -> None:
    """What the second stage changes: without it, more occurrences win."""
    flat = Ranking(proximity=Proximity(depth=0))
    hits = Engine(measles_index, ranking=flat).search(question).hits
    assert [h.id for h in hits] == ["rai-rac", "cau-tra-loi"]


@pytest.mark.parametrize("query", ["vắc-xin miễn phí", "vac xin mien phi"])
def test_keyword_searches_of_up_to_four_words_keep_the_first_stage_order(
    measles_index: Path, query: str
) -> None:
    """Short queries need all their words and are ranked by the first stage alone (its word
    pairs already tell whether they stand together); ranked by any of their words, as
    questions are, the same words would go through the second stage."""
    flat = Engine(measles_index, ranking=Ranking(proximity=Proximity(depth=0)))
    assert [h.id for h in flat.search(query).hits] == ["rai-rac", "cau-tra-loi"]
    assert [h.id for h in Engine(measles_index).search(query).hits] == ["rai-rac", "cau-tra-loi"]
    any_words = Engine(measles_index, ranking=Ranking(and_max_groups=0))
    assert [h.id for h in any_words.search(query).hits] == ["cau-tra-loi", "rai-rac"]
