"""Sources readers understand (indexer.extract.sitename): a site's own name from the page, or
the operator's; never a folder name or a file path on a page."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer import Article, Engine, build_index, iter_articles
from indexer.cli import main
from indexer.extract import extract_file
from indexer.extract.sitename import FOLDER_FILE, site_name_line
from indexer.extract.textpage import extract_textpage
from tests.conftest import SEEDS
from webui import create_app

BODY = (
    "Sáng ngày 10/9, Ban Dân vận Huyện ủy tổ chức hội nghị sơ kết việc thực hiện chương trình "
    "phối hợp công tác dân vận giữa Ban Dân vận Huyện ủy với các cơ quan liên quan, giai đoạn "
    "2017-2020 và ký kết chương trình phối hợp thực hiện, giai đoạn 2021-2025."
)


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("Cổng thông tin điện tử huyện Phong Điền", "Cổng thông tin điện tử huyện Phong Điền"),
        ("Cổng TTĐT tỉnh Bắc Kạn", "Cổng TTĐT tỉnh Bắc Kạn"),
        ("Trang thông tin điện tử xã Phong Hải", "Trang thông tin điện tử xã Phong Hải"),
        ("Cổng thông tin điện tử Chính phủ", "Cổng thông tin điện tử Chính phủ"),
        ("Báo điện tử Chính phủ", "Báo điện tử Chính phủ"),
        ("BÁO BẮC KẠN", "BÁO BẮC KẠN"),
        ("Báo  Nhân Dân ", "Báo Nhân Dân"),
        ("Đài Phát thanh và Truyền hình Bắc Kạn", "Đài Phát thanh và Truyền hình Bắc Kạn"),
        # Headlines and sentences that begin like a name are not one.
        ("Báo động tình trạng ngập lụt", None),
        ("Báo Mỹ đưa tin về cơn bão", None),
        ("Báo cáo kết quả năm 2021", None),
        ("Báo Bắc Kạn: tin mới nhất", None),
        ("báo Bắc Kạn", None),
        ("Cổng thông tin điện tử tỉnh Bắc Kạn đã đăng tải thông báo mới về việc tuyển dụng", None),
        ("Tin tức", None),
    ],
)
def test_site_name_line(line: str, name: str | None) -> None:
    assert site_name_line(line) == name


def test_the_portal_name_heading_a_text_page_is_its_source() -> None:
    page = (
        "Cổng thông tin điện tử huyện Phong Điền\n\nTìm kiếm\n\n"
        "Ký kết chương trình phối hợp công tác Dân vận giai đoạn 2021-2025\n"
        f"Ngày cập nhật 11/09/2021\n\n{BODY}\n"
    )
    article = extract_textpage(page, article_id="x", path="x.txt", source="Tên do người vận hành")
    assert isinstance(article, Article)
    assert article.source == "Cổng thông tin điện tử huyện Phong Điền"
    assert article.title == "Ký kết chương trình phối hợp công tác Dân vận giai đoạn 2021-2025"
    assert "Cổng thông tin" not in article.body


def test_the_portal_name_is_never_the_headline() -> None:
    page = f"BÁO BẮC KẠN\n\nKý kết chương trình phối hợp công tác dân vận\n\n{BODY}\n"
    article = extract_textpage(page, article_id="x", path="x.txt")
    assert isinstance(article, Article)
    assert (article.title, article.source) == (
        "Ký kết chương trình phối hợp công tác dân vận",
        "BÁO BẮC KẠN",
    )


def test_a_page_without_a_name_keeps_the_operators() -> None:
    page = f"Ký kết chương trình phối hợp công tác dân vận\n\n{BODY}\n"
    article = extract_textpage(page, article_id="x", path="x.txt", source="Báo Mẫu")
    assert isinstance(article, Article) and article.source == "Báo Mẫu"


def text_page(title: str) -> str:
    return f"{title}\n\n05/04/2022\n\n{BODY}\n"


@pytest.fixture
def sites(tmp_path: Path) -> Path:
    """kho/ with a .timkiem-source; kho/huyen/ with its own; kho/khac/ without one; an HTML
    page naming its own site; a .timkiem-source in the folder above (never read)."""
    (tmp_path / FOLDER_FILE).write_text("Tên ở ngoài\n", encoding="utf-8")
    root = tmp_path / "kho"
    for sub in ("huyen", "khac"):
        (root / sub).mkdir(parents=True)
    (root / FOLDER_FILE).write_text("\ufeff  Báo Bắc Kạn  \n(ghi chú)\n", encoding="utf-8")
    (root / "huyen" / FOLDER_FILE).write_text("Cổng thông tin huyện Phong Điền", encoding="utf-8")
    (root / "a.txt").write_text(text_page("Bài ở thư mục gốc"), encoding="utf-8")
    (root / "huyen" / "b.txt").write_text(text_page("Bài của huyện"), encoding="utf-8")
    (root / "khac" / "c.txt").write_text(text_page("Bài ở thư mục con"), encoding="utf-8")
    (root / "khac" / "d.html").write_text(
        '<html><head><meta property="og:site_name" content="Báo Nhân Dân">'
        f"<title>Bài có tên trang</title></head><body><article><p>{BODY}</p></article></body>"
        "</html>",
        encoding="utf-8",
    )
    return root


def sources_of(items) -> dict[str, str | None]:
    return {os.path.basename(a.path): a.source for a in items if isinstance(a, Article)}


def test_a_folder_names_its_articles_and_the_nearest_name_wins(sites: Path) -> None:
    assert sources_of(iter_articles([sites])) == {
        "a.txt": "Báo Bắc Kạn",  # one line, tidied, the rest of the file ignored
        "b.txt": "Cổng thông tin huyện Phong Điền",
        "c.txt": "Báo Bắc Kạn",  # the folder above it
        "d.html": "Báo Nhân Dân",  # the page's own name first
    }


def test_the_operators_name_fills_in_where_nothing_else_names_the_site(sites: Path) -> None:
    (sites / FOLDER_FILE).unlink()
    assert sources_of(iter_articles([sites], source=" Báo Mẫu ")) == {
        "a.txt": "Báo Mẫu",
        "b.txt": "Cổng thông tin huyện Phong Điền",
        "c.txt": "Báo Mẫu",
        "d.html": "Báo Nhân Dân",
    }
    # Never the folder above the one given, never a folder name.
    assert sources_of(iter_articles([sites])) == {
        "a.txt": None,
        "b.txt": "Cổng thông tin huyện Phong Điền",
        "c.txt": None,
        "d.html": "Báo Nhân Dân",
    }


def test_files_and_globs_read_their_own_folder(sites: Path) -> None:
    [article] = extract_file(sites / "huyen" / "b.txt")
    assert isinstance(article, Article) and article.source == "Cổng thông tin huyện Phong Điền"
    [article] = extract_file(sites / "khac" / "c.txt", source="Báo Mẫu")
    assert isinstance(article, Article) and article.source == "Báo Mẫu"
    found = sources_of(iter_articles([str(sites / "*" / "*.txt")]))
    assert found == {"b.txt": "Cổng thông tin huyện Phong Điền", "c.txt": None}


def test_timkiem_index_source_names_the_articles(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    result = CliRunner().invoke(
        main, ["index", str(SEEDS), "--source", "Báo Bắc Kạn", "--index-dir", str(index_dir)]
    )
    assert result.exit_code == 0, result.output
    page = Engine(index_dir).search("dân vận")
    assert page.hits and {hit.source for hit in page.hits} == {"Báo Bắc Kạn"}
    assert page.facets["source"] == [
        {"value": "Báo Bắc Kạn", "label": "Báo Bắc Kạn", "count": page.total}
    ]


def test_pages_never_show_a_folder_name_or_a_file_path(tmp_path: Path) -> None:
    folder = tmp_path / "kho-noi-bo"
    folder.mkdir()
    (folder / "bai-mat.txt").write_text(text_page("Ký kết chương trình dân vận"), encoding="utf-8")
    index_dir = tmp_path / "index"
    build_index(iter_articles([folder]), index_dir, workers=1)
    client = create_app({"TESTING": True, "INDEX_DIR": str(index_dir)}).test_client()
    api = client.get("/api/search?q=dân vận").get_json()
    [hit] = api["results"]
    assert "path" not in hit  # the API answers every site (API_PATHS is off)
    assert hit["source"] is None and api["facets"]["source"] == []
    for url in ("/?q=dân vận", f"/article/{hit['id']}?q=dân vận", "/?q=&year=2022"):
        html = client.get(url).get_data(as_text=True)
        assert "Ký kết chương trình dân vận" in html
        for internal in ("kho-noi-bo", ".txt", str(tmp_path)):
            assert internal not in html, (url, internal)
        # The id (the file's stem) is in links, as the article's address, never in the text.
        assert "bai-mat" not in re.sub(r"<[^>]*>", " ", html), url


def test_the_api_keeps_the_path_for_operators_who_ask(seed_index: Path) -> None:
    config = {"TESTING": True, "INDEX_DIR": str(seed_index), "API_PATHS": True}
    client = create_app(config).test_client()
    data = json.loads(client.get("/api/search?q=bac kan").get_data(as_text=True))
    assert data["results"][0]["path"].endswith(".txt")
