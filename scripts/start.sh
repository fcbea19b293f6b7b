#!/usr/bin/env bash
# Quick start: sets up .venv, creates .env from .env.example, migrates, loads the demo registry, then
# serves Telegram when BOT_TOKEN is set in .env, otherwise opens the terminal chat.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install -q --disable-pip-version-check -e .
[ -f .env ] || cp .env.example .env
.venv/bin/python -m bot migrate
.venv/bin/python -m bot import demo/registry
if .venv/bin/python -c "import sys; from bot.config import load_settings; sys.exit(0 if load_settings().bot_token else 1)" 2>/dev/null; then
  exec .venv/bin/python -m bot run
else
  echo "BOT_TOKEN не задан в .env — открываю терминальный чат с ботом (python -m bot chat)."
  exec .venv/bin/python -m bot chat
fi
