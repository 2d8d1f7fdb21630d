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
from .applier import Applier, apply_pending
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
from .journal import Journal, JournalUnreadableError, Task, journal_path
from .posted import PostedArticleError, check_id, posted_articles
from .postings import CacheLookups
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
    "Applier",
    "Article",
    "ArticleView",
    "BuildReport",
    "CacheLookups",
    "Engine",
    "Filters",
    "Hit",
    "IndexLockedError",
    "IndexMissingError",
    "IndexVersionError",
    "Journal",
    "JournalUnreadableError",
    "PostedArticleError",
    "QueryError",
    "Ranking",
    "SearchLog",
    "SearchPage",
    "Setting",
    "SettingError",
    "Skipped",
    "Stats",
    "Task",
    "TimkiemError",
    "apply_pending",
    "build_index",
    "check_id",
    "check_sort",
    "empty_stats",
    "index_exists",
    "iter_articles",
    "journal_path",
    "load_settings",
    "local_time",
    "log_path",
    "make_filters",
    "normalize_query",
    "posted_articles",
    "read_stats",
]
