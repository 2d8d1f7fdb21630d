"""Near-duplicate articles: MinHash signatures at index time, groups over the whole index.

The same press release republished by several portals, or one article saved twice, should
be one result, not five. Each article's body is cut into shingles (runs of ``SHINGLE``
folded syllables: "ubnd tinh bac", "tinh bac kan", …) and summarised by a MinHash
signature of ``NUM_PERM`` values: the share of equal values between two signatures
estimates the Jaccard similarity of their shingle sets. Articles whose estimated Jaccard is
at least ``THRESHOLD`` are near-copies; groups are the connected components of that
relation.

Pairs are found with LSH banding (``BANDS`` bands of ``ROWS`` values: two articles are
compared only when one whole band is equal), so grouping costs a sort per band, not a
comparison of every pair. With 16 bands of 8 rows a pair at Jaccard 0.8 is compared with
probability 0.95, at 0.9 with probability 0.9999; a pair at 0.5 with probability 0.06 (and
then rejected by the estimate).

Layout in an index generation::

    minhash.npy   uint8 (documents, NUM_PERM): the signature of each document number
    groups.npy    int32 (documents,): the group of each document number (the smallest
                  document number of its group; a document alone is its own group)

The hashing is a few numpy operations per article rather than the datasketch library's
MinHash and MinHashLSH: the same method, but datasketch hashes each shingle in Python and
inserts each article into dictionaries, several times slower for signatures and far slower
for regrouping every article at every build (``benchmarks/duplicates.py --datasketch``).

The build keeps the signatures of unchanged articles (an incremental build copies them)
and recomputes every group at the end of every build; the engine loads ``groups.npy`` only.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..text.analysis import syllables
from ..text.normalize import nfc

SIGNATURES_FILE = "minhash.npy"
GROUPS_FILE = "groups.npy"
SHINGLE = 3  # folded syllables per shingle
MIN_SHINGLES = 8  # a shorter body is shingled with its title; a shorter text never groups
NUM_PERM = 128
BANDS, ROWS = 16, 8
THRESHOLD = 0.8  # estimated Jaccard similarity of two near-copies' shingle sets
# Each MinHash value is kept to its lowest 8 bits (b-bit minwise hashing): a quarter of the
# space, and two different values agree by chance 1 time in 256, which ``_estimate`` removes.
VALUE_BITS = 8
_CHANCE = 1.0 / (1 << VALUE_BITS)
EMPTY = np.uint8(0xFF)  # every value of the signature of no shingles (or no article)

# One hash function per value, h(x) = (a·x + b) mod 2⁶⁴, high 32 bits (multiply-shift over
# shingle hashes that are already well mixed): as accurate as a full mix of each value, and
# a few times faster. Fixed seeds: signatures must compare across builds.
_RNG = np.random.default_rng(20260405)
_A = _RNG.integers(0, 2**63, NUM_PERM, dtype=np.uint64) << np.uint64(1) | np.uint64(1)
_B = _RNG.integers(0, 2**63, NUM_PERM, dtype=np.uint64)
_C1, _C2 = np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F)


def _mix(z: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: a fast, well-spread 64-bit hash of 64-bit integers."""
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


@lru_cache(maxsize=200_000)
def _syllable_hash(folded: str) -> int:
    return zlib.crc32(folded.encode("utf-8"))


def shingle_hashes(words: Sequence[str]) -> np.ndarray:
    """64-bit hashes of the shingles of ``SHINGLE`` adjacent folded syllables (with repeats).

    Folded, so "hoà"/"hòa" or a copy that lost its accents is still the same text.
    """
    hashed = np.fromiter((_syllable_hash(w) for w in words), dtype=np.uint64, count=len(words))
    width = min(SHINGLE, len(hashed))  # a text shorter than a shingle is one shingle
    if not width:
        return hashed
    n = len(hashed) - width + 1
    h = hashed[:n].copy()
    with np.errstate(over="ignore"):
        for k in range(1, width):
            h = _mix(h * _C1 + hashed[k : n + k] * _C2)
    return h


def word_signature(title_words: Sequence[str], body_words: Sequence[str]) -> np.ndarray:
    """The MinHash signature of an article (uint8, ``NUM_PERM`` values) from the folded
    syllables of its body, or of title and body when the body is very short. All ``EMPTY``
    (never grouped) when even both are shorter than ``MIN_SHINGLES`` shingles: too little
    text to tell a copy from a coincidence. (The indexer passes the syllables it has split.)
    """
    hashes = shingle_hashes(body_words)
    if len(hashes) < MIN_SHINGLES:
        hashes = shingle_hashes([*title_words, *body_words])
    if len(hashes) < MIN_SHINGLES:
        return np.full(NUM_PERM, EMPTY, dtype=np.uint8)
    hashes = np.unique(hashes)
    with np.errstate(over="ignore"):
        values = (hashes[:, None] * _A[None, :] + _B[None, :]) >> np.uint64(32)
    return (values.min(axis=0) & np.uint64(0xFF)).astype(np.uint8)


