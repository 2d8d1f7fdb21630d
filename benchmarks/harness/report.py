"""What every run prints besides its figures: progress on stderr, the commit, and the
command that repeats the run."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from collections.abc import Sequence
from typing import Any

from benchmarks.harness.data import REPO_ROOT


def log(message: str) -> None:
    """Progress for the reader, on stderr so that stdout holds only the figures."""
    print(message, file=sys.stderr, flush=True)


# -- reporting ----------------------------------------------------------------------------


def reproduce_command(argv0: str, args: Sequence[str]) -> str:
    """The shell command that repeats this run, from the current directory."""
    return f"(cd {shlex.quote(os.getcwd())} && {shlex.join(['python', argv0, *args])})"


def git_revision() -> str:
    """Short commit of the repository, with "+dirty" when the work tree has changes."""
    try:
        rev = _git("rev-parse", "--short", "HEAD")
        dirty = _git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return rev + ("+dirty" if dirty else "")


def _git(*args: str) -> str:
    done = subprocess.run(["git", *args], cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def finish(result: dict[str, Any], command: str, as_json: bool) -> None:
    """The last lines of a run: the command that repeats it (also kept in ``result``), then,
    with ``--json``, every figure as one JSON object."""
    result["command"] = command
    print("command: " + command)
    if as_json:
        print(json.dumps(result, ensure_ascii=False))
