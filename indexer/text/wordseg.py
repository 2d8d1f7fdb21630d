"""Word segmentation: which syllables of a text stand together as one word.

A Vietnamese word is written as one to three syllables apart ("giai đoạn", "Tỉnh ủy"), so a
run of syllables can end inside a word: "dân vận giai" is cut out of "dân vận giai đoạn".
pyvi's tokenizer (a CRF over syllables, trained on a segmented Vietnamese corpus) labels each
syllable as starting a word or continuing one; the phrase counts (``phrases``), and so
autocomplete, keep only phrases made of whole words.

It runs at build time only, on the syllables the indexer has already found (no second
tokenization to align), with pyvi's features built from per-syllable parts that are kept
(``features``: half of pyvi's own time, the same labels). The model is read on first use from
pyvi's own files, straight into python-crfsuite's tagger (``Segmenter``): importing pyvi would
load scikit-learn and scipy (2 CPU seconds) for the one object of theirs it pickles, which
costs more than a small update's whole analysis; searching never loads it.
"""

from __future__ import annotations

import importlib.util
import pickle
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from .analysis import Syllable

CONTINUES = "I_W"  # pyvi's label of a syllable that continues the word before it
SEGMENTER_MODULE = "pyvi.ViTokenizer"  # pyvi's tokenizer (what ``Segmenter`` reads the files of)
TOKENS_KEPT = 10_000  # distinct syllables whose features are kept (>99% of the text's)
MODEL_FILE = "models/pyvi3.pkl"  # a pickled sklearn_crfsuite.CRF holding the crfsuite model
WORDS_FILE = "models/words.txt"  # pyvi's two- and three-syllable words, one a line
_MODEL_DATA = "__FILE_RESOURCE_DATA__"  # where the pickled CRF keeps the model file's bytes


@dataclass(frozen=True)
class Segmenter:
    """pyvi's word segmentation model: its CRF tagger and its lists of known words (what
    ``ViTokenizer`` holds as ``model.tagger_``, ``bi_grams`` and ``tri_grams``)."""

    tagger: Any  # pycrfsuite.Tagger
    bi_grams: frozenset[str]
    tri_grams: frozenset[str]
    model: bytes  # the tagger reads this buffer in place: it must live as long as the tagger


class _Stub:
    """Stands in for every class of the pickled CRF: only its model bytes are read."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def __setstate__(self, state: Any) -> None:
        if isinstance(state, dict):
            self.__dict__.update(state)


class _ModelUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("_codecs", "encode"):  # how protocol 2 pickles bytes
            return super().find_class(module, name)
        return _Stub  # scikit-learn's, numpy's, pycrfsuite's: nothing of them runs


def _model_bytes(obj: Any) -> bytes:
    """The crfsuite model file held by the unpickled CRF (its ``modelfile`` resource)."""
    data = getattr(getattr(obj, "modelfile", None), _MODEL_DATA, None)
    if isinstance(data, str):  # protocol 2 pickles bytes as latin-1 text
        data = data.encode("latin-1")
    if not isinstance(data, bytes):
        raise RuntimeError(f"no crfsuite model in pyvi's {MODEL_FILE}")
    return data


@cache
def _tokenizer() -> Segmenter:
    import pycrfsuite

    spec = importlib.util.find_spec(SEGMENTER_MODULE.partition(".")[0])
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError(f"word segmentation needs pyvi ({SEGMENTER_MODULE})")
    folder = Path(spec.origin).parent
    with open(folder / MODEL_FILE, "rb") as f:
        model = _model_bytes(_ModelUnpickler(f).load())
    tagger = pycrfsuite.Tagger()
    tagger.open_inmemory(model)
    words = (folder / WORDS_FILE).read_text(encoding="utf-8").split("\n")
    return Segmenter(
        tagger,
        frozenset(w for w in words if w.count(" ") == 1),
        frozenset(w for w in words if w.count(" ") == 2),
        model,
    )


@lru_cache(maxsize=TOKENS_KEPT)
def _token_features(token: str) -> tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """A syllable's lower case and its features as pyvi's model reads them: of the syllable
    itself, and as the one before and after another."""
    lower, title, upper = token.lower(), token.istitle(), token.isupper()
    own = ["bias", "word.lower():" + lower]
    own += ["word.isupper()"] * upper + ["word.istitle()"] * title
    own += ["word.isdigit()"] * token.isdigit()
    before = ["-1:word.lower():" + lower] + ["-1:word.istitle()"] * title
    after = ["+1:word.lower():" + lower] + ["+1:word.istitle()"] * title
    before += ["-1:word.isupper()"] * upper
    after += ["+1:word.isupper()"] * upper
    return lower, tuple(own), tuple(before), tuple(after)


def features(tokens: Sequence[str]) -> list[list[str]]:
    """pyvi's features of a run of syllables (``ViTokenizer.sent2features``), built from
    cached parts and as the attributes its CRF reads: a string value ``v`` of feature ``k``
    is the attribute ``k:v``, a true flag the attribute ``k``, and a false flag, which
    weighs nothing, is left out. Twice as fast as pyvi's own, with the same labels."""
    tokenizer = _tokenizer()
    parts = [_token_features(t) for t in tokens]
    lower = [p[0] for p in parts]
    n = len(tokens)
    pairs = [lower[i] + " " + lower[i + 1] in tokenizer.bi_grams for i in range(n - 1)]
    triples = [
        lower[i] + " " + lower[i + 1] + " " + lower[i + 2] in tokenizer.tri_grams
        for i in range(n - 2)
    ]
    out = []
    for i in range(n):
        f = list(parts[i][1])
        if i > 0:
            f += parts[i - 1][2]
            if pairs[i - 1]:
                f.append("-1:word.bi_gram()")
            if i > 1 and triples[i - 2]:
                f.append("-2:word.tri_gram()")
        if i < n - 1:
            f += parts[i + 1][3]
            if pairs[i]:
                f.append("+1:word.bi_gram()")
            if i < n - 2 and triples[i]:
                f.append("+2:word.tri_gram()")
        out.append(f)
    return out


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

    >>> from indexer.text.analysis import syllables
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
    tagger = None
    for run in runs:
        if len(run) < 2:
            continue
        tagger = tagger or _tokenizer().tagger
        # As written (pyvi reads capitals): "Tỉnh ủy" in a name, "tỉnh" alone.
        sentence = [text[sylls[i].start : sylls[i].end] for i in run]
        labels = tagger.tag(features(sentence))
        for k in range(1, len(run)):
            if labels[k] == CONTINUES and _may_join(sentence[k - 1], sentence[k]):
                starts[run[k]] = False
    return starts
