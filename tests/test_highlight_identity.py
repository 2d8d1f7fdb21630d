"""The fast snippet (an accent-insensitive regex over the original text, a light tokenizer
for the marks) gives exactly the excerpts of the reference implementation it replaced, which
folded the whole text and built ``Syllable`` objects: checked over real articles and many
queries (accented, unaccented, upper and mixed case, đ)."""

from __future__ import annotations

import random
import re
from collections.abc import Collection
from html import escape

import pytest

from indexer import Article, iter_articles
from indexer.search.highlight import (
    SNIPPET_CHARS,
    _best_window,
    _match_spans,
    highlight_all,
    snippet,
)
from indexer.search.parse import parse
from indexer.text.analysis import Syllable, syllables
from indexer.text.normalize import fold
from tests.conftest import SEEDS, shared_data

N_ARTICLES = 300


def reference_spans(text: str, folded_terms: Collection[str]) -> list[tuple[int, str]]:
    terms = sorted({t for t in folded_terms if t}, key=len, reverse=True)
    if not terms:
        return []
    pattern = re.compile(
        r"(?<![^\W_])(?:" + "|".join(map(re.escape, terms)) + r")(?![^\W_])", re.IGNORECASE
    )
    return [(m.start(), m.group().lower()) for m in pattern.finditer(fold(text))]


def reference_mark(
    text: str, sylls: list[Syllable], flags: list[str | None], lo: int, hi: int
) -> str:
    """Escaped ``text[lo:hi]`` with flagged syllables marked; adjacent marks are merged."""
    out: list[str] = []
    pos = lo
    open_mark = False
    for s, flag in zip(sylls, flags, strict=True):
        if s.end <= lo or s.start >= hi:
            continue
        gap = text[pos : s.start]
        if open_mark and not (flag and s.joined and not gap.strip()):
            out.append("</mark>")
            open_mark = False
        out.append(escape(gap, quote=False))
        if flag and not open_mark:
            out.append("<mark>")
            open_mark = True
        out.append(escape(text[s.start : s.end], quote=False))
        pos = s.end
    if open_mark:
        out.append("</mark>")
    out.append(escape(text[pos:hi], quote=False))
    return "".join(out)


def reference_flags(sylls: list[Syllable], folded_terms: Collection[str]) -> list[str | None]:
    return [s.folded if s.folded in folded_terms else None for s in sylls]


def reference_snippet(text: str, folded_terms: Collection[str], width: int = SNIPPET_CHARS) -> str:
    spans = reference_spans(text, folded_terms)
    first = _best_window(text, spans, width // 2) if spans else 0
    lo = max(0, first - width // 4)
    if lo:
        space = text.find(" ", lo, first)
        lo = space + 1 if space >= 0 else first
    hi = min(len(text), lo + width)
    if hi < len(text):
        space = text.rfind(" ", max(first, lo) + 1, hi)
        hi = space if space > lo else hi
    piece = text[lo:hi]
    sylls = syllables(piece)
    html = reference_mark(piece, sylls, reference_flags(sylls, folded_terms), 0, len(piece)).strip()
    html = " ".join(html.split())
    if lo > 0:
        html = "… " + html
    if hi < len(text):
        html += " …"
    return html


def articles() -> list[Article]:
    corpus = shared_data("vinewsqa", "corpus.jsonl")
    found = [a for a in iter_articles([corpus]) if isinstance(a, Article)][:N_ARTICLES]
    seeds = [a for a in iter_articles([SEEDS]) if isinstance(a, Article)]
    assert len(found) == N_ARTICLES and seeds
    return found + seeds


def queries(body: str, pool: list[str], rng: random.Random) -> list[str]:
    """Queries a reader might type for this article: its own words as written, without
    accents, in capitals and mixed case; words of other articles; words with đ."""
    words = re.findall(r"\w+", body)
    at = rng.randrange(max(1, len(words) - 3))
    own = " ".join(words[at : at + rng.randint(1, 4)])
    other = " ".join(rng.sample(pool, 2))
    with_d = [w for w in words if "đ" in w.lower()] or ["đồng"]
    return [
        own,
        fold(own),
        own.upper(),
        fold(own).swapcase(),
        other,
        fold(other).title(),
        rng.choice(with_d) + " " + words[min(at + 5, len(words) - 1)],
        fold(rng.choice(with_d)).upper(),
        "Đ" + fold(rng.choice(with_d))[1:],
        "",
        "xyzq",
    ]


@pytest.fixture(scope="module")
def cases() -> list[tuple[str, set[str]]]:
    rng = random.Random(16)
    bodies = [a.body for a in articles()]
    pool = [w for body in bodies[:50] for w in re.findall(r"\w+", body)]
    out = []
    for body in bodies:
        for q in queries(body, pool, rng):
            out.append((body, {w.folded for w in parse(q).words()}))
        # Terms as given, not lowered: the match ignores case on both sides.
        out.append((body, {fold(w).upper() for w in rng.sample(pool, 2)}))
    return out


def test_snippets_are_those_of_the_reference(cases: list[tuple[str, set[str]]]) -> None:
    different = [(b[:60], t) for b, t in cases if snippet(b, t) != reference_snippet(b, t)]
    assert not different, different[:5]
    marked = sum("<mark>" in snippet(b, t) for b, t in cases)
    assert marked > len(cases) // 2  # the cases do exercise the matching


def test_whole_articles_are_marked_as_by_the_reference(
    cases: list[tuple[str, set[str]]],
) -> None:
    """The article view (``highlight_all``) marks every query word as the reference did."""
    for text, terms in cases[::7]:
        sylls = syllables(text)
        expected = reference_mark(text, sylls, reference_flags(sylls, terms), 0, len(text))
        assert highlight_all(text, terms) == expected, (terms, text[:80])


def test_spans_are_those_of_the_reference(cases: list[tuple[str, set[str]]]) -> None:
    for body, terms in cases:
        assert _match_spans(body, terms) == reference_spans(body, terms)


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("Đà Nẵng, ĐẮK LẮK và đắk lắk", {"da", "nang", "dak", "lak"}),
        ("Kelvin K, ſ dài, İstanbul, ı", {"k", "s", "istanbul", "i"}),
        ("Ủy ban Hoà Bình, uỷ ban hòa bình", {"uy", "ban", "hoa"}),
        ("tiếng Việt: trường", {"trường", "viet"}),  # an accented term matches nothing
        ("A\u0301 combining, x_y, 3G 4g", {"a", "x", "y", "3g"}),
        # Marks join across spaces only: a hyphen or a comma keeps two marks.
        ("Dân-vận, dân - vận, dân  vận, dân,vận", {"dan", "van"}),
    ],
)
def test_edge_cases_match_the_reference(text: str, terms: set[str]) -> None:
    assert snippet(text, terms) == reference_snippet(text, terms)
    assert _match_spans(text, terms) == reference_spans(text, terms)
