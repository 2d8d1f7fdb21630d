"""The write journal and its applier: tasks on disk, applied in batches into one generation,
replayed after a crash without doubling anything, waiting for another writer, failing alone;
``timkiem tasks`` reads the same journal."""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from indexer import (
    Applier,
    Article,
    Engine,
    IndexLockedError,
    Journal,
    apply_pending,
    build_index,
    index_exists,
    posted_articles,
)
from indexer.cli import main
from indexer.index.generations import CURRENT_FILE, write_lock
from indexer.live.applier import _build, fold
from indexer.live.journal import PendingTask, Task
from tests.conftest import BAC_KAN, SEEDS


def article(doc_id: str, text: str) -> Article:
    return posted_articles({"id": doc_id, "text": text})[0]


def ids_of(engine: Engine, query: str) -> list[str]:
    return sorted(h.id for h in engine.search(query, per_page=50).hits)


def statuses(journal: Journal) -> dict[int, str]:
    return {t.id: t.status for t in journal.tasks(limit=100)}


# -- the journal ----------------------------------------------------------------------------


def test_a_task_is_on_disk_when_enqueue_returns(tmp_path: Path) -> None:
    journal = Journal(tmp_path, clock=lambda: 1_712_300_000)
    posted = [article("a", "Mường Phăng"), article("b", "Pá Khoang")]
    task = journal.enqueue_upsert(posted)
    assert task == Task(1, "upsert", "enqueued", 2, "2024-04-05T06:53:20Z")
    assert journal.enqueue_delete(["a"]).id == 2
    # Another process (here: another connection) sees both, in order, with their content.
    again = Journal(tmp_path)
    pending = again.pending(max_articles=100)
    assert [p.task.id for p in pending] == [1, 2]
    assert list(pending[0].upserts) == posted
    assert pending[1].deletes == ("a",)
    with sqlite3.connect(tmp_path / "journal.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_finished_tasks_drop_their_payload(tmp_path: Path) -> None:
    journal = Journal(tmp_path)
    journal.enqueue_upsert([article("a", "Mường Phăng " * 100)])
    journal.mark_processing([1])
    journal.finish([1])
    with sqlite3.connect(tmp_path / "journal.sqlite3") as db:
        assert db.execute("SELECT status, payload FROM tasks").fetchall() == [("succeeded", None)]
    # Finishing is once: a finished task is not marked again.
    journal.finish([1], error="late")
    assert journal.get(1).status == "succeeded"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("tasks", "upserts", "removed"),
    [
        ([("up", "a", "b")], ["a", "b"], []),
        ([("up", "a"), ("del", "a")], [], ["a"]),
        ([("del", "a"), ("up", "a")], ["a"], []),
        ([("up", "a"), ("del", "a"), ("up", "a")], ["a"], []),
        ([("up", "a", "b"), ("del", "b", "c"), ("up", "c")], ["a", "c"], ["b"]),
    ],
)
def test_the_last_task_touching_an_id_decides(tasks, upserts, removed) -> None:
    pending = []
    for i, (kind, *doc_ids) in enumerate(tasks, start=1):
        task = Task(i, "upsert" if kind == "up" else "delete", "enqueued", len(doc_ids), "")
        if kind == "up":
            pending.append(PendingTask(task, upserts=tuple(article(d, d) for d in doc_ids)))
        else:
            pending.append(PendingTask(task, deletes=tuple(doc_ids)))
    got_upserts, got_removed = fold(pending)
    assert sorted(got_upserts) == upserts
    assert got_removed == removed


# -- applying -------------------------------------------------------------------------------


def test_pending_tasks_are_applied_together_in_one_generation(index_dir: Path) -> None:
    files = Engine(index_dir).doc_count()
    journal = Journal(index_dir)
    journal.enqueue_upsert([article("a", "Hoa ban nở ở Mường Phăng."), article("b", "Mường Phăng")])
    journal.enqueue_delete(["a"])
    journal.enqueue_upsert([article("c", "Hồ Pá Khoang ở gần Mường Phăng.")])
    before = (index_dir / CURRENT_FILE).read_text()
    result = apply_pending(journal)
    assert (result.succeeded, result.failed) == ([1, 2, 3], [])
    assert (index_dir / CURRENT_FILE).read_text().strip() == result.generation != before
    engine = Engine(index_dir)
    assert ids_of(engine, "Mường Phăng") == ["b", "c"]
    assert engine.doc_count() == files + 2
    assert statuses(journal) == {1: "succeeded", 2: "succeeded", 3: "succeeded"}
    assert not apply_pending(journal).applied  # nothing left


