"""The ``timkiem`` command: index, search, stats and serve. Thin commands over the library."""

from __future__ import annotations

import html
import json
import os
import re
import sys
import time
from pathlib import Path

import click

from .analytics import Stats, local_time, log_path, read_stats
from .article import Article, Skipped
from .build import BuildReport, build_index, index_exists
from .errors import TimkiemError
from .extract import iter_articles
from .facets import SORTS, UNKNOWN_YEAR, make_filters
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


def run_build(
    sources: tuple[str, ...], index_dir: str, *, rebuild: bool = True, source: str | None = None
) -> BuildReport:
    """Index ``sources`` with progress on stderr; print the summary. ``source`` names the
    site of the articles that name none."""
    progress = _Progress(enabled=sys.stderr.isatty())
    click.echo(f"Indexing {', '.join(sources)} into {index_dir} …", err=True)
    articles = iter_articles(sources, source=source)
    try:
        report = build_index(articles, index_dir, rebuild=rebuild, progress=progress)
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
@click.option(
    "--source",
    "source",
    metavar="NAME",
    help="Site name shown as the source of articles that name none (a page's own "
    "og:site_name, a portal name in its header, a .timkiem-source file in its folder win).",
)
@index_dir_option
def index_command(
    sources: tuple[str, ...], rebuild: bool, source: str | None, index_dir: str
) -> None:
    """Index SOURCES (files, folders, globs; default: seeds/).

    SOURCES are the whole collection: on an existing index only new and changed articles
    (by content hash) are written, and articles no longer in SOURCES are removed. The new
    index is prepared beside the live one and replaces it atomically: searches keep being
    answered by the old one until the new one is complete. Exits with status 1 when some
    sources were skipped (the rest is indexed).
    """
    try:
        report = run_build(sources or DEFAULT_SOURCES, index_dir, rebuild=rebuild, source=source)
    except TimkiemError as exc:
        raise click.ClickException(str(exc)) from exc
    if report.skipped:
        sys.exit(1)


_MARK_RE = re.compile(r"<mark>(.*?)</mark>")


def _terminal_snippet(snippet: str) -> str:
    styled = _MARK_RE.sub(lambda m: click.style(m.group(1), bold=True, fg="yellow"), snippet)
    return html.unescape(styled)


@main.command("search")
@click.argument("query", nargs=-1)
@click.option("--limit", "-n", default=10, show_default=True, type=click.IntRange(1, 100))
@click.option("--page", default=1, show_default=True, type=click.IntRange(1, 1000))
@click.option(
    "--sort",
    type=click.Choice(SORTS),
    default="relevance",
    show_default=True,
    help="Order; undated articles come last under newest and oldest.",
)
@click.option("--year", metavar="YYYY", help=f"Only this year ({UNKNOWN_YEAR}: undated).")
@click.option(
    "--source", "sources", multiple=True, metavar="NAME", help="Only this source (repeatable)."
)
@click.option("--from", "date_from", metavar="YYYY-MM-DD", help="Only from this date on.")
@click.option("--to", "date_to", metavar="YYYY-MM-DD", help="Only up to this date.")
@click.option("--json", "as_json", is_flag=True, help="Print exactly what /api/search returns.")
@index_dir_option
def search_command(
    query: tuple[str, ...],
    limit: int,
    page: int,
    sort: str,
    year: str | None,
    sources: tuple[str, ...],
    date_from: str | None,
    date_to: str | None,
    as_json: bool,
    index_dir: str,
) -> None:
    """Search the index and print ranked results.

    Without a QUERY, the filters list the articles they select, newest first.
    """
    text = " ".join(query)
    try:
        filters = make_filters(year=year, sources=sources, date_from=date_from, date_to=date_to)
        if not text.strip() and filters.is_empty():
            raise click.UsageError("Give a QUERY, or a filter (--year, --source, --from, --to).")
        result = Engine(index_dir).search(
            text, page=page, per_page=limit, sort=sort, filters=filters
        )
    except TimkiemError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    shown = f"“{result.interpreted}”" if result.interpreted else f"“{text}”"
    found = f"results for {shown}" if text.strip() else "articles"
    click.echo(f"{result.total:,} {found} ({result.took_ms:.0f} ms)")
    for rank, hit in enumerate(result.hits, start=(page - 1) * limit + 1):
        meta = " · ".join(x for x in (hit.date, hit.source, hit.author) if x)
        click.echo("")
        click.echo(f"{rank:>2}. " + click.style(hit.title, bold=True) + f"  [{hit.id}]")
        if meta:
            click.echo(f"    {meta}")
        click.echo(f"    {_terminal_snippet(hit.snippet)}")
        click.echo(f"    {hit.path}")
    if result.hits:
        click.echo("")
    for name, counts in result.facets.items():
        if counts:  # the 10 largest buckets, as the page shows them
            listed = ", ".join(f"{c['label']} ({c['count']:,})" for c in counts[:10])
            click.echo(f"{name}: {listed}")


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _table(title: str, headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    """A titled text table: the first column left-aligned (and cut), the others right."""
    if not rows:
        return [title, "  (none)"]
    cells = [(_cut(r[0], 40), *r[1:]) for r in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headers)]
    out = [title]
    for line in [headers, *cells]:
        first = line[0].ljust(widths[0])
        rest = "  ".join(c.rjust(w) for c, w in zip(line[1:], widths[1:], strict=True))
        out.append(f"  {first}  {rest}".rstrip())
    return out


