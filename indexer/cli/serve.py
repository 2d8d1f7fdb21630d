"""``timkiem serve``: the web app under waitress (one process) or gunicorn (several).

Registered on the ``main`` group of ``indexer.cli.commands``; ``webui`` is imported only when
the command runs.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click

from ..errors import TimkiemError
from ..index.generations import index_exists
from ..settings import BY_NAME, CONFIG_ENV
from .commands import DEFAULT_SOURCES, main, run_build
from .options import command_settings, index_dir_option, setting_option
from .output import count, crawl_schedule_line

WRITE_TOKEN = BY_NAME["WRITE_TOKEN"]


@main.command("serve")
@setting_option("HOST", "--host")
@setting_option("PORT", "--port", type=click.IntRange(1, 65535))
@setting_option("WORKERS", "--workers", type=click.IntRange(0, 64))
@click.option(
    "--threads",
    default=8,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Threads per worker process.",
)
@index_dir_option
def serve_command(
    host: str | None,
    port: int | None,
    workers: int | None,
    threads: int,
    index_dir: str | None,
) -> None:
    """Serve the search page, the JSON API and the widget.

    With several workers (by default one per core) gunicorn forks worker processes, each
    with its own engine; with one, waitress serves from a single process. If the index is
    missing it is built from seeds/ first. With TIMKIEM_WRITE_TOKEN set it also serves the
    write API and applies its journaled writes.
    """
    from webui import create_app
    from webui.server import default_workers, serve

    # Only the flags given override the app's own reading of the same settings.
    flags = {"INDEX_DIR": index_dir, "HOST": host, "PORT": port, "WORKERS": workers}
    given = {k: v for k, v in flags.items() if v is not None}
    config = command_settings(index_dir, HOST=host, PORT=port, WORKERS=workers)
    index_dir = config["INDEX_DIR"]
    host, port = config["HOST"], config["PORT"]
    check_can_listen(host, port)  # before building an index it could not serve
    if not index_exists(index_dir):
        if not Path(DEFAULT_SOURCES[0]).is_dir():
            raise click.ClickException(
                f"No index in {index_dir} and no {DEFAULT_SOURCES[0]}/ folder here to build "
                f"one from. Build it with: timkiem index SOURCES --index-dir {index_dir}"
            )
        click.echo(f"No index in {index_dir}: building it from {DEFAULT_SOURCES[0]}/ first.")
        try:
            run_build(DEFAULT_SOURCES, index_dir)
        except TimkiemError as exc:
            raise click.ClickException(str(exc)) from exc
    workers = config["WORKERS"] or default_workers()
    if workers > 1 and config["METRICS"]:
        _share_metrics_between_workers()
    click.echo(
        f"Serving timkiem on http://{host}:{port}/ (index: {index_dir}; "
        f"{count(workers, 'worker process', 'worker processes')} × "
        f"{count(threads, 'thread')}); Ctrl+C stops."
    )
    click.echo(write_api_line(config, os.environ))
    click.echo(crawl_schedule_line(config))  # stops here when CRAWL_URLS/CRAWL_EVERY are wrong
    serve(lambda: create_app(given), host=host, port=port, workers=workers, threads=threads)


def check_can_listen(host: str, port: int) -> None:
    """Fail with one clear line when ``host:port`` cannot be listened on (the port taken by
    another server, a privileged port, an address this machine does not have), before
    anything says it is serving."""
    import errno
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise click.ClickException(
            f"Cannot listen on {host}: {exc.strerror}. Choose another address with --host."
        ) from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as sock:
        # As the servers do: a port left in TIME_WAIT by a stopped server may be reused,
        # one another server listens on may not.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                reason = f"port {port} is already in use on {host} (another server runs there)"
            elif exc.errno == errno.EACCES:
                reason = f"port {port} needs privileges this user does not have"
            else:
                reason = exc.strerror or str(exc)
            raise click.ClickException(
                f"Cannot listen on {host}:{port}: {reason}. Choose another port with --port."
            ) from None


def _share_metrics_between_workers() -> None:
    """Metrics of several worker processes add up only through a directory they share
    (prometheus_client's multiprocess mode): an empty one of our own unless the operator
    set PROMETHEUS_MULTIPROC_DIR."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return
    import atexit
    import shutil
    import tempfile

    shared = tempfile.mkdtemp(prefix="timkiem-metrics-")
    atexit.register(shutil.rmtree, shared, ignore_errors=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = shared


def write_api_line(config: Mapping[str, Any], environ: Mapping[str, str]) -> str:
    """The line ``serve`` prints about the write API: on or off, and where its token is
    set (never the token itself). ``config`` holds the settings, read from ``environ``."""
    env = WRITE_TOKEN.env
    if str(config.get("WRITE_TOKEN") or "").strip():
        if env in environ:
            where = env
        else:
            where = f"WRITE_TOKEN in {environ.get(CONFIG_ENV, 'the config file')}"
        return (
            f"Write API: on (token from {where}; clients send Authorization: Bearer TOKEN "
            "to POST /api/articles; timkiem tasks lists what they sent)."
        )
    if environ.get(env) is not None:
        return f"Write API: off ({env} is empty; set it to a secret to turn it on)."
    return f"Write API: off (set {env} to a secret to turn it on)."
