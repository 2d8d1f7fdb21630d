"""Shared fixtures: one small index of the seeds built once per test session, in a temp dir."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from indexer import Engine, build_index, iter_articles

# One Chromium for every browser test module (two session fixtures would start Playwright
# twice, which its sync API refuses): registered here, by name (browser, page).
from tests.browser import browser_fixture, page_fixture  # noqa: F401

# Tests make requests much faster than a reader: rate limits are off unless a test turns them
# on (test_ratelimit.py does, and checks that they are on by default).
os.environ.setdefault("TIMKIEM_RATE_LIMIT", "off")

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SHARED_DATA = ROOT.parent / "shared" / "data"


def shared_data(*parts: str) -> Path:
    """A file or folder of the real data kept beside the project (``../shared/data``).

    When it is missing the test is skipped with the reason, except under ``CI=true``, where
    it fails: there a skip would hide that the test never ran.
    """
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        reason = f"shared data not present: {path}"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return path


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


# A small collection for filters, facets and date sorting: dated and undated articles from
# several sources. "dân vận" matches every one but LUA; one source name holds markup.
BAC_KAN_SITE = "Báo Bắc Kạn"
PHONG_DIEN_SITE = "Cổng thông tin Phong Điền"
NHAN_DAN = "Báo Nhân Dân"
MARKUP_SITE = "Tin <i>Nhanh</i> & Mới"
DATED_ARTICLES = [
    # id, title, date, source
    ("a1", "Hội nghị dân vận khéo đầu năm", "2021-03-15", BAC_KAN_SITE),
    ("a2", "Dân vận khéo ở xã vùng cao", "2021-11-02", BAC_KAN_SITE),
    ("a3", "Dân vận trong tình hình mới", "2022-04-05", PHONG_DIEN_SITE),
    ("a4", "Công tác dân vận chính quyền", "2020-01-20", PHONG_DIEN_SITE),
    ("a5", "Tổng kết dân vận khéo cuối năm", "2022-12-31", NHAN_DAN),
    ("u1", "Dân vận ở khu dân cư", None, NHAN_DAN),
    ("u2", "Gương dân vận tiêu biểu", None, BAC_KAN_SITE),
    ("lua", "Giá lúa hôm nay tăng nhẹ", "2021-06-01", MARKUP_SITE),
]


def dated_articles() -> list:
    from indexer import Article

    return [
        Article(
            id=doc_id,
            title=title,
            body=f"{title}. Bài viết về {title.lower()} của phóng viên địa phương.",
            date=date,
            source=source,
            path=f"dated/{doc_id}.txt",
        )
        for doc_id, title, date, source in DATED_ARTICLES
    ]


@pytest.fixture(scope="session")
def dated_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    index_dir = tmp_path_factory.mktemp("dated_index")
    report = build_index(dated_articles(), index_dir, workers=1)
    assert report.indexed == len(DATED_ARTICLES), report
    return index_dir


@pytest.fixture
def dated_client(dated_index: Path):
    from webui import create_app

    return create_app({"TESTING": True, "INDEX_DIR": str(dated_index)}).test_client()


@pytest.fixture
def index_dir(seed_index: Path, tmp_path: Path) -> Path:
    """A private copy of the seed index (without its search log), so each test sees only its
    own searches."""
    target = tmp_path / "index"
    shutil.copytree(seed_index, target, ignore=shutil.ignore_patterns("analytics.sqlite3*"))
    return target


# -- a real SolrCloud (tests/test_solr_*.py) ---------------------------------------------------
SOLR_NODES = 2


@pytest.fixture(scope="session")
def solr_cluster(tmp_path_factory: pytest.TempPathFactory):
    """ZooKeeper and two Solr nodes on loopback, started once per session by
    ``timkiem solr start`` (and stopped by ``timkiem solr stop``): the SOLR_URL it printed,
    of the collection ``timkiem``, and its folder. Skipped when Solr's jars are not cached,
    unless TIMKIEM_SOLR_FETCH=1 lets the command fetch them (CI sets it, and there a cluster
    that cannot start fails the tests instead)."""
    import subprocess
    import sys

    from indexer.solr import cluster

    ci = os.environ.get("CI") == "true"
    missing = [c for c in ("java", "mvn") if shutil.which(c) is None]
    reason = ""
    if not cluster.jars_ready() and not os.environ.get("TIMKIEM_SOLR_FETCH"):
        reason = "Solr's jars are not cached (timkiem solr start fetches them)"
    elif "java" in missing or (not cluster.jars_ready() and missing):
        reason = f"{' and '.join(missing)} not installed: no SolrCloud for these tests"
    if reason:
        if ci and os.environ.get("TIMKIEM_SOLR_FETCH"):
            pytest.fail(reason)
        pytest.skip(reason)
    port = next(
        p
        for p in range(31983, 40000, 17)
        if all(cluster.port_free(q) for q in [p + cluster.ZK_OFFSET, *range(p, p + SOLR_NODES)])
    )
    data = tmp_path_factory.mktemp("solr_cluster")
    env = {k: v for k, v in os.environ.items() if k != "TIMKIEM_SOLR_URL"}
    cli = [sys.executable, "-m", "indexer.cli", "solr"]
    started = subprocess.run(
        [*cli, "start", "--nodes", str(SOLR_NODES), "--port", str(port), "--data", str(data),
         "--heap", "384m"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    if started.returncode != 0:
        subprocess.run([*cli, "stop", "--data", str(data)], cwd=ROOT, env=env, check=False)
        pytest.fail(f"timkiem solr start failed:\n{started.stdout}\n{started.stderr}")
    last = started.stdout.strip().splitlines()[-1]
    assert last.startswith("SOLR_URL="), started.stdout
    yield {"url": last.removeprefix("SOLR_URL="), "data": data, "start": started}
    subprocess.run([*cli, "stop", "--data", str(data)], cwd=ROOT, env=env, check=False)