def _with_interpretation(query: str, interpreted: str | None) -> str:
    return f"{query} → {interpreted}" if interpreted else query


def _when(stamp: str) -> str:
    moment = local_time(stamp)
    return moment.strftime("%Y-%m-%d %H:%M") if moment else stamp


def _window(stats: Stats) -> str:
    if stats.days == 1:
        return f"today ({stats.until})"
    return f"in the last {stats.days} days ({stats.since} – {stats.until})"


def format_stats(stats: Stats) -> str:
    """The one-screen summary ``timkiem stats`` prints."""
    if not stats.searches:
        return f"No searches {_window(stats)}."
    zero_share = 100 * stats.zero_result_searches / stats.searches
    lines = [
        f"{stats.searches:,} searches {_window(stats)}: {stats.distinct_queries:,} distinct "
        "queries, "
        f"{stats.zero_result_searches:,} with no results ({zero_share:.0f}%); "
        f"median {stats.median_ms:.1f} ms, 95th percentile {stats.p95_ms:.1f} ms.",
    ]
    busiest = stats.busiest
    if busiest is not None and stats.days > 1:
        lines.append(f"Busiest day: {busiest.day} ({busiest.searches:,} searches).")
    lines.append("")
    lines += _table(
        "Top queries",
        ("query", "searches", "avg results"),
        [
            (
                _with_interpretation(r.query, r.interpreted),
                f"{r.searches:,}",
                f"{r.avg_results:.1f}",
            )
            for r in stats.top
        ],
    )
    lines.append("")
    lines += _table(
        "Queries with no results",
        ("query", "searches", "last searched"),
        [
            (
                _with_interpretation(r.query, r.interpreted),
                f"{r.searches:,}",
                _when(r.last_searched),
            )
            for r in stats.zero_results
        ],
    )
    lines.append("")
    lines += _table(
        "Slowest queries",
        ("query", "searches", "max ms", "median ms"),
        [
            (r.query, f"{r.searches:,}", f"{r.max_ms:.1f}", f"{r.median_ms:.1f}")
            for r in stats.slowest
        ],
    )
    return "\n".join(lines)


def _logging_is_off() -> bool:
    return os.environ.get("TIMKIEM_ANALYTICS", "on").strip().lower() not in {
        "1",
        "true",
        "yes",
        "on",
    }


@main.command("stats")
@click.option(
    "--days", default=30, show_default=True, type=click.IntRange(1, 3650), help="Days to cover."
)
@click.option(
    "--limit",
    "-n",
    default=10,
    show_default=True,
    type=click.IntRange(1, 1000),
    help="Rows per table.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@index_dir_option
def stats_command(days: int, limit: int, as_json: bool, index_dir: str) -> None:
    """What readers searched for: top queries, queries with no results, slowest queries.

    Reads the search log the web server keeps beside the index (analytics.sqlite3); the
    last DAYS days are today and the days before it, in local time.
    """
    path = log_path(index_dir)
    off = _logging_is_off()
    try:
        stats = read_stats(path, days=days, limit=limit)
    except TimkiemError as exc:
        message = str(exc)
        if off:
            message += " Search logging is off here (TIMKIEM_ANALYTICS=off)."
        raise click.ClickException(message) from exc
    if as_json:
        click.echo(json.dumps(stats.to_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(format_stats(stats))
    if off:
        click.echo("\nSearch logging is off (TIMKIEM_ANALYTICS=off): new searches are not logged.")


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


if __name__ == "__main__":
    main()
