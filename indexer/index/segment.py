"""A Whoosh segment writer that writes postings a whole list at a time.

Whoosh's own writer spools every posting through a sorting pool and writes it with several
Python calls, which costs tens of microseconds per posting: 40 articles/s on news articles.
``BulkSegmentWriter`` keeps the segment's postings in compact arrays (one per term), sorts
the terms once and writes each postings list block by block in the Whoosh 3 format, with
numpy doing the per-posting work. The files it writes are ordinary Whoosh segments: stock
Whoosh reads them, merges them and searches them.

One segment holds a whole build, however large: when the postings in memory pass a bound
they are spilled to a sorted run file, and the segment is written by merging the runs. One
segment instead of one per few thousand articles matters for size: a term costs about 60
bytes in every segment's dictionary, and most terms of news text are word pairs that one
segment after another would list again.

The documents come inverted a batch at a time (``invert``), from the analysis processes.
"""

from __future__ import annotations

import heapq
import os
import struct
import zlib
from array import array
from collections.abc import Iterator
from contextlib import suppress
from itertools import pairwise
from pickle import dumps
from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import (
    COMPRESSION_MIN_SIZE,
    WHOOSH3_HEADER_MAGIC,
    W3Codec,
    W3TermInfo,
)
from whoosh.columns import VarBytesColumn
from whoosh.filedb.filetables import OrderedHashWriter
from whoosh.system import pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import SegmentWriter

from .invert import FieldPostings, InvertedDocuments
from .postings import length_codes
from .rare import RARE_FIELDS, RareCollector

# Postings per block. Whoosh uses 128 to skip inside lists; timkiem reads whole lists, and
# larger blocks mean fewer blocks to unpickle and decompress.
BLOCK_SIZE = 1024
# Lists up to this long are tried inlined into the term dictionary (kept there when that is
# smaller than a postings block and its pointer).
INLINE_LIMIT = 32
COMPRESSION_LEVEL = 3
ARRAY_MIN = 64  # blocks this long store their numbers as packed arrays, not pickled tuples
SPILL_POSTINGS = 8_000_000  # postings held in memory before they are spilled to a run

_LENGTH = struct.Struct("!i")
_TERMINFO = W3TermInfo._struct  # a term info's fixed part; then the inlined postings or extent
_EXTENT = struct.Struct("!qi")  # where a term's postings are: offset, length
_BLOCK_POINTER = len(WHOOSH3_HEADER_MAGIC) + _EXTENT.size  # what inlining a list saves
# A length code as a term info stores it: Whoosh keeps the length the code stands for and
# codes it again (the same code, but where the table is not one to one).
_SAME_CODE = [length_to_byte(byte_to_length(code)) for code in range(256)]
_RUN_HEADER = struct.Struct("<HHI")  # field name length, term length, postings
_POINTER = struct.Struct("!Iq")  # a hash slot of Whoosh's term dictionary: hash, position
_KEY_VALUE = struct.Struct("!ii")  # a term dictionary entry's key and value lengths


def _compact(numbers: list[int]) -> Any:
    """The smallest pickle-able form of a block's numbers that Whoosh reads as a sequence."""
    if len(numbers) < ARRAY_MIN:
        return tuple(numbers)
    top = max(numbers)
    code = "B" if top < 256 else "H" if top < 65536 else "I"
    return array(code, numbers)


