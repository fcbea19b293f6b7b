#!/usr/bin/env bash
# Sets up .venv (first time), installs the project with its dev tools, lints, runs the tests.
# The tests run on SQLite always; set TEST_DATABASE_URL / TEST_REDIS_URL to run them on PostgreSQL + Redis too.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".[dev]"
echo "== ruff"
.venv/bin/ruff check .
echo "== pytest (SQLite${TEST_DATABASE_URL:+ + PostgreSQL}${TEST_REDIS_URL:+ + Redis})"
.venv/bin/python -m pytest -q "$@"
