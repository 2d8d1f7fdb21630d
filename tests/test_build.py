"""Building an index: generations swapped atomically, one writer at a time, versioned."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from indexer import (
    Article,
    Engine,
    IndexLockedError,
    IndexMissingError,
    IndexVersionError,
    Skipped,
    build_index,
)
from indexer.errors import NoArticlesError
from indexer.index.generations import CURRENT_FILE, META_FILE, generation_dir, write_lock


def article(doc_id: str, text: str) -> Article:
    return Article(id=doc_id, title=text, body=text + ". " + text)


def test_build_reports_skipped_and_duplicates(tmp_path: Path) -> None:
    items = [
        article("a", "Hội nghị dân vận"),
        Skipped("broken.txt", "empty file"),
        article("b", "Công tác tuyên giáo"),
        article("a", "Hội nghị tổng kết thi đua"),
    ]
    report = build_index(items, tmp_path, workers=1)
    assert report.indexed == 2
    assert [str(s) for s in report.skipped] == ["broken.txt: empty file"]
    assert report.repeated_ids == ["a"]
    engine = Engine(tmp_path)
    assert engine.doc_count() == 2
    # The later copy of "a" won.
    assert [h.id for h in engine.search("thi đua").hits] == ["a"]
    assert engine.search("dân vận").total == 0


def test_parallel_and_serial_builds_give_the_same_results(tmp_path: Path) -> None:
    items = [article(f"d{i}", f"Bài số {i} về công tác dân vận năm {2000 + i}") for i in range(60)]
    build_index(items, tmp_path / "serial", workers=1)
    build_index(items, tmp_path / "parallel", workers=2, segment_docs=25)
    serial, parallel = Engine(tmp_path / "serial"), Engine(tmp_path / "parallel")
    for q in ("dan van", "năm 2042", "bài số 7"):
        assert [(h.id, h.score) for h in serial.search(q).hits] == [
            (h.id, h.score) for h in parallel.search(q).hits
        ]


def test_a_rebuild_replaces_the_live_generation_atomically(tmp_path: Path) -> None:
    build_index([article("old", "Bài cũ")], tmp_path)
    engine = Engine(tmp_path)
    first = engine.generation
    assert engine.search("bài cũ").total == 1
    assert [h.id for h in engine.search("bài").hits] == ["old"]
    build_index([article("new", "Bài mới")], tmp_path)
    # The same Engine picks up the new generation without being reopened, and answers a
    # repeated query afresh.
    assert [h.id for h in engine.search("bài").hits] == ["new"]
    assert engine.generation != first
    assert [h.id for h in engine.search("bài mới").hits] == ["new"]
    assert engine.search("cũ").total == 0
    gens = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("gen-"))
    assert len(gens) == 2  # the superseded one is kept one round for readers in flight


def test_a_failed_build_leaves_the_old_index_serving(tmp_path: Path) -> None:
    build_index([article("old", "Bài cũ")], tmp_path)
    live = (tmp_path / CURRENT_FILE).read_text()

    def exploding():
        yield article("x", "Bài dở dang")
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        build_index(exploding(), tmp_path, workers=1)
    assert (tmp_path / CURRENT_FILE).read_text() == live
    assert Engine(tmp_path).search("bài cũ").total == 1
    # The unfinished generation was removed.
    assert len([p for p in tmp_path.iterdir() if p.name.startswith("gen-")]) == 1


def test_nothing_to_index_changes_nothing(tmp_path: Path) -> None:
    build_index([article("old", "Bài cũ")], tmp_path)
    with pytest.raises(NoArticlesError):
        build_index([Skipped("a.txt", "empty file")], tmp_path)
    assert Engine(tmp_path).search("bài cũ").total == 1


def test_a_second_indexer_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    with write_lock(tmp_path), pytest.raises(IndexLockedError, match="Another timkiem indexer"):
        build_index([article("a", "Bài")], tmp_path)


def test_missing_and_incompatible_indexes_say_how_to_rebuild(tmp_path: Path) -> None:
    with pytest.raises(IndexMissingError, match="timkiem index"):
        Engine(tmp_path / "nothing")
    build_index([article("a", "Bài")], tmp_path)
    meta_path = generation_dir(tmp_path) / META_FILE
    meta = json.loads(meta_path.read_text())
    meta["format"] = 0
    meta_path.write_text(json.dumps(meta))
    with pytest.raises(IndexVersionError, match="Rebuild it with: timkiem index --rebuild"):
        Engine(tmp_path)


def test_an_update_touches_only_what_changed(tmp_path: Path) -> None:
    first = [
        article("keep", "Bài giữ nguyên"),
        article("edit", "Bài cũ"),
        article("gone", "Bài bỏ"),
    ]
    build_index(first, tmp_path)
    engine = Engine(tmp_path)
    second = [
        article("keep", "Bài giữ nguyên"),
        article("edit", "Bài sửa"),
        article("new", "Bài mới"),
    ]
    report = build_index(second, tmp_path, rebuild=False)
    assert report.updated_in_place
    assert (report.added, report.updated, report.removed, report.unchanged) == (1, 1, 1, 1)
    assert report.indexed == 3 == engine.doc_count()
    assert [h.id for h in engine.search("sửa").hits] == ["edit"]
    assert engine.search("cũ").total == 0
    assert engine.search("bỏ").total == 0
    assert [h.id for h in engine.search("giữ nguyên").hits] == ["keep"]
    # Nothing changed: nothing is written.
    again = build_index(second, tmp_path, rebuild=False)
    assert (again.added, again.updated, again.removed, again.unchanged) == (0, 0, 0, 3)
    assert engine.doc_count() == 3


def test_an_update_of_a_missing_index_builds_it(tmp_path: Path) -> None:
    report = build_index([article("a", "Bài")], tmp_path, rebuild=False)
    assert not report.updated_in_place and report.added == 1


def _ids(engine: Engine, query: str) -> list[str]:
    return sorted(h.id for h in engine.search(query, per_page=50).hits)


def test_collections_live_side_by_side(tmp_path: Path) -> None:
    build_index([article("f1", "Bài tệp một"), article("f2", "Bài tệp hai")], tmp_path)
    engine = Engine(tmp_path)
    posted = build_index(
        [article("a1", "Bài gửi qua giao diện lập trình")], tmp_path, collection="api", upsert=True
    )
    assert posted.updated_in_place
    assert (posted.added, posted.updated, posted.removed) == (1, 0, 0)
    assert _ids(engine, "bài") == ["a1", "f1", "f2"]
    # A rebuild of the files keeps the API's article, analysed again: it is found by its words.
    rebuilt = build_index([article("f3", "Bài tệp ba")], tmp_path, workers=1)
    assert (rebuilt.added, rebuilt.carried, rebuilt.indexed) == (1, 1, 2)
    assert _ids(engine, "bài") == ["a1", "f3"]
    assert _ids(engine, "giao diện lập trình") == ["a1"]
    # So does an update of the files: the vanished file article goes, the API's stays.
    updated = build_index([article("f4", "Bài tệp bốn")], tmp_path, rebuild=False)
    assert (updated.added, updated.removed) == (1, 1)
    assert _ids(engine, "bài") == ["a1", "f4"]
    # And a full write of another collection leaves the files alone.
    build_index([article("c1", "Trang thu thập")], tmp_path, collection="crawl")
    assert _ids(engine, "bài") == ["a1", "f4"]
    assert _ids(engine, "trang thu thập") == ["c1"]


def test_upsert_adds_replaces_and_removes_only_what_it_is_told(tmp_path: Path) -> None:
    build_index([article("f1", "Bài tệp về lúa gạo")], tmp_path)
    build_index(
        [article("a1", "Tin một"), article("a2", "Tin hai")],
        tmp_path,
        collection="api",
        upsert=True,
    )
    engine = Engine(tmp_path)
    report = build_index(
        [article("a2", "Tin hai đã sửa")],
        tmp_path,
        collection="api",
        upsert=True,
        remove=["a1", "f1", "nothing"],  # f1 is another collection's: left alone
    )
    assert (report.added, report.updated, report.removed) == (0, 1, 1)
    assert _ids(engine, "tin") == ["a2"]
    assert _ids(engine, "đã sửa") == ["a2"]
    assert _ids(engine, "lúa gạo") == ["f1"]
    # Removing alone (no article given) is a build too.
    gone = build_index([], tmp_path, collection="api", upsert=True, remove=["a2"])
    assert gone.removed == 1 and gone.indexed == 1
    assert engine.search("tin").total == 0
    assert _ids(engine, "lúa gạo") == ["f1"]


def test_an_unchanged_article_given_to_another_collection_moves(tmp_path: Path) -> None:
    build_index([article("x", "Bài chung")], tmp_path, collection="api")
    # The same article, now among the files: it moves, so a later files update owns it.
    moved = build_index([article("x", "Bài chung")], tmp_path, rebuild=False)
    assert (moved.updated, moved.unchanged) == (1, 0)
    gone = build_index([], tmp_path, collection="api", upsert=True, remove=["x"])
    assert gone.removed == 0
    assert _ids(Engine(tmp_path), "bài chung") == ["x"]
