#!/usr/bin/env bash
# Creates .venv from a supported Python, installs the pinned packages of requirements.lock,
# then the project itself in editable mode (pyproject.toml), so that every process and
# script imports assistant, actions, channels, ... from this checkout without sys.path edits.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=".venv/.installed-$(cat requirements.lock pyproject.toml | sha256sum | cut -c1-16)"
[ -f "$stamp" ] && exit 0
python=$(scripts/find_python.sh)
if [ ! -x .venv/bin/python ]; then
  echo "Creating .venv with $python"
  "$python" -m venv .venv
fi
echo "Installing pinned packages (requirements.lock); the first time takes a few minutes."
.venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -r requirements.lock
# The build uses the pinned setuptools of the venv: nothing is fetched for it.
.venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps \
  --no-build-isolation -e .
.venv/bin/python -m pip check
rm -f .venv/.installed-*
touch "$stamp"
