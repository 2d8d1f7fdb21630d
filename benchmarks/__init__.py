"""Scripts that measure timkiem and print figures: relevance, latency, load. Never run as tests.

Run them from the repository root, e.g. ``python benchmarks/relevance.py --help``.
"""
