"""The command line, run through click's test runner against temp index dirs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer.cli import main
from tests.browser import closed_port_url
from tests.conftest import BAC_KAN, ROOT, SEEDS
from webui import create_app


def test_index_then_search(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["index", str(SEEDS), "--index-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "5 articles; 5 added" in result.output
    result = runner.invoke(main, ["search", "bac", "kan", "--index-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "Giao ban công tác dân vận" in result.output.splitlines()[2]


def test_search_json_is_what_the_api_returns_to_its_operator(seed_index: Path) -> None:
    """With the paths: what /api/search answers when API_PATHS is on."""
    result = CliRunner().invoke(
        main, ["search", "bac kan", "--json", "--limit", "3", "--index-dir", str(seed_index)]
    )
    assert result.exit_code == 0, result.output
    cli = json.loads(result.output)
    config = {"TESTING": True, "INDEX_DIR": str(seed_index), "API_PATHS": True}
    api = create_app(config).test_client().get("/api/search?q=bac kan&per_page=3").get_json()
    for data in (cli, api):
        data.pop("took_ms")
    assert cli == api
    assert cli["results"][0]["id"] == BAC_KAN
    assert cli["results"][0]["path"].endswith(f"{BAC_KAN}.txt")


def test_index_dir_from_the_environment(tmp_path: Path) -> None:
    runner = CliRunner(env={"TIMKIEM_INDEX_DIR": str(tmp_path)})
    assert runner.invoke(main, ["index", str(SEEDS)]).exit_code == 0
    result = runner.invoke(main, ["search", "dân vận"])
    assert result.exit_code == 0 and "results" in result.output


def test_search_without_an_index_says_how_to_build_one(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["search", "x", "--index-dir", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert "timkiem index" in result.output


def test_bad_files_are_reported_by_name_and_the_rest_is_indexed(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "empty.txt").write_bytes(b"")
    (src / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (src / "bad-utf8.txt").write_bytes(b"Tin t\xff\xfe\x00\x00c \x80\x81 \xc3")
    (src / "good.txt").write_text(
        "Tìm kiếm\n\nHội nghị tổng kết công tác dân vận năm 2023\n\n01/08/2023\n\n"
        "Sáng 1/8, Ban Dân vận tổ chức hội nghị tổng kết công tác dân vận năm 2023 với "
        "sự tham dự của đại diện các sở, ban, ngành và địa phương trong tỉnh.\n",
        encoding="utf-8",
    )
    index_dir = tmp_path / "ix"
    result = CliRunner().invoke(main, ["index", str(src), "--index-dir", str(index_dir)])
    assert result.exit_code == 1, result.output  # something was skipped
    assert "1 article; 1 added" in result.output
    for name in ("empty.txt", "binary.txt"):
        assert name in result.output
    found = CliRunner().invoke(main, ["search", "dan van", "--index-dir", str(index_dir)])
    assert "Hội nghị tổng kết công tác dân vận năm 2023" in found.output


def test_failed_build_keeps_the_old_index(tmp_path: Path) -> None:
    runner = CliRunner()
    index_dir = str(tmp_path / "ix")
    assert runner.invoke(main, ["index", str(SEEDS), "--index-dir", index_dir]).exit_code == 0
    result = runner.invoke(main, ["index", str(tmp_path / "missing"), "--index-dir", index_dir])
    assert result.exit_code == 1
    assert "missing" in result.output
    still = runner.invoke(main, ["search", "bac kan", "--index-dir", index_dir])
    assert "Giao ban công tác dân vận" in still.output


def test_reindexing_updates_and_rebuild_rebuilds(tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["index", str(SEEDS), "--index-dir", str(tmp_path)]
    assert runner.invoke(main, args).exit_code == 0
    again = runner.invoke(main, args)
    assert again.exit_code == 0, again.output
    assert "Updated the index" in again.output and "5 unchanged" in again.output
    rebuilt = runner.invoke(main, [*args, "--rebuild"])
    assert "Built the index" in rebuilt.output and "5 added" in rebuilt.output


def test_search_filters_and_sort_print_what_the_api_returns(dated_index: Path) -> None:
    args = ["--sort", "oldest", "--source", "Báo Bắc Kạn", "--source", "Báo Nhân Dân"]
    result = CliRunner().invoke(
        main, ["search", "dân", "vận", *args, "--json", "--index-dir", str(dated_index)]
    )
    assert result.exit_code == 0, result.output
    cli = json.loads(result.output)
    operator = create_app({"TESTING": True, "INDEX_DIR": str(dated_index), "API_PATHS": True})
    api = (
        operator.test_client()
        .get("/api/search?q=dân vận&sort=oldest&source=Báo Bắc Kạn&source=Báo Nhân Dân")
        .get_json()
    )
    for data in (cli, api):
        data.pop("took_ms")
    assert cli == api
    assert [r["id"] for r in cli["results"]] == ["a1", "a2", "a5", "u1", "u2"]


def test_search_without_a_query_lists_what_the_filters_select(dated_index: Path) -> None:
    result = CliRunner().invoke(
        main, ["search", "--year", "2021", "--from", "2021-06-01", "--index-dir", str(dated_index)]
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith("2 articles")
    assert result.output.index("Dân vận khéo ở xã") < result.output.index("Giá lúa hôm nay")
    assert "year: 2022 (2), 2021 (2)" in result.output  # the year facet ignores --year


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "Give a QUERY, or a filter"),
        (["dân", "--year", "202"], "year must be a year such as 2021"),
        (["dân", "--to", "31/12/2022"], "to must be a date written YYYY-MM-DD"),
        (["dân", "--sort", "date"], "Invalid value for '--sort'"),
    ],
)
def test_bad_search_options_are_clean_errors(dated_index: Path, args: list, message: str) -> None:
    result = CliRunner().invoke(main, ["search", *args, "--index-dir", str(dated_index)])
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output


# Settings: every command reads the settings table like the server does.


def config_site(tmp_path: Path, seed_index: Path, extra: str = "") -> Path:
    """A site folder holding a copy of the seed index and a config file that names it
    relatively (INDEX_DIR = "index"); returns the config file."""
    site = tmp_path / "site"
    shutil.copytree(seed_index, site / "index", ignore=shutil.ignore_patterns("analytics*"))
    config = site / "config.py"
    config.write_text(f'INDEX_DIR = "index"\n{extra}', encoding="utf-8")
    return config


def settings_free_env(**env: str) -> dict[str, str | None]:
    """CliRunner's environment: none of the TIMKIEM_ variables of the surrounding shell."""
    cleared: dict[str, str | None] = {k: None for k in os.environ if k.startswith("TIMKIEM_")}
    return {**cleared, **env}


