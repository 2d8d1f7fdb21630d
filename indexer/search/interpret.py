"""Query understanding: how a query is read before it is searched.

- **Typed with accents** (marks on any word, or Telex/VNI keys that decode to them: "coong
  taacs" → "công tác"): every word is taken as written, a word without marks too ("lai
  lịch", "song công": a toneless syllable is a word of its own). Articles holding the words
  so, side by side, come first (``exact``).
- **Typed without accents** ("dan van kheo"): the accents are restored from evidence of the
  whole phrase in the collection: the accented forms its words take side by side, as counted
  in the phrase counts (``phrases``: whole words, exact counts) or in the text of the
  articles holding the folded words side by side (``evidence``). When one reading holds a
  clear majority of every part of the query, the reading is *confident*: the page says
  "Kết quả cho: dân vận khéo" and the articles holding it come first. A reading with weak
  evidence is only a bonus in the scores, and nothing is shown; a phrase found nowhere is
  searched as typed, on folded forms.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import replace

from ..index.vocabulary import Vocabulary
from ..text.normalize import decode_telex, decode_vni, fold
from .parse import ParsedQuery, QueryWord

DECODE_RATIO = 50  # a decoded word must be this many times as common as the word typed
CONFIDENT_SHARE = 0.7  # a reading is confident with this share of a phrase's articles
SINGLE_SHARE = 0.9  # a lone word is restored with this share of its syllable's articles
MAX_RUN = 6  # the longest part of a query looked for side by side

# The accented forms of a folded run of words side by side, with their article counts.
RunForms = Callable[[tuple[str, ...]], Counter[tuple[str, ...]]]


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


def interpret(
    parsed: ParsedQuery, vocab: Vocabulary, run_forms: RunForms, *, restore: bool = True
) -> str | None:
    """Rewrite the query's words in place (accents restored, Telex decoded, words marked
    ``exact`` when their form is sought); return the query as understood when the page
    should say so ("Kết quả cho: …"), else None. With ``restore`` False the query is taken
    as typed: nothing decoded nor restored."""
    decoded = False
    for group in parsed.positive if restore else ():
        for ci, clause in enumerate(group.alternatives):
            words = tuple(_decode(w, vocab) or w for w in clause.words)
            if words != clause.words:
                decoded = True
                group.alternatives[ci] = replace(clause, words=words)
    if any(w.has_accents for w in parsed.words()):
        # Typed with accents: every word as written, a word without marks too ("lai lịch",
        # "song công": toneless syllables are words of their own).
        _rewrite(parsed, lambda w: replace(w, exact=True))
        return _render(parsed) if decoded else None
    if not restore or not vocab.forms:
        return None
    chosen: dict[int, tuple[str, bool]] = {}  # id of a query word → (its form, sure)
    for run in parsed.runs():
        words = list(run.words)
        for w, found in zip(words, restore_run(words, vocab, run_forms), strict=True):
            chosen[id(w)] = found
    confident = all(sure for _, sure in chosen.values())

    def read(w: QueryWord) -> QueryWord:
        form, sure = chosen.get(id(w), (w.accented, False))
        return replace(w, accented=form, restored=form != w.accented, exact=sure and confident)

    _rewrite(parsed, read)
    changed = any(w.restored for w in parsed.words())
    return _render(parsed) if confident and changed else None


def restore_run(
    words: list[QueryWord], vocab: Vocabulary, run_forms: RunForms
) -> list[tuple[str, bool]]:
    """The forms of a run of adjacent unaccented words, each with whether the evidence is
    clear: the longest parts of the run found side by side in the collection, left to
    right, are read as their commonest form there, clear when it holds most of the part's
    articles; a word found next to neither neighbour is read alone, as its syllable's
    commonest form when that form is nearly always the one, clear only for a query of one
    word: in a phrase it is no evidence of the phrase. (Cutting the run so as to leave no
    word alone finds more readings, but weaker ones: "danh tiếng vang" for "danh tiếng
    vắng"; measured with ``benchmarks/keywords.py``, precision 0.967 against 0.987.)"""
    out: list[tuple[str, bool]] = []
    i = 0
    n = len(words)
    while i < n:
        for j in range(min(n, i + MAX_RUN), i + 1, -1):
            counts = run_forms(tuple(w.folded for w in words[i:j]))
            if counts:
                best, found = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
                sure = found >= CONFIDENT_SHARE * sum(counts.values())
                out.extend((f, sure) for f in best)
                i = j
                break
        else:
            form, sure = _alone(words[i], vocab)
            # Beside other words, a word found next to neither is no evidence of the phrase.
            out.append((form, sure and (n == 1 or not words[i].folded.isalpha())))
            i += 1
    return out


def _alone(word: QueryWord, vocab: Vocabulary) -> tuple[str, bool]:
    """A lone word's form: its syllable's commonest, when that is nearly always the one."""
    if not word.folded.isalpha():
        return word.accented, True
    cands = vocab.candidates(word.folded)
    total = sum(n for _, n in cands)
    if not total:
        return word.accented, False
    form, top = max(cands, key=lambda fn: fn[1])
    if top >= SINGLE_SHARE * total:
        return form, True
    return word.accented, False


def _rewrite(parsed: ParsedQuery, change: Callable[[QueryWord], QueryWord]) -> None:
    """Every positive word of the query replaced by ``change(word)``."""
    for group in parsed.positive:
        for ci, clause in enumerate(group.alternatives):
            group.alternatives[ci] = replace(clause, words=tuple(change(w) for w in clause.words))


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