def signature(title: str, body: str) -> np.ndarray:
    """The MinHash signature of an article's text: ``word_signature`` of its syllables."""
    return word_signature(
        [s.folded for s in syllables(nfc(title))], [s.folded for s in syllables(nfc(body))]
    )


def _estimate(agree: np.ndarray | float) -> np.ndarray | float:
    """Jaccard similarity from the share of equal signature values, less the equal values
    that 8-bit values give by chance."""
    return np.maximum(0.0, (agree - _CHANCE) / (1.0 - _CHANCE))


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures (0 when either has no text)."""
    if (a == EMPTY).all() or (b == EMPTY).all():
        return 0.0
    return float(_estimate(np.count_nonzero(a == b) / NUM_PERM))


def _candidate_pairs(sigs: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Pairs (i, j) of row numbers equal on at least one band: each row of a bucket is paired
    with the bucket's first row (a star per bucket keeps the pairs linear in the rows)."""
    pairs = []
    for band in range(BANDS):
        part = sigs[rows, band * ROWS : (band + 1) * ROWS].astype(np.uint64)
        key = np.zeros(len(rows), dtype=np.uint64)
        with np.errstate(over="ignore"):
            for col in range(ROWS):
                key = _mix(key * _C1 + part[:, col])
        order = np.argsort(key, kind="stable")
        sorted_keys = key[order]
        starts = np.ones(len(order), dtype=bool)
        starts[1:] = sorted_keys[1:] != sorted_keys[:-1]
        first = np.maximum.accumulate(np.where(starts, np.arange(len(order)), 0))
        members = ~starts
        if members.any():
            pairs.append(np.stack([order[first[members]], order[members]], axis=1))
    if not pairs:
        return np.zeros((0, 2), dtype=np.int64)
    return np.unique(np.concatenate(pairs), axis=0)


def _components(n: int, pairs: np.ndarray) -> np.ndarray:
    """Label of each of ``n`` nodes: the smallest node of its connected component."""
    labels = np.arange(n, dtype=np.int64)
    if not len(pairs):
        return labels
    a, b = pairs[:, 0], pairs[:, 1]
    while True:
        low = np.minimum(labels[a], labels[b])
        new = labels.copy()
        np.minimum.at(new, a, low)
        np.minimum.at(new, b, low)
        while True:  # pointer jumping: every node straight to its root
            jumped = new[new]
            if np.array_equal(jumped, new):
                break
            new = jumped
        if np.array_equal(new, labels):
            return labels
        labels = new


def group_ids(sigs: np.ndarray, threshold: float = THRESHOLD) -> np.ndarray:
    """The group of each document (int32): the smallest document number among the
    near-copies connected to it, its own number when it has none. Rows that are all
    ``EMPTY`` (no text, deleted documents) are never grouped."""
    n = len(sigs)
    groups = np.arange(n, dtype=np.int32)
    rows = np.flatnonzero(~(sigs == EMPTY).all(axis=1)) if n else np.zeros(0, dtype=np.int64)
    if len(rows) < 2:
        return groups
    pairs = _candidate_pairs(sigs, rows)
    if len(pairs):
        same = np.empty(len(pairs), dtype=np.float32)
        for lo in range(0, len(pairs), 65_536):  # bounded memory for the comparison
            p = pairs[lo : lo + 65_536]
            agree = (sigs[rows[p[:, 0]]] == sigs[rows[p[:, 1]]]).mean(axis=1)
            same[lo : lo + len(p)] = _estimate(agree)
        pairs = pairs[same >= threshold]
    labels = _components(len(rows), pairs)
    groups[rows] = rows[labels]
    return groups


def load_signatures(gen: Path) -> np.ndarray:
    """The signatures of a generation, or an empty array when it has none."""
    try:
        sigs = np.load(gen / SIGNATURES_FILE)
    except FileNotFoundError:
        return np.zeros((0, NUM_PERM), dtype=np.uint8)
    if sigs.dtype != np.uint8:  # an index of full 32-bit values: kept to the bits used now
        sigs = np.where(sigs == np.uint32(0xFFFFFFFF), EMPTY, sigs & 0xFF).astype(np.uint8)
    return sigs


