"""Near-duplicates grouped in results, and related articles ("Bài liên quan").

The tests write near-copies of a seed article the way portals republish one: the same file
under another portal's folder, and a copy with a few words changed and a line added.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import pytest

from indexer import Engine, build_index, iter_articles
from indexer.duplicates import (
    NUM_PERM,
    THRESHOLD,
    DuplicateGroups,
    group_ids,
    group_page,
    signature,
    similarity,
)
from indexer.normalize import fold
from tests.conftest import BAC_KAN, DAN_VAN_CHINH_QUYEN, PHONG_DIEN, SEEDS

ORIGINAL = SEEDS / f"{DAN_VAN_CHINH_QUYEN}.txt"
EXACT = "ban-sao"  # the original under another portal's folder
EDITED = "sua-nhe"  # a few words changed, a line added
OVERLAP = "mo-dau-giong"  # the original's opening paragraph, then another article


def seed_article(doc_id: str):
    return next(a for a in iter_articles([SEEDS]) if a.id == doc_id)


def lightly_edited(text: str) -> str:
    """What a second portal does to a press release: a few words, a credit line."""
    text = text.replace("hội nghị", "hội thảo", 2).replace("2018", "2019", 1)
    text = text.replace("đồng chí", "ông", 1).replace("các địa phương", "địa phương", 1)
    credit = "dân vận chính quyền (theo Cổng thông tin điện tử tỉnh)./."
    return text.replace("dân vận chính quyền./.", credit)


def write_copies(root: Path, *, exact: bool = True, edited: bool = True) -> Path:
    """Seeds under portal-a/, near-copies of one of them under portal-b/ and portal-c/, and
    an article that only shares its opening paragraph under portal-d/; each folder names its
    site in a .timkiem-source file."""
    shutil.copytree(SEEDS, root / "portal-a", dirs_exist_ok=True)
    text = ORIGINAL.read_text(encoding="utf-8")
    for name, wanted, body in (
        (EXACT, exact, text),
        (EDITED, edited, lightly_edited(text)),
    ):
        path = root / ("portal-b" if name == EXACT else "portal-c") / f"{name}.txt"
        if wanted:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(body, encoding="utf-8")
        else:
            path.unlink(missing_ok=True)
    original, other = seed_article(DAN_VAN_CHINH_QUYEN), seed_article(PHONG_DIEN)
    opening = original.body.split("\n\n")[0]
    half = "\n\n".join(other.body.split("\n\n")[:2])
    overlap = root / "portal-d" / f"{OVERLAP}.txt"
    overlap.parent.mkdir(exist_ok=True)
    overlap.write_text(f"Tin vắn dân vận tháng Tám\n\n{opening}\n\n{half}\n", encoding="utf-8")
    for portal in ("portal-a", "portal-b", "portal-c", "portal-d"):
        if (root / portal).is_dir():  # each folder is one site, named as the operator does
            (root / portal / ".timkiem-source").write_text(portal, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def copies_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = write_copies(tmp_path_factory.mktemp("copies_src"))
    index_dir = tmp_path_factory.mktemp("copies_index")
    report = build_index(iter_articles([src]), index_dir, workers=1)
    assert report.indexed == 8, report
    return index_dir


@pytest.fixture
def copies_client(copies_index: Path):
    from webui import create_app

    return create_app({"TESTING": True, "INDEX_DIR": str(copies_index)}).test_client()


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
    assert "Near-copies: 3 articles in 1 group(s), each group one search result." in (result.output)


def test_seed_articles_are_not_grouped(engine: Engine) -> None:
    # Five different articles, three of them about "công tác dân vận".
    page = engine.search("công tác", per_page=10)
    assert page.total == 5
    assert all(h.duplicates == [] for h in page.hits)


# -- related articles --------------------------------------------------------------------


def test_api_related_shape(copies_client) -> None:
    response = copies_client.get(f"/api/related/{BAC_KAN}")
    assert response.status_code == 200
    data = response.get_json()
    assert set(data) == {"id", "results"} and data["id"] == BAC_KAN
    keys = {"id", "title", "date", "author", "source", "path", "url", "snippet", "score"}
    assert all(set(r) == keys | {"duplicates"} for r in data["results"])
    # Every other article is about "công tác dân vận"; the three copies are one result.
    ids = [r["id"] for r in data["results"]]
    assert len(ids) == 5 and BAC_KAN not in ids
    copies = [r for r in data["results"] if r["id"] in {DAN_VAN_CHINH_QUYEN, EXACT, EDITED}]
    assert len(copies) == 1 and len(copies[0]["duplicates"]) == 2


def test_related_ranks_the_article_sharing_most_text_first(copies_client) -> None:
    data = copies_client.get(f"/api/related/{DAN_VAN_CHINH_QUYEN}").get_json()
    assert data["results"][0]["id"] == OVERLAP


def test_related_never_lists_the_article_or_its_copies(copies_client) -> None:
    for doc_id in (DAN_VAN_CHINH_QUYEN, EXACT, EDITED):
        data = copies_client.get(f"/api/related/{doc_id}").get_json()
        listed = {r["id"] for r in data["results"]} | {
            d for r in data["results"] for d in r["duplicates"]
        }
        assert data["results"], doc_id
        assert not listed & {DAN_VAN_CHINH_QUYEN, EXACT, EDITED}, doc_id


def test_related_is_open_to_other_sites_like_search(copies_client) -> None:
    response = copies_client.get(f"/api/related/{BAC_KAN}", headers={"Origin": "https://x.vn"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_related_of_an_unknown_article_is_404(copies_client) -> None:
    response = copies_client.get("/api/related/khong-co-bai-nay")
    assert response.status_code == 404
    assert response.get_json() == {
        "error": "no article with id 'khong-co-bai-nay'",
        "status": 404,
    }


def test_article_view_shows_related_articles(copies_client) -> None:
    html = copies_client.get(f"/article/{EXACT}").get_data(as_text=True)
    assert "Bài liên quan" in html
    section = html[html.index("Bài liên quan") :]
    linked = re.findall(r'href="/article/([^"?]+)"', section)
    assert linked[0] == OVERLAP and BAC_KAN in linked
    assert not set(linked) & {DAN_VAN_CHINH_QUYEN, EXACT, EDITED}
    assert len(linked) <= 5
