"""The search page and the article view, through the Flask test client."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from tests.conftest import BAC_KAN, BAC_KAN_SITE, MARKUP_SITE, NHAN_DAN, PHONG_DIEN, ROOT


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


def block(html: str, start: str, end: str) -> str:
    """The part of ``html`` from ``start`` to the next ``end``."""
    i = html.index(start)
    return html[i : html.index(end, i)]


def anchors(html: str) -> dict[str, dict[str, list[str]]]:
    """The links of an HTML fragment: visible text → the link's query parameters."""
    out = {}
    for href, text in re.findall(r'<a[^>]*href="([^"]+)"[^>]*>(.*?)</a>', html, re.S):
        label = " ".join(re.sub(r"<[^>]+>", " ", text).split())
        out[label] = parse_qs(urlsplit(href.replace("&amp;", "&")).query)
    return out


def facet_links(html: str) -> dict[str, dict[str, list[str]]]:
    return anchors(block(html, '<aside class="facets"', "</aside>"))


def test_facets_are_links_with_counts_that_keep_the_query(dated_client) -> None:
    html = dated_client.get("/?q=dân vận&sort=newest").get_data(as_text=True)
    found = facet_links(html)
    assert found["2021 2"] == {"q": ["dân vận"], "sort": ["newest"], "year": ["2021"]}
    assert found["không rõ 2"] == {"q": ["dân vận"], "sort": ["newest"], "year": ["unknown"]}
    assert found[f"{BAC_KAN_SITE} 3"] == {
        "q": ["dân vận"],
        "sort": ["newest"],
        "source": [BAC_KAN_SITE],
    }


def test_active_filters_are_shown_and_removable(dated_client) -> None:
    html = dated_client.get(
        "/", query_string=[("q", "dân vận"), ("year", "2021"), ("source", BAC_KAN_SITE)]
    ).get_data(as_text=True)
    chip_links = anchors(block(html, 'class="active-filters"', "</ul>"))
    assert chip_links["Năm: 2021 × (bỏ)"] == {"q": ["dân vận"], "source": [BAC_KAN_SITE]}
    assert chip_links[f"Nguồn: {BAC_KAN_SITE} × (bỏ)"] == {"q": ["dân vận"], "year": ["2021"]}
    assert chip_links["Bỏ tất cả"] == {"q": ["dân vận"]}
    # A selected facet value is marked, and its link takes the filter off again.
    found = facet_links(html)
    assert found["2021 2"] == {"q": ["dân vận"], "source": [BAC_KAN_SITE]}
    assert 'aria-current="true"' in html
    # Another source is added to the selected one (any of them).
    html = dated_client.get("/", query_string={"q": "dân vận", "source": BAC_KAN_SITE})
    found = facet_links(html.get_data(as_text=True))
    assert found[f"{NHAN_DAN} 2"]["source"] == [BAC_KAN_SITE, NHAN_DAN]


def test_sort_links_keep_query_and_filters_and_order_the_page(dated_client) -> None:
    html = dated_client.get("/?q=dân vận&year=2021").get_data(as_text=True)
    nav = block(html, 'class="sort"', "</nav>")
    assert 'aria-current="true">Liên quan nhất' in nav
    assert "/?q=d%C3%A2n+v%E1%BA%ADn&amp;sort=newest&amp;year=2021" in nav
    html = dated_client.get("/?q=dân vận&sort=oldest").get_data(as_text=True)
    order = [html.index(f"/article/{i}?") for i in ("a4", "a1", "a2", "a3", "a5", "u1")]
    assert order == sorted(order)


def test_empty_query_with_a_filter_lists_articles_on_the_page(dated_client) -> None:
    html = dated_client.get("/?year=2021").get_data(as_text=True)
    assert "3 bài viết" in html
    order = [html.index(f"/article/{i}") for i in ("a2", "lua", "a1")]
    assert order == sorted(order)
    assert "Liên quan nhất" not in html  # nothing to rank by relevance
    # A source name is text, never markup.
    assert "Tin &lt;i&gt;Nhanh&lt;/i&gt; &amp; Mới" in html and MARKUP_SITE not in html


def test_pages_keep_the_filters(dated_client) -> None:
    html = dated_client.get("/?q=dân vận&source=Báo Bắc Kạn&per_page=2").get_data(as_text=True)
    nxt = re.search(r'rel="next" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert parse_qs(urlsplit(nxt).query) == {
        "q": ["dân vận"],
        "source": [BAC_KAN_SITE],
        "page": ["2"],
        "per_page": ["2"],
    }


