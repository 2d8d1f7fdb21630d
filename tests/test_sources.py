"""Walking sources: files, folders, globs, mixed kinds, and every way a file can be unusable."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import unicodedata
from pathlib import Path

import pytest

from indexer.article import Article, Skipped
from indexer.extract import extract_file, iter_articles
from indexer.extract import sources as sources_module
from indexer.extract.decode import encode_legacy

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
SEED_STEMS = sorted(p.stem for p in SEEDS.glob("*.txt"))
PAGE = "Hà Nội khánh thành cầu mới\n05/04/2022\n\nSáng 5/4, thành phố khánh thành cầu mới.\n"


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder of mixed kinds, entered as the working directory (paths stay relative)."""
    root = tmp_path / "corpus"
    (root / "html" / "2022").mkdir(parents=True)
    (root / ".git").mkdir()
    (root / "b.txt").write_text(PAGE, encoding="utf-8")
    (root / "a.txt").write_text(PAGE.replace("cầu mới", "cầu Long Biên"), encoding="utf-8")
    (root / "html" / "2022" / "trang.html").write_text(
        "<html><head><title>Trang - Báo Mẫu</title></head><body><article><h1>Trang</h1>"
        "<p>Nội dung của trang HTML.</p></article></body></html>",
        encoding="utf-8",
    )
    (root / "html" / "tin.jsonl").write_text(
        json.dumps({"id": "j1", "title": "Tin", "text": "Nội dung tin."}) + "\n", encoding="utf-8"
    )
    (root / ".an.txt").write_text(PAGE, encoding="utf-8")
    (root / "README.md").write_text("# Kho bài\n", encoding="utf-8")
    (root / "README.txt").write_text(PAGE, encoding="utf-8")
    (root / ".git" / "config.txt").write_text(PAGE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return root


def test_folder_is_walked_recursively_in_sorted_order(corpus: Path) -> None:
    items = list(iter_articles(["corpus"]))
    assert [i.path for i in items] == [
        os.path.join("corpus", "a.txt"),
        os.path.join("corpus", "b.txt"),
        os.path.join("corpus", "html", "2022", "trang.html"),
        os.path.join("corpus", "html", "tin.jsonl"),
    ]
    assert all(isinstance(i, Article) for i in items)
    assert [i.id for i in items if isinstance(i, Article)] == ["a", "b", "trang", "j1"]
    # Only a page that names its site has a source: never the folder that holds the file.
    assert [i.source for i in items if isinstance(i, Article)] == [None, None, "Báo Mẫu", None]


def test_paths_are_kept_as_given(corpus: Path) -> None:
    [article] = iter_articles([Path("corpus") / "a.txt"])
    assert article.path == os.path.join("corpus", "a.txt")
    [article] = iter_articles(["./corpus/a.txt"])
    assert article.path == "./corpus/a.txt"
    trailing = [i.path for i in iter_articles(["corpus/html/"])]
    assert trailing == ["corpus/html/2022/trang.html", "corpus/html/tin.jsonl"]


def test_globs_and_mixed_sources(corpus: Path) -> None:
    items = list(iter_articles(["corpus/*.txt", "corpus/**/*.html", "missing.txt", "nope/*.txt"]))
    assert [(type(i).__name__, i.path) for i in items] == [
        ("Article", "corpus/a.txt"),
        ("Article", "corpus/b.txt"),
        ("Article", "corpus/html/2022/trang.html"),
        ("Skipped", "missing.txt"),
        ("Skipped", "nope/*.txt"),
    ]
    assert items[3] == Skipped("missing.txt", "no such file or directory")
    assert items[4] == Skipped("nope/*.txt", "no files match this pattern")


def test_seeds_folder() -> None:
    articles = list(iter_articles([SEEDS]))
    assert [a.id for a in articles if isinstance(a, Article)] == SEED_STEMS
    assert len(articles) == 5


def test_extension_less_files(tmp_path: Path) -> None:
    (tmp_path / "bai-viet").write_text(PAGE, encoding="utf-8")
    (tmp_path / "trang").write_text(
        "<!DOCTYPE html><html><body><article><h1>Tiêu đề</h1><p>Thân bài.</p></article></body>"
        "</html>",
        encoding="utf-8",
    )
    (tmp_path / "du-lieu").write_text(json.dumps({"id": "d1", "text": "Dữ liệu."}) + "\n")
    items = {i.path: i for i in iter_articles([tmp_path])}
    page = items[str(tmp_path / "bai-viet")]
    html = items[str(tmp_path / "trang")]
    data = items[str(tmp_path / "du-lieu")]
    assert isinstance(page, Article) and page.title == "Hà Nội khánh thành cầu mới"
    assert isinstance(html, Article) and (html.title, html.body) == ("Tiêu đề", "Thân bài.")
    assert isinstance(data, Article) and data.id == "d1"


def test_gzipped_text_page(tmp_path: Path) -> None:
    path = tmp_path / "trang.txt.gz"
    path.write_bytes(gzip.compress(PAGE.encode()))
    [article] = extract_file(path)
    assert isinstance(article, Article)
    assert (article.id, article.date) == ("trang", "2022-04-05")


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("rong.txt", b"", "empty file"),
        ("trang.txt", b"  \n\n \t \n", "empty file"),
        ("anh.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(300), "binary file (not text)"),
        ("nhi-phan", bytes(range(256)) * 8, "binary file (not text)"),
        (
            "hong.txt",
            b" ".join(bytes([0xA0 + (i * 7) % 96, 0xA0 + (i * 13) % 96]) for i in range(200)),
            "cannot decode as UTF-8, UTF-16, Windows-1258, TCVN3 or VNI",
        ),
        ("chi-chrome.txt", "Tìm kiếm\n\nTrang chủ\n".encode(), "no article body found"),
        ("anh.png", b"\x89PNG\r\n", "unsupported file type (.png)"),
        ("hong.txt.gz", b"not gzip at all", "not a valid gzip file"),
        ("hong.jsonl", b"{broken\n", "not valid JSON"),
    ],
)
def test_unusable_files_are_skipped_with_the_reason(
    tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    [skipped] = iter_articles([path])
    assert isinstance(skipped, Skipped)
    assert skipped.path == str(path)
    assert skipped.reason.startswith(reason)


def test_file_too_large(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sources_module, "MAX_FILE_BYTES", 2 * 2**20)
    path = tmp_path / "lon.txt"
    path.write_bytes(b"x" * (3 * 2**20 + 2**19))
    [skipped] = iter_articles([path])
    assert skipped == Skipped(str(path), "file too large (3.5 MB, limit 2 MB)")


@pytest.mark.parametrize("encoding", ["cp1258", "tcvn3", "vni", "utf-16"])
def test_legacy_encoded_pages(tmp_path: Path, encoding: str) -> None:
    text = (
        "Hội nghị sơ kết công tác dân vận\nĐăng ngày: 19/04/2017 14:45:42\n\n"
        "Chiều 18/4, tại văn phòng tỉnh, đồng chí chủ tịch đã ký kết chương trình phối hợp.\n"
        "\nBài và ảnh: Bùi Ngọc Tư\n"
    )
    data = text.encode("utf-16") if encoding == "utf-16" else encode_legacy(text, encoding)
    path = tmp_path / f"{encoding}.txt"
    path.write_bytes(data)
    [article] = iter_articles([path])
    assert isinstance(article, Article)
    assert article.title == "Hội nghị sơ kết công tác dân vận"
    assert article.date == "2017-04-19"
    assert article.author == "Bùi Ngọc Tư"
    assert article.body.startswith("Chiều 18/4, tại văn phòng tỉnh")


def test_every_text_field_is_nfc_and_tidy(tmp_path: Path) -> None:
    nfd = unicodedata.normalize("NFD", "Hoà\u00a0bình\n\n\n\nKhoẻ mạnh  \nThuỷ chung ")
    (tmp_path / "nfd.txt").write_text(f"{nfd}\n", encoding="utf-8")
    (tmp_path / "nfd.jsonl").write_text(
        json.dumps({"id": "n", "title": nfd, "text": nfd, "author": nfd, "source": nfd}) + "\n"
    )
    shutil.copy(SEEDS / f"{SEED_STEMS[0]}.txt", tmp_path / "seed.txt")
    articles = [a for a in iter_articles([tmp_path]) if isinstance(a, Article)]
    assert len(articles) == 3
    for article in articles:
        for text in (article.title, article.body, article.author, article.source):
            if text:
                assert unicodedata.is_normalized("NFC", text)
                assert "\xa0" not in text and "\n\n\n" not in text
                assert all(line == line.strip() for line in text.split("\n"))
    jsonl = next(a for a in articles if a.id == "n")
    assert jsonl.title == "Hoà bình Khoẻ mạnh Thuỷ chung"  # tone placement left as written
    assert jsonl.body == "Hoà bình\n\nKhoẻ mạnh\nThuỷ chung"


def test_ids_are_url_safe(tmp_path: Path) -> None:
    (tmp_path / "bài viết số 1.txt").write_text(PAGE, encoding="utf-8")
    (tmp_path / "x.jsonl").write_text(json.dumps({"id": "a/b c?d#e", "text": "Nội dung."}) + "\n")
    assert sorted(a.id for a in iter_articles([tmp_path]) if isinstance(a, Article)) == [
        "a_b_c_d_e",
        "bai_viet_so_1",
    ]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a non-root POSIX user")
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "khoa.txt"
    path.write_text(PAGE, encoding="utf-8")
    path.chmod(0)
    try:
        assert list(iter_articles([path])) == [Skipped(str(path), "permission denied")]
    finally:
        path.chmod(0o644)


def test_a_bad_file_never_stops_the_run(tmp_path: Path) -> None:
    (tmp_path / "1.txt").write_bytes(b"")
    (tmp_path / "2.txt").write_text(PAGE, encoding="utf-8")
    (tmp_path / "3.html").write_bytes(b"<html>" + b"<div>" * 20_000)
    (tmp_path / "4.jsonl").write_bytes(b"[" * 100_000)
    (tmp_path / "5.txt").write_text(PAGE, encoding="utf-8")
    items = list(iter_articles([tmp_path, tmp_path / "nope"]))
    assert [(Path(i.path).name, type(i).__name__) for i in items] == [
        ("1.txt", "Skipped"),
        ("2.txt", "Article"),
        ("3.html", "Skipped"),
        ("4.jsonl", "Skipped"),
        ("5.txt", "Article"),
        ("nope", "Skipped"),
    ]


def test_files_with_the_same_name_in_different_folders_keep_distinct_ids(tmp_path: Path) -> None:
    for year in ("2021", "2022"):
        (tmp_path / year).mkdir()
        (tmp_path / year / "index.txt").write_text(PAGE, encoding="utf-8")
    first, second = iter_articles([tmp_path])
    assert isinstance(first, Article) and isinstance(second, Article)
    assert first.id == "index"
    assert second.id.startswith("index-") and len(second.id) == len("index-") + 8
    # Stable: the same sources give the same ids.
    assert [a.id for a in iter_articles([tmp_path])] == [first.id, second.id]
    # The same file named twice is one article (one id), not two.
    assert [a.id for a in iter_articles([tmp_path / "2021", tmp_path / "2021" / "index.txt"])] == [
        "index",
        "index",
    ]
