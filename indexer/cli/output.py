"""What the ``timkiem`` commands print: progress lines on a terminal, one-screen summaries of
a build, a crawl, the search log and the write journal, tables, counts with their nouns.

Plain functions of the reports the library returns, so the commands stay thin and the output
can be tested without running a command.
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import click

from ..analytics import Stats, local_time
from ..article import Article, Skipped
from ..errors import SettingError
from ..index.build import BuildReport
from ..index.merge import IndexShape, MergeReport
from ..live.journal import STATUSES, Task
from ..live.schedule import format_every, schedule_from_settings

if TYPE_CHECKING:  # the crawler (httpx …) is imported by the crawl command only
    from ..live.crawl import CrawlReport


def count(n: int, word: str, plural: str | None = None) -> str:
    """``3 pages``, ``1 page``, ``2 sitemaps and feeds``: a count with its noun in the right
    number."""
    return f"{n:,} {word if n == 1 else plural or word + 's'}"


def format_merge(report: MergeReport) -> str:
    """The line ``timkiem optimize`` (and a merge after a write) prints."""
    if not report.merged_anything:
        return (
            f"Nothing to merge: {count(report.segments_before, 'segment')}, "
            f"{count(report.documents, 'article')}."
        )
    purged = f", {count(report.purged, 'deleted document')} purged" if report.purged else ""
    return (
        f"Merged {count(report.merged, 'segment')} ({count(report.written, 'article')}"
        f"{purged}) in {report.seconds:.1f} s: {count(report.segments_after, 'segment')} now "
        f"for {count(report.documents, 'article')}."
    )


def format_shape(shape: IndexShape) -> str:
    """The index paragraph of ``timkiem stats``: articles, segments, deleted documents."""
    sizes = ", ".join(
        f"{s.documents:,}" + (f" ({s.deleted:,} deleted)" if s.deleted else "")
        for s in shape.segments
    )
    deleted = (
        f"{count(shape.deleted, 'deleted document')} not yet purged (a merge drops them)"
        if shape.deleted
        else "no deleted documents"
    )
    return (
        f"Index: {count(shape.documents, 'article')} in {count(len(shape.segments), 'segment')} "
        f"(the merge policy keeps at most {shape.bound:,}), {deleted}; "
        f"generation {shape.generation}.\nSegments (documents): {sizes}."
    )


def format_build(report: BuildReport) -> str:
    """The summary ``timkiem index`` prints after a build."""
    kind = "Updated the index" if report.updated_in_place else "Built the index"
    lines = [
        f"{kind} in {report.seconds:.1f} s ({report.articles_per_second:,.0f} articles/s): "
        f"{count(report.indexed, 'article')}; {report.added:,} added, {report.updated:,} "
        f"updated, {report.removed:,} removed, {report.unchanged:,} unchanged, "
        f"{len(report.skipped):,} skipped; {count(len(report.repeated_ids), 'repeated id')} "
        "(the later kept)."
    ]
    if report.duplicate_groups:
        lines.append(
            f"Near-copies: {count(report.grouped, 'article')} in "
            f"{count(report.duplicate_groups, 'group')}, each group one search result."
        )
    if report.skipped:
        lines.append("Skipped:")
        lines += [f"  {item}" for item in report.skipped]
    return "\n".join(lines)


class BuildProgress:
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
                f"\r  {count(self.count, 'article')}  {rate:,.0f}/s  {self.skipped:,} skipped",
                err=True,
                nl=False,
            )

    def done(self) -> None:
        if self.enabled and self._last:
            click.echo("", err=True)


_MARK_RE = re.compile(r"<mark>(.*?)</mark>")


def terminal_snippet(snippet: str) -> str:
    """A search snippet for the terminal: its <mark>s in bold yellow, entities unescaped."""
    styled = _MARK_RE.sub(lambda m: click.style(m.group(1), bold=True, fg="yellow"), snippet)
    return html.unescape(styled)


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


def with_interpretation(query: str, interpreted: str | None) -> str:
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
        f"{count(stats.searches, 'search', 'searches')} {_window(stats)}: "
        f"{count(stats.distinct_queries, 'distinct query', 'distinct queries')}, "
        f"{stats.zero_result_searches:,} with no results ({zero_share:.0f}%); "
        f"median {stats.median_ms:.1f} ms, 95th percentile {stats.p95_ms:.1f} ms.",
    ]
    busiest = stats.busiest
    if busiest is not None and stats.days > 1:
        lines.append(
            f"Busiest day: {busiest.day} ({count(busiest.searches, 'search', 'searches')})."
        )
    lines.append("")
    lines += _table(
        "Top queries",
        ("query", "searches", "avg results"),
        [
            (
                with_interpretation(r.query, r.interpreted),
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
                with_interpretation(r.query, r.interpreted),
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


def format_tasks(counts: dict[str, int], tasks: list[Task]) -> str:
    """The one-screen summary ``timkiem tasks`` prints: counts, then the latest tasks."""
    total = sum(counts.values())
    parts = ", ".join(f"{counts[status]:,} {status}" for status in STATUSES)
    lines = [f"{count(total, 'write task')}: {parts}."]
    if tasks:
        lines.append("")
        lines += _table(
            "Latest tasks",
            ("task", "type", "articles", "status", "enqueued", "finished"),
            [
                (
                    str(t.id),
                    t.type,
                    f"{t.articles:,}",
                    t.status,
                    _when(t.enqueued_at),
                    _when(t.finished_at) if t.finished_at else "",
                )
                for t in tasks
            ],
        )
    failed = [t for t in tasks if t.error]
    if failed:
        lines.append("")
        lines += [f"Task {t.id} failed: {t.error}" for t in failed]
    return "\n".join(lines)


class CrawlProgress:
    """A one-line crawl progress display on stderr (a terminal only)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.shown = False
        self.started = time.perf_counter()
        self._last = 0.0

    def __call__(self, report: CrawlReport) -> None:
        now = time.perf_counter()
        if not self.enabled or now - self._last < 0.25:
            return
        self._last = now
        rate = report.page_requests / max(now - self.started, 1e-9)
        click.echo(
            f"\r  {count(report.page_requests, 'page')}  {rate:,.1f}/s  {report.new:,} new  "
            f"{report.updated:,} updated  {report.not_modified:,} not modified  "
            f"{sum(report.skipped.values()):,} skipped ",
            err=True,
            nl=False,
        )
        self.shown = True

    def done(self) -> None:
        if self.shown:
            click.echo("", err=True)


