"""The query side's shortcuts give exactly what the general computations give, on real
articles: keyword queries scored on the articles holding every word only (``score`` against
``score_all``), and the accented forms of a run of words read off the word regexes
(``run_forms`` against the syllables of each text)."""

from __future__ import annotations

import itertools
import random
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from indexer import Article, Engine, build_index, iter_articles
from indexer.index.schema import ACCENTED, FOLDED_BIGRAMS, term_field
from indexer.search.evidence import _run_forms_by_syllables, forms_in
from indexer.search.parse import parse
from indexer.search.scoring import score, score_all
from indexer.text.analysis import folded_syllables, syllables
from indexer.text.normalize import fold, nfc
from indexer.text.wordfind import fold_text, folded_words
from tests.conftest import SEEDS, shared_data

N_ARTICLES = 300
ACCENTED_BODY = term_field("body", ACCENTED)
FOLDED_BIGRAMS_BODY = term_field("body", FOLDED_BIGRAMS)


def _articles() -> list[Article]:
    corpus = shared_data("vinewsqa", "corpus.jsonl")
    found = [a for a in iter_articles([corpus]) if isinstance(a, Article)][:N_ARTICLES]
    seeds = [a for a in iter_articles([SEEDS]) if isinstance(a, Article)]
    return found + seeds


@pytest.fixture(scope="module")
def articles() -> list[Article]:
    return _articles()


@pytest.fixture(scope="module")
def engine(articles: list[Article], tmp_path_factory: pytest.TempPathFactory) -> Engine:
    index_dir: Path = tmp_path_factory.mktemp("shortcuts_index")
    build_index(articles, index_dir, workers=1)
    return Engine(index_dir, result_cache=0)


def _keyword_queries(articles: list[Article], n: int) -> list[str]:
    """Runs of 1–4 words of the articles' titles and bodies, as written and without accents,
    some with a function word, an excluded word or a word of no article."""
    rng = random.Random(16)
    out = []
    for _ in range(n):
        text = rng.choice(articles).title or rng.choice(articles).body
        words = re.findall(r"\w+", rng.choice([text, rng.choice(articles).body[:400]]))
        if not words:
            continue
        at = rng.randrange(len(words))
        q = " ".join(words[at : at + rng.randint(1, 4)]).lower()
        out += [q, fold(q)]
    return [*out, "của người dân", "la gi", "dan van -kheo", "bong da bong", "qzxv dan", "và"]


def test_keyword_queries_score_as_over_every_article(
    engine: Engine, articles: list[Article]
) -> None:
    gen = engine.current()
    checked = 0
    for q in _keyword_queries(articles, 150):
        parsed = parse(q)
        engine._interpret(gen, parsed)
        fast, full = score(gen, parsed, engine.ranking), score_all(gen, parsed, engine.ranking)
        assert np.array_equal(fast.matched, full.matched), q
        assert np.array_equal(fast.scores[full.matched], full.scores[full.matched]), q
        assert (fast.partial, fast.any_words, fast.found) == (
            full.partial,
            full.any_words,
            full.found,
        ), q
        checked += full.found > 0
    assert checked > 200  # most queries find articles: the shortcut was taken


def test_pages_are_those_of_scoring_every_article(
    engine: Engine, articles: list[Article], monkeypatch: pytest.MonkeyPatch
) -> None:
    queries = _keyword_queries(articles, 40)
    fast = [engine.search(q, per_page=10) for q in queries]
    monkeypatch.setattr("indexer.search.local.score", score_all)
    full = [engine.search(q, per_page=10) for q in queries]
    for a, b in zip(fast, full, strict=True):
        assert [(h.id, h.score, h.snippet) for h in a.hits] == [
            (h.id, h.score, h.snippet) for h in b.hits
        ], a.query
        assert (a.total, a.interpreted, a.suggestion) == (b.total, b.interpreted, b.suggestion)


def test_run_forms_are_those_of_the_syllables(articles: list[Article]) -> None:
    rng = random.Random(7)
    texts = [a.body for a in articles[:120]]
    split = [syllables(nfc(text)) for text in texts]
    pairs = {
        (a.folded, b.folded)
        for sylls in split[:40]
        for a, b in itertools.pairwise(sylls)
        if b.joined and rng.random() < 0.03
    }
    assert len(pairs) > 50
    for first, second in sorted(pairs):
        expected: Counter[tuple[str, ...]] = Counter()
        for sylls in split:
            expected.update(
                {
                    (a.word, b.word)
                    for a, b in itertools.pairwise(sylls)
                    if b.joined and a.folded == first and b.folded == second
                }
            )
        assert forms_in((first, second), texts) == expected, (first, second)


@pytest.mark.parametrize(
    "text",
    [
        "Phong Điền-phong điện, PHONG ĐIỀN; phong  điền và phongđiền",
        "phong phong điền điền",
        "Kelvin K, ſ dài, İstanbul, ı: phong_điền, phong\u0301 điền",
    ],
)
def test_run_forms_of_edge_cases(text: str) -> None:
    for run in ("phong dien", "dien dien", "phong phong", "k s", "phong phong dien"):
        folded = tuple(run.split(" "))
        assert forms_in(folded, [text]) == Counter(_run_forms_by_syllables(folded, nfc(text))), (
            run,
            text,
        )


def test_fold_text_is_fold(articles: list[Article]) -> None:
    rng = random.Random(3)
    texts = [a.body for a in articles[:50]] + [
        "".join(chr(rng.randrange(32, 0x2100)) for _ in range(rng.randrange(300)))
        for _ in range(300)
    ]
    texts += ["Đắk Lắk " * 20, "x\ud800" * 40, "😀 Hà Nội " * 20]  # a lone surrogate, astral
    for text in texts:
        assert fold_text(text) == fold(text)


def test_folded_words_are_the_folded_syllables(articles: list[Article]) -> None:
    texts = [a.body for a in articles] + [
        "Kelvin K, ſ dài, İstanbul, ı, dân_vận, Thuỷ Hoà, ĐẮK LẮK, phong\u0301, 😀 x²",
    ]
    for text in texts:
        assert folded_words(text) == folded_syllables(text)
