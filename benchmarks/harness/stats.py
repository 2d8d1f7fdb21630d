"""Statistics of timings: percentiles, medians, latency summaries, and how a table shows them."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

# -- statistics ---------------------------------------------------------------------------


def percentile(values: Sequence[float], p: float) -> float:
    """The ``p``-th percentile with linear interpolation (numpy's default); NaN if empty."""
    xs = sorted(values)
    if not xs:
        return math.nan
    pos = (len(xs) - 1) * p / 100.0
    lo, hi = math.floor(pos), math.ceil(pos)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def median(values: Sequence[float]) -> float:
    """The median (mean of the two middle values for an even count); NaN if empty."""
    return percentile(values, 50.0)


def latency_summary(ms: Sequence[float]) -> dict[str, float]:
    """p50/p95/p99 and mean of a list of milliseconds."""
    return {
        "p50": percentile(ms, 50),
        "p95": percentile(ms, 95),
        "p99": percentile(ms, 99),
        "mean": (sum(ms) / len(ms)) if ms else math.nan,
        "n": len(ms),
    }


def median_of_summaries(runs: Sequence[Mapping[str, float]]) -> dict[str, float]:
    """Each figure of several runs' summaries replaced by its median over the runs."""
    keys = runs[0].keys() if runs else ()
    return {k: median([r[k] for r in runs]) for k in keys}


def fmt_ms(value: float) -> str:
    """Milliseconds for a table: two decimals below 10, one above, "-" for NaN."""
    return "-" if math.isnan(value) else (f"{value:.2f}" if value < 10 else f"{value:.1f}")


def by_base_kind(ms: dict[str, list[float]]) -> dict[str, dict[str, float]]:
    """Summaries per kind, and per base kind (accented and unaccented together)."""
    out = {kind: latency_summary(values) for kind, values in ms.items()}
    for base in ("keyword", "question"):
        values = [v for kind, vs in ms.items() if kind.split("-")[0] == base for v in vs]
        if values:
            out[f"{base} (all)"] = latency_summary(values)
    return out


def ratio(a: float, b: float) -> float:
    return round(a / b, 2) if b > 0 and not math.isnan(a) and not math.isnan(b) else math.nan


def rounded(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: rounded(v) for k, v in obj.items()}
    if isinstance(obj, float):
        return round(obj, 3)
    return obj
