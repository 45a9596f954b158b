# Sourced by scripts/demo and scripts/test: make .venv match the lock file, once per change.
# Usage: ensure_venv requirements.lock|requirements-dev.lock
#        stage "what happens next"   prints it with the seconds since the script started

_stage_start=$SECONDS
stage() {
  printf '[%4s s] %s\n' "$((SECONDS - _stage_start))" "$*"
}

# uv installs a cold venv several times faster than pip (and shows what it is doing). It is used
# from PATH, or from the venv; where neither has it, it is bootstrapped into the venv from PyPI
# (one wheel). If that or uv itself fails (no network to PyPI, a proxy uv does not know about),
# pip installs the lock instead, its progress shown.
_install_lock() {
  local lock="$1" uv=""
  if command -v uv >/dev/null 2>&1; then
    uv="$(command -v uv)"
  elif [ -x .venv/bin/uv ]; then
    uv=.venv/bin/uv
  else
    stage "Fetching uv into .venv (a faster installer; one wheel from PyPI) ..."
    if .venv/bin/python -m pip install --quiet --disable-pip-version-check uv; then
      uv=.venv/bin/uv
    else
      stage "Could not fetch uv; pip installs the dependencies instead."
    fi
  fi
  if [ -n "$uv" ]; then
    stage "Installing $(_package_count "$lock") packages from $lock with uv ..."
    if "$uv" pip install --python .venv/bin/python -r "$lock"; then
      return 0
    fi
    stage "uv could not install them; trying pip instead."
  fi
  stage "Installing $(_package_count "$lock") packages from $lock with pip (a minute or two) ..."
  .venv/bin/python -m pip install --disable-pip-version-check --progress-bar on -r "$lock"
}

_package_count() {  # pinned lines (name==version) of a lock file
  grep -c '^[A-Za-z0-9].*==' "$1"
}

ensure_venv() {
  local lock="$1" python="${PYTHON:-python3}"
  if ! "$python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
    echo "Python 3.11 is required (Django 5.2 LTS); set PYTHON=/path/to/python3.11" >&2
    return 1
  fi
  if [ ! -x .venv/bin/python ]; then
    stage "Creating the virtual environment in .venv ..."
    "$python" -m venv .venv
  fi
  local stamp=".venv/.installed-$(sha256sum "$lock" | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    _install_lock "$lock"
    rm -f .venv/.installed-* && touch "$stamp"
    stage "Dependencies installed."
  fi
}
