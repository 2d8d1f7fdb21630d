"""The app's settings: timkiem's one settings table, which the CLI reads too.

The table, its precedence (flag or ``test_config`` > environment ``TIMKIEM_<NAME>`` > the
``TIMKIEM_CONFIG`` file > default) and how values are parsed live in ``indexer.settings``,
which does not import Flask; ``create_app`` reads them through this module.
"""

from __future__ import annotations

from indexer import SETTINGS, Setting, load_settings

__all__ = ["SETTINGS", "Setting", "load_settings"]
