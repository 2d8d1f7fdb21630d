"""benchmarks/keywords.py: its pairs as the index sees them, and one run end to end on a small
generated collection (figures printed, none judged: the benchmark measures, it never asserts)."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest

# ``benchmarks`` is a folder of scripts beside the package, not installed with it.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.keywords import text_pairs

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hoà Bình", {"hòa bình"}),
        ("Bắc Kạn, Thái Nguyên", {"bắc kạn", "thái nguyên"}),
        ("năm 2024 mới", set()),
        ("Phú-Thọ", {"phú thọ"}),
    ],
)
def test_text_pairs_are_the_index_pairs(text: str, expected: set[str]) -> None:
    assert text_pairs(text) == expected


# Two readings of the same folded pairs ("bàn tay" / "bán tay", "dân vận" / "dẫn vân"), each
# in several articles, under headlines of three words and more.
SENTENCES = [
    "Đôi bàn tay khéo léo của người thợ.",
    "Họ bán tay nghề cho công ty lớn.",
    "Công tác dân vận ở xã Hòa Bình.",
    "Anh dẫn vân tay vào máy đọc.",
]
HEADLINES = [
    "Dân vận khéo ở xã",
    "Bàn tay vàng của làng",
    "Chợ phiên miền núi đông vui",
    "Mùa lúa chín trên đồng",
    "Học sinh đến trường sớm",
    "Bán hàng qua mạng xã hội",
]


def test_keywords_runs_and_prints_the_figures(tmp_path: Path) -> None:
    records = [
        {
            "id": f"t/{i}",
            "text": f"{HEADLINES[i % len(HEADLINES)]} số {i}\n"
            + " ".join(SENTENCES[j % len(SENTENCES)] for j in range(i, i + 3)),
        }
        for i in range(24)
    ]
    data = tmp_path / "articles.jsonl.gz"
    with gzip.open(data, "wt", encoding="utf-8") as fh:
        fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    cmd = [
        sys.executable,
        str(REPO_ROOT / "benchmarks" / "keywords.py"),
        str(data),
        "--docs",
        "20",
        "--seeds",
        "1,2",
        "--words",
        "5",
        "--titles",
        "5",
        "--index-dir",
        str(tmp_path / "index"),
        "--json",
    ]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stderr
    for label in ("exact-accent share", "MRR@10", "interpretation precision", "coverage"):
        assert label in run.stdout
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["docs"] == 20
    assert result["results_not_in_collection"] == 0  # every result is an article read
    assert set(result["seeds"]) == {"1", "2"}
    overall = result["overall"]
    assert overall["exact_words"] > 0 and overall["titles"] > 0
    for key in ("exact_share_mean", "mrr10", "interpretation_coverage"):
        assert 0.0 <= overall[key] <= 1.0
