#!/usr/bin/env bash
# Installs everything the project needs into .venv/ from the lock file (uv, from PyPI). Safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ! -x .tools/bin/uv ]]; then
  python3 -m venv .tools
  .tools/bin/pip install --quiet --disable-pip-version-check "uv>=0.5"
fi
.tools/bin/uv sync --frozen --quiet "$@"
mkdir -p var
