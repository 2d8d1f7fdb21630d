"""Scraped news pages as plain text: headline, date, byline and article text, chrome left out."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from indexer.article import Article, Skipped
from indexer.extract import extract_file
from indexer.extract.textpage import extract_textpage, headline_from_lead

SEEDS = Path(__file__).resolve().parents[1] / "seeds"

# (file stem, title, date, author) as a reader of each page would give them.
SEED_HEADERS = [
    (
        "000_222d88ab3d04865c",
        "Tiếp tục phối hợp chặt chẽ, hiệu quả trong công tác dân vận",
        "2022-04-05",
        None,
    ),
    (
        "001_998b4d35eb2d74ad",
        "Hội nghị trực tuyến sơ kết công tác dân vận chính quyền 6 tháng đầu năm 2018",
        "2018-08-01",
        "Văn Tiến",
    ),
    (
        "002_81b378ff2d50ff43",
        "Giao ban công tác dân vận quý I/2024 và sơ kết 01 năm thực hiện Đề án số 06-ĐA/TU",
        None,
        "La Hương Thiệp, Ban Dân vận Tỉnh ủy",
    ),
    (
        "003_048c7ab740fc0ea3",
        "BAN CÁN SỰ ĐẢNG UBND TỈNH VÀ BAN DÂN VẬN TỈNH ỦY KÝ KẾT CHƯƠNG TRÌNH PHỐI HỢP",
        "2017-04-19",
        "Bùi Ngọc Tư",
    ),
    (
        "004_d69ba35cc339d1c2",
        "Ký kết chương trình phối hợp công tác Dân vận giai đoạn 2021-2025",
        "2021-09-11",
        "Văn Bốn (Trung tâm VHTT-TT huyện)",
    ),
]

# (file stem, how the body starts, how it ends, text that must not be in it)
SEED_BODIES = [
    (
        "000_222d88ab3d04865c",
        "Chiều 5-4, đồng chí Trịnh Việt Hùng",
        "gắn với thực hiện các phong trào thi đua yêu nước…",
        ["19:07", "05/04/2022"],
    ),
    (
        "001_998b4d35eb2d74ad",
        "Ngày 30/7/2018, đồng chí Lê Văn Bình",
        "trong thực hiện nhiệm vụ công tác dân vận chính quyền./.",
        ["Chính trị - Xã hội", "01/08/2018", "Tin đã đưa", "(19/02)", "(11/02)", "Văn Tiến"],
    ),
    (
        "002_81b378ff2d50ff43",
        "Sáng 04/4, Ban Dân vận Tỉnh ủy phối hợp",
        "tự kiểm tra việc tổ chức triển khai thực hiện nhiệm vụ.",
        ["Bài trước", "Bài tiếp theo", "La Hương Thiệp", "Hội nghị Ban Thường vụ Tỉnh ủy"],
    ),
    (
        "003_048c7ab740fc0ea3",
        "Chiều 18/4, tại Văn phòng UBND tỉnh",
        "đáp ứng yêu cầu nhiệm vụ./.",
        ["19.4.2017.2", "Đăng ngày", "Bài và ảnh", "Bùi Ngọc Tư"],
    ),
    (
        "004_d69ba35cc339d1c2",
        "Sáng ngày 10/9, Ban Dân vận Huyện ủy Phong Điền",
        "Đồn Biên phòng Phong Hải, giai đoạn 2021 - 2025.",
        [
            "Tìm kiếm",
            "Chung nhan",
            "Ngày cập nhật",
            "Văn Bốn",
            "Tin Khác",
            "Xem tin theo ngày",
            "Thống kê truy cập",
            "Tổng truy cập",
            "Hiện tại 247 khách",
        ],
    ),
]


def seed(stem: str) -> Article:
    [article] = extract_file(SEEDS / f"{stem}.txt")
    assert isinstance(article, Article), article
    return article


@pytest.mark.parametrize(("stem", "title", "date", "author"), SEED_HEADERS)
def test_seed_headline_date_and_byline(
    stem: str, title: str, date: str | None, author: str | None
) -> None:
    article = seed(stem)
    assert (article.title, article.date, article.author) == (title, date, author)
    assert article.id == stem
    assert article.source is None  # the page names no site; the folder "seeds" is not one
    assert article.line is None and article.url is None


@pytest.mark.parametrize(("stem", "start", "end", "absent"), SEED_BODIES)
def test_seed_body_is_the_article_and_nothing_else(
    stem: str, start: str, end: str, absent: list[str]
) -> None:
    body = seed(stem).body
    assert body.startswith(start)
    assert body.endswith(end)
    for chrome in absent:
        assert chrome not in body


def test_seed_bodies_keep_every_paragraph() -> None:
    body = seed("000_222d88ab3d04865c").body
    paragraphs = body.split("\n\n")
    assert len(paragraphs) == 5
    assert "Dân vận khéo" in body
    assert paragraphs[2].startswith("Trong giai đoạn, các cơ quan hành chính")
    # The image caption after the image id is article text and stays.
    assert (
        "Bí thư Ban cán sự Đảng, Chủ tịch Ủy ban nhân dân tỉnh" in seed("003_048c7ab740fc0ea3").body
    )


@pytest.mark.parametrize("stem", [row[0] for row in SEED_HEADERS])
def test_seed_text_is_tidy(stem: str) -> None:
    article = seed(stem)
    for text in (article.title, article.body, article.author or ""):
        assert unicodedata.is_normalized("NFC", text)
        assert "\xa0" not in text
        assert "\n\n\n" not in text
        assert text == text.strip()
        assert all(line == line.rstrip() for line in text.split("\n"))


@pytest.mark.parametrize("stem", [row[0] for row in SEED_HEADERS])
def test_decomposed_copy_of_a_seed_gives_the_same_article(stem: str, tmp_path: Path) -> None:
    nfd = unicodedata.normalize("NFD", (SEEDS / f"{stem}.txt").read_text(encoding="utf-8"))
    copy = tmp_path / "seeds" / f"{stem}.txt"
    copy.parent.mkdir()
    copy.write_text(nfd, encoding="utf-8")
    [article] = extract_file(copy)
    expected = seed(stem)
    assert isinstance(article, Article)
    article.path = expected.path
    assert article == expected


def page(text: str) -> Article | Skipped:
    return extract_textpage(text, article_id="x", path="x.txt", source="tin")


def test_other_date_forms_breadcrumbs_and_labelled_byline() -> None:
    article = page(
        "Trang chủ > Tin tức > Thời sự\n"
        "Thời sự\n"
        "Hà Nội khánh thành cầu vượt sông Hồng\n"
        "Thứ Ba, 05/04/2022 - 19:07 (GMT+7)\n"
        "Lượt xem: 1.234\n"
        "\n"
        "Sáng 5/4, UBND thành phố Hà Nội tổ chức lễ khánh thành cầu vượt sông Hồng.\n"
        "IMG_0231.jpg\n"
        "Cây cầu dài hơn 1.500 m, được xây dựng trong 3 năm với tổng vốn đầu tư lớn.\n"
        "\n"
        "Tin, ảnh: Minh Anh\n"
        "Tin liên quan\n"
        "Hà Nội mở thêm tuyến buýt mới\n"
    )
    assert isinstance(article, Article)
    assert article.title == "Hà Nội khánh thành cầu vượt sông Hồng"
    assert article.date == "2022-04-05"
    assert article.author == "Minh Anh"
    assert article.body == (
        "Sáng 5/4, UBND thành phố Hà Nội tổ chức lễ khánh thành cầu vượt sông Hồng.\n"
        "Cây cầu dài hơn 1.500 m, được xây dựng trong 3 năm với tổng vốn đầu tư lớn."
    )


def test_date_in_the_lead_is_used_only_when_the_page_has_no_date_line() -> None:
    with_line = page("Hội nghị sơ kết công tác\n01/08/2018\nNgày 30/7/2018, hội nghị họp.")
    without = page("Hội nghị sơ kết công tác\n\nNgày 30/7/2018, hội nghị họp.")
    no_year = page("Hội nghị sơ kết công tác\n\nSáng 04/4, hội nghị họp.")
    assert isinstance(with_line, Article) and with_line.date == "2018-08-01"
    assert isinstance(without, Article) and without.date == "2018-07-30"
    assert isinstance(no_year, Article) and no_year.date is None


def test_date_deep_in_the_text_is_not_the_publication_date() -> None:
    article = page(
        "Ký kết chương trình phối hợp\n\nChiều 18/4, hai cơ quan ký kết chương trình "
        "thực hiện Kết luận số 114-KL/TW ngày 14/7/2015 của Ban Bí thư."
    )
    assert isinstance(article, Article) and article.date is None


def test_a_page_without_a_headline_line_gets_one_from_its_first_line() -> None:
    lead = (
        "Mạo hiểm rừng Đa Mi Cuộc hành quân khám phá thác sương mù Ẩn mình trong cánh "
        "rừng Đa Mi bạt ngàn là hồ thủy điện Đa Mi đẹp như một nàng công chúa, ngọn thác "
        "sương mù hùng vĩ, cao ngất, uốn lượn như con rồng bạc khổng lồ..."
    )
    article = page(lead + "\nXuyên rừng vào thác sương mù")
    assert isinstance(article, Article)
    assert article.title == "Mạo hiểm rừng Đa Mi"
    assert article.body.startswith(lead)


def test_tone_marks_and_case_are_kept_as_written() -> None:
    article = page("HOÀ BÌNH VÀ THUỶ CHUNG\n\nNgười dân khoẻ mạnh, hoà thuận, thuỷ chung.")
    assert isinstance(article, Article)
    assert article.title == "HOÀ BÌNH VÀ THUỶ CHUNG"
    assert article.body == "Người dân khoẻ mạnh, hoà thuận, thuỷ chung."


@pytest.mark.parametrize(
    "text", ["Tìm kiếm\n\nChung nhan Tin Nhiem Mang\nTrang chủ\n", "19.4.2017.2\n(19/02)\n"]
)
def test_a_page_of_chrome_only_is_skipped(text: str) -> None:
    assert page(text) == Skipped("x.txt", "no article body found")


@pytest.mark.parametrize(
    ("line", "headline"),
    [
        ("Hàng Tết sẽ đắt đỏ", "Hàng Tết sẽ đắt đỏ"),
        (
            "Máy bay chở khách Ai Cập rơi, 148 người chết",
            "Máy bay chở khách Ai Cập rơi, 148 người chết",
        ),
        (
            "Kiểm tra 21 cảng, kho bãi TP (NLĐ)- Theo sự chỉ đạo của UBND TP, trong 3 ngày từ "
            "15 đến 17-5, Sở GTCC sẽ tiến hành kiểm tra tình hình hoạt động 21 cảng",
            "Kiểm tra 21 cảng, kho bãi TP",
        ),
        (
            "Ngành hệ thống thông tin quản lý làm việc ở đâu? Ngành hệ thống thông tin quản lý "
            "của Khoa Kinh tế có điểm chuẩn bao nhiêu, khối thi nào, ra trường làm gì",
            "Ngành hệ thống thông tin quản lý làm việc ở đâu?",
        ),
        (
            "Nguồn tin từ Connecticut của phóng viên Reuters cho biết, tiền vệ xuất sắc của đội "
            "tuyển Mỹ Landon Donovan sẽ phải ngồi ngoài ở trận giao hữu sắp tới",
            "Nguồn tin từ Connecticut của phóng viên Reuters cho biết, tiền vệ xuất sắc của đội "
            "tuyển Mỹ Landon Donovan…",
        ),
    ],
)
def test_headline_from_a_run_in_first_line(line: str, headline: str) -> None:
    assert headline_from_lead(line) == headline


def test_toolbars_and_furniture_between_headline_and_text() -> None:
    article = page(
        "Khánh thành trường học mới ở vùng cao\n"
        "Đăng ngày 05/04/2022 | Lượt xem: 1.234\n"
        "Chia sẻ | In bài | Gửi email\n"
        "Cỡ chữ\n"
        "Ảnh minh họa\n"
        "Bài: Hoàng Lan\n"
        "Sáng 5/4, huyện vùng cao khánh thành ngôi trường mới cho hơn 300 học sinh người dân "
        "tộc thiểu số, sau hai năm xây dựng bằng nguồn vốn xã hội hóa.\n"
    )
    assert isinstance(article, Article)
    assert (article.title, article.date, article.author) == (
        "Khánh thành trường học mới ở vùng cao",
        "2022-04-05",
        "Hoàng Lan",
    )
    assert article.body.startswith("Sáng 5/4, huyện vùng cao")
    assert "\n" not in article.body


@pytest.mark.parametrize(
    ("text", "title", "date", "author"),
    [
        (  # section and date above the headline, an all-caps byline, a "Tin liên quan:" list
            "Thời sự\nThứ ba, 5/4/2022, 19:07 (GMT+7)\nHà Nội đề xuất cấm xe máy từ năm 2030\n"
            "Thành phố đề xuất lộ trình hạn chế xe máy tại các quận nội thành, tiến tới dừng "
            "hoạt động vào năm 2030.\n\nTHANH HÀ\nChia sẻ\nTin liên quan:\n- Xe buýt điện\n",
            "Hà Nội đề xuất cấm xe máy từ năm 2030",
            "2022-04-05",
            "THANH HÀ",
        ),
        (  # a bracketed update line, two names in the byline
            "Trang chủ » Tin tức\nNông dân phấn khởi vì giá lúa tăng\n(Cập nhật: 10:30 05/04/2022)"
            "\n\nGiá lúa tăng mạnh trong tuần qua.\n\nThu Hà - Minh Đức\n\nCác tin khác:\nLúa\n",
            "Nông dân phấn khởi vì giá lúa tăng",
            "2022-04-05",
            "Thu Hà - Minh Đức",
        ),
        (  # "PV" (phóng viên) signs the article
            "Phát động phong trào thi đua\n\nBan Dân vận phát động phong trào thi đua.\n\nPV\n",
            "Phát động phong trào thi đua",
            None,
            "PV",
        ),
    ],
)
def test_other_page_layouts(text: str, title: str, date: str | None, author: str) -> None:
    article = page(text)
    assert isinstance(article, Article)
    assert (article.title, article.date, article.author) == (title, date, author)
    assert author not in article.body
    assert "Tin" not in article.body and "Chia sẻ" not in article.body


def test_long_menu_above_the_headline() -> None:
    menu = "\n".join(f"Mục số {n}" for n in range(30))
    article = page(
        f"Trang chủ\n{menu}\nTiêu đề thật của bài viết hôm nay\nTác giả: Trần Văn Minh\n"
        "05/04/2022\n\nNội dung bài viết đủ dài để thành một đoạn văn, kết thúc bằng dấu chấm."
    )
    assert isinstance(article, Article)
    assert (article.title, article.date, article.author) == (
        "Tiêu đề thật của bài viết hôm nay",
        "2022-04-05",
        "Trần Văn Minh",
    )
    assert article.body == "Nội dung bài viết đủ dài để thành một đoạn văn, kết thúc bằng dấu chấm."


def test_a_question_headline_is_still_the_headline() -> None:
    question = (
        "Vì sao giá lúa ở đồng bằng sông Cửu Long tăng mạnh trong tuần này, nông dân có được "
        "lợi không?"
    )
    article = page(f"{question}\n\nGiá lúa tăng mạnh trong tuần qua.\n")
    assert isinstance(article, Article)
    assert (article.title, article.body) == (question, "Giá lúa tăng mạnh trong tuần qua.")
