"""What the commands print reads in English with each noun in the right number, one or many."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer import Stats
from indexer.analytics.stats import Day
from indexer.cli import main
from indexer.cli.output import BuildProgress, format_stats


def one_search(days: int) -> Stats:
    day = Day(day="2026-12-07", searches=1, zero_results=0)
    return Stats(
        days=days,
        since="2026-12-06",
        until="2026-12-07",
        searches=1,
        distinct_queries=1,
        per_day=[Day(day="2026-12-06", searches=0, zero_results=0), day],
    )


def test_stats_of_one_search_are_in_the_singular() -> None:
    text = format_stats(one_search(days=2))
    assert text.startswith("1 search in the last 2 days (2026-12-06 – 2026-12-07): ")
    assert "1 distinct query, 0 with no results (0%)" in text
    assert "Busiest day: 2026-12-07 (1 search)." in text


def test_build_progress_counts_one_article_in_the_singular(
    capsys: pytest.CaptureFixture[str],
) -> None:
    progress = BuildProgress(enabled=True)
    progress.started -= 1.0
    progress(object())  # type: ignore[arg-type]  # an article (anything but Skipped)
    assert "1 article  " in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "first"),
    [
        (["bac kan"], "1 result for “bắc kạn”"),
        (["công tác"], "5 results for “công tác”"),
        (["--source", "nowhere"], "0 articles"),
    ],
)
def test_search_counts_results_in_the_right_number(
    seed_index: Path, args: list[str], first: str
) -> None:
    result = CliRunner().invoke(main, ["search", *args, "--index-dir", str(seed_index)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(first + " ("), result.output
