"""Word segmentation: which syllables begin a word, as pyvi's model says, read from the
syllables the indexer splits (what keeps autocomplete phrases whole words)."""

from __future__ import annotations

import pytest

from indexer import iter_articles
from indexer.text.analysis import syllables
from indexer.text.normalize import nfc
from indexer.text.wordseg import _tokenizer, features, word_starts
from tests.conftest import SEEDS


def segmented(text: str) -> str:
    """The text's syllables with words joined by "_": "dân_vận khéo"."""
    sylls = syllables(text)
    out = ""
    for s, start in zip(sylls, word_starts(text, sylls), strict=True):
        out += (" " if out and start else "_" if out else "") + s.word
    return out


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Công tác dân vận giai đoạn mới", "công_tác dân_vận giai_đoạn mới"),
        ("Ban Dân vận Tỉnh ủy Bắc Kạn", "ban dân_vận tỉnh_ủy bắc_kạn"),
        ("Huyện Phong Điền phát triển nông nghiệp", "huyện phong_điền phát_triển nông_nghiệp"),
        # Never across punctuation, never a number, never a capital after lower case.
        ("Dân, vận", "dân vận"),
        ("năm 2024 dân vận", "năm 2024 dân_vận"),
        ("dân vận Tỉnh", "dân_vận tỉnh"),
        ("", ""),
        ("Dân", "dân"),
    ],
)
def test_word_starts(text: str, words: str) -> None:
    assert segmented(text) == words


def test_the_features_give_pyvis_own_labels() -> None:
    """``features`` builds what ``ViTokenizer.sent2features`` builds, faster, and the model
    read from pyvi's files without scikit-learn is pyvi's: on every run of the seeds both give
    pyvi's own labels (a pyvi that changed its features or its model file fails here)."""
    from pyvi.ViTokenizer import ViTokenizer as tokenizer

    ours_model = _tokenizer()
    assert ours_model.bi_grams == tokenizer.bi_grams
    assert ours_model.tri_grams == tokenizer.tri_grams
    tagger = tokenizer.model.tagger_
    runs = []
    for article in iter_articles([SEEDS]):
        for text in (nfc(article.title), nfc(article.body)):
            run: list[str] = []
            for s in syllables(text):
                if not s.joined and len(run) > 1:
                    runs.append(run)
                run = [*run, text[s.start : s.end]] if s.joined else [text[s.start : s.end]]
            if len(run) > 1:
                runs.append(run)
    assert sum(map(len, runs)) > 3000
    ours = [ours_model.tagger.tag(features(run)) for run in runs]
    assert ours == [tagger.tag(tokenizer.sent2features(run, False)) for run in runs]
    assert any("I_W" in labels for labels in ours)
