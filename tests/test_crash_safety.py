"""Killing the indexer at any moment leaves the previous index searchable and intact."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from indexer import Engine, build_index, iter_articles
from tests.conftest import ROOT, SEEDS

# A collection big enough that indexing it takes a few seconds: the kills land in reading,
# analysis, segment writing and the final commit.
WORDS = "dân vận khéo công tác phối hợp chương trình hội nghị tỉnh huyện xã phường".split()


def write_collection(folder: Path, articles: int) -> None:
    folder.mkdir()
    lines = []
    for i in range(articles):
        body = " ".join(WORDS[(i * 7 + j) % len(WORDS)] for j in range(400))
        lines.append(f'{{"id": "a{i}", "title": "Bài số {i}", "body": "{body}"}}')
    (folder / "big.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


INDEXER = """
import sys
from indexer import build_index, iter_articles
build_index(iter_articles([sys.argv[1]]), sys.argv[2], rebuild=True, segment_docs=500)
"""


@pytest.mark.parametrize("delay", [0.3, 1.0, 2.0, 3.5])
def test_kill_9_at_any_moment_keeps_the_old_index(tmp_path: Path, delay: float) -> None:
    index_dir = tmp_path / "index"
    build_index(iter_articles([SEEDS]), index_dir)
    engine = Engine(index_dir)
    before = [(h.id, h.score) for h in engine.search("dân vận khéo").hits]
    source = tmp_path / "src"
    write_collection(source, 3000)
    proc = subprocess.Popen(
        [sys.executable, "-c", INDEXER, str(source), str(index_dir)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    time.sleep(delay)
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
    proc.wait()
    # Whatever the moment, the index answers: the old one, or the new one if it was done.
    after = Engine(index_dir)
    hits = after.search("dân vận khéo")
    if after.doc_count() == 5:
        assert [(h.id, h.score) for h in hits.hits] == before
    else:
        assert after.doc_count() == 3000
    # And the next run completes, cleaning up what the killed one left.
    report = build_index(iter_articles([source]), index_dir)
    assert report.indexed == 3000
    assert Engine(index_dir).doc_count() == 3000
    generations = [p for p in index_dir.iterdir() if p.name.startswith("gen-")]
    assert len(generations) <= 2
