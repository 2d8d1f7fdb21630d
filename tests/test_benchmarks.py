"""The benchmark scripts' building blocks: query variants, metrics, statistics, the BM25
baseline, the peers' folding, and one tiny end-to-end run of ``relevance.py --json``.

The benchmarks themselves print figures and are never timed here.
"""

from __future__ import annotations

import json
import math
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

# ``benchmarks`` is a folder of scripts beside the package, not installed with it.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.baseline import SyllableBM25
from benchmarks.harness.data import (
    REPO_ROOT,
    Doc,
    fold_all,
    fold_dd,
    keyword_queries,
    load_qrels,
    select_docs,
    syllables,
)
from benchmarks.harness.stats import median, percentile
from benchmarks.metrics import evaluate, mrr_at_k, ndcg_at_k, recall_at_k
from benchmarks.peers import Fts5Peer, query_tokens
from benchmarks.variants import (
    make_variant,
    mixed,
    strip_diacritics,
    telex,
    tone_moved,
    unaccented,
)

# -- variants -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tiếng Việt", "Tieng Viet"),
        ("Đường Hồ Chí Minh", "Duong Ho Chi Minh"),
        ("ĐẮK LẮK", "DAK LAK"),
        ("Ủy ban nhân dân", "Uy ban nhan dan"),
        ("người ưa thích", "nguoi ua thich"),
        ("Covid-19 (SARS-CoV-2)?", "Covid-19 (SARS-CoV-2)?"),
        ("Tie\u0302\u0301ng", "Tieng"),  # decomposed input
        ("", ""),
    ],
)
def test_unaccented(text: str, expected: str) -> None:
    assert unaccented(text) == expected
    assert strip_diacritics(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hòa", "hoà"),
        ("hoà", "hòa"),
        ("thủy", "thuỷ"),
        ("thuỷ", "thủy"),
        ("Ủy ban", "Uỷ ban"),
        ("uỷ", "ủy"),
        ("khỏe", "khoẻ"),
        ("KHOẺ", "KHỎE"),
        ("hóa học", "hoá học"),
        ("Thụy Điển", "Thuỵ Điển"),
        ("sức khoẻ toàn dân", "sức khỏe toàn dân"),
        # No convention difference: closed syllables, qu/gi, other vowel pairs.
        ("hoàng", "hoàng"),
        ("khuyến", "khuyến"),
        ("quý quỳ", "quý quỳ"),
        ("của người", "của người"),
        ("hoa", "hoa"),
        ("thuở", "thuở"),
        ("ngoài", "ngoài"),
        ("Hòa bình, hoàng hôn.", "Hoà bình, hoàng hôn."),
    ],
)
def test_tone_moved(text: str, expected: str) -> None:
    assert tone_moved(text) == expected
    assert tone_moved(expected) == text  # the move is its own inverse


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tiếng việt", "tieengs vieetj"),
        ("đường", "dduwowngf"),
        ("Đà Nẵng", "DDaf Nawngx"),
        ("hỏi ngã nặng", "hoir ngax nawngj"),
        ("bác sĩ", "bacs six"),
        ("ơn", "own"),
        ("ăn", "awn"),
        ("ông", "oong"),
        ("ê", "ee"),
        ("thuở", "thuowr"),
        ("người", "nguwowif"),
        ("huyết áp 120?", "huyeets aps 120?"),
        ("Hà Nội", "Haf Nooij"),
        ("covid", "covid"),
    ],
)
def test_telex(text: str, expected: str) -> None:
    assert telex(text) == expected


@pytest.mark.parametrize(
    ("text", "key", "seed", "expected"),
    [
        ("Bệnh viện Chợ Rẫy ở đâu?", "q1", 13, "Benh viện Chợ Ray ở đâu?"),
        ("Bệnh viện Chợ Rẫy ở đâu?", "q1", 14, "Benh viện Chợ Rẫy ở đâu?"),
        ("Thuốc này có tác dụng phụ không?", "q2", 13, "Thuốc này có tac dung phụ khong?"),
    ],
)
def test_mixed_is_seeded(text: str, key: str, seed: int, expected: str) -> None:
    assert make_variant("mixed", text, key=key, seed=seed) == expected


