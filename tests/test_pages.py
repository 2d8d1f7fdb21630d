"""The search page and the article view, through the Flask test client."""

from __future__ import annotations

from tests.conftest import BAC_KAN, PHONG_DIEN


def test_home_page_has_a_labelled_search_form(client) -> None:
    html = client.get("/").get_data(as_text=True)
    assert '<form class="search" role="search"' in html
    assert '<label for="q"' in html and 'id="q" name="q"' in html
    assert "<main" in html and "<header" in html


def test_results_page_keeps_the_query_and_shows_ranked_results(client) -> None:
    resp = client.get("/?q=bac+kan")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert 'value="bac kan"' in html
    assert "kết quả" in html
    assert f'href="/article/{BAC_KAN}?q=bac+kan"' in html
    assert "<mark>Bắc Kạn</mark>" in html


def test_query_is_escaped_in_the_page(client) -> None:
    html = client.get("/", query_string={"q": '<script>alert(1)</script>"'}).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_article_view_shows_the_extracted_article_with_marks(client) -> None:
    resp = client.get(f"/article/{PHONG_DIEN}", query_string={"q": "dan van"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "Ký kết chương trình phối hợp công tác Dân vận giai đoạn 2021-2025" in html
    assert "11/09/2021" in html
    assert "<mark>dân vận</mark>" in html
    assert "Thống kê truy cập" not in html


def test_unknown_article_is_404(client) -> None:
    assert client.get("/article/nope").status_code == 404


def test_pagination_links(client) -> None:
    html = client.get("/?q=công tác&per_page=2").get_data(as_text=True)
    assert 'rel="next"' in html and "Trang 1 / 3" in html


def test_bad_page_parameter_is_a_400_page(client) -> None:
    assert client.get("/?q=dân&page=x").status_code == 400
