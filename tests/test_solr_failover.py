"""A node of the test SolrCloud killed with -9 while a client queries: once a replica has
taken over no query fails, no acknowledged write is lost, and ``timkiem solr start`` on the
cluster's folder brings the node back into the cluster."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from indexer import iter_articles
from indexer.cli import main
from indexer.solr.client import SolrClient, SolrError
from indexer.solr.search import SolrSearch
from indexer.solr.writer import SolrWriter
from tests.conftest import SEEDS

QUERY_FOR = 90.0  # seconds of queries at most
QUIET = 10.0  # seconds without a failure that count as taken over
WRITE_FOR = 60.0  # seconds a write after the kill may wait for a new leader


def test_a_killed_node_loses_no_query_nor_write_and_rejoins(
    solr_cluster: dict[str, Any],
) -> None:
    url = solr_cluster["url"].replace("/timkiem", "/failover")
    client = SolrClient(url)
    assert client.create_collection(2, 2)
    articles = list(iter_articles([SEEDS]))
    # Acknowledged by both replicas of each shard before the kill.
    SolrWriter(client, min_rf=2).write_batch(articles[:4], [], collection="files")

    state = json.loads((Path(solr_cluster["data"]) / "cluster.json").read_text())
    victim = state["nodes"][0]  # the node the client asks first
    results: list[tuple[float, bool]] = []
    stop = threading.Event()

    def query() -> None:
        reader = SolrSearch(SolrClient(url))
        ends = time.monotonic() + QUERY_FOR
        while not stop.is_set() and time.monotonic() < ends:
            try:
                ok = reader.search("dan van", snippets=False).total >= 4
            except SolrError:
                ok = False
            results.append((time.monotonic(), ok))
            time.sleep(0.05)

    reader = threading.Thread(target=query)
    reader.start()
    time.sleep(1.0)
    killed = time.monotonic()
    os.kill(victim["pid"], signal.SIGKILL)
    # A write after the kill, acknowledged once a leader of each shard took it.
    written = None
    while written is None and time.monotonic() < killed + WRITE_FOR:
        try:
            written = SolrWriter(client).write_batch([articles[4]], [], collection="files")
        except SolrError:
            time.sleep(0.5)
    assert written is not None, "no write was acknowledged after the kill"
    # Queries go on until QUIET seconds have passed without a failure.
    while time.monotonic() < killed + QUERY_FOR:
        failed = [t for t, ok in results if not ok]
        if results and results[-1][0] - max(failed, default=killed) > QUIET:
            break
        time.sleep(0.5)
    stop.set()
    reader.join()
    failed = [t for t, ok in results if not ok]
    took_over = max(failed, default=killed) - killed
    after = [ok for t, ok in results if t > killed + took_over]
    print(f"failed queries: {len(failed)}, replica took over {max(took_over, 0):.1f} s after")
    assert after and all(after)
    assert sum(1 for t, _ in results if t > killed) > 20
    assert {d["id"] for d in client.scan("id")} == {a.id for a in articles}

    started = CliRunner().invoke(main, ["solr", "start", "--data", str(solr_cluster["data"])])
    assert started.exit_code == 0, started.output
    assert "Waiting for 1 Solr node to join the cluster" in started.output
    rejoined = json.loads((Path(solr_cluster["data"]) / "cluster.json").read_text())
    assert rejoined["nodes"][0]["pid"] != victim["pid"]
    assert rejoined["nodes"][1]["pid"] == state["nodes"][1]["pid"]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        shards = client.cluster_status()["collections"]["failover"]["shards"]
        states = [r["state"] for s in shards.values() for r in s["replicas"].values()]
        if states == ["active"] * 4:
            break
        time.sleep(0.5)
    assert states == ["active"] * 4
    # The rejoined node answers alone, with every write.
    alone = SolrSearch(
        SolrClient(solr_cluster["url"].split(",")[0].replace("/timkiem", "/failover"))
    )
    assert alone.search("dan van").total == 5