def test_mixed_keeps_or_strips_each_word() -> None:
    text = " ".join(["Việt"] * 400)
    out = mixed(text, random.Random(1)).split()
    assert set(out) == {"Việt", "Viet"}
    assert 150 < out.count("Việt") < 250  # about half


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("as-written", "Hòa Bình"),
        ("unaccented", "Hoa Binh"),
        ("tone-moved", "Hoà Bình"),
        ("telex", "Hoaf Binhf"),
    ],
)
def test_make_variant(name: str, expected: str) -> None:
    assert make_variant(name, "Hòa Bình") == expected


def test_make_variant_rejects_unknown_names() -> None:
    with pytest.raises(ValueError, match="unknown variant"):
        make_variant("vni", "Hòa Bình")


# -- metrics ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ranking", "relevant", "mrr", "ndcg", "r10"),
    [
        (["a", "b", "c"], {"a"}, 1.0, 1.0, 1.0),
        (["x", "a", "c"], {"a"}, 0.5, 1 / math.log2(3), 1.0),
        (["x", "y", "z"], {"a"}, 0.0, 0.0, 0.0),
        ([f"x{i}" for i in range(10)] + ["a"], {"a"}, 0.0, 0.0, 0.0),  # rank 11
        (
            ["x", "a", "y", "b"],
            {"a", "b"},
            0.5,
            (1 / math.log2(3) + 1 / math.log2(5)) / (1 + 1 / math.log2(3)),
            1.0,
        ),
        (["a"], {"a", "b"}, 1.0, 1 / (1 + 1 / math.log2(3)), 0.5),
        ([], {"a"}, 0.0, 0.0, 0.0),
    ],
)
def test_metrics_of_one_ranking(
    ranking: list[str], relevant: set[str], mrr: float, ndcg: float, r10: float
) -> None:
    assert mrr_at_k(ranking, relevant) == pytest.approx(mrr)
    assert ndcg_at_k(ranking, relevant) == pytest.approx(ndcg)
    assert recall_at_k(ranking, relevant, 10) == pytest.approx(r10)


def test_recall_at_100_counts_ranks_past_10() -> None:
    ranking = [f"x{i}" for i in range(50)] + ["a"]
    assert recall_at_k(ranking, {"a"}, 10) == 0.0
    assert recall_at_k(ranking, {"a"}, 100) == 1.0


def test_evaluate_averages_and_counts_missing_rankings_as_empty() -> None:
    qrels = {"q1": {"a"}, "q2": {"b"}, "q3": {"c"}, "q4": {"d"}}
    rankings = {"q1": ["a"], "q2": ["x", "b"], "q3": ["x", "y", "z", "c"]}
    got = evaluate(rankings, qrels)
    assert got["MRR@10"] == pytest.approx((1 + 1 / 2 + 1 / 4 + 0) / 4)
    assert got["nDCG@10"] == pytest.approx((1 + 1 / math.log2(3) + 1 / math.log2(5)) / 4)
    assert got["R@10"] == pytest.approx(3 / 4)
    assert got["R@100"] == pytest.approx(3 / 4)
    assert set(got) == {"MRR@10", "nDCG@10", "R@10", "R@100"}


# -- statistics and loaders ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "p", "expected"),
    [
        ([1.0, 2.0, 3.0, 4.0], 50, 2.5),
        ([1.0, 2.0, 3.0, 4.0, 5.0], 50, 3.0),
        ([5.0, 1.0, 3.0], 0, 1.0),
        ([5.0, 1.0, 3.0], 100, 5.0),
        (list(map(float, range(1, 101))), 95, 95.05),
        (list(map(float, range(1, 101))), 99, 99.01),
        ([7.0], 99, 7.0),
    ],
)
def test_percentile(values: list[float], p: float, expected: float) -> None:
    assert percentile(values, p) == pytest.approx(expected)


def test_median_of_nothing_is_nan() -> None:
    assert math.isnan(median([]))
    assert median([3.0, 1.0, 2.0]) == 2.0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hòa Bình, 2024", ["hòa", "bình", "2024"]),
        ("HOÀ-bình", ["hoà", "bình"]),
        ("Tie\u0302\u0301ng Việt", ["tiếng", "việt"]),
    ],
)
def test_syllables(text: str, expected: list[str]) -> None:
    assert syllables(text) == expected


