"""Health checks (webui.health): /healthz and /readyz."""

from __future__ import annotations

from pathlib import Path

from indexer import build_index, iter_articles
from tests.conftest import SEEDS
from webui import create_app


def client_for(index_dir: Path, **config):
    return create_app({"TESTING": True, "INDEX_DIR": str(index_dir), **config}).test_client()


def test_healthz_answers_while_the_process_does(tmp_path: Path) -> None:
    resp = client_for(tmp_path / "no-index").get("/healthz")
    assert resp.status_code == 200
    assert resp.get_json() == {"status": "ok"}
    assert resp.headers["Cache-Control"] == "no-store"


def test_readyz_names_the_live_generation(index_dir: Path) -> None:
    resp = client_for(index_dir).get("/readyz")
    assert resp.status_code == 200
    live = (index_dir / "CURRENT").read_text(encoding="utf-8").strip()
    assert resp.get_json() == {"status": "ready", "generation": live, "articles": 5}
    assert resp.headers["Cache-Control"] == "no-store"


def test_readyz_is_503_until_an_index_is_built(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    client = client_for(index_dir)
    resp = client.get("/readyz")
    assert resp.status_code == 503
    body = resp.get_json()
    assert body["status"] == "not ready" and body["articles"] == 0
    assert str(tmp_path) not in resp.get_data(as_text=True)  # no server path shown
    build_index(iter_articles([SEEDS]), index_dir, workers=1)
    ready = client.get("/readyz")  # no restart needed
    assert ready.status_code == 200 and ready.get_json()["articles"] == 5


def test_health_checks_are_never_rate_limited(index_dir: Path) -> None:
    client = client_for(index_dir, RATE_LIMIT="1 per day")
    assert [client.get("/healthz").status_code for _ in range(3)] == [200] * 3
    assert [client.get("/readyz").status_code for _ in range(3)] == [200] * 3
    assert [client.get("/api/suggest?q=d").status_code for _ in range(2)] == [200, 429]
