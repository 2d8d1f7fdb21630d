"""The building blocks of benchmarks/autocomplete.py: seeded prefixes and one-typo queries.

The benchmark itself prints figures and is never timed here.
"""

from __future__ import annotations

import sys
from pathlib import Path

# ``benchmarks`` is a folder of scripts beside the package, not installed with it.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.autocomplete import prefixes, typos
from indexer.search.spelling import distance

TITLES = [
    "Dân vận khéo ở xã Hòa Bình",
    "Chuyển đổi số trong cơ quan nhà nước",
    "Huyện Phong Điền phát triển nông nghiệp",
    "2024",
]


def test_prefixes_are_seeded_leading_words_with_the_last_cut_short() -> None:
    got = prefixes(TITLES, 50, seed=7)
    assert got == prefixes(TITLES, 50, seed=7) and len(got) == 50
    for p in got:
        assert 1 <= len(p.split(" ")) <= 3
        assert any(t.lower().startswith(p) for t in TITLES), p
    whole = {" ".join(t.lower().split()[:k]) for t in TITLES for k in (1, 2, 3)}
    assert any(p not in whole for p in got)  # some end inside a word, as when typing


def test_typos_differ_from_the_words_meant_by_one_edit() -> None:
    pairs = typos(TITLES, 40, seed=7)
    assert pairs == typos(TITLES, 40, seed=7) and len(pairs) == 40
    for meant, typed in pairs:
        assert meant.isascii() and meant != typed
        assert sum(distance(a, b) for a, b in zip(meant.split(), typed.split(), strict=True)) == 1
