"""JSON Lines and JSON documents: field names, bad lines, the BEIR and VNTC layouts, gzip."""

from __future__ import annotations

import gzip
import itertools
import json
from pathlib import Path

import pytest

from indexer.article import Article, Skipped
from indexer.extract import extract_file, iter_articles
from indexer.extract import sources as sources_module
from tests.conftest import shared_data


def jsonl(*records: object) -> str:
    return "".join(
        (r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in records
    )


def test_bad_lines_are_skipped_one_by_one_and_the_rest_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "tin.jsonl"
    path.write_text(
        jsonl(
            {"id": "a1", "title": "Tin một", "body": "Nội dung tin một."},
            "{not json",
            {"id": "a3", "title": "Tin ba không có nội dung"},
            "",
            ["một", "mảng"],
            {"id": "a6", "title": "Tin sáu", "text": "Nội dung tin sáu."},
            {"id": "a7", "title": "Tin bảy", "content": "   \n  "},
        ),
        encoding="utf-8",
    )
    items = extract_file(path)
    assert [(type(i).__name__, i.line) for i in items] == [
        ("Article", 1),
        ("Skipped", 2),
        ("Skipped", 3),
        ("Skipped", 5),
        ("Article", 6),
        ("Skipped", 7),
    ]
    skipped = [i for i in items if isinstance(i, Skipped)]
    assert skipped[0].reason.startswith("not valid JSON")
    assert str(skipped[0]).startswith(f"{path}:2: not valid JSON")
    assert skipped[1] == Skipped(str(path), "no body text", 3)
    assert skipped[2] == Skipped(str(path), "not a JSON object", 5)
    assert skipped[3] == Skipped(str(path), "no body text", 7)


def test_field_names_and_normalisation(tmp_path: Path) -> None:
    record = {
        "_id": "bài viết/12",
        "headline": "  Hoà\u00a0bình  ",
        "content": ["Đoạn một.", "Đoạn  hai\u00a0 có khoảng trắng.  "],
        "published_at": "05/04/2022 19:07",
        "authors": ["Văn Tiến", {"name": "Minh Anh"}],
        "publisher": {"name": "Báo Mẫu"},
        "link": "https://example.vn/bai-12",
    }
    path = tmp_path / "mau.ndjson"
    path.write_text(jsonl(record), encoding="utf-8")
    assert extract_file(path) == [
        Article(
            id="bai_viet_12",
            title="Hoà bình",
            body="Đoạn một.\n\nĐoạn hai có khoảng trắng.",
            date="2022-04-05",
            author="Văn Tiến, Minh Anh",
            source="Báo Mẫu",
            path=str(path),
            line=1,
            url="https://example.vn/bai-12",
        )
    ]


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2022-04-05", "2022-04-05"),
        ("2022-04-05T19:07:00+07:00", "2022-04-05"),
        ("5/4/2022", "2022-04-05"),
        ("Thứ ba, 05/04/2022 - 19:07", "2022-04-05"),
        ("Tue, 05 Apr 2022 19:07:00 +0700", "2022-04-05"),
        (1649160420, "2022-04-05"),
        (1649160420000, "2022-04-05"),
        ("hôm qua", None),
        ("31/02/2022", None),
    ],
)
def test_dates_are_normalised_to_iso(tmp_path: Path, value: object, iso: str | None) -> None:
    path = tmp_path / "d.jsonl"
    path.write_text(jsonl({"id": 1, "title": "T", "text": "Nội dung.", "date": value}))
    [article] = extract_file(path)
    assert isinstance(article, Article)
    assert article.date == iso
    assert article.id == "1"


def test_beir_layout(tmp_path: Path) -> None:
    path = tmp_path / "corpus.jsonl"
    path.write_text(
        jsonl({"_id": "vinewsqa-dev-0000-00", "title": "Uống rượu vang", "text": "Resveratrol."}),
        encoding="utf-8",
    )
    [article] = extract_file(path)
    assert isinstance(article, Article)
    assert (article.id, article.title, article.body) == (
        "vinewsqa-dev-0000-00",
        "Uống rượu vang",
        "Resveratrol.",
    )
    assert article.source is None  # never the folder's name


