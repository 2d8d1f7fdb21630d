"""Shared fixtures: one small index of the seeds built once per test session, in a temp dir."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer import Engine, build_index, iter_articles

# One Chromium for every browser test module (two session fixtures would start Playwright
# twice, which its sync API refuses): registered here, by name (browser, page).
from tests.browser import browser_fixture, page_fixture  # noqa: F401

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SHARED_DATA = ROOT.parent / "shared" / "data"

# Seed ids by what the articles are about (file stems).
PHOI_HOP_2022 = "000_222d88ab3d04865c"
DAN_VAN_CHINH_QUYEN = "001_998b4d35eb2d74ad"
BAC_KAN = "002_81b378ff2d50ff43"
KY_KET_2017 = "003_048c7ab740fc0ea3"
PHONG_DIEN = "004_d69ba35cc339d1c2"


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    index_dir = tmp_path_factory.mktemp("seed_index")
    report = build_index(iter_articles([SEEDS]), index_dir)
    assert report.indexed == 5, report
    return index_dir


@pytest.fixture(scope="session")
def engine(seed_index: Path) -> Engine:
    return Engine(seed_index)


@pytest.fixture
def app(seed_index: Path):
    from webui import create_app

    return create_app({"TESTING": True, "INDEX_DIR": str(seed_index)})


@pytest.fixture
def client(app):
    return app.test_client()
