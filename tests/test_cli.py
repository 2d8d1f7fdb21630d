"""The command line, run through click's test runner against temp index dirs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer.cli import main
from tests.conftest import BAC_KAN, SEEDS


def test_index_then_search(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["index", str(SEEDS), "--index-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "5 articles; 5 added" in result.output
    result = runner.invoke(main, ["search", "bac", "kan", "--index-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "Giao ban công tác dân vận" in result.output.splitlines()[2]


def test_search_json_is_what_the_api_returns(seed_index: Path, client) -> None:
    result = CliRunner().invoke(
        main, ["search", "bac kan", "--json", "--limit", "3", "--index-dir", str(seed_index)]
    )
    assert result.exit_code == 0, result.output
    cli = json.loads(result.output)
    api = client.get("/api/search?q=bac kan&per_page=3").get_json()
    for data in (cli, api):
        data.pop("took_ms")
    assert cli == api
    assert cli["results"][0]["id"] == BAC_KAN


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
    assert "1 articles; 1 added" in result.output
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


def test_search_filters_and_sort_print_what_the_api_returns(
    dated_index: Path, dated_client
) -> None:
    args = ["--sort", "oldest", "--source", "Báo Bắc Kạn", "--source", "Báo Nhân Dân"]
    result = CliRunner().invoke(
        main, ["search", "dân", "vận", *args, "--json", "--index-dir", str(dated_index)]
    )
    assert result.exit_code == 0, result.output
    cli = json.loads(result.output)
    api = dated_client.get(
        "/api/search?q=dân vận&sort=oldest&source=Báo Bắc Kạn&source=Báo Nhân Dân"
    ).get_json()
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