def test_vntc_layout(tmp_path: Path) -> None:
    text = (
        "Mạo hiểm rừng Đa Mi Cuộc hành quân khám phá thác sương mù Ẩn mình trong cánh rừng Đa "
        "Mi (Hàm Thuận Bắc, Bình Thuận) bạt ngàn là hồ thủy điện Đa Mi đẹp như một nàng công "
        "chúa...\nXuyên rừng vào thác sương mù \nTrời đã về chiều khi chúng tôi đến nơi. "
    )
    records = [
        {
            "id": "test/Chinh tri Xa hoi/XH_NLD_T_ (8962)",
            "split": "test",
            "topic": "Chinh tri Xa hoi",
            "source": "Nguoi Lao Dong",
            "file": "XH_NLD_T_ (8962).txt",
            "text": text,
        },
        {
            "id": "train/The thao/TT_VNE (1)",
            "source": None,
            "text": "Hàng Tết sẽ đắt đỏ\nGiá tăng.",
        },
    ]
    path = tmp_path / "vntc" / "vntc_10topics.jsonl.gz"
    path.parent.mkdir()
    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.write(jsonl(*records))
    first, second = extract_file(path)
    assert isinstance(first, Article) and isinstance(second, Article)
    assert first.id == "test_Chinh_tri_Xa_hoi_XH_NLD_T___8962_"
    assert first.title == "Mạo hiểm rừng Đa Mi"
    assert first.body == text.replace(" \n", "\n").strip()  # the whole text, tidied
    assert first.source == "Nguoi Lao Dong"
    assert (second.title, second.source, second.line) == ("Hàng Tết sẽ đắt đỏ", None, 2)


def test_records_without_an_id_get_file_stem_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bao-moi.jsonl"
    path.write_text(jsonl({"title": "A", "text": "x"}, {"title": "B", "text": "y"}))
    assert [a.id for a in extract_file(path) if isinstance(a, Article)] == [
        "bao-moi-1",
        "bao-moi-2",
    ]


def test_json_array_and_documents(tmp_path: Path) -> None:
    array = tmp_path / "mang.json"
    array.write_text(
        json.dumps([{"id": "x1", "title": "Một", "body": "Thân một."}, {"title": "Hai"}]),
        encoding="utf-8",
    )
    wrapped = tmp_path / "boc.json"
    wrapped.write_text(json.dumps({"articles": [{"title": "Ba", "text": "Thân ba."}]}))
    single = tmp_path / "mot-bai.json"
    single.write_text(json.dumps({"title": "Bốn", "text": "Thân bốn."}))
    first, second = extract_file(array)
    assert isinstance(first, Article) and first.id == "x1" and first.line is None
    assert second == Skipped(str(array), "item 2: no body text")
    [third] = extract_file(wrapped)
    assert isinstance(third, Article) and (third.id, third.title) == ("boc-1", "Ba")
    [fourth] = extract_file(single)
    assert isinstance(fourth, Article) and (fourth.id, fourth.body) == ("mot-bai", "Thân bốn.")


def test_json_file_holding_json_lines(tmp_path: Path) -> None:
    path = tmp_path / "dong.json"
    path.write_text(jsonl({"id": "1", "text": "Một."}, {"id": "2", "text": "Hai."}))
    assert [a.id for a in extract_file(path) if isinstance(a, Article)] == ["1", "2"]