def test_date_range_form_keeps_the_query_and_filters(dated_client) -> None:
    html = dated_client.get("/?q=dân vận&year=2022&from=2022-01-01").get_data(as_text=True)
    form = block(html, '<details class="facet range" open>', "</form>")
    assert '<input type="hidden" name="q" value="dân vận">' in form
    assert '<input type="hidden" name="year" value="2022">' in form
    assert '<input type="date" name="from" value="2022-01-01">' in form
    assert "Từ ngày: 01/01/2022" in html


def test_bad_filter_is_a_400_page_naming_the_parameter(dated_client) -> None:
    resp = dated_client.get("/?q=dân&year=abc")
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert "Năm “abc” không hợp lệ: cần một năm như 2021" in html
    assert "year must be" not in html


def test_dates_are_written_with_the_vietnamese_weekday(dated_client) -> None:
    html = dated_client.get("/?q=dân vận trong tình hình mới").get_data(as_text=True)
    assert '<time datetime="2022-04-05">Thứ Ba, 05/04/2022</time>' in html
    html = dated_client.get("/article/a5").get_data(as_text=True)
    assert "Thứ Bảy, 31/12/2022" in html


def test_many_sources_fold_away_after_the_first_twelve(tmp_path) -> None:
    from indexer import Article, build_index
    from webui import create_app

    articles = [
        Article(id=f"s{i}", title=f"Dân vận số {i}", body="Dân vận.", source=f"Nguồn {i:02d}")
        for i in range(15)
    ]
    build_index(articles, tmp_path, workers=1)
    client = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path)}).test_client()
    html = client.get("/?q=dân vận").get_data(as_text=True)
    visible, more = html.split('<details class="more">')
    assert "Thêm 3 nguồn" in more
    aside = visible[visible.index('<aside class="facets"') :]
    assert all(f"Nguồn {i:02d} " in aside for i in range(12))  # equal counts: by name
    assert all(f"Nguồn {i:02d} " not in aside and f"Nguồn {i:02d} " in more for i in (12, 13, 14))


def test_facet_counts_group_thousands_the_vietnamese_way() -> None:
    from webui.views import vn_number

    assert [vn_number(n) for n in (7, 1500, 17416, 1234567)] == [
        "7",
        "1.500",
        "17.416",
        "1.234.567",
    ]


# The home page's example queries come from the collection being searched.


def home_examples(client) -> list[str]:
    """The example queries the home page links to, in order."""
    html = client.get("/").get_data(as_text=True)
    return [
        parse_qs(urlsplit(href.replace("&amp;", "&")).query)["q"][0]
        for href in re.findall(r'<a href="([^"]+)"', block(html, 'class="examples"', "</p>"))
    ]


def test_home_page_examples_find_articles_in_the_seed_index(client) -> None:
    examples = home_examples(client)
    assert len(examples) == 3, examples
    assert examples[0].isascii()  # typed without accents, to show that it works
    assert examples[-1].startswith('"') and examples[-1].endswith('"')  # an exact phrase
    for q in examples:
        data = client.get("/api/search", query_string={"q": q}).get_json()
        assert data["total"] >= 1, q
        html = client.get("/", query_string={"q": q}).get_data(as_text=True)
        assert 'class="results"' in html, q


def test_home_page_examples_follow_another_collection(dated_client, client) -> None:
    examples = home_examples(dated_client)
    assert examples and examples != home_examples(client)
    for q in examples:
        assert dated_client.get("/api/search", query_string={"q": q}).get_json()["total"] >= 1, q


def test_home_page_without_an_index_shows_no_examples(tmp_path) -> None:
    from webui import create_app

    app = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "none")})
    resp = app.test_client().get("/")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert 'role="search"' in html and 'class="examples"' not in html


def test_the_favicon_is_served_cached_and_linked_from_every_page(client) -> None:
    resp = client.get("/favicon.ico", buffered=True)
    assert resp.status_code == 200
    assert resp.mimetype.startswith("image/")
    assert resp.data[:4] == b"\0\0\1\0"  # an ICO file
    assert resp.data == (ROOT / "webui" / "static" / "favicon.ico").read_bytes()
    assert resp.cache_control.public and resp.cache_control.max_age >= 86_400
    for path in ("/", "/?q=dan+van", f"/article/{BAC_KAN}", "/no/such/page"):
        head = client.get(path).get_data(as_text=True).split("</head>")[0]
        assert '<link rel="icon" href="/favicon.ico" sizes="any">' in head, path
