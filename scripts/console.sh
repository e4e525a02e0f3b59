#!/usr/bin/env bash
# Sets up (first run only) and starts Lectern in this terminal, on the shipped content.
# Any arguments go to `lectern console` (e.g. --json, --teachers alice).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/lectern console "$@"
