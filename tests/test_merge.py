"""Merging segments (``indexer.index.merge``): the policy keeps the number of segments about
log2 of the articles however they were written, a merged index answers as one built in one
go, deleted documents go, and a merge never stops searches nor loses a write."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from whoosh import index as whoosh_index

from indexer import Article, Engine, build_index
from indexer.cli import main
from indexer.errors import IndexLockedError
from indexer.index.catalog import read_articles
from indexer.index.columns import Columns
from indexer.index.duplicates import DuplicateGroups
from indexer.index.generations import LOCK_FILE, generation_dir, write_lock, writers_wait
from indexer.index.merge import SegmentInfo, index_shape, merge_index, plan, tier
from indexer.index.phrases import PhraseCounts
from indexer.index.vocabulary import Vocabulary
from indexer.live.applier import COLLECTION, apply_pending
from indexer.live.journal import Journal
from tests.conftest import ROOT
from tests.test_update import QUERIES, paragraphs

SOURCES = ["Báo Nhân Dân", "Tuổi Trẻ", "Thanh Niên"]


def articles() -> list[Article]:
    """The seed articles' paragraphs as articles of the write API's collection, dated and
    with a source, and one exact copy (a group of near-copies)."""
    out = [
        Article(
            id=f"p{i}",
            title=title,
            body=body,
            date=f"20{20 + i % 4}-0{1 + i % 9}-1{i % 10}",
            source=SOURCES[i % 3],
            collection=COLLECTION,
        )
        for i, (title, body) in enumerate(paragraphs())
    ]
    first = out[0]
    out.append(Article(id="copy", title=first.title, body=first.body, collection=COLLECTION))
    return out


def segments(index_dir: Path) -> list[SegmentInfo]:
    return index_shape(index_dir).segments


def post_one_by_one(index_dir: Path, items: list[Article]) -> list[int]:
    """Post each article through the write API's journal and applier, as a CMS would; the
    number of segments after each."""
    journal = Journal(index_dir)
    counts = []
    for article in items:
        journal.enqueue_upsert([article])
        result = apply_pending(journal)
        assert result.succeeded and not result.failed
        counts.append(len(segments(index_dir)))
    return counts


def results(index_dir: Path, query: str, **kwargs) -> list[tuple[str, float]]:
    page = Engine(index_dir).search(query, per_page=100, **kwargs)
    return [(h.id, round(h.score, 4)) for h in page.hits]


def assert_same_as(index_dir: Path, one_go: Path) -> None:
    """The same answers, the same side files (by article id) as the one-go build."""
    assert Engine(index_dir).doc_count() == Engine(one_go).doc_count()
    for query in QUERIES:
        assert results(index_dir, query) == results(one_go, query), query
        for sort in ("newest", "oldest"):
            assert results(index_dir, query, sort=sort) == results(one_go, query, sort=sort)
    got, want = generation_dir(index_dir), generation_dir(one_go)
    assert Vocabulary.load(got).forms == Vocabulary.load(want).forms
    assert facts(got) == facts(want)
    assert facts(want)["copy"][2] == ["copy", "p0"]  # the comparison holds a group


def facts(gen: Path) -> dict[str, tuple]:
    """id → (date, source, ids of its near-copy group, hash) of every live article of a
    generation, read through its side files (columns, groups, article table)."""
    ix = whoosh_index.open_dir(str(gen))
    try:
        table = read_articles(gen, ix.doc_count())
        n_all = ix.doc_count_all()
    finally:
        ix.close()
    assert table is not None
    columns = Columns.load(gen)
    assert columns is not None and len(columns) == n_all
    groups = DuplicateGroups.load(gen, n_all)
    by_docnum = {d: i for i, (d, _, _) in table.items()}
    out = {}
    for doc_id, (docnum, digest, _) in table.items():
        code = int(columns.source[docnum])
        members = groups.members(int(groups.group[docnum])).tolist()
        out[doc_id] = (
            int(columns.date[docnum]),
            columns.sources[code] if code >= 0 else None,
            sorted(by_docnum[int(m)] for m in members if int(m) in by_docnum),
            digest,
        )
    return out


@pytest.fixture(scope="module")
def one_go(tmp_path_factory: pytest.TempPathFactory) -> Path:
    index_dir = tmp_path_factory.mktemp("one-go")
    build_index(articles(), index_dir, collection=COLLECTION, workers=1)
    return index_dir


# -- the policy ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("live", "expected"), [(0, 0), (1, 0), (2, 1), (3, 1), (4, 2), (7, 2), (8, 3), (21000, 14)]
)
def test_tier_is_log2_of_the_live_documents(live: int, expected: int) -> None:
    assert tier(live) == expected


@pytest.mark.parametrize(
    ("sizes", "expected"),
    [
        ([(5000, 0)], []),
        ([(5000, 0), (1, 0)], []),
        ([(5000, 0), (1, 0), (1, 0)], [1, 2]),
        # the merged pair joins tier 1, which then holds two: all three go together
        ([(5000, 0), (2, 0), (1, 0), (1, 0)], [1, 2, 3]),
        ([(5000, 0), (4, 0), (2, 0), (1, 0)], []),
        # a segment with no live document is dropped, one half deleted is rewritten
        ([(5000, 0), (3, 3)], [1]),
        ([(5000, 2500), (3, 0)], [0]),
        ([(5000, 2499), (3, 0)], []),
        # deletions move a segment down a tier, where it may find a partner
        ([(5000, 0), (8, 3), (4, 0)], [1, 2]),
    ],
)
def test_the_policy_chooses(sizes: list[tuple[int, int]], expected: list[int]) -> None:
    assert plan([SegmentInfo(n, d) for n, d in sizes]) == expected


def test_the_policy_keeps_at_most_log2_n_plus_one_segments() -> None:
    """Single-article segments added one at a time, with replacements deleting documents in
    older segments: after each merge the policy leaves no more than ⌊log2 N⌋ + 1."""
    rng = np.random.default_rng(25)
    docs: list[list[int]] = [[20_000, 0]]  # documents, deleted
    most = 0
    for _ in range(3000):
        if rng.random() < 0.2:  # a replacement: one more deleted in a random older segment
            victim = docs[int(rng.integers(len(docs)))]
            if victim[1] < victim[0]:
                victim[1] += 1
        docs.append([1, 0])
        chosen = plan([SegmentInfo(n, d) for n, d in docs])
        if chosen:
            live = sum(docs[i][0] - docs[i][1] for i in chosen)
            docs = [s for i, s in enumerate(docs) if i not in chosen] + (
                [[live, 0]] if live else []
            )
        n = sum(a - b for a, b in docs)
        assert len(docs) <= tier(n) + 1
        most = max(most, len(docs))
    assert most >= 8  # the bound is reached, not trivially kept by merging everything


# -- merging a real index -----------------------------------------------------------------


def test_single_article_posts_keep_segments_bounded_and_answer_as_one_build(
    tmp_path: Path, one_go: Path
) -> None:
    items = articles()
    index_dir = tmp_path / "index"
    build_index(items[:4], index_dir, collection=COLLECTION, workers=1)
    counts = post_one_by_one(index_dir, items[4:])
    for n, count in enumerate(counts, start=5):
        assert count <= tier(n) + 1
    assert max(counts) >= 3  # posts did add segments, and merges took them back
    assert_same_as(index_dir, one_go)
    # Merges rewrite segments; the phrase counts are carried over unchanged.
    assert PhraseCounts.load(generation_dir(index_dir)).forms


def test_optimize_leaves_one_segment_that_answers_as_one_build(
    tmp_path: Path, one_go: Path
) -> None:
    items = articles()
    index_dir = tmp_path / "index"
    build_index(items[:10], index_dir, collection=COLLECTION, workers=1)
    for article in items[10:]:  # updates without merges: one segment each
        build_index([article], index_dir, rebuild=False, upsert=True, collection=COLLECTION)
    assert len(segments(index_dir)) == len(items) - 9
    result = CliRunner().invoke(main, ["optimize", "--index-dir", str(index_dir)])
    assert result.exit_code == 0, result.output
    merged = len(items) - 9
    assert f"Merged {merged} segments ({len(items)} articles)" in result.output
    assert "1 segment now" in result.output
    assert segments(index_dir) == [SegmentInfo(len(items))]
    assert_same_as(index_dir, one_go)
    again = CliRunner().invoke(main, ["optimize", "--index-dir", str(index_dir)])
    assert again.exit_code == 0, again.output
    assert f"Nothing to merge: 1 segment, {len(items)} articles." in again.output


def test_deleted_documents_are_purged(tmp_path: Path, one_go: Path) -> None:
    items = articles()
    index_dir = tmp_path / "index"
    build_index(items, index_dir, collection=COLLECTION, workers=1)
    journal = Journal(index_dir)
    # Each article replaced three times, one at a time: the originals and the earlier
    # replacements are deleted documents until a merge drops them.
    for n in range(3):
        for article in items[:6]:
            edited = replace(article, body=article.body + f" Bản sửa xqzv{n}.")
            journal.enqueue_upsert([edited])
            apply_pending(journal, merge=False)
    shape = index_shape(index_dir)
    assert shape.deleted == 18 and len(shape.segments) == 19
    result = CliRunner().invoke(main, ["stats", "--index", "--index-dir", str(index_dir)])
    assert result.exit_code == 0, result.output
    assert f"Index: {len(items)} articles in 19 segments" in result.output
    assert "18 deleted documents not yet purged" in result.output
    report = merge_index(index_dir)  # the policy alone: the big segment is not half deleted
    assert report.purged >= 12 and report.segments_after < 19
    report = merge_index(index_dir, everything=True)
    shape = index_shape(index_dir)
    assert shape.deleted == 0 and shape.segments == [SegmentInfo(len(items))]
    result = CliRunner().invoke(main, ["stats", "--index", "--index-dir", str(index_dir)])
    assert f"Index: {len(items)} articles in 1 segment " in result.output
    assert "no deleted documents" in result.output
    # The replaced articles answer with their new text; the others as before.
    engine = Engine(index_dir)
    assert engine.search("xqzv2").total == 6
    assert engine.search("xqzv0").total == engine.search("xqzv1").total == 0
    edited_ids = {h.id for h in engine.search("xqzv2", per_page=10).hits}
    assert edited_ids == {a.id for a in items[:6]}
    assert facts(generation_dir(index_dir)).keys() == facts(generation_dir(one_go)).keys()


def test_a_merge_while_searching_keeps_serving(tmp_path: Path) -> None:
    items = articles()
    index_dir = tmp_path / "index"
    build_index(items[:2], index_dir, collection=COLLECTION, workers=1)
    for article in items[2:]:
        build_index([article], index_dir, rebuild=False, upsert=True, collection=COLLECTION)
    engine = Engine(index_dir)
    want = results(index_dir, "hội nghị")
    assert want
    errors: list[BaseException] = []
    answers: list[list[tuple[str, float]]] = []
    stop = threading.Event()

    def search() -> None:
        while not stop.is_set():
            try:
                page = engine.search("hội nghị", per_page=100)
                answers.append([(h.id, round(h.score, 4)) for h in page.hits])
            except BaseException as exc:  # any error fails the test below
                errors.append(exc)

    searcher = threading.Thread(target=search)
    searcher.start()
    try:
        old = generation_dir(index_dir).name
        report = merge_index(index_dir, everything=True)
        time.sleep(0.2)  # searches against the new generation too
    finally:
        stop.set()
        searcher.join()
    assert not errors and len(answers) > 1
    assert all(a == want for a in answers)
    assert report.generation != old and generation_dir(index_dir).name == report.generation
    assert (index_dir / old).is_dir()  # kept one round for the searchers still reading it


def test_a_write_during_a_merge_is_not_lost(tmp_path: Path) -> None:
    """An API write arriving while a merge holds the index is journaled and goes in after it;
    a ``timkiem index`` (here: a build with patience) waits for the merge and is applied on
    top of the merged generation."""
    items = articles()
    index_dir = tmp_path / "index"
    build_index(items[:20], index_dir, collection=COLLECTION, workers=1)
    for article in items[20:24]:
        build_index([article], index_dir, rebuild=False, upsert=True, collection=COLLECTION)
    journal = Journal(index_dir)
    with write_lock(index_dir, "merging segments"):  # as merge_index holds it
        task = journal.enqueue_upsert([items[24]])
        with pytest.raises(IndexLockedError):
            apply_pending(journal)
        assert journal.get(task.id).status == "enqueued"
    merging = threading.Thread(target=merge_index, args=(index_dir,), kwargs={"everything": True})
    merging.start()
    try:
        assert held_soon(index_dir)
        with writers_wait(60):
            build_index([items[25]], index_dir, rebuild=False, upsert=True, collection=COLLECTION)
    finally:
        merging.join()
    result = apply_pending(journal)
    assert result.succeeded == [task.id]
    gen = generation_dir(index_dir)
    assert Engine(index_dir).doc_count() == 26
    assert set(read_articles(gen, 26) or ()) == {a.id for a in items[:26]}


def held_soon(index_dir: Path, timeout: float = 5.0) -> bool:
    """Whether another holds the index's writer lock within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    with open(index_dir / LOCK_FILE, "a+") as fh:
        while time.monotonic() < deadline:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(fh, fcntl.LOCK_UN)
            time.sleep(0.001)
    return False