def test_html_in_a_body_field_is_flattened(tmp_path: Path) -> None:
    path = tmp_path / "cms.jsonl"
    path.write_text(jsonl({"id": "c", "title": "T", "body": "<p>Đoạn <b>một</b>.</p><p>Hai.</p>"}))
    [article] = extract_file(path)
    assert isinstance(article, Article) and article.body == "Đoạn một.\n\nHai."


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty file"),
        (b'[{"id": 1, "text": ', "not valid JSON"),
        (b'{"version": 2}', "no article records found in the JSON document"),
    ],
)
def test_unusable_json_documents(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "hong.json"
    path.write_bytes(content)
    [skipped] = extract_file(path)
    assert isinstance(skipped, Skipped)
    assert skipped.reason.startswith(reason)


def test_invalid_utf8_line_is_skipped_alone(tmp_path: Path) -> None:
    path = tmp_path / "ma.jsonl"
    path.write_bytes(
        b'{"id": "1", "text": "M\xe1\xbb\x99t."}\n{"id": "2", "text": "Hai \xe0 la."}\n'
        b'{"id": "3", "text": "Ba."}\n'
    )
    items = extract_file(path)
    assert [type(i).__name__ for i in items] == ["Article", "Skipped", "Article"]
    assert items[1] == Skipped(str(path), "not UTF-8 text (JSON Lines must be UTF-8)", 2)


def test_gzip_streams_record_by_record(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # With a 4 kB limit a file read whole would be refused; JSON Lines stream line by line.
    monkeypatch.setattr(sources_module, "MAX_FILE_BYTES", 4096)
    path = tmp_path / "lon.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as f:
        for n in range(2000):
            f.write(json.dumps({"id": n, "title": f"Tin {n}", "text": "Nội dung " * 20}) + "\n")
    articles = list(iter_articles([path]))
    assert len(articles) == 2000
    assert all(isinstance(a, Article) for a in articles)
    assert articles[-1].line == 2000


def test_truncated_gzip_keeps_the_records_before_the_damage(tmp_path: Path) -> None:
    path = tmp_path / "cut.jsonl.gz"
    data = gzip.compress(
        "".join(
            json.dumps({"id": n, "text": f"Tin số {n} " * 50}) + "\n" for n in range(500)
        ).encode()
    )
    path.write_bytes(data[: len(data) // 2])
    items = extract_file(path)
    articles = [i for i in items if isinstance(i, Article)]
    assert 0 < len(articles) < 500
    assert isinstance(items[-1], Skipped)
    assert items[-1].reason.startswith(f"cannot read past line {len(articles)}")


def test_not_a_gzip_file(tmp_path: Path) -> None:
    path = tmp_path / "gia.jsonl.gz"
    path.write_text('{"id": 1, "text": "không nén"}\n')
    [skipped] = extract_file(path)
    assert isinstance(skipped, Skipped)
    assert skipped.reason.startswith("not a valid gzip file")


def test_real_vntc_file_first_records() -> None:
    path = shared_data("vntc", "vntc_10topics.jsonl.gz")
    head = list(itertools.islice(iter_articles([path]), 200))
    assert all(isinstance(a, Article) for a in head)
    articles = [a for a in head if isinstance(a, Article)]
    assert all(a.title and a.body and len(a.title) < 200 for a in articles)
    assert articles[0].title == "Mạo hiểm rừng Đa Mi"
    assert len({a.id for a in articles}) == len(articles)


def test_real_vinewsqa_corpus() -> None:
    items = list(iter_articles([shared_data("vinewsqa", "corpus.jsonl")]))
    assert len(items) == 500
    assert all(isinstance(a, Article) for a in items)
    first = items[0]
    assert isinstance(first, Article)
    assert (first.id, first.title) == (
        "vinewsqa-dev-0000-00",
        "Uống rượu vang đỏ có thể giảm huyết áp cao",
    )


def test_a_broken_pretty_printed_document_is_one_skip(tmp_path: Path) -> None:
    path = tmp_path / "dep.json"
    path.write_text('{\n  "id": "1",\n  "text": "Nội dung"\n  "title": "thiếu dấu phẩy"\n}\n')
    [skipped] = extract_file(path)
    assert isinstance(skipped, Skipped)
    assert skipped.reason.startswith("not valid JSON")
