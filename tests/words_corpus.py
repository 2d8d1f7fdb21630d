"""A small index whose words have known frequencies, for autocomplete and did-you-mean tests.

Articles holding each phrase: "dân vận" 12 (8 of them "dân vận khéo", 4 "dân vận năm"),
"dân chủ" 3 ("dân chủ cơ" 3), "dần dần" 2, "chuyển đổi số" 6, "Phong Điền" 5, "SOS" 1.
Import the fixtures by name (``words_index``, ``words_engine``, ``client``):
``from tests.words_corpus import words_index_fixture  # noqa: F401``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer import Article, Engine, build_index

PLACES = ["Hòa Bình", "Tân Lập", "Yên Thế", "Bảo Lạc", "Mường Tè", "Kỳ Sơn", "Ba Bể", "Sìn Hồ"]


def articles() -> list[Article]:
    out: list[Article] = []

    def add(title: str, body: str) -> None:
        n = len(out)
        # Numbers of its own, so that articles alike in words are not near-copies (which
        # search shows as one result).
        code = " ".join(str(n * 97 + k * 13) for k in range(12))
        body = f"{body} Mã {code}."
        out.append(Article(id=f"w{n:02d}", title=title, body=body, path=f"w{n}.txt"))

    for place in PLACES:
        add(
            f"Dân vận khéo ở xã {place}",
            f"Công tác dân vận khéo giúp người dân {place} đồng thuận.",
        )
    for year in range(2021, 2025):
        add(f"Hội nghị dân vận năm {year}", "Ban Dân vận: tổng kết công tác.")
    for _ in range(3):
        add("Phát huy dân chủ cơ sở", "Quy chế dân chủ ở cơ sở được thực hiện.")
    for _ in range(2):
        add("Giá xăng dần dần tăng", "Giá xăng dần dần tăng trong tháng.")
    for place in PLACES[:6]:
        add("Chuyển đổi số trong cơ quan nhà nước", f"Đẩy mạnh chuyển đổi số ở {place}.")
    for _ in range(5):
        add("Huyện Phong Điền phát triển nông nghiệp", "Nông nghiệp Phong Điền trồng lúa.")
    add("Tín hiệu SOS trên biển", "Tàu cá phát tín hiệu SOS.")
    return out


@pytest.fixture(scope="session", name="words_index")
def words_index_fixture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    index_dir = tmp_path_factory.mktemp("words_index")
    build_index(articles(), index_dir, workers=1)
    return index_dir


@pytest.fixture(scope="module", name="words_engine")
def words_engine_fixture(words_index: Path) -> Engine:
    return Engine(words_index)


@pytest.fixture(name="client")
def words_client_fixture(words_index: Path):
    from webui import create_app

    return create_app({"TESTING": True, "INDEX_DIR": str(words_index)}).test_client()
