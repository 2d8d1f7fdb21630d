"""Options that are settings, and the one way every command reads them.

A command that takes an index directory declares ``@index_dir_option`` and reads its
settings with ``command_settings(index_dir, …)``: the flag, then ``TIMKIEM_INDEX_DIR``, then
the ``TIMKIEM_CONFIG`` file, then the default (see ``indexer.settings``), as the web app does.
"""

from __future__ import annotations

from typing import Any

import click

from ..errors import TimkiemError
from ..settings import BY_NAME, load_settings


def setting_option(name: str, *decls: str, **kwargs: Any) -> Any:
    """A flag for the setting ``name``, its help from the settings table. Without the flag
    the environment, the config file or the default decide (see ``command_settings``)."""
    s = BY_NAME[name]
    help_text = f"{s.help}  [env var: {s.env}; default: {s.default}]"
    return click.option(*decls, default=None, help=help_text, **kwargs)


index_dir_option = setting_option("INDEX_DIR", "--index-dir", type=click.Path(file_okay=False))


def command_settings(index_dir: str | None, **flags: Any) -> dict[str, Any]:
    """Every setting of a command, ``INDEX_DIR`` always resolved: the ``--index-dir`` flag
    and the other ``flags`` given (None: not given) over the environment, the
    ``TIMKIEM_CONFIG`` file and the defaults. A bad setting is a clean error."""
    given = {"INDEX_DIR": index_dir, **flags}
    try:
        return load_settings({k: v for k, v in given.items() if v is not None})
    except TimkiemError as exc:
        raise click.ClickException(str(exc)) from exc


def index_dir_setting(index_dir: str | None) -> str:
    """The index directory of a command: ``command_settings(index_dir)["INDEX_DIR"]``."""
    return str(command_settings(index_dir)["INDEX_DIR"])