class _TermPool:
    """The postings of one segment: field → term → (doc numbers, frequencies) in memory,
    the overflow in sorted run files."""

    def __init__(self, tempdir: str, spill_postings: int) -> None:
        self.fields: dict[str, dict[bytes, tuple[array, array]]] = {}
        self.postings = 0  # postings in memory
        self.runs: list[str] = []
        self._tempdir = tempdir
        self._spill_postings = spill_postings

    def add(self, item: tuple[str, bytes, int, float, bytes | None]) -> None:
        fieldname, tbytes, docnum, weight, _ = item
        terms = self.fields.get(fieldname)
        if terms is None:
            terms = self.fields[fieldname] = {}
        lists = terms.get(tbytes)
        if lists is None:
            lists = terms[tbytes] = (array("I"), array("I"))
        lists[0].append(docnum)
        lists[1].append(int(weight))
        self.postings += 1
        if self.postings >= self._spill_postings:
            self.spill()

    def add_lists(self, fieldname: str, postings: FieldPostings, base: int) -> None:
        """Add one field's postings of a batch of documents (see ``invert``), the batch's
        document numbers starting at ``base``: one call per term, not per posting."""
        terms = self.fields.get(fieldname)
        if terms is None:
            terms = self.fields[fieldname] = {}
        ids = memoryview((np.frombuffer(postings.docs, dtype=np.uint32) + base).tobytes())
        freqs = memoryview(postings.freqs)
        start = 0
        for tbytes, n in zip(postings.terms, postings.counts, strict=True):
            end = start + 4 * n
            lists = terms.get(tbytes)
            if lists is None:
                lists = terms[tbytes] = (array("I"), array("I"))
            lists[0].frombytes(ids[start:end])
            lists[1].frombytes(freqs[start:end])
            start = end
        self.postings += len(ids) // 4
        if self.postings >= self._spill_postings:
            self.spill()

    def spill(self) -> None:
        """Write the postings in memory to a run file, sorted by field and term."""
        os.makedirs(self._tempdir, exist_ok=True)
        path = os.path.join(self._tempdir, f"run{len(self.runs)}")
        pack = _RUN_HEADER.pack
        with open(path, "wb", buffering=1 << 20) as fh:
            write = fh.write
            for fieldname in sorted(self.fields):
                fbytes = fieldname.encode("utf-8")
                terms = self.fields[fieldname]
                for tbytes in sorted(terms):
                    ids, freqs = terms[tbytes]
                    write(pack(len(fbytes), len(tbytes), len(ids)))
                    write(fbytes)
                    write(tbytes)
                    write(ids.tobytes())
                    write(freqs.tobytes())
        self.runs.append(path)
        self.fields = {}
        self.postings = 0

    def _memory(self) -> Iterator[tuple[tuple[str, bytes], array, array]]:
        for fieldname in sorted(self.fields):
            terms = self.fields[fieldname]
            for tbytes in sorted(terms):
                ids, freqs = terms[tbytes]
                yield (fieldname, tbytes), ids, freqs

    @staticmethod
    def _run(path: str) -> Iterator[tuple[tuple[str, bytes], array, array]]:
        size = _RUN_HEADER.size
        unpack = _RUN_HEADER.unpack
        with open(path, "rb", buffering=1 << 20) as fh:
            read = fh.read
            while header := read(size):
                flen, tlen, n = unpack(header)
                fieldname = read(flen).decode("utf-8")
                tbytes = read(tlen)
                ids, freqs = array("I"), array("I")
                ids.frombytes(read(4 * n))
                freqs.frombytes(read(4 * n))
                yield (fieldname, tbytes), ids, freqs

    def merged(self) -> Iterator[tuple[str, bytes, array, array]]:
        """Every (field, term, doc numbers, frequencies), sorted by field and term, the runs
        and the memory merged (runs hold earlier documents, so lists stay in order)."""
        if not self.runs:
            for (fieldname, tbytes), ids, freqs in self._memory():
                yield fieldname, tbytes, ids, freqs
            return
        sources = [self._run(path) for path in self.runs] + [self._memory()]
        key: tuple[str, bytes] | None = None
        ids = freqs = array("I")
        for k, more_ids, more_freqs in heapq.merge(*sources, key=lambda item: item[0]):
            if k == key:
                ids.extend(more_ids)
                freqs.extend(more_freqs)
                continue
            if key is not None:
                yield key[0], key[1], ids, freqs
            key, ids, freqs = k, more_ids, more_freqs
        if key is not None:
            yield key[0], key[1], ids, freqs

    def cleanup(self) -> None:
        self.fields.clear()
        for path in self.runs:
            with suppress(FileNotFoundError):
                os.remove(path)
        self.runs.clear()