def test_load_qrels_keeps_positive_judgements(tmp_path: Path) -> None:
    path = tmp_path / "qrels.tsv"
    path.write_text("query-id\tcorpus-id\tscore\nq1\td1\t1\nq1\td2\t0\nq2\td3\t0\n", "utf-8")
    assert load_qrels(path) == {"q1": {"d1"}, "q2": set()}


def test_keyword_queries_are_reproducible_and_twinned() -> None:
    docs = [Doc(f"d{i}", f"Sức khỏe người cao tuổi, số {i}: Đà Nẵng", "") for i in range(20)]
    first = keyword_queries(docs, 10, seed=1)
    assert first == keyword_queries(list(reversed(docs)), 10, seed=1)
    assert [q.kind for q in first] == ["keyword"] * 10 + ["keyword-unaccented"] * 10
    for q, twin in zip(first[:10], first[10:], strict=True):
        assert 1 <= len(q.text.split()) <= 4
        assert twin.text == strip_diacritics(q.text)
        assert not any(ch.isdigit() or ch in ",:" for ch in q.text)


def test_select_docs_takes_the_first_set_then_a_seeded_sample() -> None:
    docs = {f"d{i:02}": Doc(f"d{i:02}", "", "") for i in range(30)}
    chosen = select_docs(docs, 10, first={"d05", "d06"}, seed=3)
    assert len(chosen) == 10 and {"d05", "d06"} <= set(chosen)
    assert chosen == select_docs(docs, 10, first={"d05", "d06"}, seed=3)
    assert select_docs(docs, None) == docs


# -- the baseline and the peers -----------------------------------------------------------


def test_syllable_bm25_scores_by_hand() -> None:
    bm25 = SyllableBM25([("d1", "a b"), ("d2", "a a c"), ("d3", "c d e f")])
    idf = math.log(1 + (3 - 2 + 0.5) / (2 + 0.5))
    # avgdl = 3: d1 (length 2) norm = 1.2 * (0.25 + 0.75 * 2/3); d2 (length 3) norm = 1.2.
    expected = [idf * 1 * 2.2 / (1 + 0.9), idf * 2 * 2.2 / (2 + 1.2), 0.0]
    assert bm25.scores("a").tolist() == pytest.approx(expected, rel=1e-6)
    assert bm25.search("a") == ["d2", "d1"]
    assert bm25.search("A, a") == ["d2", "d1"]
    assert bm25.search("zzz") == []
    assert bm25.search("a c", k=1) == ["d2"]


def test_syllable_bm25_does_not_fold() -> None:
    bm25 = SyllableBM25([("x", "Hòa Bình"), ("y", "hoà bình"), ("z", "hoa binh")])
    assert bm25.search("hòa") == ["x"]
    assert bm25.search("hoa") == ["z"]


@pytest.mark.parametrize(
    ("text", "dd", "all_"),
    [
        ("Đà Nẵng", "Dà Nẵng", "Da Nang"),
        ("Đường", "Dường", "Duong"),
        ("Tie\u0302\u0301ng", "Tiếng", "Tieng"),
    ],
)
def test_peer_folding(text: str, dd: str, all_: str) -> None:
    assert fold_dd(text) == dd
    assert fold_all(text) == all_


def test_query_tokens() -> None:
    assert query_tokens("Hòa-Bình 2024? snake_case") == ["hòa", "bình", "2024", "snake", "case"]


def test_fts5_peer_matches_without_accents(tmp_path: Path) -> None:
    peer = Fts5Peer(tmp_path / "fts.db")
    docs = [
        Doc("a", "Đà Nẵng mùa mưa", "Đường ngập nước."),
        Doc("b", "Hà Nội", "Trời nắng."),
    ]
    assert peer.build(docs) == 2
    assert peer.search("da nang", conjunctive=True) == ["a"]
    assert peer.search("đường", conjunctive=True) == ["a"]
    assert peer.search("ha noi mua", conjunctive=True) == []
    assert set(peer.search("ha noi mua", conjunctive=False)) == {"a", "b"}
    peer.close()


def test_tantivy_peer_matches_without_accents(tmp_path: Path) -> None:
    pytest.importorskip("tantivy")
    from benchmarks.peers import TantivyPeer

    peer = TantivyPeer(tmp_path / "tantivy")
    assert peer.build([Doc("a", "Đà Nẵng", "Đường ngập."), Doc("b", "Hà Nội", "Nắng.")]) == 2
    assert peer.search("Đà Nẵng", conjunctive=True) == ["a"]
    assert peer.search("duong", conjunctive=True) == ["a"]
    assert peer.search("nang", conjunctive=False)[0] in {"a", "b"}


