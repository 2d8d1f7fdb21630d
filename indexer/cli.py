"""The ``timkiem`` command: index, search and serve. Thin commands over the library."""

from __future__ import annotations

import html
import json
import re
import sys
import time
from pathlib import Path

import click

from .article import Article, Skipped
from .build import BuildReport, build_index, index_exists
from .errors import TimkiemError
from .extract import iter_articles
from .search import Engine

DEFAULT_INDEX_DIR = "index_data"
DEFAULT_SOURCES = ("seeds",)

index_dir_option = click.option(
    "--index-dir",
    type=click.Path(file_okay=False),
    default=DEFAULT_INDEX_DIR,
    envvar="TIMKIEM_INDEX_DIR",
    show_default=True,
    show_envvar=True,
    help="Directory of the index.",
)


class _Progress:
    """A one-line progress display on stderr: articles, rate, skipped."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.count = 0
        self.skipped = 0
        self.started = time.perf_counter()
        self._last = 0.0

    def __call__(self, item: Article | Skipped) -> None:
        if isinstance(item, Skipped):
            self.skipped += 1
            click.echo(f"\rskipped {item}", err=True)
        else:
            self.count += 1
        now = time.perf_counter()
        if self.enabled and now - self._last > 0.25:
            self._last = now
            rate = self.count / max(now - self.started, 1e-9)
            click.echo(
                f"\r  {self.count:,} articles  {rate:,.0f}/s  {self.skipped} skipped",
                err=True,
                nl=False,
            )

    def done(self) -> None:
        if self.enabled and self._last:
            click.echo("", err=True)


def run_build(sources: tuple[str, ...], index_dir: str, *, rebuild: bool = True) -> BuildReport:
    """Index ``sources`` with progress on stderr; print the summary."""
    progress = _Progress(enabled=sys.stderr.isatty())
    click.echo(f"Indexing {', '.join(sources)} into {index_dir} …", err=True)
    try:
        report = build_index(iter_articles(sources), index_dir, rebuild=rebuild, progress=progress)
    finally:
        progress.done()
    kind = "Updated the index" if report.updated_in_place else "Built the index"
    click.echo(
        f"{kind} in {report.seconds:.1f} s ({report.articles_per_second:,.0f} articles/s): "
        f"{report.indexed:,} articles; {report.added:,} added, {report.updated:,} updated, "
        f"{report.removed:,} removed, {report.unchanged:,} unchanged, "
        f"{len(report.skipped):,} skipped; {len(report.duplicates):,} duplicate ids "
        "(the later kept).",
        err=True,
    )
    if report.duplicate_groups:
        click.echo(
            f"Near-copies: {report.grouped:,} articles in {report.duplicate_groups:,} "
            "group(s), each group one search result.",
            err=True,
        )
    if report.skipped:
        click.echo("Skipped:", err=True)
        for item in report.skipped:
            click.echo(f"  {item}", err=True)
    return report


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="timkiem")
def main() -> None:
    """timkiem: full-text search for Vietnamese articles."""


@main.command("index")
@click.argument("sources", nargs=-1)
@click.option("--rebuild", is_flag=True, help="Rebuild from scratch instead of updating.")
@index_dir_option
def index_command(sources: tuple[str, ...], rebuild: bool, index_dir: str) -> None:
    """Index SOURCES (files, folders, globs; default: seeds/).

    SOURCES are the whole collection: on an existing index only new and changed articles
    (by content hash) are written, and articles no longer in SOURCES are removed. The new
    index is prepared beside the live one and replaces it atomically: searches keep being
    answered by the old one until the new one is complete. Exits with status 1 when some
    sources were skipped (the rest is indexed).
    """
    try:
        report = run_build(sources or DEFAULT_SOURCES, index_dir, rebuild=rebuild)
    except TimkiemError as exc:
        raise click.ClickException(str(exc)) from exc
    if report.skipped:
        sys.exit(1)


_MARK_RE = re.compile(r"<mark>(.*?)</mark>")


def _terminal_snippet(snippet: str) -> str:
    styled = _MARK_RE.sub(lambda m: click.style(m.group(1), bold=True, fg="yellow"), snippet)
    return html.unescape(styled)


@main.command("search")
@click.argument("query", nargs=-1, required=True)
@click.option("--limit", "-n", default=10, show_default=True, type=click.IntRange(1, 100))
@click.option("--page", default=1, show_default=True, type=click.IntRange(1, 1000))
@click.option("--json", "as_json", is_flag=True, help="Print exactly what /api/search returns.")
@index_dir_option
def search_command(
    query: tuple[str, ...], limit: int, page: int, as_json: bool, index_dir: str
) -> None:
    """Search the index and print ranked results."""
    text = " ".join(query)
    try:
        result = Engine(index_dir).search(text, page=page, per_page=limit)
    except TimkiemError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    shown = f"“{result.interpreted}”" if result.interpreted else f"“{text}”"
    click.echo(f"{result.total:,} results for {shown} ({result.took_ms:.0f} ms)")
    for rank, hit in enumerate(result.hits, start=(page - 1) * limit + 1):
        meta = " · ".join(x for x in (hit.date, hit.source, hit.author) if x)
        click.echo("")
        click.echo(f"{rank:>2}. " + click.style(hit.title, bold=True) + f"  [{hit.id}]")
        if meta:
            click.echo(f"    {meta}")
        click.echo(f"    {_terminal_snippet(hit.snippet)}")
        click.echo(f"    {hit.path}")


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, envvar="TIMKIEM_HOST")
@click.option("--port", default=8000, show_default=True, type=int, envvar="TIMKIEM_PORT")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64))
@index_dir_option
def serve_command(host: str, port: int, threads: int, index_dir: str) -> None:
    """Serve the search page, the JSON API and the widget (waitress).

    If the index is missing it is built from seeds/ first.
    """
    import waitress

    from webui import create_app

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
    app = create_app({"INDEX_DIR": index_dir})
    click.echo(f"Serving timkiem on http://{host}:{port}/ (index: {index_dir}); Ctrl+C stops.")
    waitress.serve(app, host=host, port=port, threads=threads, ident="timkiem")
