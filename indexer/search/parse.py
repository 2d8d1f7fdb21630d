"""User text → a parsed query: words, "phrases", -exclusions, OR alternatives, title: clauses.

Operators are recognised, never required: anything that does not parse as an operator is a
plain word, and an unbalanced quote is simply ignored.

>>> parse('chương trình -Bắc').groups[0].alternatives[0].words[0].accented
'chương'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..text.analysis import syllables
from ..text.normalize import nfc

MAX_QUERY_CHARS = 500
MAX_QUERY_WORDS = 32
FIELDS = ("title", "body")
FIELD_PREFIXES = {"title": ("title",), "tieude": ("title",), "body": ("body",)}

_PIECE_RE = re.compile(
    r'(?P<neg>-)?(?:(?P<field>[A-Za-z]+):)?(?:"(?P<phrase>[^"]*)"|(?P<word>\S+))'
)


@dataclass(frozen=True, slots=True)
class QueryWord:
    """One syllable of a query as typed, with its index forms."""

    text: str  # as typed (NFC)
    accented: str  # canonical tones, lower case: "hòa"
    folded: str  # "hoa"
    restored: bool = False  # accents restored by timkiem, not typed by the reader
    # Its accented form is sought (typed so, or restored with confidence): articles holding
    # it come before those holding another form of the same folded syllable.
    exact: bool = False

    @property
    def has_accents(self) -> bool:
        return self.accented != self.folded


@dataclass(frozen=True, slots=True)
class Clause:
    """A run of words searched together: a free word sequence or a quoted phrase."""

    words: tuple[QueryWord, ...]
    phrase: bool = False
    fields: tuple[str, ...] = FIELDS


@dataclass(slots=True)
class Group:
    """What one position of the query asks for: any one of its alternatives (OR)."""

    alternatives: list[Clause]
    negated: bool = False
    explicit: bool = False  # a phrase, a field clause or an OR: always required

    @property
    def free_word(self) -> QueryWord | None:
        """The word of a group that is one plain word with no operator, else None."""
        if self.negated or self.explicit or len(self.alternatives) != 1:
            return None
        words = self.alternatives[0].words
        return words[0] if len(words) == 1 else None


@dataclass(slots=True)
class ParsedQuery:
    text: str
    groups: list[Group] = field(default_factory=list)
    truncated: bool = False

    @property
    def positive(self) -> list[Group]:
        return [g for g in self.groups if not g.negated]

    @property
    def negative(self) -> list[Group]:
        return [g for g in self.groups if g.negated]

    def is_empty(self) -> bool:
        return not self.positive

    def words(self) -> list[QueryWord]:
        """Every positive word, in order (what snippets mark)."""
        return [w for g in self.positive for c in g.alternatives for w in c.words]

    def runs(self, *, alternatives: bool = True) -> list[Clause]:
        """The positive words read together, as clauses: each run of adjacent free words
        (one clause over every field), and each clause of a phrase, a field clause or an OR
        (only a group with one alternative unless ``alternatives``)."""
        runs: list[Clause] = []
        free: list[QueryWord] = []
        for group in self.groups:
            word = group.free_word
            if word is not None:
                free.append(word)
                continue
            if free:
                runs.append(Clause(tuple(free)))
                free = []
            if not group.negated and (alternatives or len(group.alternatives) == 1):
                runs.extend(group.alternatives)
        if free:
            runs.append(Clause(tuple(free)))
        return runs


def query_words(text: str) -> tuple[QueryWord, ...]:
    text = nfc(text)
    return tuple(QueryWord(text[s.start : s.end], s.word, s.folded) for s in syllables(text))


def parse(text: str) -> ParsedQuery:
    """Parse a query leniently; an empty or operator-only query has no positive groups."""
    text = nfc(text or "").strip()
    truncated = len(text) > MAX_QUERY_CHARS
    text = text[:MAX_QUERY_CHARS]
    if text.count('"') % 2:
        text = text.replace('"', " ")
    parsed = ParsedQuery(text, truncated=truncated)
    n_words = 0
    pending_or = False
    for m in _PIECE_RE.finditer(text):
        raw_field = m.group("field")
        phrase = m.group("phrase")
        word = m.group("word")
        if word == "OR" and not m.group("neg") and not raw_field:
            pending_or = bool(parsed.groups)
            continue
        fields = FIELDS
        if raw_field:
            fields_for = FIELD_PREFIXES.get(raw_field.lower())
            if fields_for is None:
                # Not an operator: "covid:19" is two words.
                word = m.group(0).lstrip("-") if phrase is None else phrase
                fields_for = FIELDS
            fields = fields_for
        words = query_words(phrase if phrase is not None else word or "")
        if not words:
            continue
        if n_words + len(words) > MAX_QUERY_WORDS:
            words = words[: MAX_QUERY_WORDS - n_words]
            parsed.truncated = True
            if not words:
                break
        n_words += len(words)
        negated = bool(m.group("neg")) and m.start() + 1 < m.end()
        explicit = phrase is not None or fields != FIELDS
        if phrase is not None or negated or raw_field:
            clauses = [Clause(words, phrase=phrase is not None or len(words) > 1, fields=fields)]
        else:
            # A plain token may hold several syllables ("covid-19", "06-ĐA/TU"): each is a
            # word of its own, matched as adjacent through bigrams.
            clauses = [Clause((w,), fields=fields) for w in words]
        if pending_or and not negated and parsed.groups and not parsed.groups[-1].negated:
            target = parsed.groups[-1]
            target.alternatives.extend(clauses if len(clauses) == 1 else [Clause(words)])
            target.explicit = True
        else:
            for clause in clauses:
                parsed.groups.append(Group([clause], negated=negated, explicit=explicit))
        pending_or = False
    return parsed