# -- end to end ---------------------------------------------------------------------------


def test_relevance_json_end_to_end(tmp_path: Path) -> None:
    corpus = [
        {"_id": "d1", "title": "Uống rượu vang đỏ", "text": "Rượu vang đỏ có thể giảm huyết áp."},
        {"_id": "d2", "title": "Bệnh tiểu đường", "text": "Người bệnh tiểu đường nên ăn rau."},
        {"_id": "d3", "title": "Hòa bình", "text": "Thủy điện Hòa Bình phát điện."},
    ]
    queries = [
        {"_id": "q1", "text": "rượu vang đỏ giảm huyết áp"},
        {"_id": "q2", "text": "người bệnh tiểu đường nên ăn gì"},
        {"_id": "q3", "text": "thủy điện Hòa Bình"},
        {"_id": "q4", "text": "không có tài liệu liên quan"},
    ]
    qrels = "query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td2\t1\nq3\td3\t1\nq4\tmissing\t1\n"
    (tmp_path / "corpus.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in corpus), "utf-8"
    )
    (tmp_path / "queries.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in queries), "utf-8"
    )
    (tmp_path / "qrels.tsv").write_text(qrels, "utf-8")
    index_dir = tmp_path / "index"
    cmd = [
        sys.executable,
        str(REPO_ROOT / "benchmarks" / "relevance.py"),
        str(tmp_path / "corpus.jsonl"),
        str(tmp_path / "queries.jsonl"),
        str(tmp_path / "qrels.tsv"),
        "--variants",
        "as-written,unaccented",
        "--index-dir",
        str(index_dir),
        "--json",
    ]
    for attempt in ("build", "reuse"):
        run = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)
        assert run.returncode == 0, run.stderr
        result = json.loads(run.stdout.strip().splitlines()[-1])
        assert result["docs"] == 3
        assert result["queries"] == 3
        assert result["skipped_queries"] == 1
        assert set(result["variants"]) == {"as-written", "unaccented"}
        assert set(result["baseline"]) == {"as-written", "unaccented"}
        for table in (result["variants"], result["baseline"]):
            for row in table.values():
                assert set(row) == {"MRR@10", "nDCG@10", "R@10", "R@100"}
                assert all(0.0 <= x <= 1.0 for x in row.values())
        assert result["variants"]["as-written"]["R@10"] == 1.0
        assert result["baseline"]["as-written"]["MRR@10"] == 1.0
        assert ("Reusing" in run.stderr) == (attempt == "reuse")


def test_second_stage_features_of_one_article() -> None:
    from benchmarks.second_stage import article_features

    weights = {"dan": 1.0, "van": 1.0, "kheo": 2.0}
    pairs = [("dan", "van", 1.0), ("van", "kheo", 1.0)]
    body = "Phong trào dân vận khéo ở xã. Một câu khác nói về dân."
    f = article_features(body, "Tin xã", weights, pairs, frozenset({"dan", "kheo", "xa"}))
    assert f["w3"] == f["w5"] == f["sentence"] == f["coverage"] == 1.0
    assert f["missing"] == 0.0  # "xa" is not a query term: it has no weight
    assert f["pairs"] == 1.0
    assert f["title"] == 0.0
    scattered = article_features(
        "Dân ở đây. Vận động tốt.", "Dân vận", weights, pairs, frozenset({"dan", "kheo"})
    )
    assert scattered["missing"] == 2 / 3  # "khéo" (2) of "dân" + "khéo" (3)
    assert scattered["w3"] == 0.25  # no two query words within 3 syllables
    assert scattered["sentence"] == 0.25
    assert scattered["pairs"] == 0.0
    assert scattered["title"] == 0.5  # "dân vận"


