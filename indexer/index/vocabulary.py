"""The vocabulary of a generation: the accented forms of each folded syllable, with the number
of articles holding each (``vocabulary.json``), written by a build and read by the search side
to restore accents and to suggest spellings.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ..text.normalize import fold

VOCABULARY_FILE = "vocabulary.json"
MAX_FORMS = 4  # candidate accented forms tried per folded syllable


@dataclass
class Vocabulary:
    """Accented forms of each folded syllable in the index, most documents first."""

    forms: dict[str, list[tuple[str, int]]]

    @classmethod
    def from_counts(cls, df: Counter[str], keep: int = 6) -> Vocabulary:
        forms: dict[str, list[tuple[str, int]]] = {}
        for word, count in df.items():
            if word.isalpha():
                forms.setdefault(fold(word), []).append((word, count))
        for key, items in forms.items():
            items.sort(key=lambda item: (-item[1], item[0]))
            forms[key] = items[:keep]
        return cls(forms)

    def save(self, directory: Path) -> None:
        path = directory / VOCABULARY_FILE
        path.write_text(json.dumps(self.forms, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> Vocabulary:
        try:
            raw = json.loads((directory / VOCABULARY_FILE).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls({})
        return cls({k: [(w, int(n)) for w, n in v] for k, v in raw.items()})

    def counts(self) -> Counter[str]:
        """Document frequencies of the kept forms (to add a later update's counts to)."""
        return Counter({w: n for items in self.forms.values() for w, n in items})

    def doc_frequency(self, accented: str) -> int:
        """Articles holding an accented syllable (0 for a form not kept)."""
        for word, count in self.forms.get(fold(accented), ()):
            if word == accented:
                return count
        return 0

    def candidates(self, folded: str) -> list[tuple[str, int]]:
        return self.forms.get(folded, [])[:MAX_FORMS]

    def count(self, accented: str) -> int:
        """Documents holding this accented form (0 when it is not a kept form)."""
        return next((n for w, n in self.forms.get(fold(accented), ()) if w == accented), 0)

    def count_folded(self, folded: str) -> int:
        """Documents holding any kept form of this folded syllable."""
        return sum(n for _, n in self.forms.get(folded, ()))
