#!/usr/bin/env bash
# Sets up and runs the whole suite: lint, format, mypy --strict, import contracts, migrations check, then the tests
# (unit, HTTP, queue against the real Redis, browser) on SQLite, and again on PostgreSQL when one is reachable
# (required under CI=true).
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ ! -x /usr/bin/chromium ]]; then
  echo "== installing Debian's Chromium for the browser tests"
  sudo_cmd=""; [[ $(id -u) -ne 0 ]] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium >/dev/null
fi
bash scripts/setup.sh

export DJANGO_SETTINGS_MODULE=gongzhi.config.settings.test
# One command per line: under `set -e` a failure inside an `a && b` list would not stop the script.
echo "== ruff"
.venv/bin/ruff check src tests bench conftest.py
.venv/bin/ruff format --check src tests bench conftest.py
echo "== mypy --strict"
.venv/bin/mypy src conftest.py
echo "== import contracts"
.venv/bin/lint-imports --no-cache
echo "== migrations"
.venv/bin/gongzhi makemigrations --check --dry-run

echo "== tests on SQLite"
.venv/bin/pytest -q "$@"

pg_up() { .venv/bin/python -c 'import socket; socket.create_connection(("127.0.0.1", 5432), timeout=2)' 2>/dev/null; }
if pg_up; then
  echo "== tests on PostgreSQL (127.0.0.1:5432; browser tests ran on SQLite above)"
  GONGZHI_DATABASE_URL="${GONGZHI_PG_URL:-postgres://postgres@127.0.0.1:5432/gongzhi}" \
    .venv/bin/pytest -q -m "not e2e" "$@"
elif [[ -n "${CI:-}" ]]; then
  echo "PostgreSQL is not reachable on 127.0.0.1:5432, and CI must test on it." >&2
  exit 1
else
  echo "== PostgreSQL not reachable on 127.0.0.1:5432: skipped (CI requires it)"
fi