def test_a_batch_holds_at_most_max_articles(index_dir: Path) -> None:
    journal = Journal(index_dir)
    journal.enqueue_upsert([article(f"big{i}", "Mường Phăng") for i in range(3)])
    journal.enqueue_upsert([article("a", "Pá Khoang")])
    journal.enqueue_upsert([article("b", "Pá Khoang")])
    first = apply_pending(journal, max_articles=2)
    assert (first.succeeded, first.partial) == ([], [1])  # big0, big1
    second = apply_pending(journal, max_articles=2)
    assert (second.succeeded, second.partial) == ([1, 2], [])  # big2, a
    assert apply_pending(journal, max_articles=2).succeeded == [3]


def _api_ids(index_dir: Path) -> list[str]:
    """The ids a00–a24 the index holds."""
    engine = Engine(index_dir)
    return [f"a{i:02}" for i in range(25) if engine.article(f"a{i:02}") is not None]


def test_a_task_larger_than_a_batch_is_applied_batch_after_batch(index_dir: Path) -> None:
    """25 articles in batches of 10: three generations, each published and searchable, the
    task processing until the last one is in; a task behind it goes with the last batch."""
    files = Engine(index_dir).doc_count()
    journal = Journal(index_dir)
    posted = [article(f"a{i:02}", f"Mường Phăng, bài {i}.") for i in range(25)]
    journal.enqueue_upsert(posted)
    journal.enqueue_delete(["a00"])
    generations = []
    for held, status in ((10, "processing"), (20, "processing")):
        result = apply_pending(journal, max_articles=10)
        assert (result.succeeded, result.partial, result.failed) == ([], [1], [])
        assert result.generation == (index_dir / CURRENT_FILE).read_text().strip()
        generations.append(result.generation)
        assert _api_ids(index_dir) == [a.id for a in posted[:held]]
        assert statuses(journal) == {1: status, 2: "enqueued"}
    last = apply_pending(journal, max_articles=10)
    assert (last.succeeded, last.partial) == ([1, 2], [])
    generations.append(last.generation)
    assert len(set(generations)) == 3
    assert _api_ids(index_dir) == [a.id for a in posted[1:]]
    assert Engine(index_dir).doc_count() == files + 24
    task = journal.get(1)
    assert task is not None and task.status == "succeeded" and task.articles == 25
    assert not apply_pending(journal, max_articles=10).applied


class Killed(BaseException):
    """The applier's process dying (kill -9): nothing after it runs."""


def test_a_big_task_killed_between_batches_resumes_where_the_journal_says(
    index_dir: Path,
) -> None:
    """Killed right after publishing the second batch, before recording it: the next
    applier applies that batch again (harmlessly) and the rest; nothing lost or doubled."""
    files = Engine(index_dir).doc_count()
    journal = Journal(index_dir)
    posted = [article(f"a{i:02}", f"Mường Phăng, bài {i}.") for i in range(25)]
    journal.enqueue_upsert(posted)
    built: list[list[str]] = []

    def build(articles: list[Article], *args: Any, **kwargs: Any):
        built.append([a.id for a in articles])
        report = build_index(articles, *args, **kwargs)
        if len(built) == 2:
            raise Killed
        return report

    assert apply_pending(journal, max_articles=10, build=build).partial == [1]
    with pytest.raises(Killed):
        apply_pending(journal, max_articles=10, build=build)
    assert _api_ids(index_dir) == [a.id for a in posted[:20]]  # published, not recorded
    again = Journal(index_dir)  # the restarted server
    while apply_pending(again, max_articles=10, build=build).applied:
        pass
    assert (
        built
        == [
            [a.id for a in posted[:10]],
            [a.id for a in posted[10:20]],
            [a.id for a in posted[10:20]],  # replayed
            [a.id for a in posted[20:]],
        ]
    )
    assert _api_ids(index_dir) == [a.id for a in posted]
    assert Engine(index_dir).doc_count() == files + 25
    assert statuses(again) == {1: "succeeded"}