def _block(ids: list[int], freqs: list[int], codes: list[int], last: bool) -> tuple[bytes, int]:
    """One postings block in the Whoosh 3 layout (length, info, data); its max weight."""
    deltas = [ids[0]]
    deltas += [b - a for a, b in pairwise(ids)]
    first = freqs[0]
    if freqs.count(first) == len(freqs):
        # Whoosh reads one float as "every posting weighs this", None as 1.0.
        weights: Any = None if first == 1 else float(first)
    else:
        weights = _compact(freqs)
    data = dumps((_compact(deltas), weights, None), 4 if len(ids) >= ARRAY_MIN else 2)
    comp = COMPRESSION_LEVEL if len(data) >= COMPRESSION_MIN_SIZE else 0
    if comp:
        data = zlib.compress(data, comp)
    max_weight = max(freqs)
    info = dumps((len(ids), ids[-1], max_weight, comp, min(codes), max(codes)), 2)
    length = len(info) + len(data)
    return _LENGTH.pack(-length if last else length) + info + data, max_weight


def _write_postings(postfile: Any, ids: list[int], freqs: list[int], codes: list[int]) -> bytes:
    """Write one postings list in the Whoosh 3 format; return its term info, as bytes (what
    ``W3TermInfo.to_bytes`` gives).

    Short lists are inlined into the term info (no postings block) when that is smaller:
    most terms of news text, word pairs above all, occur in a handful of articles.
    Frequencies are written as integers (Whoosh pickles floats in 9 bytes).
    """
    n = len(ids)
    weight = float(sum(freqs))
    min_code, max_code = _SAME_CODE[min(codes)], _SAME_CODE[max(codes)]
    blocks: list[tuple[bytes, int]] = []
    if n <= INLINE_LIMIT:
        inlined = dumps((tuple(ids), None if freqs.count(1) == n else tuple(freqs), None), 2)
        if n > 1:
            blocks.append(_block(ids, freqs, codes, True))  # the whole list: one block
        if n == 1 or len(inlined) <= len(blocks[0][0]) + _BLOCK_POINTER:
            head = _TERMINFO.pack(
                True, weight, n, min_code, max_code, float(max(freqs)), ids[0], ids[-1]
            )
            return head + inlined
    else:
        for lo in range(0, n, BLOCK_SIZE):
            hi = min(n, lo + BLOCK_SIZE)
            blocks.append(_block(ids[lo:hi], freqs[lo:hi], codes[lo:hi], hi == n))
    start = postfile.tell()
    postfile.write(WHOOSH3_HEADER_MAGIC)
    for block, _ in blocks:
        postfile.write(block)
    max_weight = float(max(block_max for _, block_max in blocks))
    head = _TERMINFO.pack(False, weight, n, min_code, max_code, max_weight, ids[0], ids[-1])
    return head + _EXTENT.pack(start, postfile.tell() - start)


class _DenseHashWriter(OrderedHashWriter):
    """Whoosh's term dictionary with hash tables a quarter larger than their entries
    instead of twice as large: 15 bytes of slots per term instead of 24. Readers take each
    table's size from the file, and a table always keeps an empty slot, so a lookup of a
    missing term still ends."""

    def add(self, key: bytes, value: bytes) -> None:
        """``OrderedHashWriter.add`` with one write and one ``tell`` per key."""
        if key <= self.lastkey:
            raise ValueError(f"Keys must increase: {self.lastkey!r}..{key!r}")
        dbfile = self.dbfile
        position = dbfile.tell()
        self.index.append(position)
        dbfile.write(_KEY_VALUE.pack(len(key), len(value)) + key + value)
        h = self.hashfn(key)
        self.buckets[h & 255].append((h, position))
        self.lastkey = key

    def _write_hashes(self) -> None:
        dbfile = self.dbfile
        for entries in self.buckets:
            numslots = len(entries) + (len(entries) + 3) // 4
            self.directory.append((dbfile.tell(), numslots))
            table = [(0, 0)] * numslots
            for hashval, position in entries:
                slot = (hashval >> 8) % numslots
                while table[slot][1]:
                    slot = (slot + 1) % numslots
                table[slot] = (hashval, position)
            dbfile.write(b"".join(_POINTER.pack(h, p) for h, p in table))


