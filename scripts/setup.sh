#!/usr/bin/env bash
# Creates ./.venv and installs Lectern with the given extras (default: none). Idempotent: a
# second run only reinstalls when pyproject.toml changed.
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"
python="${PYTHON:-python3}"
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "Lectern needs Python 3.11 or newer (found: $("$python" --version 2>&1))." >&2
  exit 1
fi
[ -x .venv/bin/python ] || "$python" -m venv .venv
stamp=".venv/.installed-${extras:-base}"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "Installing Lectern${extras:+ with $extras} into .venv (first run only) ..." >&2
  spec="."
  [ -n "$extras" ] && spec=".[$extras]"
  log=".venv/install.log"
  # The install's chatter goes to a log, shown in full only if the install fails.
  if ! { .venv/bin/python -m pip install --upgrade pip &&
         .venv/bin/python -m pip install -e "$spec"; } >"$log" 2>&1; then
    cat "$log" >&2
    echo "Installing Lectern failed; the full log is in $log." >&2
    exit 1
  fi
  touch "$stamp"
fi
