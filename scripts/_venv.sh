# Sourced by scripts/demo and scripts/test: create .venv on first use and reinstall only when
# pyproject.toml changes, so the second run starts at once.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV="$ROOT/.venv"

find_python() {
  for candidate in python3.11 python3.12 python3.13 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
      "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$candidate"
      return
    fi
  done
  echo "spinscope needs Python 3.11 or newer; none found on PATH" >&2
  exit 1
}

ensure_venv() {
  local extras=$1
  if [ ! -x "$VENV/bin/python" ]; then
    echo "creating a virtual environment in $VENV" >&2
    "$(find_python)" -m venv "$VENV"
  fi
  local want stamp="$VENV/.spinscope-installed-${extras:-base}"
  want=$(cat "$ROOT/pyproject.toml" | sha256sum | cut -c1-16)
  if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
    echo "installing spinscope${extras:+[$extras]} and its pinned dependencies (first run only)" >&2
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e "$ROOT${extras:+[$extras]}"
    echo "$want" >"$stamp"
  fi
}