def test_search_takes_the_index_dir_from_the_config_file(
    tmp_path: Path, seed_index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = config_site(tmp_path, seed_index)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    runner = CliRunner(env=settings_free_env(TIMKIEM_CONFIG=str(config)))
    result = runner.invoke(main, ["search", "bac kan", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["results"][0]["id"] == BAC_KAN
    # The flag still wins over the file.
    result = runner.invoke(main, ["search", "bac kan", "--index-dir", str(tmp_path / "none")])
    assert result.exit_code == 1 and "No index in" in result.output


class FakeWaitress:
    """Stands in for waitress.serve: records what serve would have served, and where."""

    def __init__(self) -> None:
        self.calls: list[dict] = []

    def serve(self, app, **kwargs) -> None:
        self.calls.append({"app": app, **kwargs})


@pytest.fixture
def fake_waitress(monkeypatch: pytest.MonkeyPatch) -> FakeWaitress:
    import waitress

    fake = FakeWaitress()
    monkeypatch.setattr(waitress, "serve", fake.serve)
    # Ports named by these tests need not be free: nothing listens on them.
    monkeypatch.setattr("indexer.cli.serve.check_can_listen", lambda host, port: None)
    return fake


@pytest.mark.parametrize(
    ("env", "args", "host", "port"),
    [
        ({}, [], "127.0.0.1", 8123),  # HOST: default; PORT: config file
        ({"TIMKIEM_PORT": "8124"}, [], "127.0.0.1", 8124),  # environment over file
        ({"TIMKIEM_PORT": "8124"}, ["--port", "8125"], "127.0.0.1", 8125),  # flag over all
        ({"TIMKIEM_HOST": "0.0.0.0"}, [], "0.0.0.0", 8123),
    ],
)
def test_serve_reads_index_dir_host_and_port_from_the_settings(
    tmp_path: Path,
    seed_index: Path,
    monkeypatch: pytest.MonkeyPatch,
    fake_waitress: FakeWaitress,
    env: dict[str, str],
    args: list[str],
    host: str,
    port: int,
) -> None:
    config = config_site(tmp_path, seed_index, extra="PORT = 8123\n")
    monkeypatch.chdir(tmp_path)  # no seeds/ here: serve cannot build an index of its own
    one_process = {"TIMKIEM_WORKERS": "1", **env}
    runner = CliRunner(env=settings_free_env(TIMKIEM_CONFIG=str(config), **one_process))
    result = runner.invoke(main, ["serve", *args])
    assert result.exit_code == 0, result.output
    [call] = fake_waitress.calls
    assert (call["host"], call["port"]) == (host, port)
    assert f"Serving timkiem on http://{host}:{port}/" in result.output
    data = call["app"].test_client().get("/api/search?q=bac kan").get_json()
    assert data["results"][0]["id"] == BAC_KAN


def test_serve_with_a_config_file_searches_its_index_from_any_directory(
    tmp_path: Path, seed_index: Path
) -> None:
    """The real server, started outside the checkout with only TIMKIEM_CONFIG set."""
    url = closed_port_url()
    config = config_site(tmp_path, seed_index, extra=f"PORT = {url.rsplit(':', 1)[1]}\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TIMKIEM_")}
    env.update(PYTHONPATH=str(ROOT), TIMKIEM_CONFIG=str(config), TIMKIEM_ANALYTICS="off")
    server = subprocess.Popen(
        [sys.executable, "-c", "from indexer.cli import main; main()", "serve"],
        cwd=elsewhere,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while True:  # wait for the server to listen (or to stop with an error)
            try:
                with urllib.request.urlopen(f"{url}/api/search?q=bac+kan", timeout=30) as resp:
                    data = json.load(resp)
                break
            except OSError:
                assert server.poll() is None, "the server stopped"
                assert time.monotonic() < deadline, "the server never answered"
                time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert data["results"][0]["id"] == BAC_KAN
    assert not (elsewhere / "index_data").exists()


@pytest.mark.parametrize(
    ("env", "args", "workers"),
    [
        ({}, [], "cores"),  # default: one worker per core
        ({"TIMKIEM_WORKERS": "1"}, [], 1),
        ({"TIMKIEM_WORKERS": "1"}, ["--workers", "3"], 3),  # the flag over the environment
    ],
)
def test_serve_starts_one_worker_per_core_unless_told(
    tmp_path: Path,
    seed_index: Path,
    monkeypatch: pytest.MonkeyPatch,
    env: dict[str, str],
    args: list[str],
    workers: int | str,
) -> None:
    import webui.server

    calls: list[dict] = []
    monkeypatch.setattr(webui.server, "serve", lambda factory, **kw: calls.append(kw))
    monkeypatch.setattr("indexer.cli.serve.check_can_listen", lambda host, port: None)
    config = config_site(tmp_path, seed_index)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner(env=settings_free_env(TIMKIEM_CONFIG=str(config), **env))
    result = runner.invoke(main, ["serve", *args])
    assert result.exit_code == 0, result.output
    expected = webui.server.default_workers() if workers == "cores" else workers
    [call] = calls
    assert call["workers"] == expected
    noun = "worker process" if expected == 1 else "worker processes"
    assert f"{expected} {noun} × 8 threads" in result.output