def crawl_schedule_line(config: Mapping[str, Any]) -> str:
    """The line ``serve`` prints about the crawl on a schedule (``CRAWL_URLS``,
    ``CRAWL_EVERY``); a ClickException, in words, when those settings are wrong."""
    try:
        schedule = schedule_from_settings(config)
    except SettingError as exc:
        raise click.ClickException(str(exc)) from exc
    if schedule is None:
        return "Crawl: off (set TIMKIEM_CRAWL_URLS and TIMKIEM_CRAWL_EVERY to crawl on a schedule)."
    urls = count(len(schedule.urls), "start address", "start addresses")
    return (
        f"Crawl: every {format_every(schedule.every)}, {urls} ({' '.join(schedule.urls)}), "
        "one crawl at a time across the worker processes."
    )


def format_crawl(report: CrawlReport) -> str:
    """The one-screen summary ``timkiem crawl`` prints."""
    requests = report.page_requests
    lines = [
        f"Crawled {count(report.listings, 'sitemap or feed', 'sitemaps and feeds')} and "
        f"{count(requests, 'page')} in {report.seconds:.1f} s "
        f"({report.pages_per_second:,.1f} pages/s; {count(report.requests, 'request')} in all, "
        "robots.txt and retries included).",
        f"Pages: {report.fetched:,} fetched in full, {report.not_modified:,} not modified (304), "
        f"{report.lastmod_unchanged:,} not requested (lastmod unchanged); "
        f"{report.conditional:,} of {count(requests, 'request')} conditional.",
        f"Articles: {report.new:,} new, {report.updated:,} updated, {report.unchanged:,} "
        f"unchanged, {report.removed:,} removed.",
    ]
    if report.list_pages:
        lines.append(
            f"{count(report.list_pages, 'list page')} followed, not indexed "
            "(mostly links, no article text)."
        )
    skipped = sum(report.skipped.values())
    if skipped:
        lines.append(f"Skipped {count(skipped, 'page')}:")
        for reason, n in report.skipped.most_common():
            example = report.examples.get(reason, [""])[0]
            lines.append(
                f"  {reason}: {count(n, 'page')}" + (f", e.g. {example}" if example else "")
            )
    if report.notes:
        lines.append("Notes:")
        for note, n in report.notes.most_common():
            example = report.note_examples.get(note, [""])[0]
            unit = report.note_units.get(note, "page")
            lines.append(f"  {note}: {count(n, unit)}" + (f", e.g. {example}" if example else ""))
    for host, why in sorted(report.lastmod_distrusted.items()):
        lines.append(
            f"Lastmod of {host} proved wrong ({why}): no longer trusted, its pages are "
            "checked at every crawl."
        )
    before = [h for h in report.lastmod_untrusted if h not in report.lastmod_distrusted]
    if before:
        lines.append(
            f"Lastmod not trusted on {count(len(before), 'host')} (proved wrong before; "
            f"pages checked at every crawl): {', '.join(before)}."
        )
    if report.limit_reached:
        lines.append("Stopped at --max-pages: the pages left are crawled next time.")
    if report.build is not None:
        lines.append(f"The index now holds {count(report.build.indexed, 'article')}.")
    else:
        lines.append("Nothing changed: the index was left as it was.")
    return "\n".join(lines)
