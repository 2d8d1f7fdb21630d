"""The settings table: the manual's table (docs/settings.md) is this table, values come from
the flag, the environment, the config file or the default (in that order), and bad values are
named."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from indexer import SettingError
from tests.conftest import ROOT
from webui import settings

ROW = re.compile(r"^\| `(TIMKIEM_\w+)` \| (.+?) \| (.+) \|$", re.MULTILINE)


def docs_table() -> dict[str, tuple[str, str]]:
    """The settings table of docs/settings.md: variable → (default, meaning), as plain text."""
    page = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    plain = {env: (d, m) for env, d, m in ROW.findall(page)}
    return {env: (d.replace("`", ""), m.replace("`", "")) for env, (d, m) in plain.items()}


def shown(default: object) -> str:
    if isinstance(default, bool):
        return "on" if default else "off"
    return str(default) if default != "" else "(none)"


def test_the_docs_table_is_the_settings_table() -> None:
    table = docs_table()
    assert list(table) == [s.env for s in settings.SETTINGS]
    for s in settings.SETTINGS:
        default, meaning = table[s.env]
        assert default == shown(s.default), s.env
        assert meaning.replace("TIMKIEM_", "") == s.help, s.env


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for s in settings.SETTINGS:
        monkeypatch.delenv(s.env, raising=False)
    monkeypatch.delenv("TIMKIEM_CONFIG", raising=False)
    return monkeypatch


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, {"ANALYTICS": True, "ADMIN_STATS": False, "ADMIN_TOKEN": ""}),
        ({"TIMKIEM_ANALYTICS": "off"}, {"ANALYTICS": False}),
        ({"TIMKIEM_ANALYTICS": "ON"}, {"ANALYTICS": True}),
        (
            {"TIMKIEM_ADMIN_STATS": "on", "TIMKIEM_ADMIN_TOKEN": "abc"},
            {"ADMIN_STATS": True, "ADMIN_TOKEN": "abc"},
        ),
        ({"TIMKIEM_ANALYTICS_RETENTION_DAYS": "30"}, {"ANALYTICS_RETENTION_DAYS": 30}),
        ({}, {"HOST": "127.0.0.1", "PORT": 8000, "INDEX_DIR": "index_data"}),
        ({"TIMKIEM_HOST": "0.0.0.0", "TIMKIEM_PORT": "9000"}, {"HOST": "0.0.0.0", "PORT": 9000}),
    ],
)
def test_settings_from_the_environment(
    clean_env: pytest.MonkeyPatch, env: dict[str, str], expected: dict[str, object]
) -> None:
    for name, value in env.items():
        clean_env.setenv(name, value)
    config = settings.load_settings()
    assert {k: config[k] for k in expected} == expected


def test_flag_over_environment_over_config_file_over_default(
    clean_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config_file = tmp_path / "config.py"
    config_file.write_text('PORT = 7000\nHOST = "0.0.0.0"\nSITE_NAME = "Báo"\n', "utf-8")
    clean_env.setenv("TIMKIEM_CONFIG", str(config_file))
    clean_env.setenv("TIMKIEM_PORT", "7001")
    clean_env.setenv("TIMKIEM_HOST", "10.0.0.1")
    config = settings.load_settings({"PORT": 7002})
    assert config["PORT"] == 7002  # the flag
    assert config["HOST"] == "10.0.0.1"  # the environment
    assert config["SITE_NAME"] == "Báo"  # the config file
    assert config["PER_PAGE"] == 10  # the default


def test_a_relative_index_dir_in_the_config_file_is_relative_to_the_file(
    clean_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "site").mkdir()
    config_file = tmp_path / "site" / "config.py"
    config_file.write_text('INDEX_DIR = "index"\n', "utf-8")
    clean_env.chdir(tmp_path)
    clean_env.setenv("TIMKIEM_CONFIG", "site/config.py")
    assert settings.load_settings()["INDEX_DIR"] == str(tmp_path / "site" / "index")
    config_file.write_text(f"INDEX_DIR = {str(tmp_path / 'elsewhere')!r}\n", "utf-8")
    assert settings.load_settings()["INDEX_DIR"] == str(tmp_path / "elsewhere")
    # The environment's own directory is taken as given (relative to the working directory).
    clean_env.setenv("TIMKIEM_INDEX_DIR", "mine")
    assert settings.load_settings()["INDEX_DIR"] == "mine"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"TIMKIEM_PORT": "eighty"}, "TIMKIEM_PORT must be a whole number, got 'eighty'"),
        ({"TIMKIEM_ANALYTICS": "maybe"}, "TIMKIEM_ANALYTICS must be on or off, got 'maybe'"),
        ({"TIMKIEM_CONFIG": "/nonexistent/config.py"}, "Cannot read the config file"),
    ],
)
def test_a_value_that_cannot_be_read_is_named(
    clean_env: pytest.MonkeyPatch, env: dict[str, str], message: str
) -> None:
    for name, value in env.items():
        clean_env.setenv(name, value)
    with pytest.raises(SettingError, match=re.escape(message)):
        settings.load_settings()
