"""What the commands print (indexer.cli.output): counts with their nouns in the right number,
and the build summary a person reads after `timkiem index`."""

from __future__ import annotations

import pytest

from indexer import BuildReport
from indexer.cli.output import count, format_build


@pytest.mark.parametrize(
    ("n", "word", "plural", "expected"),
    [
        (1, "article", None, "1 article"),
        (0, "article", None, "0 articles"),
        (12345, "article", None, "12,345 articles"),
        (1, "sitemap or feed", "sitemaps and feeds", "1 sitemap or feed"),
        (2, "sitemap or feed", "sitemaps and feeds", "2 sitemaps and feeds"),
    ],
)
def test_count_puts_the_noun_in_the_right_number(
    n: int, word: str, plural: str | None, expected: str
) -> None:
    assert count(n, word, plural) == expected


def test_the_build_summary_reads_in_the_singular_for_one() -> None:
    report = BuildReport(indexed=1, added=1, duplicate_groups=1, grouped=2)
    text = format_build(report)
    assert "Built the index" in text
    assert ": 1 article; 1 added" in text
    assert "0 repeated ids" in text
    assert "Near-copies: 2 articles in 1 group, each group one search result." in text
