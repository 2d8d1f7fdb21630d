"""``timkiem solr``: a local SolrCloud for trials and tests (start, stop, status) and the
collection timkiem writes to (create). See docs/solr.md."""

from __future__ import annotations

import json

import click

from ..errors import TimkiemError
from ..settings import BY_NAME
from ..solr import cluster as local_cluster
from ..solr.client import SolrClient
from ..solr.schema import SOLR_SCHEMA
from .commands import main
from .options import command_settings
from .output import count

DEFAULT_DATA = "solr_data"
DEFAULT_COLLECTION = "timkiem"

data_option = click.option(
    "--data",
    default=DEFAULT_DATA,
    show_default=True,
    type=click.Path(file_okay=False),
    help="Folder of the local cluster: each process's home and log, and cluster.json.",
)


@main.group("solr")
def solr_group() -> None:
    """A local SolrCloud (ZooKeeper and Solr nodes on 127.0.0.1) and timkiem's collection.

    \b
    timkiem solr start --nodes 2      # prints SOLR_URL=… last
    export TIMKIEM_SOLR_URL=…         # every command then uses the collection
    timkiem solr create --shards 2 --replicas 2
    """


@solr_group.command("start")
@click.option("--nodes", default=2, show_default=True, type=click.IntRange(1, 9))
@click.option(
    "--port",
    default=local_cluster.DEFAULT_PORT,
    show_default=True,
    type=click.IntRange(1024, 64000),
    help="Port of the first node; the others follow it, ZooKeeper listens on PORT + 1000.",
)
@click.option(
    "--heap", default=local_cluster.DEFAULT_HEAP, show_default=True, help="-Xmx per node."
)
@click.option("--collection", default=DEFAULT_COLLECTION, show_default=True)
@data_option
def start_command(nodes: int, port: int, heap: str, collection: str, data: str) -> None:
    """Start ZooKeeper and NODES Solr nodes, each its own process, and wait until they are
    live. The first start fetches Solr's jars with Maven (then cached)."""
    try:
        cluster = local_cluster.start(
            data, nodes=nodes, port=port, heap=heap, say=lambda m: click.echo(m, err=True)
        )
    except TimkiemError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"ZooKeeper: {cluster.zookeeper.url} (pid {cluster.zookeeper.pid})")
    for node in cluster.nodes:
        click.echo(f"Solr node: {node.url} (pid {node.pid})")
    data_flag = "" if data == DEFAULT_DATA else f" --data {data}"
    click.echo(
        f"{count(len(cluster.nodes), 'Solr node')} live; stop with: timkiem solr stop{data_flag}"
    )
    click.echo("Then: export TIMKIEM_SOLR_URL=<the URL below>; timkiem solr create")
    click.echo(f"SOLR_URL={cluster.solr_url(collection)}")


@solr_group.command("stop")
@data_option
def stop_command(data: str) -> None:
    """Stop the local cluster (its nodes, then ZooKeeper)."""
    stopped = local_cluster.stop(data)
    if not stopped:
        click.echo(f"No cluster of {data} is running.")
        return
    nodes = sum(1 for p in stopped if p.role == "solr")
    zk = " and ZooKeeper" if any(p.role == "zookeeper" for p in stopped) else ""
    click.echo(f"Stopped {count(nodes, 'Solr node')}{zk}.")


@solr_group.command("status")
@data_option
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
def status_command(data: str, as_json: bool) -> None:
    """Each process of the local cluster (URL, process id, state), and each collection's
    shards and replicas."""
    found = local_cluster.status(data)
    if found is None:
        raise click.ClickException(f"No cluster in {data}. Start one with: timkiem solr start")
    if as_json:
        click.echo(json.dumps(found, indent=2))
        return
    for p in found["processes"]:
        click.echo(f"{p['role']:<9} {p['url']:<28} pid {p['pid']:<8} {p['state']}")
    if not found["collections"]:
        click.echo("No collection yet: timkiem solr create")
    for name, shards in found["collections"].items():
        replicas = sum(len(r) for r in shards.values())
        click.echo(
            f"collection {name}: {count(len(shards), 'shard')}, {count(replicas, 'replica')}"
        )
        for shard, listed in sorted(shards.items()):
            for r in listed:
                leader = " (leader)" if r["leader"] else ""
                click.echo(f"  {shard}: {r['node']} {r['state']}{leader}")


@solr_group.command("create")
@click.option("--shards", default=2, show_default=True, type=click.IntRange(1, 64))
@click.option("--replicas", default=2, show_default=True, type=click.IntRange(1, 9))
@click.option(
    "--recreate", is_flag=True, help="Delete the collection first (its articles are lost)."
)
def create_command(shards: int, replicas: int, recreate: bool) -> None:
    """Upload timkiem's configset and create the collection of TIMKIEM_SOLR_URL."""
    url = str(command_settings(None).get("SOLR_URL") or "")
    if not url:
        raise click.ClickException(
            f"Set {BY_NAME['SOLR_URL'].env} to the collection's URL, such as "
            "http://127.0.0.1:8983/solr/timkiem (timkiem solr start prints it)"
        )
    try:
        with SolrClient(url) as client:
            if recreate and client.collection_exists():
                client.delete_collection()
                click.echo(f"Deleted the collection {client.collection}.")
            if client.create_collection(shards, replicas):
                click.echo(
                    f"Created the collection {client.collection} ({count(shards, 'shard')} × "
                    f"{count(replicas, 'replica')}, schema {SOLR_SCHEMA})."
                )
            else:
                click.echo(
                    f"The collection {client.collection} exists already (schema {SOLR_SCHEMA})."
                )
    except TimkiemError as exc:
        raise click.ClickException(str(exc)) from exc
