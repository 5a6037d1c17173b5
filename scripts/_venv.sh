# Shared by scripts/test and scripts/demo (sourced, not run).

# find_python: the first Python 3.10+ among $PYTHON, python3, python3.13 ... python3.10.
find_python() {
  local candidate
  for candidate in ${PYTHON:-} python3 python3.13 python3.12 python3.11 python3.10; do
    if command -v "$candidate" >/dev/null 2>&1 &&
      "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
      command -v "$candidate"
      return 0
    fi
  done
  echo "error: Python 3.10 or newer is needed (set PYTHON=/path/to/python3.x)" >&2
  return 1
}

# ensure_venv <dir> <python> <extra>: create the venv if missing and install the package
# with that extra; reinstalled only when pyproject.toml changes. A venv set up with the
# `dev` extra (a superset) serves every other extra too.
ensure_venv() {
  local dir=$1 py=$2 extra=$3 sum have
  sum=$(cksum pyproject.toml | cut -d' ' -f1)
  if [ ! -x "$dir/bin/python" ]; then
    echo "== creating $dir with $("$py" --version 2>&1)"
    "$py" -m venv "$dir" || return 1
  fi
  have=$(cat "$dir/.installed" 2>/dev/null || true)
  if [ "$have" != "dev:$sum" ] && [ "$have" != "$extra:$sum" ]; then
    echo "== installing -e .[$extra] into $dir"
    "$dir/bin/python" -m pip install -q --disable-pip-version-check -e ".[$extra]" || return 1
    echo "$extra:$sum" >"$dir/.installed"
  fi
}

# find_version <3.x>: an interpreter of exactly that version (pyenv's first, then PATH),
# checked by running it: a pyenv shim for a version that is not selected only errors.
find_version() {
  local version=$1 candidate
  for candidate in $(ls -d "$HOME"/.pyenv/versions/"$version".*/bin/python"$version" 2>/dev/null | sort -rV) \
    $(command -v "python$version" 2>/dev/null); do
    if [ "$("$candidate" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)" = "$version" ]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}
