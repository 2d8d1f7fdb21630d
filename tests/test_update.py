"""Updating an index from files: only the files that changed are read, and the result is the
index a rebuild of the same files gives (articles, search results, suggestions)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from click.testing import CliRunner

from indexer import Article, Engine, build_index, iter_articles
from indexer.cli import main
from indexer.extract.sourcefiles import SourceFiles
from indexer.index.generations import generation_dir
from indexer.index.merge import index_shape, merge_index
from indexer.index.phrases import PhraseCounts
from indexer.index.vocabulary import Vocabulary
from tests.conftest import SEEDS

HOUR_NS = 3600 * 10**9


def paragraphs() -> list[tuple[str, str]]:
    """(title, body) pieces of the seed articles: several articles share their phrases."""
    out = []
    for article in iter_articles([SEEDS]):
        assert isinstance(article, Article)
        parts = [p for p in article.body.split("\n") if len(p.split()) >= 25]
        out += [(f"{article.title} ({i})", p) for i, p in enumerate(parts)]
    return out


def write(path: Path, records: list[tuple[str, str]], *, age_ns: int = HOUR_NS) -> None:
    """A JSON Lines file of ``records``, last modified ``age_ns`` ago."""
    lines = [
        json.dumps({"id": f"{path.stem}-{i}", "title": t, "body": b}, ensure_ascii=False)
        for i, (t, b) in enumerate(records)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    then = time.time_ns() - age_ns
    os.utime(path, ns=(then, then))


def update(src: Path, index_dir: Path, *, rebuild: bool = False):
    files = SourceFiles()
    articles = iter_articles([src], files=files)
    report = build_index(articles, index_dir, rebuild=rebuild, files=files, workers=1)
    read = sorted(Path(p).name for p in files.read)
    return report, read


def suggestions(index_dir: Path) -> dict[str, int]:
    counts = PhraseCounts.load(generation_dir(index_dir))
    return {form: int(n) for form, n in zip(counts.forms, counts.docs, strict=True)}


def segments(index_dir: Path) -> list:
    return index_shape(index_dir).segments


def search_ids(index_dir: Path, query: str) -> tuple[int, set[str]]:
    page = Engine(index_dir).search(query, per_page=100)
    return page.total, {h.id for h in page.hits}


QUERIES = ["dân vận", "Bắc Kạn", "phong dien", "hội nghị", "công tác", "ký kết", "nhân dân"]


def assert_same_index(updated: Path, rebuilt: Path) -> None:
    assert Engine(updated).doc_count() == Engine(rebuilt).doc_count()
    for query in QUERIES:
        assert search_ids(updated, query) == search_ids(rebuilt, query), query
    vocabulary = Vocabulary.load(generation_dir(updated)).forms
    assert vocabulary == Vocabulary.load(generation_dir(rebuilt)).forms


def test_an_update_reads_only_the_files_that_changed(tmp_path: Path) -> None:
    pieces = paragraphs()
    assert len(pieces) >= 12
    src = tmp_path / "src"
    src.mkdir()
    for i in range(4):
        write(src / f"part{i}.jsonl", pieces[i * 3 : i * 3 + 3])
    first, read = update(src, tmp_path / "index")
    assert first.added == 12 and read == [f"part{i}.jsonl" for i in range(4)]

    # Nothing changed: no file is read, every article stays.
    again, read = update(src, tmp_path / "index")
    assert read == [] and (again.unchanged, again.added, again.removed) == (12, 0, 0)
    assert again.indexed == 12

    # A file added, one changed, one removed: only the added and the changed one are read.
    write(src / "part4.jsonl", pieces[12:])
    write(src / "part1.jsonl", [pieces[3], (pieces[4][0], pieces[4][1] + " Bài đã sửa.")])
    (src / "part2.jsonl").unlink()
    report, read = update(src, tmp_path / "index")
    assert read == ["part1.jsonl", "part4.jsonl"]
    assert report.removed == 4  # part2's three articles and part1's third
    assert report.updated == 1 and report.added == len(pieces) - 12
    assert report.unchanged == 6 + 1  # part0 and part3 unread, part1's first article

    rebuilt, _ = update(src, tmp_path / "rebuilt", rebuild=True)
    assert rebuilt.indexed == report.indexed
    assert_same_index(tmp_path / "index", tmp_path / "rebuilt")
    # Suggestions: none only removed articles held, counts at most one short (a phrase that
    # one earlier article held alone was not listed), and a phrase missing only when the
    # rebuild counts it in exactly two articles.
    got, want = suggestions(tmp_path / "index"), suggestions(tmp_path / "rebuilt")
    assert got.keys() <= want.keys()
    assert all(want[form] - n in (0, 1) for form, n in got.items())
    assert all(want[form] == 2 for form in want.keys() - got.keys())
    assert sum(got[f] == want[f] for f in got) > 0.9 * len(want)
    # A merge rewrites the segments and keeps the counts: an update and a merge give the
    # update's counts (docs/indexing.md, "Phrase counts after updates"), and the articles
    # a rebuild finds.
    assert len(segments(tmp_path / "index")) > 1
    merge_index(tmp_path / "index", everything=True)
    assert len(segments(tmp_path / "index")) == 1
    assert suggestions(tmp_path / "index") == got
    assert_same_index(tmp_path / "index", tmp_path / "rebuilt")


def test_removing_files_gives_the_suggestions_of_a_rebuild(tmp_path: Path) -> None:
    pieces = paragraphs()
    src = tmp_path / "src"
    src.mkdir()
    for i in range(4):
        write(src / f"part{i}.jsonl", pieces[i * 3 : i * 3 + 3])
    update(src, tmp_path / "index")
    before = suggestions(tmp_path / "index")
    (src / "part0.jsonl").unlink()
    (src / "part3.jsonl").unlink()
    report, read = update(src, tmp_path / "index")
    assert read == [] and report.removed == 6
    update(src, tmp_path / "rebuilt", rebuild=True)
    assert_same_index(tmp_path / "index", tmp_path / "rebuilt")
    after = suggestions(tmp_path / "index")
    assert after == suggestions(tmp_path / "rebuilt")
    assert before.keys() - after.keys()  # the removed articles' own phrases are gone


def test_a_file_changed_behind_its_size_and_time_is_read_by_a_rebuild(tmp_path: Path) -> None:
    """Size, modification time and inode decide: a file rewritten in place with its size kept
    and its time set back looks unchanged to an update; ``--rebuild`` reads it."""
    src = tmp_path / "src"
    src.mkdir()
    path = src / "a.jsonl"
    write(path, [("Hội nghị dân vận", "Tổng kết công tác dân vận năm nay ở tỉnh nhà.")])
    stamp = path.stat().st_mtime_ns
    index_dir = tmp_path / "index"
    runner = CliRunner()
    assert runner.invoke(main, ["index", str(src), "--index-dir", str(index_dir)]).exit_code == 0
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("năm nay", "năm kia"), encoding="utf-8")  # same size
    os.utime(path, ns=(stamp, stamp))
    result = runner.invoke(main, ["index", str(src), "--index-dir", str(index_dir)])
    assert "1 unchanged" in result.output
    assert search_ids(index_dir, "kia") == (0, set())
    result = runner.invoke(main, ["index", str(src), "--rebuild", "--index-dir", str(index_dir)])
    assert result.exit_code == 0
    assert search_ids(index_dir, "kia") == (1, {"a-0"})


def test_bad_records_are_reported_on_every_update(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    write(src / "good.jsonl", [("Hội nghị dân vận", "Tổng kết công tác dân vận năm nay.")])
    bad = src / "bad.jsonl"
    bad.write_text('{"id": "x", "title": "Bài", "body": "Nội dung"}\n{broken\n', encoding="utf-8")
    os.utime(bad, ns=(time.time_ns() - HOUR_NS,) * 2)
    index_dir = tmp_path / "index"
    runner = CliRunner()
    for _ in range(2):
        result = runner.invoke(main, ["index", str(src), "--index-dir", str(index_dir)])
        assert result.exit_code == 1
        assert "bad.jsonl:2" in result.output
        assert search_ids(index_dir, "nội dung") == (1, {"x"})
    report, read = update(src, index_dir)
    assert read == ["bad.jsonl"] and report.unchanged == 2


def test_unread_files_keep_their_articles_beside_other_collections(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    write(src / "a.jsonl", [("Hội nghị dân vận", "Tổng kết công tác dân vận năm nay.")])
    write(src / "b.jsonl", [("Bắc Kạn", "Ban Dân vận Tỉnh ủy Bắc Kạn họp bàn.")])
    index_dir = tmp_path / "index"
    update(src, index_dir)
    posted = Article(id="p1", title="Bài gửi", body="Bài gửi qua giao diện lập trình.")
    build_index([posted], index_dir, collection="api", upsert=True, workers=1)
    # An article posted under a file article's id moves it out of the files: that file is
    # read again and its article comes back, the posted one replaced.
    moved = Article(id="b-0", title="Bài thay", body="Bài thay thế qua giao diện lập trình.")
    build_index([moved], index_dir, collection="api", upsert=True, workers=1)
    report, read = update(src, index_dir)
    assert read == ["b.jsonl"]
    assert (report.unchanged, report.updated, report.indexed) == (1, 1, 3)
    assert search_ids(index_dir, "giao diện lập trình") == (1, {"p1"})
    assert search_ids(index_dir, "Bắc Kạn")[1] == {"b-0"}


def test_files_giving_the_same_id_are_read_again_and_the_later_wins(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    first = json.dumps({"id": "x", "title": "Bài đầu", "body": "Hội nghị dân vận tỉnh."})
    later = json.dumps({"id": "x", "title": "Bài sau", "body": "Ban Dân vận Tỉnh ủy Bắc Kạn."})
    for name, line in (("a.jsonl", first), ("b.jsonl", later)):
        (src / name).write_text(line + "\n", encoding="utf-8")
        os.utime(src / name, ns=(time.time_ns() - HOUR_NS,) * 2)
    index_dir = tmp_path / "index"
    report, _ = update(src, index_dir)
    assert report.repeated_ids == ["x"]
    report, read = update(src, index_dir)
    assert read == ["a.jsonl", "b.jsonl"] and report.repeated_ids == ["x"]
    assert search_ids(index_dir, "Bắc Kạn") == (1, {"x"})
    assert search_ids(index_dir, "hội nghị")[0] == 0


def test_the_article_table_is_small_and_read_back_exactly(tmp_path: Path) -> None:
    """The table an update reads instead of every stored article: read back as written, about
    the hash's size per article (it counts against the index's size), refused when it does not
    list the generation's articles or is damaged."""
    from hashlib import blake2b

    from indexer.index.catalog import ARTICLES_FILE, read_articles, write_articles

    table = {
        f"tin-{i:05d}": (i, blake2b(str(i).encode(), digest_size=16).hexdigest(), "files")
        for i in range(2000)
    }
    table["api-1"] = (2000, "0" * 32, "api")
    write_articles(tmp_path, table)
    assert read_articles(tmp_path, len(table)) == table
    assert (tmp_path / ARTICLES_FILE).stat().st_size < 24 * len(table)
    assert read_articles(tmp_path, len(table) + 1) is None
    (tmp_path / ARTICLES_FILE).write_bytes(b"not gzip")
    assert read_articles(tmp_path, len(table)) is None


def test_an_update_keeps_every_word_a_rebuild_suggests(tmp_path: Path) -> None:
    """The vocabulary keeps six accented forms a syllable; the words the suggestions list are
    more: after an update, every one of them is still suggested, with a rebuild's counts."""
    forms = ["lan", "lán", "làn", "lản", "lãn", "lạn", "lăn", "lân"]  # eight forms of "lan"
    src = tmp_path / "src"
    src.mkdir()
    records = [
        (f"Tin số {i}", " ".join(forms[: i + 1]) + " trên đồng lúa xanh ngày mùa")
        for i in range(len(forms))
    ]
    write(src / "ruong.jsonl", records)
    update(src, tmp_path / "index")
    write(src / "them.jsonl", [("Tin thêm", "Nông dân gặt lúa sớm trên đồng")])
    report, read = update(src, tmp_path / "index")
    assert read == ["them.jsonl"] and report.added == 1
    update(src, tmp_path / "rebuilt", rebuild=True)
    after, rebuilt = suggestions(tmp_path / "index"), suggestions(tmp_path / "rebuilt")
    assert {f: after.get(f) for f in forms} == {f: rebuilt[f] for f in forms}
    assert after == rebuilt