def _save(path: Path, array: np.ndarray) -> None:
    # A new file, then a rename: the name may be a hard link to the live generation's file,
    # which must never be written through.
    tmp = path.with_suffix(".tmp.npy")
    np.save(tmp, array)
    os.replace(tmp, path)


def save_groups(gen: Path, sigs: np.ndarray, groups: np.ndarray) -> None:
    """Save signatures and groups already known (a merge renumbers them)."""
    _save(gen / SIGNATURES_FILE, sigs)
    _save(gen / GROUPS_FILE, groups.astype(np.int32))


def write_groups(
    gen: Path,
    n_docs: int,
    previous: np.ndarray,
    new: dict[int, np.ndarray],
    dropped: list[int],
) -> np.ndarray:
    """Save the signatures of a generation (those of ``previous`` kept, ``new`` ones by
    document number added, ``dropped`` documents emptied) and its groups; return the groups.
    """
    sigs = np.full((n_docs, NUM_PERM), EMPTY, dtype=np.uint8)
    kept = min(len(previous), n_docs)
    sigs[:kept] = previous[:kept]
    for docnum, sig in new.items():
        sigs[docnum] = sig
    if dropped:
        sigs[np.asarray(dropped, dtype=np.int64)] = EMPTY
    groups = group_ids(sigs)
    _save(gen / SIGNATURES_FILE, sigs)
    _save(gen / GROUPS_FILE, groups)
    return groups


class DuplicateGroups:
    """The groups of an open generation, for grouping results.

    ``group[docnum]`` is the group of a document; ``members(group)`` the document numbers of
    a group of several (ascending), an empty tuple for a document alone.
    """

    def __init__(self, groups: np.ndarray) -> None:
        self.group = groups
        n = len(groups)
        sizes = np.bincount(groups, minlength=n) if n else np.zeros(0, dtype=np.int64)
        self.grouped = sizes[groups] > 1 if n else np.zeros(0, dtype=bool)
        docs = np.flatnonzero(self.grouped)
        by_group = docs[np.argsort(groups[docs], kind="stable")]
        bounds = np.flatnonzero(np.diff(groups[by_group])) + 1
        self._members = {
            int(groups[part[0]]): part for part in np.split(by_group, bounds) if len(part)
        }

    @classmethod
    def load(cls, gen: Path, n_docs: int) -> DuplicateGroups:
        """The groups of a generation; every document alone when the file is missing or does
        not match the index (then results are simply not grouped)."""
        try:
            groups = np.load(gen / GROUPS_FILE)
        except FileNotFoundError:
            groups = None
        if groups is None or len(groups) != n_docs:
            groups = np.arange(n_docs, dtype=np.int32)
        return cls(groups)

    def members(self, group: int) -> np.ndarray:
        return self._members.get(group, np.zeros(0, dtype=np.int64))

    @property
    def count(self) -> int:
        """Groups of several documents."""
        return len(self._members)


def group_page(
    groups: DuplicateGroups,
    candidates: np.ndarray,
    rank: Callable[[int], np.ndarray],
    scores: np.ndarray,
    page: int,
    per_page: int,
) -> tuple[int, list[tuple[int, list[int]]]]:
    """One page of grouped results.

    ``candidates`` are the matching document numbers (ascending), ``rank(k)`` the first
    ``k`` of them in the page's order, ``scores`` the scores of all documents. Returns the
    number of groups among the candidates (what ``total`` counts) and, for each result of
    the page, its first-ranked document and the other matching members of its group, best
    scored first.

    Work is bounded by the page: only a window of the first-ranked candidates is ordered, a
    window that doubles until it holds enough distinct groups.
    """
    labels = groups.group[candidates]
    grouped = groups.grouped[candidates]
    # Each group of several counts once: the candidates alone plus the distinct groups.
    total = int(len(candidates) - np.count_nonzero(grouped))
    total += len(np.unique(labels[grouped]))
    want = page * per_page
    window = want + per_page
    while True:
        ordered = rank(min(window, len(candidates)))
        _, first = np.unique(groups.group[ordered], return_index=True)
        if len(first) >= want or len(ordered) >= len(candidates):
            break
        window *= 2
    matched = np.zeros(len(groups.group), dtype=bool)
    matched[candidates] = True
    out = []
    for docnum in ordered[np.sort(first)][(page - 1) * per_page : want].tolist():
        others: list[int] = []
        if groups.grouped[docnum]:
            members = groups.members(int(groups.group[docnum]))
            members = members[(members != docnum) & matched[members]]
            members = members[np.lexsort((members, -scores[members]))]
            others = members.tolist()
        out.append((docnum, others))
    return total, out