@pytest.mark.parametrize("more", [False, True], ids=["replay-alone", "replay-with-later-tasks"])
def test_a_crash_between_publish_and_record_replays_without_doubling(
    index_dir: Path, more: bool
) -> None:
    """The generation holding tasks 1–2 was published, then the applier died before marking
    them succeeded: the next applier applies them again, harmlessly."""
    files = Engine(index_dir).doc_count()
    journal = Journal(index_dir)
    journal.enqueue_upsert([article("a", "Mường Phăng, bản cũ."), article("b", "Mường Phăng")])
    journal.enqueue_delete(["b"])
    pending = journal.pending(100)
    journal.mark_processing([1, 2])
    _build(index_dir, pending, build_index)  # published; "crash" before journal.finish
    assert statuses(journal) == {1: "processing", 2: "processing"}
    assert ids_of(Engine(index_dir), "Mường Phăng") == ["a"]
    if more:
        journal.enqueue_upsert([article("a", "Pá Khoang, bản mới."), article("b", "Pá Khoang")])
        journal.enqueue_delete(["a"])
        journal.enqueue_upsert([article("a", "Pá Khoang, bản cuối.")])

    result = apply_pending(journal)
    assert result.failed == []
    engine = Engine(index_dir)
    if more:
        assert result.succeeded == [1, 2, 3, 4, 5]
        assert ids_of(engine, "Mường Phăng") == []
        assert ids_of(engine, "Pá Khoang") == ["a", "b"]
        assert "bản cuối" in engine.article("a").body  # type: ignore[union-attr]
        assert engine.doc_count() == files + 2
    else:
        assert result.succeeded == [1, 2]
        assert ids_of(engine, "Mường Phăng") == ["a"]
        assert engine.doc_count() == files + 1


def test_tasks_wait_while_another_writer_holds_the_index(index_dir: Path) -> None:
    journal = Journal(index_dir)
    journal.enqueue_upsert([article("a", "Mường Phăng")])
    with write_lock(index_dir), pytest.raises(IndexLockedError):
        apply_pending(journal)
    assert statuses(journal) == {1: "enqueued"}
    assert ids_of(Engine(index_dir), "Mường Phăng") == []
    assert apply_pending(journal).succeeded == [1]
    assert ids_of(Engine(index_dir), "Mường Phăng") == ["a"]


def test_a_failing_task_fails_alone(index_dir: Path) -> None:
    def build(articles: list[Article], *args: Any, **kwargs: Any):
        if any(a.id == "boom" for a in articles):
            raise OSError(28, "No space left on device")
        return build_index(articles, *args, **kwargs)

    journal = Journal(index_dir)
    journal.enqueue_upsert([article("a", "Mường Phăng")])
    journal.enqueue_upsert([article("boom", "Mường Phăng")])
    journal.enqueue_upsert([article("c", "Mường Phăng")])
    result = apply_pending(journal, build=build)
    assert (result.succeeded, result.failed) == ([1, 3], [2])
    assert journal.get(2).to_dict()["error"] == (  # type: ignore[union-attr]
        "could not write the index: No space left on device"
    )
    assert ids_of(Engine(index_dir), "Mường Phăng") == ["a", "c"]


def test_the_first_write_into_an_empty_directory_makes_the_index(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "index")
    journal.enqueue_delete(["a"])
    assert apply_pending(journal).succeeded == [1]
    assert not index_exists(tmp_path / "index")  # nothing to delete from
    journal.enqueue_upsert([article("a", "Mường Phăng")])
    assert apply_pending(journal).succeeded == [2]
    assert ids_of(Engine(tmp_path / "index"), "Mường Phăng") == ["a"]


def test_a_rebuild_of_the_files_keeps_the_api_articles(index_dir: Path) -> None:
    journal = Journal(index_dir)
    journal.enqueue_upsert([article("a", "Mường Phăng")])
    apply_pending(journal)
    runner = CliRunner()
    for args in (["--rebuild"], []):
        result = runner.invoke(main, ["index", str(SEEDS), *args, "--index-dir", str(index_dir)])
        assert result.exit_code == 0, result.output
        engine = Engine(index_dir)
        assert ids_of(engine, "Mường Phăng") == ["a"]
        assert BAC_KAN in ids_of(engine, "Bắc Kạn")


# -- the background applier -----------------------------------------------------------------


