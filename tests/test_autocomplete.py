"""Autocomplete: completions by prefix, typed with or without accents or in Telex; the
/api/suggest shapes (JSON and OpenSearch) and the OpenSearch description."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from indexer import Engine, QueryError
from indexer.search.autocomplete import Autocomplete
from tests.words_corpus import (  # noqa: F401 - fixtures registered by name
    words_client_fixture,
    words_engine_fixture,
    words_index_fixture,
)
from webui import create_app

OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        # Ranked by the number of articles holding them.
        ("dan v", ["dân vận", "dân vận khéo", "dân vận năm"]),
        ("dân v", ["dân vận", "dân vận khéo", "dân vận năm"]),
        ("DÂN VẬN K", ["dân vận khéo"]),
        ("dan van kheo", ["dân vận khéo"]),
        ("chuyen d", ["chuyển đổi", "chuyển đổi số"]),
        ("phong đ", ["phong điền", "phong điền trồng"]),  # not "phong điền phát(triển)"
        ("hoa b", ["hòa bình"]),
        # Telex, whole or half typed, alone or after an accented word.
        ("daan v", ["dân vận", "dân vận khéo", "dân vận năm"]),
        ("dân vaajn", ["dân vận", "dân vận khéo", "dân vận năm"]),
        ("chuyeenr ddooi", ["chuyển đổi", "chuyển đổi số"]),
        # Longer than any phrase: the last words are completed, the first kept.
        ("hội nghị dân vận n", ["hội nghị dân vận năm"]),
        ("hoi nghi dan van n", ["hội nghị dân vận năm"]),
        # No phrase holds a function word: the words after it are completed.
        ("trong co q", ["trong cơ quan"]),  # not "trong cơ quan nhà(nước)"
        ("hooij nghij dan van n", ["hội nghị dân vận năm"]),
        # Phrases never cross punctuation ("Ban Dân vận: tổng kết").
        ("dan van t", []),
        ("xyz", []),
        ("", []),
        ("   ", []),
    ],
)
def test_completions(words_engine: Engine, prefix: str, expected: list[str]) -> None:
    assert words_engine.complete(prefix) == expected


def test_at_most_eight_most_frequent_first(words_engine: Engine) -> None:
    assert words_engine.complete("dan") == [
        "dân",
        "dân vận",
        "dân vận khéo",
        "dân vận năm",
        "dân chủ",  # not "dân chủ cơ(sở)"
        "dần",
        "dần dần",
        "dần dần tăng",
    ]
    assert len(words_engine.complete("d")) == 8
    assert words_engine.complete("dan", limit=2) == ["dân", "dân vận"]


def test_completions_end_at_word_boundaries_on_the_seeds(engine: Engine) -> None:
    """The seeds write "dân vận giai đoạn", "Dân vận Tỉnh ủy", "công tác dân vận", "công tác
    cải cách", "phong trào thi đua": phrases cut at a syllable count ended inside a word."""
    assert engine.complete("dân vận") == ["dân vận", "dân vận khéo"]
    offered = {
        completion
        for prefix in ("dân vận", "dan van ", "công tác", "cong tac ", "phong trào", "phong")
        for completion in engine.complete(prefix)
    }
    cut = {"dân vận giai", "dân vận tỉnh", "công tác dân", "công tác cải", "phong trào thi"}
    assert offered and not offered & cut
    assert "giai đoạn" in engine.complete("giai") and "tỉnh ủy" in engine.complete("tinh u")


def test_typed_accents_rank_forms_that_agree_first(words_engine: Engine) -> None:
    got = words_engine.complete("dần")
    assert got[:3] == ["dần", "dần dần", "dần dần tăng"]
    assert got.index("dần dần tăng") < got.index("dân")  # "dân" still matches, later


def test_a_complete_word_is_not_completed_to_a_longer_one(words_engine: Engine) -> None:
    assert "dần" not in words_engine.complete("dan ")
    assert words_engine.complete("dan ")[0] == "dân vận"


def test_oversized_prefix_is_refused(words_engine: Engine) -> None:
    with pytest.raises(QueryError, match="at most 100 characters"):
        words_engine.complete("dân " * 30)


def test_an_index_without_phrase_counts_completes_nothing(tmp_path: Path) -> None:
    assert Autocomplete.load(tmp_path).complete("dan") == []


# -- API ------------------------------------------------------------------------------------


