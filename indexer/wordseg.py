"""Word segmentation: which syllables of a text stand together as one word.

A Vietnamese word is written as one to three syllables apart ("giai đoạn", "Tỉnh ủy"), so a
run of syllables can end inside a word: "dân vận giai" is cut out of "dân vận giai đoạn".
pyvi's tokenizer (a CRF over syllables, trained on a segmented Vietnamese corpus) labels each
syllable as starting a word or continuing one; the phrase counts (``phrases``), and so
autocomplete, keep only phrases made of whole words.

It runs at build time only, on the syllables the indexer has already found (no second
tokenization to align), a text's runs between punctuation batched into one call. pyvi and
the libraries it loads (scikit-learn, scipy) are imported on first use, so searching never
loads them.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from functools import cache
from typing import Any

from .analysis import Syllable

CONTINUES = "I_W"  # pyvi's label of a syllable that continues the word before it
SEGMENTER_MODULE = "pyvi.ViTokenizer"  # loads the model when imported (about 2 CPU s)


@cache
def _tokenizer() -> Any:
    return importlib.import_module(SEGMENTER_MODULE).ViTokenizer


def _may_join(before: str, syllable: str) -> bool:
    """pyvi's own rule on top of its model: numbers stand alone, and a capitalised syllable
    never continues a lower-case one ("dân vận Tỉnh" is two words)."""
    return not (
        before[0].isdigit()
        or syllable[0].isdigit()
        or (syllable[0].isupper() and not before[0].isupper())
    )


def word_starts(text: str, sylls: Sequence[Syllable]) -> list[bool]:
    """For each syllable of ``text`` (``syllables(text)``), whether it begins a word.

    >>> from indexer.analysis import syllables
    >>> text = "Công tác dân vận giai đoạn mới"
    >>> word_starts(text, syllables(text))
    [True, False, True, False, True, False, True]
    """
    starts = [True] * len(sylls)
    runs: list[list[int]] = []  # syllables not split by punctuation
    for i, s in enumerate(sylls):
        if s.joined and runs:
            runs[-1].append(i)
        else:
            runs.append([i])
    runs = [run for run in runs if len(run) > 1]
    if not runs:
        return starts
    tokenizer = _tokenizer()
    # As written (pyvi reads capitals): "Tỉnh ủy" in a name, "tỉnh" alone.
    sentences = [[text[sylls[i].start : sylls[i].end] for i in run] for run in runs]
    labels = tokenizer.model.predict([tokenizer.sent2features(s, False) for s in sentences])
    for run, sentence, labelled in zip(runs, sentences, labels, strict=True):
        for k in range(1, len(run)):
            if labelled[k] == CONTINUES and _may_join(sentence[k - 1], sentence[k]):
                starts[run[k]] = False
    return starts
