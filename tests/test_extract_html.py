"""HTML news pages: metadata from the page, article text without the site around it."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from indexer.article import Article, Skipped
from indexer.extract import extract_file
from indexer.extract.decode import encode_legacy

FULL_PAGE = """<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<title>Hội nghị giao ban công tác dân vận quý I - Báo Bắc Kạn</title>
<meta property="og:title" content="Hội nghị giao ban công tác dân vận quý I">
<meta property="og:site_name" content="Báo Bắc Kạn">
<meta property="og:url" content="https://baobackan.vn/hoi-nghi?utm=x">
<meta property="article:published_time" content="2024-04-04T08:30:00+07:00">
<meta name="author" content="La Hương Thiệp">
<link rel="canonical" href="https://baobackan.vn/hoi-nghi-giao-ban.html">
<style>.x { color: red }</style>
<script>var label = "Tin khác";</script>
</head>
<body>
<header><nav><a href="/">Trang chủ</a> <a href="/chinh-tri">Chính trị</a></nav>
<form><input name="q"><button>Tìm kiếm</button></form></header>
<div class="container">
<article>
<div class="breadcrumb">Trang chủ › Chính trị</div>
<h1>Hội nghị giao ban công tác dân vận quý I</h1>
<div class="meta"><span class="date">Thứ năm, 04/04/2024 08:30</span>
<span class="author">La Hương Thiệp</span></div>
<div class="share"><a>Facebook</a><a>Zalo</a></div>
<p>Sáng 04/4, Ban Dân vận Tỉnh ủy tổ chức hội nghị giao ban công tác dân vận quý I.</p>
<!-- quảng cáo giữa bài -->
<p>Trong quý I, công tác dân vận đạt <strong>những kết quả</strong> quan trọng.<br>
Các đơn vị chủ động triển khai.</p>
<figure><img src="a.jpg"><figcaption>Toàn cảnh hội nghị</figcaption></figure>
<div class="box-tinlienquan"><h3>Tin liên quan</h3><ul><li><a>Bài khác 1</a></li></ul></div>
<p>Phát biểu chỉ đạo, đồng chí Phương Thị Thanh ghi nhận những kết quả đạt được.</p>
<h3>Tin khác</h3>
<ul><li><a>Tin khác 1</a></li><li><a>Tin khác 2</a></li></ul>
</article>
<aside><h3>Đọc nhiều</h3>
<p>Một bài rất dài trong cột bên không thuộc bài viết này chút nào.</p></aside>
</div>
<footer><p>Bản quyền thuộc Báo Bắc Kạn</p></footer>
</body></html>
"""

BARE_PAGE = """<html><head>
<title>Ký kết chương trình phối hợp | Cổng thông tin huyện Phong Điền</title></head>
<body><table><tr>
<td class="menu"><a>Trang chủ</a><a>Giới thiệu</a><a>Tin tức</a></td>
<td><div id="left"><p>Liên kết website</p><p>Thống kê truy cập: 4.045.920</p></div>
<div id="ct">
<b>Ký kết chương trình phối hợp công tác Dân vận giai đoạn 2021-2025</b>
<div><i>Ngày cập nhật 11/09/2021</i></div>
<p>Sáng ngày 10/9, Ban Dân vận Huyện ủy Phong Điền tổ chức hội nghị sơ kết chương trình.</p>
<p>Các cơ quan, đơn vị phối hợp đã bám sát nội dung trong quy chế để tổ chức thực hiện.</p>
<p>Văn Bốn (Trung tâm VHTT-TT huyện)</p>
</div></td></tr></table>
</body></html>
"""


def extract_one(path: Path) -> Article | Skipped:
    [item] = extract_file(path)
    return item


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


def test_full_page_metadata_and_clean_body(tmp_path: Path) -> None:
    article = extract_one(write(tmp_path, "hoi-nghi.html", FULL_PAGE))
    assert article == Article(
        id="hoi-nghi",
        title="Hội nghị giao ban công tác dân vận quý I",
        body=(
            "Sáng 04/4, Ban Dân vận Tỉnh ủy tổ chức hội nghị giao ban công tác dân vận quý I.\n\n"
            "Trong quý I, công tác dân vận đạt những kết quả quan trọng.\n"
            "Các đơn vị chủ động triển khai.\n\n"
            "Toàn cảnh hội nghị\n\n"
            "Phát biểu chỉ đạo, đồng chí Phương Thị Thanh ghi nhận những kết quả đạt được."
        ),
        date="2024-04-04",
        author="La Hương Thiệp",
        source="Báo Bắc Kạn",
        path=str(tmp_path / "hoi-nghi.html"),
        url="https://baobackan.vn/hoi-nghi-giao-ban.html",
    )


def test_page_without_metadata_falls_back_to_what_it_shows(tmp_path: Path) -> None:
    article = extract_one(write(tmp_path, "ky-ket.htm", BARE_PAGE))
    assert isinstance(article, Article)
    assert article.title == "Ký kết chương trình phối hợp công tác Dân vận giai đoạn 2021-2025"
    assert article.source == "Cổng thông tin huyện Phong Điền"
    assert article.date == "2021-09-11"
    assert article.author == "Văn Bốn (Trung tâm VHTT-TT huyện)"
    assert article.url is None
    assert article.body == (
        "Sáng ngày 10/9, Ban Dân vận Huyện ủy Phong Điền tổ chức hội nghị sơ kết chương trình."
        "\n\nCác cơ quan, đơn vị phối hợp đã bám sát nội dung trong quy chế để tổ chức thực hiện."
    )


def test_schema_org_markup(tmp_path: Path) -> None:
    page = """<html><head><title>Bài viết</title></head><body>
    <div class="wrapper"><div itemprop="articleBody">
    <h1 itemprop="headline">Mưa lớn ở miền Trung</h1>
    <time itemprop="datePublished" datetime="2023-10-15T06:00:00+07:00">15/10/2023</time>
    <span itemprop="author" itemscope><span itemprop="name">Trần Minh</span></span>
    <p>Mưa lớn kéo dài gây ngập nhiều nơi ở các tỉnh miền Trung trong hai ngày qua.</p>
    </div><div class="sidebar"><p>Quảng cáo dài không liên quan đến bài viết bên trên.</p></div>
    </div></body></html>"""
    article = extract_one(write(tmp_path, "mua.html", page))
    assert isinstance(article, Article)
    assert (article.title, article.date, article.author) == (
        "Mưa lớn ở miền Trung",
        "2023-10-15",
        "Trần Minh",
    )
    assert article.body == (
        "Mưa lớn kéo dài gây ngập nhiều nơi ở các tỉnh miền Trung trong hai ngày qua."
    )
    assert article.source is None  # the page names no site; a folder name is not one


def test_truncated_html_keeps_what_arrived(tmp_path: Path) -> None:
    cut = "<html><body><article><h1>Tiêu đề bài</h1><p>Đoạn một đầy đủ.</p><p>Đoạn hai bị cắt giữ"
    article = extract_one(write(tmp_path, "cut.html", cut))
    assert isinstance(article, Article)
    assert article.title == "Tiêu đề bài"
    assert article.body == "Đoạn một đầy đủ.\n\nĐoạn hai bị cắt giữ"


@pytest.mark.parametrize(
    "page",
    [
        "<html><head><title>Trang chủ</title></head></html>",
        "<html><head><title>Trang chủ</title></head><body><nav><a>Trang chủ</a></nav>"
        "<script>var x = 'Nội dung';</script><!-- <p>bình luận</p> --></body></html>",
        "<html><body><form><p>Tìm kiếm</p><input></form></body></html>",
    ],
)
def test_page_without_an_article_is_skipped(tmp_path: Path, page: str) -> None:
    path = write(tmp_path, "trang-chu.html", page)
    assert extract_one(path) == Skipped(str(path), "no article body found")


def test_ten_thousand_levels_of_nesting(tmp_path: Path) -> None:
    depth = 10_000
    page = (
        "<html><head><title>Bài lồng sâu - Báo Thử</title></head><body>"
        + "<div>" * depth
        + "<p>Đoạn văn nằm rất sâu trong trang vẫn được đọc ra.</p>"
        + "</div>" * depth
        + "</body></html>"
    )
    article = extract_one(write(tmp_path, "sau.html", page))
    assert isinstance(article, Article)
    assert article.title == "Bài lồng sâu"
    assert article.body == "Đoạn văn nằm rất sâu trong trang vẫn được đọc ra."


def test_unclosed_deep_nesting_does_not_crash(tmp_path: Path) -> None:
    page = "<html><body>" + "<div><span>" * 10_000 + "Chữ cuối cùng của trang"
    article = extract_one(write(tmp_path, "mo.html", page))
    assert isinstance(article, Article)
    assert article.body == "Chữ cuối cùng của trang"


def test_windows_1258_page(tmp_path: Path) -> None:
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1258">'
        "<title>Tiếng Việt</title></head><body><article><h1>Tiếng Việt</h1>"
        "<p>Người dân ở đó rất hiếu khách, đường phố đông đúc.</p></article></body></html>"
    )
    article = extract_one(write(tmp_path, "cp1258.html", encode_legacy(page, "cp1258")))
    assert isinstance(article, Article)
    assert article.title == "Tiếng Việt"
    assert article.body == "Người dân ở đó rất hiếu khách, đường phố đông đúc."


def test_decomposed_page_comes_out_nfc(tmp_path: Path) -> None:
    article = extract_one(write(tmp_path, "nfd.html", unicodedata.normalize("NFD", FULL_PAGE)))
    expected = extract_one(write(tmp_path, "nfc.html", FULL_PAGE))
    assert isinstance(article, Article) and isinstance(expected, Article)
    assert (article.title, article.body, article.author, article.source) == (
        expected.title,
        expected.body,
        expected.author,
        expected.source,
    )


def test_entities_and_non_breaking_spaces(tmp_path: Path) -> None:
    page = (
        "<html><body><article><h1>Gi&aacute; x&#259;ng&nbsp;t&#259;ng</h1>"
        "<p>Gi&aacute;&nbsp;x&#259;ng&nbsp;&nbsp;t&#259;ng &amp; "
        "gi&aacute; d&#7847;u gi&#7843;m.</p>"
        "</article></body></html>"
    )
    article = extract_one(write(tmp_path, "gia.html", page))
    assert isinstance(article, Article)
    assert article.title == "Giá xăng tăng"
    assert article.body == "Giá xăng tăng & giá dầu giảm."


def test_teaser_articles_do_not_hide_the_story(tmp_path: Path) -> None:
    teasers = "".join(
        f"<article><h3>Tin {n}</h3><p>Tóm tắt ngắn của tin số {n} trong danh sách.</p></article>"
        for n in range(5)
    )
    story = "".join(
        f"<p>Đoạn {n} của bài chính kể lại diễn biến hội nghị và các ý kiến phát biểu.</p>"
        for n in range(6)
    )
    page = (
        "<html><head><title>Bài chính - Báo Mẫu</title></head><body>"
        f'<div class="post"><h1>Bài chính</h1>{story}</div>'
        f'<div class="list">{teasers}</div></body></html>'
    )
    article = extract_one(write(tmp_path, "chinh.html", page))
    assert isinstance(article, Article)
    assert article.title == "Bài chính"
    assert article.body.startswith("Đoạn 0 của bài chính")
    assert article.body.count("\n\n") == 5
    assert "Tóm tắt" not in article.body


def test_site_logo_and_commenters_are_not_headline_or_author(tmp_path: Path) -> None:
    page = (
        "<html><head><title>Giá lúa tăng mạnh - Báo Mẫu</title></head><body>"
        '<header><h1 class="logo"><a href="/">Báo Mẫu</a></h1></header>'
        '<div class="content-detail"><p>Giá lúa tại đồng bằng sông Cửu Long tăng mạnh trong '
        "tuần qua, nông dân phấn khởi.</p></div>"
        '<div class="comments"><div class="comment-item"><span class="comment-author">'
        "Nguyễn Văn Bình</span><p>Mong giá giữ được lâu.</p></div></div>"
        "</body></html>"
    )
    article = extract_one(write(tmp_path, "lua.html", page))
    assert isinstance(article, Article)
    assert (article.title, article.source, article.author) == ("Giá lúa tăng mạnh", "Báo Mẫu", None)
    assert article.body == (
        "Giá lúa tại đồng bằng sông Cửu Long tăng mạnh trong tuần qua, nông dân phấn khởi."
    )
