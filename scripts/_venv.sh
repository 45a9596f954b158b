# Sourced by scripts/demo and scripts/test: make .venv match the lock file, once per change.
# Usage: ensure_venv requirements.lock|requirements-dev.lock
ensure_venv() {
  local lock="$1" python="${PYTHON:-python3}"
  if ! "$python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
    echo "Python 3.11 is required (Django 5.2 LTS); set PYTHON=/path/to/python3.11" >&2
    return 1
  fi
  [ -x .venv/bin/python ] || "$python" -m venv .venv
  local stamp=".venv/.installed-$(sha256sum "$lock" | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    echo "Installing dependencies from $lock ..."
    # uv installs a cold venv in seconds; pip is the fallback where uv is not installed.
    if command -v uv >/dev/null 2>&1; then
      uv pip install --quiet --python .venv/bin/python -r "$lock"
    else
      .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$lock"
    fi
    rm -f .venv/.installed-* && touch "$stamp"
  fi
}
