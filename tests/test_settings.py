"""The settings table: each setting is documented in the README, and read from the environment."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT
from webui import settings


@pytest.mark.parametrize("setting", settings.SETTINGS, ids=lambda s: s.env)
def test_every_setting_is_in_the_readme_table(setting: settings.Setting) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"\n| `{setting.env}` |" in readme, (
        f"{setting.env} is not in the README's settings table"
    )


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
    ],
)
def test_analytics_settings_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], expected: dict[str, object]
) -> None:
    for s in settings.SETTINGS:
        monkeypatch.delenv(s.env, raising=False)
    monkeypatch.delenv("TIMKIEM_CONFIG", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    config = settings.load()
    assert {k: config[k] for k in expected} == expected
