"""timkiem's indexer and search library: the public API the CLI and the web UI use.

The pipeline, one module per stage: extract → normalize → analysis → build → segment, and
generations to publish the index; query → interpret → scoring (over postings) → proximity →
facets → duplicates → results, orchestrated by search's Engine, with highlight for excerpts.
"""

from .analytics import (
    AnalyticsMissingError,
    AnalyticsUnreadableError,
    SearchLog,
    Stats,
    empty_stats,
    local_time,
    log_path,
    normalize_query,
    read_stats,
)
from .article import Article, Skipped
from .build import BuildReport, build_index
from .errors import (
    IndexLockedError,
    IndexMissingError,
    IndexVersionError,
    QueryError,
    SettingError,
    TimkiemError,
)
from .extract import iter_articles
from .facets import SORTS, UNKNOWN_YEAR, UNKNOWN_YEAR_LABEL, Filters, check_sort, make_filters
from .generations import index_exists
from .results import ArticleView, Hit, SearchPage
from .scoring import Ranking
from .search import MAX_PAGE, MAX_PER_PAGE, Engine
from .settings import SETTINGS, Setting, load_settings

__all__ = [
    "MAX_PAGE",
    "MAX_PER_PAGE",
    "SETTINGS",
    "SORTS",
    "UNKNOWN_YEAR",
    "UNKNOWN_YEAR_LABEL",
    "AnalyticsMissingError",
    "AnalyticsUnreadableError",
    "Article",
    "ArticleView",
    "BuildReport",
    "Engine",
    "Filters",
    "Hit",
    "IndexLockedError",
    "IndexMissingError",
    "IndexVersionError",
    "QueryError",
    "Ranking",
    "SearchLog",
    "SearchPage",
    "Setting",
    "SettingError",
    "Skipped",
    "Stats",
    "TimkiemError",
    "build_index",
    "check_sort",
    "empty_stats",
    "index_exists",
    "iter_articles",
    "load_settings",
    "local_time",
    "log_path",
    "make_filters",
    "normalize_query",
    "read_stats",
]