class BulkSegmentWriter(SegmentWriter):
    """A SegmentWriter for fields whose postings hold only weights (``schema.Counts`` and
    ``ID``-like fields without values), written in bulk; memory bounded by
    ``spill_postings`` postings."""

    def __init__(self, ix: Any, spill_postings: int = SPILL_POSTINGS, **kwargs: Any) -> None:
        kwargs.setdefault("codec", W3Codec(blocklimit=BLOCK_SIZE))
        # Separate files, not one compound file: Whoosh reads a compound file's parts by
        # copying each whole part into memory, which cost a server 1 GB per 85k articles.
        kwargs.setdefault("compound", False)
        super().__init__(ix, **kwargs)
        self.pool.cleanup()
        self.pool = _TermPool(self._tempstorage.folder, spill_postings)  # type: ignore[assignment]
        self.fieldwriter._tindex.__class__ = _DenseHashWriter

    def add_inverted(self, batch: InvertedDocuments) -> None:
        """Add a batch of documents inverted by ``invert``: the same segment as adding them
        one by one with ``add_document``, at a Python call per term rather than per posting."""
        self._check_state()
        base = self.docnum
        perdocwriter = self.perdocwriter
        schema = self.schema
        # The bytes the stored-fields column would make of each document's dict.
        stored_column = perdocwriter._colwriters["_stored"]._child
        add_stored = VarBytesColumn.Writer.add
        for entries, stored in zip(batch.lengths, batch.stored, strict=True):
            docnum = self.docnum
            perdocwriter.start_doc(docnum)
            for fieldname, length in entries:
                perdocwriter.add_field(fieldname, schema[fieldname], None, length)
            if stored is not None:
                add_stored(stored_column, docnum, stored)
            perdocwriter.finish_doc()
            self.docnum = docnum + 1
        pool: _TermPool = self.pool  # type: ignore[assignment]
        for fieldname, postings in batch.postings.items():
            pool.add_lists(fieldname, postings, base)
        self._added = True

    def _finish_field(self, rare: RareCollector | None, fieldname: str | None) -> None:
        """Close the field being written, then write its rare bigrams' buckets (a field of
        their own, right after it: keys only need to increase within a segment)."""
        fw = self.fieldwriter
        fw.finish_field()
        if rare is None or fieldname is None or not rare.buckets:
            return
        rare_field = RARE_FIELDS[fieldname]
        fw.start_field(rare_field, self.schema[rare_field])
        prefix = pack_ushort(fw._fieldid)
        for bucket, ids, tags in rare.lists():
            fw._tindex.add(
                prefix + bucket, _write_postings(fw._postfile, ids, tags, [0] * len(ids))
            )
        fw.finish_field()

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        pdr = self.per_document_reader()
        doccount = self.docnum - self.docbase
        fw = self.fieldwriter
        docbase = self.docbase
        pool: _TermPool = self.pool  # type: ignore[assignment]
        current = None
        rare: RareCollector | None = None
        raw = b""
        codes = np.zeros(0, dtype=np.uint8)
        try:
            for fieldname, tbytes, raw_ids, raw_freqs in pool.merged():
                if fieldname != current:
                    if current is not None:
                        self._finish_field(rare, current)
                    current = fieldname
                    rare = RareCollector() if fieldname in RARE_FIELDS else None
                    field = self.schema[fieldname]
                    raw = (
                        length_codes(pdr, fieldname, doccount)
                        if field.scorable
                        else bytes(doccount)
                    )
                    codes = np.frombuffer(raw, dtype=np.uint8)
                    fw.start_field(fieldname, field)
                    fieldid = fw._fieldid
                    postfile = fw._postfile
                    tindex = fw._tindex
                if rare is not None and len(raw_ids) == 1:
                    rare.add(tbytes, raw_ids[0])
                    continue
                ids = raw_ids.tolist()
                if len(ids) > INLINE_LIMIT:
                    term_codes = codes[np.frombuffer(raw_ids, dtype=np.uint32) - docbase].tolist()
                else:
                    term_codes = [raw[i - docbase] for i in ids]
                terminfo = _write_postings(postfile, ids, raw_freqs.tolist(), term_codes)
                tindex.add(pack_ushort(fieldid) + tbytes, terminfo)
            if current is not None:
                self._finish_field(rare, current)
            fw.close()
        finally:
            pdr.close()
            pool.cleanup()
