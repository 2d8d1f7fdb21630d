"""Every command finds its index directory the same way: here with only TIMKIEM_INDEX_DIR set
(no flag, no config file), and serve says how its write API is turned on or off."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer import Journal, TimkiemError, index_exists
from indexer.cli import main
from tests.conftest import BAC_KAN, SEEDS
from tests.test_cli import FakeWaitress, fake_waitress, settings_free_env  # noqa: F401
from webui.write_api import get_applier


def run(index_dir: Path, *args: str, **env: str):
    """``timkiem ARGS`` with TIMKIEM_INDEX_DIR (and ``env``) as its only settings."""
    runner = CliRunner(env=settings_free_env(TIMKIEM_INDEX_DIR=str(index_dir), **env))
    return runner.invoke(main, list(args))


def test_index_writes_where_the_environment_says(tmp_path: Path) -> None:
    result = run(tmp_path / "ix", "index", str(SEEDS))
    assert result.exit_code == 0, result.output
    assert f"into {tmp_path / 'ix'}" in result.output
    assert index_exists(tmp_path / "ix")


def test_search_reads_where_the_environment_says(seed_index: Path) -> None:
    result = run(seed_index, "search", "bac kan", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["results"][0]["id"] == BAC_KAN


def test_stats_reads_where_the_environment_says(tmp_path: Path) -> None:
    result = run(tmp_path, "stats")
    assert result.exit_code == 1, result.output  # nothing logged there yet
    assert f"No searches logged yet in {tmp_path / 'analytics.sqlite3'}" in result.output
    assert "Traceback" not in result.output


def test_tasks_reads_where_the_environment_says(tmp_path: Path) -> None:
    result = run(tmp_path, "tasks")
    assert result.exit_code == 1, result.output
    assert f"No write tasks in {tmp_path}." in result.output
    assert not isinstance(result.exception, TypeError)
    Journal(tmp_path)  # an empty journal, as a server with the write API leaves it
    result = run(tmp_path, "tasks")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("0 write tasks: 0 enqueued")


def test_crawl_writes_where_the_environment_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import indexer.live.crawl

    crawled: list[str] = []

    def fake_crawl(urls, index_dir, options, progress=None):
        crawled.append(str(index_dir))
        raise TimkiemError("stop here")

    monkeypatch.setattr(indexer.live.crawl, "crawl", fake_crawl)
    result = run(tmp_path / "ix", "crawl", "https://example.org/")
    assert result.exit_code == 1 and "stop here" in result.output, result.output
    assert crawled == [str(tmp_path / "ix")]


def test_forget_changes_the_index_the_environment_names(seed_index: Path, index_dir: Path) -> None:
    result = run(index_dir, "forget", "crawl")
    assert result.exit_code == 0, result.output
    assert "The index holds no crawl articles." in result.output
    result = run(index_dir, "forget", "files")
    assert result.exit_code == 0, result.output
    assert "Removed 5 articles of files; the index now holds 0 articles." in result.output
    assert run(seed_index, "search", "bac kan").output.startswith("1 result")  # untouched


def test_serve_serves_the_index_the_environment_names(
    index_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fake_waitress: FakeWaitress,  # noqa: F811
) -> None:
    # A copy of the seed index: a request counts against the rate limit in a file beside the
    # index, and the session's seed index is every other test's too.
    monkeypatch.chdir(tmp_path)  # no seeds/ here: serve cannot build an index of its own
    result = run(index_dir, "serve", TIMKIEM_WORKERS="1", TIMKIEM_ANALYTICS="off")
    assert result.exit_code == 0, result.output
    assert f"(index: {index_dir};" in result.output
    [call] = fake_waitress.calls
    data = call["app"].test_client().get("/api/search?q=bac kan").get_json()
    assert data["results"][0]["id"] == BAC_KAN


@pytest.mark.parametrize(
    ("env", "config", "line", "routes"),
    [
        ({}, "", "Write API: off (set TIMKIEM_WRITE_TOKEN to a secret to turn it on).", False),
        (
            {"TIMKIEM_WRITE_TOKEN": " "},
            "",
            "Write API: off (TIMKIEM_WRITE_TOKEN is empty; set it to a secret to turn it on).",
            False,
        ),
        (
            {"TIMKIEM_WRITE_TOKEN": "s3cret-env"},
            "",
            "Write API: on (token from TIMKIEM_WRITE_TOKEN; clients send Authorization: "
            "Bearer TOKEN to POST /api/articles; timkiem tasks lists what they sent).",
            True,
        ),
        (
            {},
            'WRITE_TOKEN = "s3cret-file"\n',
            "Write API: on (token from WRITE_TOKEN in CONFIG; clients send Authorization: "
            "Bearer TOKEN to POST /api/articles; timkiem tasks lists what they sent).",
            True,
        ),
    ],
)
def test_serve_says_whether_the_write_api_is_on_and_where_its_token_is_set(
    index_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fake_waitress: FakeWaitress,  # noqa: F811
    env: dict[str, str],
    config: str,
    line: str,
    routes: bool,
) -> None:
    monkeypatch.chdir(tmp_path)
    if config:
        config_file = tmp_path / "config.py"
        config_file.write_text(config, encoding="utf-8")
        env = {**env, "TIMKIEM_CONFIG": str(config_file)}
        line = line.replace("CONFIG", str(config_file))
    result = run(index_dir, "serve", TIMKIEM_WORKERS="1", TIMKIEM_ANALYTICS="off", **env)
    assert result.exit_code == 0, result.output
    assert line in result.output.splitlines()
    assert "s3cret" not in result.output  # the token itself is never printed
    [call] = fake_waitress.calls
    app = call["app"]
    try:
        status = app.test_client().get("/api/tasks/1").status_code
        assert (status != 404) is routes
    finally:
        applier = get_applier(app)
        if applier is not None:
            applier.stop()
