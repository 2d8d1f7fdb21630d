"""Query understanding: restore accents to words typed without them, decode Telex and VNI.

Readers often type without Vietnamese input: "dan van kheo", or Telex keys as letters
("tieengs vieetj"). Each such word is matched on its folded form anyway; restoring its most
likely accented form adds exact-form evidence, so "dan van" ranks "dân vận" above every
"dần vân", and the page can say what it searched: "Kết quả cho: dân vận khéo".

Restoration uses the corpus's own statistics: which accented forms a folded syllable takes
(``Vocabulary``, written at build time) and, for adjacent words, how often two candidate
forms occur in the articles that hold the folded pair (``pair_count``: exact for the frequent
pairs in the phrase counts, see ``phrases``, and for a pair that few articles hold, counted
side by side in their text by ``PairForms``; estimated from postings otherwise).
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import replace
from itertools import pairwise

from ..index.phrases import FUNCTION_WORDS
from ..index.vocabulary import Vocabulary
from ..text.analysis import _JOINING_GAP_RE, BIGRAM_SEPARATOR, bigram, syllables, word_forms
from ..text.normalize import decode_telex, decode_vni, fold, nfc
from ..text.wordfind import COMBINING_RE, fold_text, words_pattern
from .parse import ParsedQuery, QueryWord

DECODE_RATIO = 50  # a decoded word must be this many times as common as the word typed
EXACT_PAIR_DOCS = 10  # a folded pair held by at most this many articles is counted in them
PAIR_FORMS_KEPT = 4096  # folded pairs whose counted forms are kept for later queries
_FOLDED_FUNCTION_WORDS = frozenset(fold(w) for w in FUNCTION_WORDS)


def adjacent_forms(folded_pair: str, texts: Iterable[str]) -> Counter[str]:
    """Articles holding each accented form of a folded pair side by side (never across
    punctuation): ("phong dien", ["Huyện Phong Điền cử đại diện."]) → {"phong điền": 1}.

    The first word is found by a regex over the folded text (``wordfind``, in C), the second
    right after it, past spaces or a hyphen; a text holding combining marks NFC could not
    compose is split into syllables instead."""
    first, second = folded_pair.split(BIGRAM_SEPARATOR)
    find_first = words_pattern((first,)).finditer
    match_second = words_pattern((second,)).match
    skip_gap = _JOINING_GAP_RE.match
    counts: Counter[str] = Counter()
    for text in texts:
        text = nfc(text)
        if COMBINING_RE.search(text):
            counts.update(_adjacent_by_syllables(first, second, text))
            continue
        folded = fold_text(text)
        found: set[str] = set()
        for m in find_first(folded):
            gap = skip_gap(folded, m.end())
            b_match = match_second(folded, gap.end()) if gap is not None else None
            if b_match is None:
                continue
            # Matching ignores case, which equates more than lower case does ("ſ", "s"):
            # the words' own index forms decide.
            a = word_forms(text[m.start() : m.end()])
            b = word_forms(text[b_match.start() : b_match.end()])
            if a[1] == first and b[1] == second:
                found.add(bigram(a[0], b[0]))
        counts.update(found)
    return counts


def _adjacent_by_syllables(first: str, second: str, text: str) -> set[str]:
    """The accented forms of the pair side by side in ``text``, from its syllables."""
    return {
        bigram(a.word, b.word)
        for a, b in pairwise(syllables(text))
        if b.joined and a.folded == first and b.folded == second
    }


class PairForms:
    """Exact counts of the accented forms of folded pairs that few articles hold, read from
    those articles' text once and kept for later queries.

    The phrase counts made at build time hold the frequent pairs of content words. For a
    pair of content words too rare for them, counting the articles that hold the folded pair
    and both forms anywhere cannot tell "phong điền" from "phong diện" in an article about
    Phong Điền that also names an "đại diện"; the text can. A pair one of whose syllables may
    be a function word ("co bao": "có bao") is no phrase and is left to that estimate, as
    frequent ones are.
    """

    def __init__(self, kept: int = PAIR_FORMS_KEPT) -> None:
        self._kept = kept
        self._counts: dict[str, Counter[str]] = {}
        self._lock = threading.Lock()

    def count(
        self, folded_pair: str, form: str, docnums: Iterable[int], text_of: Callable[[int], str]
    ) -> int | None:
        """Articles among ``docnums`` (those holding ``folded_pair``) holding the accented
        pair ``form``, or None for a pair that may hold a function word; ``text_of(docnum)``
        gives an article's text."""
        if any(w in _FOLDED_FUNCTION_WORDS for w in folded_pair.split(BIGRAM_SEPARATOR)):
            return None
        with self._lock:
            counts = self._counts.get(folded_pair)
        if counts is None:
            counts = adjacent_forms(folded_pair, (text_of(d) for d in docnums))
            with self._lock:
                if len(self._counts) >= self._kept:
                    del self._counts[next(iter(self._counts))]  # the oldest
                self._counts[folded_pair] = counts
        return counts[form]