def test_api_returns_query_and_suggestions(client) -> None:
    resp = client.get("/api/suggest", query_string={"q": "dan v"})
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].startswith("application/json")
    assert resp.get_json() == {
        "query": "dan v",
        "suggestions": ["dân vận", "dân vận khéo", "dân vận năm"],
    }
    assert "dân vận" in resp.get_data(as_text=True)  # UTF-8, not \\u escapes
    assert resp.headers["Access-Control-Allow-Origin"] == "*"


def test_api_empty_prefix_is_an_empty_list(client) -> None:
    assert client.get("/api/suggest?q=").get_json() == {"query": "", "suggestions": []}
    assert client.get("/api/suggest").get_json() == {"query": "", "suggestions": []}


def test_api_opensearch_format(client) -> None:
    resp = client.get("/api/suggest", query_string={"q": "chuyen d", "format": "opensearch"})
    assert resp.status_code == 200
    assert resp.mimetype == "application/x-suggestions+json"
    assert json.loads(resp.get_data(as_text=True)) == ["chuyen d", ["chuyển đổi", "chuyển đổi số"]]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "a" * 101}, "q must be at most 100 characters"),
        ({"q": "dan", "format": "xml"}, "format must be json or opensearch"),
    ],
)
def test_api_bad_parameters_give_400_with_the_error_shape(client, params, message) -> None:
    resp = client.get("/api/suggest", query_string=params)
    assert resp.status_code == 400
    data = resp.get_json()
    assert set(data) == {"error", "status"} and data["status"] == 400
    assert message in data["error"]


def test_api_without_an_index_is_503(tmp_path: Path) -> None:
    client = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "none")}).test_client()
    resp = client.get("/api/suggest?q=dan")
    assert resp.status_code == 503 and resp.get_json()["status"] == 503


# -- OpenSearch -----------------------------------------------------------------------------


def test_opensearch_description_is_valid_xml_with_absolute_urls(client) -> None:
    resp = client.get("/opensearch.xml", base_url="https://tim.example.gov.vn")
    assert resp.status_code == 200
    assert resp.mimetype == "application/opensearchdescription+xml"
    root = ET.fromstring(resp.get_data())
    assert root.tag == OPENSEARCH + "OpenSearchDescription"
    assert root.findtext(OPENSEARCH + "ShortName") == "timkiem"
    assert root.findtext(OPENSEARCH + "InputEncoding") == "UTF-8"
    urls = {u.get("type"): u.get("template") for u in root.findall(OPENSEARCH + "Url")}
    assert urls == {
        "text/html": "https://tim.example.gov.vn/?q={searchTerms}",
        "application/x-suggestions+json": (
            "https://tim.example.gov.vn/api/suggest?q={searchTerms}&format=opensearch"
        ),
        "application/opensearchdescription+xml": "https://tim.example.gov.vn/opensearch.xml",
    }


def test_opensearch_short_name_is_escaped_and_at_most_16_characters(words_index: Path) -> None:
    app = create_app(
        {"TESTING": True, "INDEX_DIR": str(words_index), "SITE_NAME": "Tin <Tỉnh> & Huyện X"}
    )
    root = ET.fromstring(app.test_client().get("/opensearch.xml").get_data())
    assert root.findtext(OPENSEARCH + "ShortName") == "Tin <Tỉnh> & Huy"


@pytest.mark.parametrize("path", ["/", "/?q=dan+van", "/widget"])
def test_every_page_links_the_opensearch_description(client, path: str) -> None:
    html = client.get(path).get_data(as_text=True)
    assert (
        '<link rel="search" type="application/opensearchdescription+xml" title="timkiem" '
        'href="/opensearch.xml">'
    ) in html


def test_an_update_adds_the_new_articles_counts(tmp_path: Path) -> None:
    from indexer import Article, build_index
    from tests.words_corpus import articles

    build_index(articles(), tmp_path, workers=1)
    got = Engine(tmp_path).complete("dan")
    assert got.index("dân chủ") < got.index("dần dần"), got  # 3 articles against 2
    more = [
        Article(id=f"new{i}", title="Giá vàng dần dần giảm", body="Giá vàng dần dần giảm.")
        for i in range(3)
    ]
    report = build_index(articles() + more, tmp_path, rebuild=False, workers=1)
    assert report.added == 3 and report.unchanged == len(articles())
    got = Engine(tmp_path).complete("dan")
    assert got.index("dần dần") < got.index("dân chủ"), got  # 5 articles now, against 3
