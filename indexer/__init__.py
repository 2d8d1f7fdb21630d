"""timkiem's indexer and search library: the public API the CLI and the web UI use.

The pipeline, one sub-package per side: ``extract`` (files, HTML, JSON Lines → articles) →
``text`` (normalisation, syllables, word segmentation) → ``index`` (building, segments,
generations); ``search`` (parse → interpret → retrieve through ``store`` → re-rank →
highlight); ``live`` (crawl, the write journal and its applier); ``analytics`` (the search
log); ``cli`` (the ``timkiem`` command). ``webui`` imports only what this module exports.
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
from .errors import (
    IndexLockedError,
    IndexMissingError,
    IndexVersionError,
    QueryError,
    SettingError,
    TimkiemError,
)
from .extract import iter_articles
from .index.build import BuildReport, build_index
from .index.generations import index_exists
from .index.postings import CacheLookups
from .live.applier import Applier, apply_pending
from .live.journal import Journal, JournalUnreadableError, Task, journal_path
from .live.posted import PostedArticleError, check_id, posted_articles
from .live.schedule import (
    CrawlSchedule,
    LastRun,
    Scheduler,
    read_last_run,
    schedule_from_settings,
)
from .search.engine import MAX_PAGE, MAX_PER_PAGE, Engine
from .search.facets import (
    MAX_SOURCES,
    SORTS,
    UNKNOWN_YEAR,
    UNKNOWN_YEAR_LABEL,
    Filters,
    check_sort,
    make_filters,
)
from .search.results import ArticleView, Hit, SearchPage
from .search.scoring import Ranking
from .settings import SETTINGS, Setting, load_settings

__all__ = [
    "MAX_PAGE",
    "MAX_PER_PAGE",
    "MAX_SOURCES",
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
    "CrawlSchedule",
    "Engine",
    "Filters",
    "Hit",
    "IndexLockedError",
    "IndexMissingError",
    "IndexVersionError",
    "Journal",
    "JournalUnreadableError",
    "LastRun",
    "PostedArticleError",
    "QueryError",
    "Ranking",
    "Scheduler",
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
    "read_last_run",
    "read_stats",
    "schedule_from_settings",
]
