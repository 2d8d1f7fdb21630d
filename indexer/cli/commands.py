"""The ``timkiem`` command: index, crawl, forget, optimize, search, stats and tasks (``serve`` is in
``indexer.cli.serve``). Thin commands over the library; what they print is in
``indexer.cli.output``.

Options that are settings (``--index-dir``, ``--host``, ``--port``) are read through the
settings table (``indexer.settings``) by ``indexer.cli.options``, the same way by every
command and by the web app.
"""

from __future__ import annotations

import json
import sys

import click

from ..analytics import log_path, read_stats
from ..errors import TimkiemError
from ..extract import iter_articles
from ..extract.sourcefiles import SourceFiles
from ..index.build import BuildReport
from ..index.generations import writers_wait
from ..index.merge import index_shape, merge_after_write, merge_index
from ..live.applier import apply_pending
from ..live.journal import STATUSES, Journal, journal_path
from ..search.facets import SORTS, UNKNOWN_YEAR, make_filters
from .options import command_settings, index_dir_option, index_dir_setting
from .output import (
    BuildProgress,
    CrawlProgress,
    count,
    format_build,
    format_crawl,
    format_merge,
    format_shape,
    format_stats,
    format_tasks,
    terminal_snippet,
)
from .stores import searcher_for, solr_url, writer_for

DEFAULT_SOURCES = ("seeds",)
DEFAULT_WAIT = 300.0  # seconds a writer waits for another to let go of the index

wait_option = click.option(
    "--wait",
    "wait",
    default=DEFAULT_WAIT,
    show_default=True,
    type=click.FloatRange(0),
    metavar="SECONDS",
    help="How long to wait when another writer (the write API, a crawl, an indexer, a merge) "
    "is writing the index; 0 fails at once.",
)


def announce_wait(line: str) -> None:
    """Tell the user, once, what a writer waits for."""
    click.echo(line, err=True)


def merge_after(index_dir: str) -> None:
    """The merge the policy says is due after a write, with its one-line summary (a Solr
    collection merges its own segments)."""
    if solr_url(index_dir):
        return
    report = merge_after_write(index_dir)
    if report is not None and report.merged_anything:
        click.echo(format_merge(report), err=True)


