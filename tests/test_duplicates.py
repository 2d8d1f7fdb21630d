"""Near-duplicates: signatures, groups, one result per group in search (the copies are
written by ``tests.copies_corpus``); related articles are in ``test_related``."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from indexer import Engine, build_index, iter_articles
from indexer.index.duplicates import (
    NUM_PERM,
    THRESHOLD,
    DuplicateGroups,
    group_ids,
    group_page,
    signature,
    similarity,
)
from indexer.text.normalize import fold
from tests.conftest import BAC_KAN, DAN_VAN_CHINH_QUYEN
from tests.copies_corpus import (  # noqa: F401 - fixtures registered by name
    EDITED,
    EXACT,
    OVERLAP,
    copies_client_fixture,
    copies_index_fixture,
    lightly_edited,
    seed_article,
    write_copies,
)

# -- signatures and groups ---------------------------------------------------------------


def test_copies_are_similar_and_other_articles_are_not() -> None:
    a = seed_article(DAN_VAN_CHINH_QUYEN)
    same_topic = seed_article(BAC_KAN)  # also about "công tác dân vận"
    sig = signature(a.title, a.body)
    assert sig.shape == (NUM_PERM,)
    assert similarity(sig, signature(a.title, a.body)) == 1.0
    assert similarity(sig, signature(a.title, lightly_edited(a.body))) >= THRESHOLD
    # Without accents (a portal that lost them) it is still the same text.
    assert similarity(sig, signature(a.title, fold(a.body))) == 1.0
    assert similarity(sig, signature(same_topic.title, same_topic.body)) < 0.2
    assert similarity(sig, signature("", "")) == 0.0


def test_groups_connect_near_copies_only() -> None:
    a, b = seed_article(DAN_VAN_CHINH_QUYEN), seed_article(BAC_KAN)
    sigs = np.stack(
        [
            signature(a.title, a.body),
            signature(b.title, b.body),
            signature(a.title, lightly_edited(a.body)),
            # Too little text to tell a copy from a coincidence: never grouped.
            signature("Thông báo", "Xem ảnh"),
            signature("Thông báo", "Xem ảnh"),
            signature(b.title, b.body),
        ]
    )
    assert group_ids(sigs).tolist() == [0, 1, 0, 3, 4, 1]


# -- grouping in results -----------------------------------------------------------------


def test_pages_of_groups_hold_every_group_once_best_first() -> None:
    rng = np.random.default_rng(7)
    n = 400
    groups = np.arange(n, dtype=np.int32)
    for start in range(0, 300, 6):  # groups of 1 to 6 documents
        size = int(rng.integers(1, 7))
        groups[start : start + size] = start
    dup = DuplicateGroups(groups)
    matched = rng.random(n) < 0.7
    candidates = np.flatnonzero(matched)
    scores = np.zeros(n, dtype=np.float32)
    scores[candidates] = rng.random(len(candidates))
    score_of = {d: float(scores[d]) for d in candidates.tolist()}
    by_score = candidates[np.lexsort((candidates, -scores[candidates]))]
    # What grouping must give: per group its best matching member and the others, best first.
    best: dict[int, list[int]] = {}
    for d in sorted(candidates.tolist(), key=lambda d: (-score_of[d], d)):
        best.setdefault(int(groups[d]), []).append(d)
    expected = sorted(best.values(), key=lambda m: (-score_of[m[0]], m[0]))
    seen = []
    for page in range(1, 40):
        total, results = group_page(dup, candidates, lambda k: by_score[:k], scores, page, 7)
        assert total == len(expected)
        seen += [[d, *others] for d, others in results]
    assert seen == expected


def test_api_gives_one_result_per_group_with_its_copies(copies_client) -> None:
    data = copies_client.get("/api/search?q=dân vận chính quyền").get_json()
    ids = [r["id"] for r in data["results"]]
    group = {DAN_VAN_CHINH_QUYEN, EXACT, EDITED}
    # One of the three copies stands for the group; the other two are its duplicates.
    leaders = [r for r in data["results"] if r["id"] in group]
    assert len(leaders) == 1
    assert set(leaders[0]["duplicates"]) == group - {leaders[0]["id"]}
    assert not group & {d for r in data["results"] if r is not leaders[0] for d in r["duplicates"]}
    # Other articles on the topic are results of their own, without copies.
    assert BAC_KAN in ids and OVERLAP in ids
    assert all(r["duplicates"] == [] for r in data["results"] if r["id"] not in group)
    # total counts results (groups), so the pages add up.
    assert data["total"] == len(ids)


def test_facet_counts_are_the_results_a_reader_gets_by_clicking_them(copies_client) -> None:
    # The group of three copies spans portal-a, -b and -c: it is one result under each.
    data = copies_client.get("/api/search?q=dân vận chính quyền").get_json()
    facets = data["facets"]
    assert {f["value"] for f in facets["source"]} >= {"portal-a", "portal-b", "portal-c"}
    for name, values in (("source", facets["source"]), ("year", facets["year"])):
        for facet in values:
            url = f"/api/search?q=dân vận chính quyền&{name}={facet['value']}"
            assert copies_client.get(url).get_json()["total"] == facet["count"], (name, facet)
    by_source = {f["value"]: f["count"] for f in facets["source"]}
    assert by_source["portal-b"] == by_source["portal-c"] == 1


def test_duplicates_lists_only_copies_that_match(copies_client) -> None:
    # "Cổng thông tin điện tử" is only in the edited copy's credit line.
    data = copies_client.get('/api/search?q="Cổng thông tin điện tử tỉnh"').get_json()
    assert [(r["id"], r["duplicates"]) for r in data["results"]] == [(EDITED, [])]


def test_page_shows_the_copies_in_an_expandable_list(copies_client) -> None:
    html = copies_client.get("/?q=dân vận chính quyền").get_data(as_text=True)
    assert "và 2 bài tương tự" in html
    details = re.search(r"<details class=\"copies\">(.*?)</details>", html, re.S).group(1)
    linked = set(re.findall(r'href="/article/([^"?]+)', details))
    assert len(linked) == 2 and linked <= {DAN_VAN_CHINH_QUYEN, EXACT, EDITED}
    assert html.count('<details class="copies">') == 1


def test_an_incremental_update_regroups(tmp_path: Path) -> None:
    src = write_copies(tmp_path / "src", edited=False)
    index_dir = tmp_path / "index"
    build_index(iter_articles([src]), index_dir, workers=1)
    from webui import create_app

    client = create_app({"TESTING": True, "INDEX_DIR": str(index_dir)}).test_client()

    def copies() -> list[set[str]]:
        data = client.get("/api/search?q=dân vận chính quyền").get_json()
        return [{r["id"], *r["duplicates"]} for r in data["results"] if r["duplicates"]]

    assert copies() == [{DAN_VAN_CHINH_QUYEN, EXACT}]
    assert "và 1 bài tương tự" in client.get("/?q=dân vận chính quyền").get_data(as_text=True)

    write_copies(tmp_path / "src", edited=True)  # a third portal republishes it
    report = build_index(iter_articles([src]), index_dir, rebuild=False, workers=1)
    assert (report.added, report.unchanged) == (1, 7)
    assert (report.duplicate_groups, report.grouped) == (1, 3)
    assert copies() == [{DAN_VAN_CHINH_QUYEN, EXACT, EDITED}]

    write_copies(tmp_path / "src", exact=False, edited=True)  # one copy taken down
    report = build_index(iter_articles([src]), index_dir, rebuild=False, workers=1)
    assert report.removed == 1
    assert copies() == [{DAN_VAN_CHINH_QUYEN, EDITED}]


def test_index_command_reports_the_groups(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from indexer.cli import main

    src = write_copies(tmp_path / "src")
    result = CliRunner().invoke(main, ["index", str(src), "--index-dir", str(tmp_path / "ix")])
    assert result.exit_code == 0, result.output
    assert "Near-copies: 3 articles in 1 group, each group one search result." in (result.output)


def test_seed_articles_are_not_grouped(engine: Engine) -> None:
    # Five different articles, three of them about "công tác dân vận".
    page = engine.search("công tác", per_page=10)
    assert page.total == 5
    assert all(h.duplicates == [] for h in page.hits)
