"""The bulk segment writer: one segment per build, spilled to disk past a bound, read by
timkiem and by stock Whoosh alike."""

from __future__ import annotations

from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.query import Term

from indexer import Article, Engine, build_index
from indexer.index.generations import generation_dir

SYLLABLES = "dân vận khéo công tác phối hợp chương trình hội nghị tỉnh huyện xã phường".split()


def articles(n: int) -> list[Article]:
    out = []
    for i in range(n):
        # Common syllables in every article, word pairs in a few, and a rare word in one.
        words = [SYLLABLES[(i * 3 + j) % len(SYLLABLES)] for j in range(40 + i % 7)]
        out.append(Article(id=f"a{i}", title=f"Bài số {i}", body=" ".join(words) + f" mã{i}"))
    return out


QUERIES = ("dân vận", "khéo", "hội nghị tỉnh", '"phối hợp"', "mã17", "bài số 42", "phuong")


def ranking(index_dir: Path) -> list[list[tuple[str, float]]]:
    engine = Engine(index_dir)
    return [[(h.id, h.score) for h in engine.search(q, per_page=100).hits] for q in QUERIES]


def test_spilled_runs_give_the_same_index_as_memory(tmp_path: Path) -> None:
    docs = articles(300)
    build_index(docs, tmp_path / "memory", workers=1)
    # A bound of 97 postings spills the segment to disk dozens of times.
    build_index(docs, tmp_path / "spilled", workers=1, spill_postings=97)
    expected = ranking(tmp_path / "memory")
    assert all(expected), expected
    assert ranking(tmp_path / "spilled") == expected
    gen = generation_dir(tmp_path / "spilled")
    assert not [p for p in gen.rglob("run*")], "run files are removed after the merge"
    ix = whoosh_index.open_dir(str(gen))
    assert len(ix._segments()) == 1


def test_stock_whoosh_reads_the_postings(tmp_path: Path) -> None:
    docs = articles(300)
    build_index(docs, tmp_path, workers=1, spill_postings=500)
    ix = whoosh_index.open_dir(str(generation_dir(tmp_path)))
    with ix.searcher() as searcher:
        # "khéo" is in most articles (long lists in blocks), "mã17" in one (inlined).
        everywhere = {hit["id"] for hit in searcher.search(Term("body", "khéo"), limit=None)}
        expected = {d.id for d in docs if "khéo" in d.body.split()}
        assert everywhere == expected and len(expected) > 150
        assert [hit["id"] for hit in searcher.search(Term("body", "mã17"))] == ["a17"]
        # Term frequencies survive the compact encoding.
        matcher = searcher.reader().postings("body", "dân")
        tf = {}
        while matcher.is_active():
            tf[matcher.id()] = matcher.weight()
            matcher.next()
        for doc_id in ("a0", "a5", "a299"):
            docnum = searcher.document_number(id=doc_id)
            count = docs[int(doc_id[1:])].body.split().count("dân")
            assert tf.get(docnum, 0) == count
        # Every term of the dictionary is found by its hash, and a missing one is not.
        reader = searcher.reader()
        for fieldname in ("body", "body_2f", "id"):
            terms = list(reader.lexicon(fieldname))
            assert terms and all(reader.doc_frequency(fieldname, t) > 0 for t in terms)
        assert reader.doc_frequency("body", "không có") == 0
        stored = searcher.stored_fields(searcher.document_number(id="a5"))
        assert stored["body_text"] == docs[5].body