def run_build(
    sources: tuple[str, ...], index_dir: str, *, rebuild: bool = True, source: str | None = None
) -> BuildReport:
    """Index ``sources`` with progress on stderr; print the summary. ``source`` names the
    site of the articles that name none."""
    progress = BuildProgress(enabled=sys.stderr.isatty())
    target = solr_url(index_dir) or index_dir  # the Solr collection when SOLR_URL is set
    click.echo(f"Indexing {', '.join(sources)} into {target} …", err=True)
    files = SourceFiles()  # an update leaves the files unchanged since the last run unread
    articles = iter_articles(sources, source=source, files=files)
    try:
        writer = writer_for(index_dir)
        report = writer.replace_collection(
            articles, rebuild=rebuild, progress=progress, files=files
        )
    finally:
        progress.done()
    click.echo(format_build(report), err=True)
    return report


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="timkiem")
def main() -> None:
    """timkiem: full-text search for Vietnamese articles.

    \b
    Settings (--index-dir, --host, --port) are read, first found wins, from:
    the flag, the environment variable TIMKIEM_<NAME>, the Python file named
    by TIMKIEM_CONFIG (NAME = value; a relative INDEX_DIR there is relative to
    the file), the default.
    """


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
@click.option(
    "--merge",
    "merge_all",
    is_flag=True,
    help="Then merge every segment into one (what timkiem optimize does).",
)
@wait_option
@index_dir_option
def index_command(
    sources: tuple[str, ...],
    rebuild: bool,
    source: str | None,
    merge_all: bool,
    wait: float,
    index_dir: str | None,
) -> None:
    """Index SOURCES (files, folders, globs; default: seeds/).

    SOURCES are the whole collection: on an existing index only new and changed articles
    (by content hash) are written, and articles no longer in SOURCES are removed. The new
    index is prepared beside the live one and replaces it atomically: searches keep being
    answered by the old one until the new one is complete. Exits with status 1 when some
    sources were skipped (the rest is indexed). Then the segments due a merge are merged
    (all of them with --merge). While another writer holds the index, waits up to --wait
    seconds for it.
    """
    index_dir = index_dir_setting(index_dir)
    try:
        with writers_wait(wait, announce_wait):
            report = run_build(
                sources or DEFAULT_SOURCES, index_dir, rebuild=rebuild, source=source
            )
            if merge_all:
                click.echo(format_merge(merge_index(index_dir)), err=True)
            else:
                merge_after(index_dir)
    except TimkiemError as exc:
        raise click.ClickException(str(exc)) from exc
    if report.skipped:
        sys.exit(1)


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
@click.option(
    "--exact", is_flag=True, help="Search the query as typed: no accents restored, no suggestion."
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print what /api/search returns, with each result's path.",
)
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
    exact: bool,
    as_json: bool,
    index_dir: str | None,
) -> None:
    """Search the index and print ranked results.

    Without a QUERY, the filters list the articles they select, newest first.
    """
    index_dir = index_dir_setting(index_dir)
    text = " ".join(query)
    try:
        filters = make_filters(year=year, sources=sources, date_from=date_from, date_to=date_to)
        if not text.strip() and filters.is_empty():
            raise click.UsageError("Give a QUERY, or a filter (--year, --source, --from, --to).")
        result = searcher_for(index_dir).search(
            text, page=page, per_page=limit, sort=sort, filters=filters, exact=exact
        )
    except TimkiemError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(result.to_dict(paths=True), ensure_ascii=False, indent=2))
        return
    shown = f"“{result.interpreted}”" if result.interpreted else f"“{text}”"
    if text.strip():
        found = f"{count(result.total, 'result')} for {shown}"
    else:
        found = count(result.total, "article")
    click.echo(f"{found} ({result.took_ms:.0f} ms)")
    for rank, hit in enumerate(result.hits, start=(page - 1) * limit + 1):
        meta = " · ".join(x for x in (hit.date, hit.source, hit.author) if x)
        click.echo("")
        click.echo(f"{rank:>2}. " + click.style(hit.title, bold=True) + f"  [{hit.id}]")
        if meta:
            click.echo(f"    {meta}")
        click.echo(f"    {terminal_snippet(hit.snippet)}")
        if hit.missing:
            click.echo("    missing: " + " ".join(hit.missing))
        click.echo(f"    {hit.path}")
    if result.hits:
        click.echo("")
    if result.partial:
        click.echo("No article holds every word; these hold some of them.")
    if result.interpreted:
        click.echo(f"To search it as typed: timkiem search --exact “{text}”")
    if result.suggestion:
        click.echo(f"Did you mean: “{result.suggestion}”")
    for name, counts in result.facets.items():
        if counts:  # the 10 largest buckets, as the page shows them
            listed = ", ".join(f"{c['label']} ({c['count']:,})" for c in counts[:10])
            click.echo(f"{name}: {listed}")


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
@click.option(
    "--index",
    "index_only",
    is_flag=True,
    help="Only the index: its articles, segments and deleted documents.",
)
@index_dir_option
def stats_command(
    days: int, limit: int, as_json: bool, index_only: bool, index_dir: str | None
) -> None:
    """What readers searched for: top queries, queries with no results, slowest queries;
    then the index's articles, segments and deleted documents (--index: those only).

    Reads the search log the web server keeps beside the index (analytics.sqlite3); the
    last DAYS days are today and the days before it, in local time.
    """
    config = command_settings(index_dir)
    if index_only:
        try:
            shape = index_shape(config["INDEX_DIR"])
        except TimkiemError as exc:
            raise click.ClickException(str(exc)) from exc
        if as_json:
            click.echo(json.dumps(shape.to_dict(), indent=2))
        else:
            click.echo(format_shape(shape))
        return
    path = log_path(config["INDEX_DIR"])
    off = not config["ANALYTICS"]
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
    try:
        shape = index_shape(config["INDEX_DIR"])
    except TimkiemError:
        return  # no index (yet): the search log alone
    click.echo("\n" + format_shape(shape))


@main.command("optimize")
@wait_option
@index_dir_option
def optimize_command(wait: float, index_dir: str | None) -> None:
    """Merge every segment of the index into one, dropping deleted documents.

    Updates add segments and the merge policy keeps their number to about log2 of the
    articles (see docs/indexing.md); one segment is the smallest and fastest index. The
    merged index is prepared beside the live one and swapped in atomically: searches go on
    meanwhile. While another writer holds the index, waits up to --wait seconds for it.
    """
    index_dir = index_dir_setting(index_dir)
    try:
        with writers_wait(wait, announce_wait):
            report = merge_index(index_dir, everything=True)
    except TimkiemError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(format_merge(report), err=True)


@main.command("tasks")
@click.option("--status", type=click.Choice(STATUSES), help="Only tasks with this status.")
@click.option(
    "--limit", "-n", default=20, show_default=True, type=click.IntRange(1, 10_000), help="Tasks."
)
@click.option(
    "--apply",
    "apply_now",
    is_flag=True,
    help="Apply the unfinished tasks now (a server with the write API does it by itself).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the counts and tasks as JSON.")