def test_writes_that_queue_up_during_a_build_go_into_one_generation(index_dir: Path) -> None:
    building = threading.Event()
    release = threading.Event()
    batches: list[list[str]] = []

    def build(articles: list[Article], *args: Any, **kwargs: Any):
        batches.append(sorted(a.id for a in articles))
        building.set()
        assert release.wait(60)
        return build_index(articles, *args, **kwargs)

    journal = Journal(index_dir)
    applier = Applier(journal, build=build)
    applier.start()
    try:
        journal.enqueue_upsert([article("a", "Mường Phăng")])
        applier.notify()
        assert building.wait(60)
        for doc_id in ("b", "c", "d"):  # arrive while the first batch is being built
            journal.enqueue_upsert([article(doc_id, "Mường Phăng")])
            applier.notify()
        release.set()
        assert applier.wait(4, timeout=120).status == "succeeded"  # type: ignore[union-attr]
    finally:
        release.set()
        applier.stop()
    assert batches == [["a"], ["b", "c", "d"]]
    assert ids_of(Engine(index_dir), "Mường Phăng") == ["a", "b", "c", "d"]


def test_the_applier_applies_what_an_earlier_run_left_when_it_starts(index_dir: Path) -> None:
    journal = Journal(index_dir)
    journal.enqueue_upsert([article("a", "Mường Phăng")])
    journal.mark_processing([1])  # the run that took it was killed
    applier = Applier(journal)
    applier.start()
    try:
        assert applier.wait(1, timeout=120).status == "succeeded"  # type: ignore[union-attr]
    finally:
        applier.stop()
    assert ids_of(Engine(index_dir), "Mường Phăng") == ["a"]


# -- timkiem tasks --------------------------------------------------------------------------


def test_tasks_without_a_journal_says_where_they_come_from(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["tasks", "--index-dir", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output == (
        f"Error: No write tasks in {tmp_path}. The write API (timkiem serve with "
        "TIMKIEM_WRITE_TOKEN set) journals them there.\n"
    )


def test_tasks_lists_the_journal_and_applies_it(index_dir: Path) -> None:
    journal = Journal(index_dir)
    journal.enqueue_upsert([article("a", "Mường Phăng"), article("b", "Pá Khoang")])
    journal.enqueue_delete(["b"])
    runner = CliRunner()
    args = ["--index-dir", str(index_dir)]

    result = runner.invoke(main, ["tasks", *args])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "2 write tasks: 2 enqueued, 0 processing, 0 succeeded, 0 failed."
    assert lines[2] == "Latest tasks"
    assert lines[3].split() == ["task", "type", "articles", "status", "enqueued", "finished"]
    assert lines[4].split()[:4] == ["2", "delete", "1", "enqueued"]
    assert lines[5].split()[:4] == ["1", "upsert", "2", "enqueued"]

    result = runner.invoke(main, ["tasks", "--apply", "--status", "succeeded", "--json", *args])
    assert result.exit_code == 0, result.output
    listed = json.loads(result.stdout)
    assert listed["counts"] == {"enqueued": 0, "processing": 0, "succeeded": 2, "failed": 0}
    assert [(t["task"], t["status"]) for t in listed["tasks"]] == [
        (2, "succeeded"),
        (1, "succeeded"),
    ]
    assert "Applied 2 tasks; 0 failed." in result.stderr
    assert ids_of(Engine(index_dir), "Pá Khoang") == []
    assert ids_of(Engine(index_dir), "Mường Phăng") == ["a"]

    result = runner.invoke(main, ["tasks", "-n", "1", *args])
    assert result.output.splitlines()[0] == (
        "2 write tasks: 0 enqueued, 0 processing, 2 succeeded, 0 failed."
    )
    assert len(result.output.splitlines()) == 5  # the summary, a blank, title, header, 1 row


def test_a_journal_from_before_batches_gets_its_progress_column(index_dir: Path) -> None:
    """A journal written by an earlier timkiem (no ``applied`` column) with a task waiting:
    it is opened, the column added, and the task applied."""
    payload = json.dumps([{"id": "a", "title": "A", "body": "Mường Phăng"}])
    with sqlite3.connect(index_dir / "journal.sqlite3") as db:
        db.executescript(
            "CREATE TABLE tasks (id INTEGER PRIMARY KEY AUTOINCREMENT, type TEXT NOT NULL, "
            "status TEXT NOT NULL, articles INTEGER NOT NULL, payload TEXT, error TEXT, "
            "enqueued_at TEXT NOT NULL, started_at TEXT, finished_at TEXT);"
        )
        db.execute(
            "INSERT INTO tasks (type, status, articles, payload, enqueued_at) "
            "VALUES ('upsert', 'enqueued', 1, ?, '2026-04-05T12:07:00Z')",
            (payload,),
        )
    journal = Journal(index_dir)
    assert apply_pending(journal).succeeded == [1]
    assert ids_of(Engine(index_dir), "Mường Phăng") == ["a"]
