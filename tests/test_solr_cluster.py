"""timkiem on a real SolrCloud: ZooKeeper and two Solr nodes on loopback started by
``timkiem solr start`` (the ``solr_cluster`` fixture), collections of 2 shards × 2 replicas
made by ``timkiem solr create``, the seeds indexed and searched through TIMKIEM_SOLR_URL
and compared with the local store."""

from __future__ import annotations

import io
import json
import os
import re
import socket
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from indexer import Engine, iter_articles
from indexer.cli import main
from indexer.search.facets import Filters
from indexer.solr.client import SolrClient, SolrError, configset_zip
from indexer.solr.schema import SOLR_SCHEMA
from indexer.solr.search import SolrSearch
from indexer.solr.writer import SolrWriter
from tests.conftest import SEEDS, SOLR_NODES, dated_articles

# Queries whose results the two stores must agree on: the same articles found, the same
# best one first (the order below it may differ: Solr sums per-field BM25 where the local
# store saturates the fields' sum once, and it has no exact-accent order yet).
SAME_RESULTS = [
    "dan van kheo",
    "dân vận",
    "Bắc Kạn",
    "bac kan",
    "phong dien",
    "ký kết",
    "chương trình phối hợp",
    '"dân vận khéo"',
    "dan van -kheo",
    "title:phong",
    "cong tac dan van chinh quyen nam 2024 la gi",
    "dân vận khéo bắc kạn phong điền",
    "xyzabc",
]


def collection_url(cluster: dict[str, Any], name: str) -> str:
    return re.sub(r"/timkiem(?=,|$)", "/" + name, cluster["url"])


def run(args: list[str], url: str | None = None) -> Any:
    env = {"TIMKIEM_SOLR_URL": url} if url else {}
    return CliRunner().invoke(main, args, env=env)


@pytest.fixture(scope="module")
def seeds_url(solr_cluster: dict[str, Any]) -> Iterator[str]:
    """A collection of 2 shards × 2 replicas holding the seeds, indexed by timkiem index."""
    url = collection_url(solr_cluster, "seeds")
    created = run(["solr", "create", "--shards", "2", "--replicas", "2"], url)
    assert created.exit_code == 0, created.output
    assert created.output == (
        f"Created the collection seeds (2 shards × 2 replicas, schema {SOLR_SCHEMA}).\n"
    )
    indexed = run(["index", str(SEEDS), "--rebuild"], url)
    assert indexed.exit_code == 0, indexed.output
    assert "5 articles; 5 added, 0 updated, 0 removed" in indexed.output
    yield url


def test_start_printed_each_process_and_the_url_last(solr_cluster: dict[str, Any]) -> None:
    lines = solr_cluster["start"].stdout.strip().splitlines()
    assert lines[0].startswith("ZooKeeper: 127.0.0.1:")
    assert [line.split(" (pid")[0] for line in lines[1 : 1 + SOLR_NODES]] == [
        f"Solr node: {node.split('/timkiem')[0]}" for node in solr_cluster["url"].split(",")
    ]
    assert lines[1 + SOLR_NODES].startswith(f"{SOLR_NODES} Solr nodes live; stop with:")
    assert lines[-1] == f"SOLR_URL={solr_cluster['url']}"
    assert solr_cluster["url"].count(",") == SOLR_NODES - 1


def test_status_lists_live_nodes_and_the_shards(
    solr_cluster: dict[str, Any], seeds_url: str
) -> None:
    result = run(["solr", "status", "--data", str(solr_cluster["data"]), "--json"])
    assert result.exit_code == 0, result.output
    status = json.loads(result.output)
    states = [(p["role"], p["state"]) for p in status["processes"]]
    assert states == [("zookeeper", "running")] + [("solr", "live")] * SOLR_NODES
    for p in status["processes"]:
        assert Path(f"/proc/{p['pid']}").exists()
    shards = status["collections"]["seeds"]
    assert sorted(shards) == ["shard1", "shard2"]
    for replicas in shards.values():
        assert len(replicas) == 2
        assert {r["state"] for r in replicas} == {"active"}
        assert sum(r["leader"] for r in replicas) == 1
        assert len({r["node"] for r in replicas}) == 2  # each replica on its own node
    text = run(["solr", "status", "--data", str(solr_cluster["data"])]).output
    assert "collection seeds: 2 shards, 4 replicas" in text.splitlines()


def test_create_again_keeps_the_collection(seeds_url: str) -> None:
    result = run(["solr", "create"], seeds_url)
    assert result.exit_code == 0, result.output
    assert result.output == f"The collection seeds exists already (schema {SOLR_SCHEMA}).\n"


def test_a_collection_of_another_schema_is_refused_with_the_fix(
    solr_cluster: dict[str, Any],
) -> None:
    url = collection_url(solr_cluster, "older")
    client = SolrClient(url)
    old = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(configset_zip())) as ours,
        zipfile.ZipFile(old, "w") as theirs,
    ):
        for name in ours.namelist():
            text = ours.read(name).decode("utf-8")
            theirs.writestr(name, text.replace(f'name="{SOLR_SCHEMA}"', 'name="timkiem-0"'))
    client.request(
        "POST",
        "/admin/configs",
        params={"action": "UPLOAD", "name": "timkiem-0"},
        content=old.getvalue(),
        headers={"Content-Type": "application/octet-stream"},
    )
    client.get(
        "/admin/collections",
        action="CREATE",
        name="older",
        numShards=1,
        replicationFactor=1,
        **{"collection.configName": "timkiem-0"},
    )
    result = run(["solr", "create"], url)
    assert result.exit_code == 1
    assert "has the schema 'timkiem-0'" in result.output
    assert "timkiem solr create --recreate" in result.output
    searched = run(["index", str(SEEDS)], url)
    assert searched.exit_code == 1
    assert "timkiem solr create --recreate" in searched.output
    recreated = run(["solr", "create", "--recreate", "--shards", "1", "--replicas", "1"], url)
    assert recreated.exit_code == 0, recreated.output
    assert client.schema_name() == SOLR_SCHEMA