@index_dir_option
def tasks_command(
    status: str | None, limit: int, apply_now: bool, as_json: bool, index_dir: str | None
) -> None:
    """The write API's tasks: what was sent, and whether it is in the index yet.

    Reads the journal the server keeps beside the index (journal.sqlite3), newest first.
    """
    config = command_settings(index_dir)
    index_dir = str(config["INDEX_DIR"])
    if not journal_path(index_dir).exists():
        raise click.ClickException(
            f"No write tasks in {index_dir}. The write API (timkiem serve with "
            "TIMKIEM_WRITE_TOKEN set) journals them there."
        )
    try:
        journal = Journal(index_dir)
        if apply_now:
            succeeded = failed = 0
            while True:
                result = apply_pending(
                    journal, max_articles=max(1, int(config["WRITE_BATCH_ARTICLES"]))
                )
                if not result.applied:
                    break
                succeeded += len(result.succeeded)
                failed += len(result.failed)
            click.echo(f"Applied {count(succeeded, 'task')}; {failed:,} failed.", err=True)
        counts = journal.counts()
        tasks = journal.tasks(status=status, limit=limit)
    except TimkiemError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        listed = [t.to_dict() for t in tasks]
        click.echo(json.dumps({"counts": counts, "tasks": listed}, ensure_ascii=False, indent=2))
        return
    click.echo(format_tasks(counts, tasks))


@main.command("crawl")
@click.argument("urls", nargs=-1, required=True)
@click.option(
    "--max-pages",
    default=1000,
    show_default=True,
    type=click.IntRange(1),
    help="Page requests per crawl (sitemaps, feeds and robots.txt not counted).",
)
@click.option(
    "--delay",
    default=1.0,
    show_default=True,
    type=click.FloatRange(0),
    help="Seconds between two requests to one host (a longer robots.txt Crawl-delay wins, "
    "up to 30 s). "
    "0 only for a site of your own.",
)
@click.option(
    "--depth",
    default=2,
    show_default=True,
    type=click.IntRange(0),
    help="Links followed away from a start page (sitemaps and feeds list their pages).",
)
@click.option(
    "--revisit-days",
    default=7,
    show_default=True,
    type=click.FloatRange(0),
    help="Days after which a known page is asked for again (conditionally: an unchanged "
    "page costs a 304) even if its sitemap lastmod is as last time; 0: at every crawl.",
)
@wait_option
@index_dir_option
def crawl_command(
    urls: tuple[str, ...],
    max_pages: int,
    delay: float,
    depth: int,
    revisit_days: float,
    wait: float,
    index_dir: str | None,
) -> None:
    """Crawl URLS (sitemaps, sitemap indexes, RSS or Atom feeds, HTML pages) into the index.

    Only the start URLs' hosts are crawled, as their robots.txt allows. Pages are indexed
    with their own address in the collection "crawl", beside the indexed files; a re-crawl
    asks for pages conditionally, checks every known page again at least every
    --revisit-days, removes pages that answer 404 or 410 and keeps a page through a passing
    error. Exits with status 1 when nothing at all could be read. The segments due a merge
    are merged afterwards; while another writer holds the index, waits up to --wait seconds
    for it.
    """
    from ..live.crawl import CrawlOptions, crawl

    index_dir = index_dir_setting(index_dir)
    progress = CrawlProgress(enabled=sys.stderr.isatty())
    options = CrawlOptions(max_pages=max_pages, delay=delay, depth=depth, revisit_days=revisit_days)
    try:
        with writers_wait(wait, announce_wait):
            report = crawl(urls, index_dir, options, progress=progress)
    except TimkiemError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        progress.done()
    click.echo(format_crawl(report), err=True)
    try:
        with writers_wait(wait, announce_wait):
            merge_after(index_dir)
    except TimkiemError as exc:
        raise click.ClickException(str(exc)) from exc
    read = report.listings + report.fetched + report.not_modified + report.lastmod_unchanged
    if not read:
        sys.exit(1)


@main.command("forget")
@click.argument("collection", type=click.Choice(("files", "crawl")))
@index_dir_option
def forget_command(collection: str, index_dir: str | None) -> None:
    """Remove every article of COLLECTION (files or crawl) from the index.

    The other collection stays. Forgetting "crawl" also deletes the crawl state, so the next
    crawl starts afresh.
    """
    from ..index.build import remove_collection
    from ..live.crawl import forget_crawl

    index_dir = index_dir_setting(index_dir)
    forgot_state = False
    try:
        if collection == "crawl":
            report, forgot_state = forget_crawl(index_dir)
        else:
            report = remove_collection(index_dir, collection)
    except TimkiemError as exc:
        raise click.ClickException(str(exc)) from exc
    if report is None:
        click.echo(f"The index holds no {collection} articles.", err=True)
    else:
        click.echo(
            f"Removed {count(report.removed, 'article')} of {collection}; the index now holds "
            f"{count(report.indexed, 'article')}.",
            err=True,
        )
    if forgot_state:
        click.echo("Deleted the crawl state: the next crawl fetches every page in full.", err=True)


if __name__ == "__main__":
    main()
