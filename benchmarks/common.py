"""The old home of the benchmarks' loaders, now in ``benchmarks/harness/``: kept for
``tests/test_relevance.py``, which imports the two below from here. New code imports from
``benchmarks.harness.*``."""

from benchmarks.harness.data import load_qrels, load_queries

__all__ = ["load_qrels", "load_queries"]
