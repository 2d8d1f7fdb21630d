"""Near-copies of a seed article, the way portals republish one: the seeds under portal-a/,
the same file under portal-b/, a copy with a few words changed and a line added under
portal-c/, and an article that only shares its opening paragraph under portal-d/.

Import the fixtures by name (``copies_index``, ``copies_client``):
``from tests.copies_corpus import copies_index_fixture  # noqa: F401``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from indexer import build_index, iter_articles
from tests.conftest import DAN_VAN_CHINH_QUYEN, PHONG_DIEN, SEEDS

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


@pytest.fixture(scope="session", name="copies_index")
def copies_index_fixture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = write_copies(tmp_path_factory.mktemp("copies_src"))
    index_dir = tmp_path_factory.mktemp("copies_index")
    report = build_index(iter_articles([src]), index_dir, workers=1)
    assert report.indexed == 8, report
    return index_dir


@pytest.fixture(name="copies_client")
def copies_client_fixture(copies_index: Path):
    from webui import create_app

    return create_app({"TESTING": True, "INDEX_DIR": str(copies_index)}).test_client()
