"""The Solr store's parts that need no cluster: SOLR_URL, the pre-analysed documents, the
query and filters sent, the configset, and the errors that name their fix. The same store
against a real SolrCloud: test_solr_cluster.py."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from click.testing import CliRunner

from indexer import Article
from indexer.cli import main
from indexer.search.facets import Filters
from indexer.search.parse import parse
from indexer.search.scoring import Ranking
from indexer.solr import cluster
from indexer.solr.client import SolrError, SolrTarget, configset_zip
from indexer.solr.schema import SOLR_SCHEMA, solr_document, term_text
from indexer.solr.search import _facets, filter_queries, solr_query


@pytest.mark.parametrize(
    ("url", "nodes", "collection", "auth"),
    [
        ("http://127.0.0.1:8983/solr/timkiem", ("http://127.0.0.1:8983/solr",), "timkiem", None),
        (
            "http://127.0.0.1:8983/solr/tk, http://127.0.0.1:8984/solr/tk/",
            ("http://127.0.0.1:8983/solr", "http://127.0.0.1:8984/solr"),
            "tk",
            None,
        ),
        (
            "https://reader:s3cret@solr.example.vn/solr/timkiem",
            ("https://solr.example.vn/solr",),
            "timkiem",
            ("reader", "s3cret"),
        ),
    ],
)
def test_solr_url_names_nodes_and_one_collection(
    url: str, nodes: tuple[str, ...], collection: str, auth: tuple[str, str] | None
) -> None:
    target = SolrTarget.parse(url)
    assert (target.nodes, target.collection, target.auth) == (nodes, collection, auth)
    assert "s3cret" not in target.url


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "SOLR_URL is empty"),
        ("127.0.0.1:8983/solr/timkiem", "must be node URLs ending in the collection"),
        ("http://127.0.0.1:8983/timkiem", "must be node URLs ending in the collection"),
        ("http://a:1/solr/one,http://b:1/solr/two", "several collections: one, two"),
        ("http://127.0.0.1:99999/solr/timkiem", "must be node URLs ending in the collection"),
    ],
)
def test_a_bad_solr_url_says_what_is_expected(url: str, message: str) -> None:
    with pytest.raises(SolrError, match=re.escape(message)):
        SolrTarget.parse(url)


def test_term_fields_are_terms_with_counts_split_on_spaces() -> None:
    assert term_text({"hòa": 2, "bình": 1, "dan van": 3}) == "hòa|2 bình dan_van|3"


def test_a_solr_document_holds_the_local_fields_pre_analysed() -> None:
    doc = solr_document(
        Article(
            id="a1",
            title="Dân vận khéo",
            body="Phong trào dân vận khéo, dân vận.",
            date="2021-03-15",
            path="seeds/a1.txt",
        )
    )
    assert doc["title"] == "dân vận khéo"
    assert doc["title_f"] == "dan van kheo"
    assert doc["title_2f"] == "dan_van van_kheo"
    # "khéo, dân": the comma splits the pair; counts after a bar.
    assert doc["body"] == "phong trào dân|2 vận|2 khéo"
    assert doc["body_2f"] == "phong_trao trao_dan dan_van|2 van_kheo"
    assert (doc["id"], doc["date"], doc["year"], doc["collection"]) == (
        "a1",
        "2021-03-15",
        "2021",
        "files",
    )
    assert doc["body_text"] == "Phong trào dân vận khéo, dân vận."
    assert "author" not in doc and "source" not in doc  # unknown: not sent


def test_the_query_needs_each_word_folded_and_scores_its_forms() -> None:
    q = solr_query(parse("Dân vận"), Ranking(), require_all=True)
    assert q == (
        "+((title_f:dan body_f:dan)) (title:dân^1.5 body:dân^1)^1"
        " (title_f:dan^1.5 body_f:dan^1)^0.1"
        " +((title_f:van body_f:van)) (title:vận^1.5 body:vận^1)^1"
        " (title_f:van^1.5 body_f:van^1)^0.1 (title_2f:dan_van^1.5 body_2f:dan_van^1)^1"
    )


def test_a_phrase_needs_its_pairs_and_an_exclusion_its_typed_form() -> None:
    q = solr_query(parse('"dan van kheo" -Bắc'), Ranking(), require_all=True)
    assert q.startswith(
        "+(((+title_2f:dan_van +title_2f:van_kheo) (+body_2f:dan_van +body_2f:van_kheo)))"
    )
    assert q.endswith(" -((title:bắc body:bắc))")


def test_a_question_needs_no_word() -> None:
    q = solr_query(parse("cong tac dan van la gi"), Ranking(), require_all=False)
    assert "+" not in q


@pytest.mark.parametrize(
    ("filters", "fq"),
    [
        (Filters(), []),
        (Filters(year="2021"), ["{!tag=year}year:2021"]),
        (Filters(year="unknown"), ["{!tag=year}(*:* -year:[* TO *])"]),
        (
            Filters(sources=("Báo Bắc Kạn", 'Tin "Nhanh"')),
            ['{!tag=source}source:("Báo Bắc Kạn" OR "Tin \\"Nhanh\\"")'],
        ),
        (Filters(date_from="2021-01-01"), ['date:["2021-01-01" TO *]']),
        (Filters(date_to="2021-12-31"), ['date:[* TO "2021-12-31\uffff"]']),
    ],
)
def test_filters_are_tagged_filter_queries(filters: Filters, fq: list[str]) -> None:
    assert filter_queries(filters) == fq


def test_facets_come_in_the_engine_s_shape() -> None:
    got = _facets({"year": ["2021", 3, "2022", 1, None, 2], "source": ["B", 1, "A", 1, "C", 4]})
    assert got == {
        "year": [
            {"value": "2022", "label": "2022", "count": 1},
            {"value": "2021", "label": "2021", "count": 3},
            {"value": "unknown", "label": "không rõ", "count": 2},
        ],
        "source": [
            {"value": "C", "label": "C", "count": 4},
            {"value": "A", "label": "A", "count": 1},
            {"value": "B", "label": "B", "count": 1},
        ],
    }


def test_the_configset_carries_this_version_s_schema() -> None:
    with zipfile.ZipFile(io.BytesIO(configset_zip())) as z:
        assert sorted(z.namelist()) == ["managed-schema.xml", "solrconfig.xml"]
        schema = z.read("managed-schema.xml").decode("utf-8")
    assert f'<schema name="{SOLR_SCHEMA}"' in schema
    # Terms are only split on whitespace and their counts read: no other analysis in Solr.
    filters = re.findall(r'<(?:tokenizer|filter) class="([^"]+)"', schema)
    assert set(filters) == {
        "solr.WhitespaceTokenizerFactory",
        "solr.DelimitedTermFrequencyTokenFilterFactory",
    }


def test_without_maven_the_fetch_names_the_fix(
    monkeypatch: pytest.MonkeyPatch, tmp_path: pytest.TempPathFactory
) -> None:
    monkeypatch.setenv("PATH", "")
    with pytest.raises(SolrError, match=r"apt-get install maven"):
        cluster.fetch_jars(say=lambda _: None, cache=tmp_path)  # type: ignore[arg-type]


def test_without_java_the_start_names_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")
    monkeypatch.delenv("JAVA_HOME", raising=False)
    with pytest.raises(SolrError, match=r"apt-get install openjdk-17-jdk-headless"):
        cluster.java_command()


def test_create_needs_solr_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TIMKIEM_SOLR_URL", raising=False)
    result = CliRunner().invoke(main, ["solr", "create"])
    assert result.exit_code == 1
    assert "Set TIMKIEM_SOLR_URL to the collection's URL" in result.output


def test_status_and_stop_without_a_cluster(tmp_path: pytest.TempPathFactory) -> None:
    runner = CliRunner()
    stopped = runner.invoke(main, ["solr", "stop", "--data", str(tmp_path)])
    assert stopped.exit_code == 0, stopped.output
    assert stopped.output == f"No cluster of {tmp_path} is running.\n"
    status = runner.invoke(main, ["solr", "status", "--data", str(tmp_path)])
    assert status.exit_code == 1
    assert "Start one with: timkiem solr start" in status.output