def test_second_stage_fit_learns_a_useful_feature_on_the_even_half_only() -> None:
    import numpy as np

    from benchmarks.second_stage import Questions, fit, linear, reciprocal_ranks

    # Four re-scored questions: the relevant article is second by the first stage and has
    # the higher feature; a fifth question is not re-scored (its rank is kept as measured).
    first = np.array([[1.0, 0.9]] * 4 + [[-np.inf, -np.inf]])
    features = np.array([[[0.0], [1.0]]] * 4 + [[[0.0], [0.0]]])
    relevant = np.array([[False, True]] * 4 + [[False, False]])
    q = Questions(
        variant=np.array(["as-written"] * 5),
        even=np.array([True, False, True, False, True]),
        first=first,
        features=features,
        relevant=relevant,
        rescored=np.array([True] * 4 + [False]),
        unchanged=np.array([0.0] * 4 + [0.25]),
    )
    assert reciprocal_ranks(q, linear(q, [0], np.array([0.0]))).tolist() == [0.5] * 4 + [0.25]
    weights = fit(q, [0], np.array([0.0]))
    assert weights[0] > 0.1
    assert reciprocal_ranks(q, linear(q, [0], weights)).tolist() == [1.0] * 4 + [0.25]


def test_second_stage_describes_the_missed_questions(capsys: pytest.CaptureFixture[str]) -> None:
    import numpy as np

    from benchmarks.second_stage import MISSING, Questions, describe_misses

    # Two re-scored questions; the first is missed (its article is second and lacks half of
    # the question's weight, the first article holds it all), the second is found first.
    features = np.zeros((2, 2, MISSING + 1))
    features[0, 1, MISSING] = 0.5
    q = Questions(
        variant=np.array(["as-written", "as-written"]),
        even=np.array([True, False]),
        first=np.array([[1.0, 0.9], [1.0, 0.9]]),
        features=features,
        relevant=np.array([[False, True], [True, False]]),
        rescored=np.array([True, True]),
        unchanged=np.array([0.0, 0.0]),
    )
    describe_misses(q, q.first)  # the first stage's order: the first question is missed
    out = capsys.readouterr().out
    assert "as-written: questions missed with their article among the re-scored: 1;" in out
    assert "lacks a content word of the question in 1 (50% of their weight" in out
    assert "holds every one in 1" in out


# -- load.py ------------------------------------------------------------------------------


def test_distinct_load_sends_every_query_once_and_stops() -> None:
    """``load.py --distinct``: 16 clients share the queries, none sent twice, none skipped."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from benchmarks.harness.clients import run_load

    received: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the load clients use it

        def do_GET(self) -> None:
            received.append(self.path)
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args: object) -> None:
            pass

    paths = [f"/api/search?q=q{i}" for i in range(300)]
    with ThreadingHTTPServer(("127.0.0.1", 0), Handler) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            result = run_load("127.0.0.1", server.server_port, paths, 16, 120, 10_000, True)
        finally:
            server.shutdown()
    assert sorted(received) == sorted(paths)
    assert (result["ok"], result["errors"]) == (300, 0)


def test_load_memory_counts_the_whole_process_tree() -> None:
    """A server's worker processes count: a process with a child weighs itself plus it."""
    from benchmarks.harness.processes import memory_kb

    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        alone = memory_kb(child.pid)
        with_child = memory_kb(os.getpid())
    finally:
        child.kill()
        child.wait()
    assert alone["processes"] == 1 and alone["VmRSS"] > 0 and alone["Pss"] > 0
    assert with_child["processes"] >= 2
    own = int(Path("/proc/self/status").read_text().split("VmRSS:")[1].split()[0])
    assert with_child["VmRSS"] >= own + alone["VmRSS"] * 0.9


