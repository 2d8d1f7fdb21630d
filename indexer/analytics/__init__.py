"""What readers searched for: the search log (SQLite) and the statistics read from it.

May import ``text`` and ``search.parse`` (a query's length limit); never ``index``, ``live`` or
``cli``.
"""

from .log import (
    LOG_FILE,
    AnalyticsMissingError,
    AnalyticsUnreadableError,
    SearchLog,
    local_time,
    log_path,
    normalize_query,
)
from .stats import Stats, empty_stats, read_stats

__all__ = [
    "LOG_FILE",
    "AnalyticsMissingError",
    "AnalyticsUnreadableError",
    "SearchLog",
    "Stats",
    "empty_stats",
    "local_time",
    "log_path",
    "normalize_query",
    "read_stats",
]