@pytest.mark.parametrize("query", SAME_RESULTS)
def test_solr_finds_what_the_local_store_finds(seeds_url: str, engine: Engine, query: str) -> None:
    local = engine.search(query)
    solr = SolrSearch(seeds_url).search(query)
    assert solr.total == local.total
    assert {h.id for h in solr.hits} == {h.id for h in local.hits}
    if local.hits:
        assert solr.hits[0].id == local.hits[0].id
        assert solr.hits[0].snippet == local.hits[0].snippet


def test_search_prints_the_collection_s_results(seeds_url: str) -> None:
    result = run(["search", "dan", "van", "kheo"], seeds_url)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert re.fullmatch(r"3 results for “dan van kheo” \(\d+ ms\)", lines[0])
    assert " 1. Tiếp tục phối hợp chặt chẽ, hiệu quả trong công tác dân vận" in lines[2]


def test_any_node_serves(seeds_url: str) -> None:
    """A node that cannot be reached is passed over: here a port nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        free = s.getsockname()[1]
    dead = f"http://127.0.0.1:{free}/solr/seeds"
    page = SolrSearch(f"{dead},{seeds_url}").search("bac kan")
    assert [h.id for h in page.hits] == ["002_81b378ff2d50ff43"]
    with pytest.raises(SolrError, match="No Solr node answered"):
        SolrSearch(dead).search("bac kan")


@pytest.fixture(scope="module")
def dated_url(solr_cluster: dict[str, Any]) -> str:
    url = collection_url(solr_cluster, "dated")
    client = SolrClient(url)
    assert client.create_collection(2, 1)
    report = SolrWriter(client).replace_collection(dated_articles())
    assert (report.added, report.indexed) == (8, 8)
    return url


@pytest.mark.parametrize(
    ("query", "filters", "sort"),
    [
        ("dân vận", Filters(), "relevance"),
        ("dân vận", Filters(year="2021"), "relevance"),
        ("dân vận", Filters(year="unknown"), "relevance"),
        ("dân vận", Filters(sources=("Báo Bắc Kạn", "Báo Nhân Dân")), "relevance"),
        ("dân vận", Filters(date_from="2021-03-15", date_to="2022-04-05"), "relevance"),
        ("", Filters(sources=("Tin <i>Nhanh</i> & Mới",)), "newest"),
        ("dan van", Filters(), "newest"),
        ("dan van", Filters(), "oldest"),
    ],
)
def test_filters_facets_and_dates_as_on_the_local_store(
    dated_url: str, dated_index: Path, query: str, filters: Filters, sort: str
) -> None:
    local = Engine(dated_index).search(query, filters=filters, sort=sort)
    solr = SolrSearch(dated_url).search(query, filters=filters, sort=sort)
    assert solr.total == local.total
    assert solr.facets == local.facets
    if sort == "relevance":
        assert {h.id for h in solr.hits} == {h.id for h in local.hits}
    else:  # dated ones by date; the undated last
        assert [h.date for h in solr.hits] == [h.date for h in local.hits]


def test_an_update_writes_what_changed_and_removes_what_is_gone(
    solr_cluster: dict[str, Any],
) -> None:
    url = collection_url(solr_cluster, "updates")
    client = SolrClient(url)
    assert client.create_collection(2, 2)
    writer = SolrWriter(client)
    articles = list(iter_articles([SEEDS]))
    first = writer.replace_collection(articles, rebuild=False)
    assert (first.added, first.updated, first.unchanged, first.indexed) == (5, 0, 0, 5)
    again = writer.replace_collection(articles, rebuild=False)
    assert (again.added, again.updated, again.unchanged, again.removed) == (0, 0, 5, 0)
    articles[0].title = "Tiêu đề mới: khủng long bạo chúa"
    fewer = writer.replace_collection(articles[:4], rebuild=False)
    assert (fewer.updated, fewer.unchanged, fewer.removed, fewer.indexed) == (1, 3, 1, 4)
    assert [h.id for h in SolrSearch(client).search("khung long").hits] == [articles[0].id]
    # The write API's batches: an upsert or a delete sent twice changes nothing more.
    for _ in range(2):
        writer.write_batch([articles[4]], [articles[1].id], collection="files")
        assert SolrSearch(client).doc_count() == 4
    ids = {d["id"] for d in client.scan("id")}
    assert ids == {a.id for a in articles} - {articles[1].id}


def test_writes_wait_for_the_replicas_asked_for(seeds_url: str) -> None:
    """min_rf: a batch that fewer replicas acknowledged than asked is an error (here 3 are
    asked of shards that have 2)."""
    writer = SolrWriter(SolrClient(seeds_url), min_rf=3)
    article = next(iter(iter_articles([SEEDS])))
    with pytest.raises(SolrError, match="fewer than the 3 asked for"):
        writer.write_batch([article], [], collection="files")


def test_the_nodes_are_separate_processes(solr_cluster: dict[str, Any]) -> None:
    state = json.loads((Path(solr_cluster["data"]) / "cluster.json").read_text())
    pids = [state["zookeeper"]["pid"]] + [n["pid"] for n in state["nodes"]]
    assert len(set(pids)) == SOLR_NODES + 1
    assert os.getpid() not in pids
    for node in state["nodes"]:
        info = httpx.get(f"http://127.0.0.1:{node['port']}/solr/admin/info/system").json()
        assert info["mode"] == "solrcloud"
        assert info["lucene"]["solr-spec-version"] == "9.10.1"
