#!/usr/bin/env bash
# Sets up and runs the platform on its embedded default: SQLite in var/, Deyang demo data, the background worker,
# and the server on http://127.0.0.1:8000. Re-running keeps existing data.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export DJANGO_SETTINGS_MODULE=gongzhi.config.settings.dev
gz=.venv/bin/gongzhi
$gz migrate --noinput -v0
$gz seed_demo
$gz db_worker --queue-name '*' >var/worker.log 2>&1 &
worker=$!
$gz scheduler >var/scheduler.log 2>&1 &
scheduler=$!
trap 'kill "$worker" "$scheduler" 2>/dev/null || true' EXIT INT TERM
echo
$gz demo_logins
echo
echo "共治 Gongzhi is running on http://127.0.0.1:8000  (API docs: http://127.0.0.1:8000/api/v1/docs; Ctrl-C stops)"
$gz runserver 127.0.0.1:8000 --noreload --insecure
