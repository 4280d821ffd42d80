#!/usr/bin/env bash
# Creates .venv from a supported Python and installs the pinned packages of requirements.lock.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=".venv/.installed-$(sha256sum requirements.lock | cut -c1-16)"
[ -f "$stamp" ] && exit 0
python=$(scripts/find_python.sh)
if [ ! -x .venv/bin/python ]; then
  echo "Creating .venv with $python"
  "$python" -m venv .venv
fi
echo "Installing pinned packages (requirements.lock); the first time takes a few minutes."
.venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -r requirements.lock
.venv/bin/python -m pip check
rm -f .venv/.installed-*
touch "$stamp"
