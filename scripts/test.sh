#!/usr/bin/env bash
# Sets up (first run only) and runs every check: lint, format, types, import contracts, tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh "dev,discord,slack,postgres"
export PATH="$PWD/.venv/bin:$PATH"
echo "== ruff"; ruff check . && ruff format --check .
echo "== mypy"; mypy
echo "== import-linter"; lint-imports
echo "== content"; lectern validate
echo "== pytest"; pytest "$@"