def _decode(word: QueryWord, vocab: Vocabulary) -> QueryWord | None:
    """The word as Telex or VNI keys, when that gives a word of the index far more common
    than the word as typed ("coong" → "công", "laf" → "là"; "sex" stays "sex" when the
    index holds it about as often as "sẽ" would need)."""
    if word.folded.isdigit():
        return None
    typed = vocab.count_folded(word.folded)
    for decoder in (decode_telex, decode_vni):
        decoded = decoder(word.text).lower()
        if decoded == word.text.lower():
            continue
        found = vocab.count(decoded)
        # A large corpus holds stray letter strings ("laf", "ddax"): seen that rarely
        # beside the decoded word, they were typed as Telex too.
        if found and found >= DECODE_RATIO * typed:
            return QueryWord(word.text, decoded, fold(decoded))
    return None


def restore(
    words: list[QueryWord],
    vocab: Vocabulary,
    pair_count: Callable[[QueryWord, QueryWord, str, str], int],
) -> list[QueryWord]:
    """Words with accents restored where they were typed without them.

    A Viterbi pass picks, for each run of adjacent words, the sequence of forms with the best
    sum of log document frequencies (each form alone) and log pair counts (neighbours
    together), so context decides: "dan van" → "dân vận", "van hoc" → "văn học".
    """
    options: list[list[tuple[str, float]]] = []
    for w in words:
        if w.has_accents or not w.folded.isalpha():
            options.append([(w.accented, 0.0)])
            continue
        cands = vocab.candidates(w.folded)
        if not cands:
            options.append([(w.accented, 0.0)])
            continue
        total = sum(n for _, n in cands)
        options.append([(form, math.log(n / total)) for form, n in cands])
    if all(len(opts) == 1 for opts in options):  # nothing to choose (accented words)
        return _with_forms(words, [opts[0][0] for opts in options])

    def together(i: int, prev: str, form: str) -> float:
        if len(options[i]) == 1 and len(options[i - 1]) == 1:  # one way only: no count needed
            return 0.0
        return 2.0 * math.log(pair_count(words[i - 1], words[i], prev, form) + 0.1)

    chosen = best_sequence(options, together)
    return _with_forms(words, chosen)


def best_sequence(
    options: list[list[tuple[str, float]]], step: Callable[[int, str, str], float]
) -> list[str]:
    """One option per position, the sequence with the best sum of the options' own scores
    and ``step(i, previous, option)`` between neighbours (a Viterbi pass)."""
    best: list[dict[str, tuple[float, str | None]]] = []
    for i, opts in enumerate(options):
        layer: dict[str, tuple[float, str | None]] = {}
        for option, own in opts:
            if i == 0:
                layer[option] = (own, None)
                continue
            layer[option] = max(
                (score + own + step(i, prev, option), prev) for prev, (score, _) in best[-1].items()
            )
        best.append(layer)
    option = max(best[-1].items(), key=lambda item: item[1][0])[0]
    chosen = [option]
    for i in range(len(best) - 1, 0, -1):
        prev = best[i][option][1]
        assert prev is not None
        chosen.append(prev)
        option = prev
    chosen.reverse()
    return chosen


def _with_forms(words: list[QueryWord], forms: list[str]) -> list[QueryWord]:
    return [
        w if (w.has_accents or form == w.accented) else replace(w, accented=form, restored=True)
        for w, form in zip(words, forms, strict=True)
    ]


def interpret(
    parsed: ParsedQuery,
    vocab: Vocabulary,
    pair_count: Callable[[QueryWord, QueryWord, str, str], int],
) -> str | None:
    """Rewrite the query's words in place; return the query as understood, when it differs
    from what was typed (shown as "Kết quả cho: …"), else None."""
    if not vocab.forms:
        return None
    changed = False
    for group in parsed.positive:
        for ci, clause in enumerate(group.alternatives):
            words = tuple(_decode(w, vocab) or w for w in clause.words)
            if words != clause.words:
                changed = True
                group.alternatives[ci] = replace(clause, words=words)
    # Adjacent free words are restored together; so are the words of one phrase.
    for run in _free_runs(parsed):
        clauses = [parsed.groups[g].alternatives[0] for g in run]
        restored = restore([c.words[0] for c in clauses], vocab, pair_count)
        for g, clause, w in zip(run, clauses, restored, strict=True):
            if w.restored:
                changed = True
                parsed.groups[g].alternatives[0] = replace(clause, words=(w,))
    for group in parsed.positive:
        for ci, clause in enumerate(group.alternatives):
            if len(clause.words) > 1:
                restored = restore(list(clause.words), vocab, pair_count)
                if any(w.restored for w in restored):
                    changed = True
                    group.alternatives[ci] = replace(clause, words=tuple(restored))
    return _render(parsed) if changed else None


def _free_runs(parsed: ParsedQuery) -> list[list[int]]:
    """Indexes of groups that are single free words, in runs of adjacent ones."""
    runs: list[list[int]] = []
    current: list[int] = []
    for i, group in enumerate(parsed.groups):
        if group.free_word is not None:
            current.append(i)
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def _render(parsed: ParsedQuery) -> str:
    parts: list[str] = []
    for group in parsed.groups:
        alts = []
        for clause in group.alternatives:
            text = " ".join(w.accented for w in clause.words)
            if clause.phrase:
                text = f'"{text}"'
            if clause.fields == ("title",):
                text = "title:" + text
            alts.append(text)
        rendered = " OR ".join(alts)
        parts.append("-" + rendered if group.negated else rendered)
    return " ".join(parts)
