#!/usr/bin/env bash
# Installs what the tests need, then runs the whole test suite (lint included).
# Usage: bash scripts/test.sh [pytest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m pip install --quiet --disable-pip-version-check -e '.[test]'

# The browser tests drive Debian's Chromium through Playwright (Playwright's own browser
# download is not used).
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing chromium for the browser tests…"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "chromium is not installed: browser tests will be skipped (sudo apt-get install chromium)." >&2
  fi
fi

python3 -m ruff check .
python3 -m ruff format --check .
# The allowed directions of imports between the indexer's sides (pyproject.toml).
lint-imports
python3 -m pytest "$@"
