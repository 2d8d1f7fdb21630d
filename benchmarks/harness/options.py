"""Command-line options that several scripts take in the same words."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_distractors(parser: argparse.ArgumentParser) -> None:
    """``--distractors FILE…``: more articles indexed with a BEIR corpus (relevance.py,
    second_stage.py)."""
    parser.add_argument(
        "--distractors",
        type=Path,
        nargs="+",
        action="extend",
        default=[],
        metavar="FILE",
        help="more JSON Lines files (plain or .gz, BEIR or VNTC layout) indexed with the corpus",
    )
