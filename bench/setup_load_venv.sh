#!/usr/bin/env bash
# Prints the path of the venv with the load benchmark's tools (locust, psutil, py-spy):
# var/venv-load, built here from bench/requirements-load.txt (rebuilt when that file changed).
set -euo pipefail
cd "$(dirname "$0")/.."
venv=var/venv-load
stamp="$venv/.requirements"
if [ -x "$venv/bin/locust" ] && cmp -s bench/requirements-load.txt "$stamp"; then
  echo "$venv"; exit 0
fi
python=$(scripts/find_python.sh)
rm -rf "$venv"
"$python" -m venv "$venv" >&2
"$venv/bin/python" -m pip install -q --disable-pip-version-check \
  -r bench/requirements-load.txt >&2
cp bench/requirements-load.txt "$stamp"
echo "$venv"