def test_load_cpu_time_counts_the_whole_process_tree() -> None:
    """The CPU a server spent counts its worker processes: a child that has burnt 0.3 s of
    CPU shows at least that, and so does this process's tree."""
    from benchmarks.harness.processes import cpu_seconds

    burn = "import time\nwhile time.process_time() < 0.3: pass\nprint('done', flush=True)\n"
    child = subprocess.Popen(
        [sys.executable, "-c", burn + "time.sleep(60)"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None and child.stdout.readline() == "done\n"
        tick = 1 / os.sysconf("SC_CLK_TCK")
        own = time.process_time()
        burnt = cpu_seconds(child.pid)
        assert burnt >= 0.3 - tick
        assert cpu_seconds(os.getpid()) >= own + burnt - 2 * tick
    finally:
        child.kill()
        child.wait()
        child.stdout.close()  # type: ignore[union-attr]


def test_load_compares_worker_counts_by_median_over_runs() -> None:
    """``load.py --workers 1,2 --runs 3``: per count the median of its runs, the ratio to the
    first count, errors summed and the largest memory."""
    from benchmarks.load import compare_workers

    def run(workers: int, rps: float, errors: int, rss_kb: int) -> dict:
        load = {"requests_per_second": rps, "latency_ms": {"p50": 1000 / rps}, "errors": errors}
        return {"workers": workers, "load": load, "memory_kb_after_load": {"VmRSS": rss_kb}}

    runs = [run(1, 40, 0, 500_000), run(2, 70, 1, 900_000), run(1, 30, 0, 510_000)]
    runs += [run(2, 66, 0, 1_000_000), run(1, 44, 0, 490_000), run(2, 90, 0, 950_000)]
    one, two = compare_workers(runs)
    assert (one["workers"], one["median_requests_per_second"], one["ratio"]) == (1, 40, 1.0)
    assert (two["workers"], two["median_requests_per_second"], two["ratio"]) == (2, 70, 1.75)
    assert (two["errors"], two["max_rss_mb"], two["runs"]) == (1, 977, 3)


def test_fts5_load_answers_every_distinct_query_once(tmp_path: Path) -> None:
    """The FTS5 peer of ``load.py --fts5`` answers each query once from several threads."""
    from benchmarks.harness.clients import run_fts5_load
    from benchmarks.harness.data import Doc
    from benchmarks.peers import Fts5Peer

    path = tmp_path / "fts5.sqlite3"
    peer = Fts5Peer(path)
    peer.build(Doc(f"d{i}", f"Tin số {i}", f"Đà Nẵng mưa lớn ngày {i}") for i in range(50))
    peer.close()
    queries = [f"da nang {i}" for i in range(40)]
    result = run_fts5_load(path, queries, 4, 60, 10_000, True)
    assert result["ok"] == 40 and result["requests_per_second"] > 0


@pytest.mark.parametrize("in_place", [True, False])
def test_the_incremental_benchmark_reads_the_build_time_the_command_prints(in_place: bool) -> None:
    from benchmarks.incremental import BUILD_SECONDS
    from indexer import BuildReport
    from indexer.cli.output import format_build

    report = BuildReport(indexed=20_010, added=10, unchanged=20_000, seconds=1.3)
    report.updated_in_place = in_place
    found = BUILD_SECONDS.search(format_build(report))
    assert found is not None and float(found.group(1)) == 1.3


def test_build_benchmark_json_end_to_end(tmp_path: Path) -> None:
    """``build.py`` on a tiny VNTC-shaped file: the first N records only, every engine's
    rate, the index size against the raw text, and the indexer's CPU split by process."""
    import gzip

    vntc = tmp_path / "vntc"
    vntc.mkdir()
    records = [
        {"id": f"t/{i}", "text": f"Bài số {i}\nHội nghị tổng kết công tác dân vận năm {2000 + i}."}
        for i in range(30)
    ]
    with gzip.open(vntc / "vntc_10topics.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    cmd = [
        sys.executable,
        str(REPO_ROOT / "benchmarks" / "build.py"),
        "--docs",
        "20",
        "--runs",
        "1",
        "--data-dir",
        str(tmp_path),
        "--no-tantivy",
        "--json",
    ]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["articles"] == 20
    raw = sum(len(r["text"].encode("utf-8")) for r in records[:20])
    assert result["raw_text_mb"] == raw / 1e6
    tk, fts = result["timkiem"], result["sqlite-fts5"]
    assert "tantivy" not in result
    assert tk["articles_per_s"] > 0 and fts["articles_per_s"] > 0
    assert result["timkiem_vs_fts5"] > 0
    assert tk["index_vs_raw"] == pytest.approx(tk["index_mb"] * 1e6 / raw)
    assert 0 < tk["main_cpu_ms_per_article"] <= tk["cpu_ms_per_article"]
    assert tk["peak_memory_mb"] > 0
    assert "python benchmarks/build.py --docs 20 --runs 1" in result["command"]


def test_distinct_queries_never_follow_their_own_twin() -> None:
    from benchmarks.harness.data import Query
    from benchmarks.latency import distinct_queries

    written = [Query("keyword", f"dân vận {i}") for i in range(4)]
    bare = [Query("keyword-unaccented", f"dan van {i}") for i in range(4)]
    asked = distinct_queries([*written, *bare, Query("question", "Ai là người đầu tiên?")])
    assert [q.text for q in asked] == ["dân vận 0", "dân vận 1", "dan van 2", "dan van 3"]