MERGER = """
import sys
from indexer.index.merge import merge_index
merge_index(sys.argv[1], everything=True, workers=1)
"""


@pytest.fixture(scope="module")
def many_segments(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of 1,200 long articles in 6 segments: merging it takes a few seconds."""
    from tests.test_crash_safety import WORDS

    index_dir = tmp_path_factory.mktemp("many") / "index"
    items = [
        Article(
            id=f"a{i}",
            title=f"Bài số {i}",
            body=" ".join(WORDS[(i * 7 + j) % len(WORDS)] for j in range(400)),
        )
        for i in range(1200)
    ]
    build_index(items, index_dir, segment_docs=200, workers=1)
    return index_dir


@pytest.mark.parametrize("delay", [0.5, 1.2, 2.0])
def test_kill_9_during_a_merge_leaves_the_old_generation_serving(
    tmp_path: Path, many_segments: Path, delay: float
) -> None:
    index_dir = tmp_path / "index"
    shutil.copytree(many_segments, index_dir)
    before = results(index_dir, "dân vận khéo")
    live = generation_dir(index_dir).name
    assert len(segments(index_dir)) == 6
    proc = subprocess.Popen(
        [sys.executable, "-c", MERGER, str(index_dir)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    time.sleep(delay)
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
    proc.wait()
    # Whatever the moment, the index answers as before: from the old generation, or from
    # the merged one if the merge was done.
    assert results(index_dir, "dân vận khéo") == before
    if generation_dir(index_dir).name == live:
        assert len(segments(index_dir)) == 6
    else:
        assert len(segments(index_dir)) == 1
    # The next merge completes and cleans up what the killed one left.
    merge_index(index_dir, everything=True)
    assert len(segments(index_dir)) == 1
    assert results(index_dir, "dân vận khéo") == before
    generations = [p for p in index_dir.iterdir() if p.name.startswith("gen-")]
    assert len(generations) <= 2


# -- writers wait for each other ----------------------------------------------------------


def test_index_waits_for_a_held_lock_and_gives_up_after_wait(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.jsonl").write_text(
        '{"id": "a", "title": "Hội nghị", "body": "Công tác dân vận khéo."}\n', encoding="utf-8"
    )
    index_dir = tmp_path / "index"
    args = ["index", str(src), "--index-dir", str(index_dir)]
    runner = CliRunner()
    with write_lock(index_dir, "merging segments"):
        started = time.monotonic()
        result = runner.invoke(main, [*args, "--wait", "0.5"])
        waited = time.monotonic() - started
    assert result.exit_code == 1
    assert waited >= 0.5
    lines = result.output.splitlines()
    waiting = [line for line in lines if line.startswith("Waiting up to 0.5 s for ")]
    assert len(waiting) == 1 and "merging segments" in waiting[0]
    assert "Gave up after waiting 0.5 s for " in result.output
    assert "--wait SECONDS" in result.output and "Traceback" not in result.output
    # --wait 0: at once, as before.
    with write_lock(index_dir):
        result = runner.invoke(main, [*args, "--wait", "0"])
    assert result.exit_code == 1 and "Another timkiem indexer is writing" in result.output
    assert "Waiting" not in result.output


def test_index_goes_on_once_the_other_writer_is_done(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.jsonl").write_text(
        '{"id": "a", "title": "Hội nghị", "body": "Công tác dân vận khéo."}\n', encoding="utf-8"
    )
    index_dir = tmp_path / "index"
    held = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with write_lock(index_dir):
            held.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(5)
    threading.Timer(0.5, release.set).start()
    result = CliRunner().invoke(main, ["index", str(src), "--index-dir", str(index_dir)])
    holder.join()
    assert result.exit_code == 0, result.output
    assert result.output.count("Waiting up to 300 s for ") == 1
    assert Engine(index_dir).doc_count() == 1


# -- the benchmark can't rot ----------------------------------------------------------------


def test_the_live_index_benchmark_runs_end_to_end(tmp_path: Path) -> None:
    """``benchmarks/live_index.py`` at a tiny scale, on the seed paragraphs: both indexes
    built, posts found, figures printed (their values are the benchmark's business)."""
    from benchmarks import live_index

    before = dict(os.environ)

    data = tmp_path / "articles.jsonl"
    lines = [
        json.dumps({"id": a.id, "title": a.title, "body": a.body}, ensure_ascii=False)
        for a in articles()[:12]
    ]
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    args = ["--docs", "8", "--posts", "4", "--queries", "3", "--data", str(data)]
    result = live_index.main(args)
    assert result["documents"] == 12 and result["posts"] == 4
    assert result["segments"]["one_go"] == 1
    assert result["segments"]["most_during_posts"] <= result["segments"]["bound"]
    assert result["size_mib"]["live"] > 0 and result["size_mib"]["one_go"] > 0
    assert result["time_to_searchable_ms"]["p50"] > 0
    assert result["keyword_ms"]["live"]["p50"] > 0
    assert dict(os.environ) == before  # the servers' settings were theirs only
