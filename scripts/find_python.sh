#!/usr/bin/env bash
# Prints a Python interpreter that Rasa 3.6 supports (3.10, else 3.9, else 3.8).
set -u
candidates=()
for v in 3.10 3.9 3.8; do
  candidates+=("python$v")
  if command -v pyenv >/dev/null 2>&1; then
    for p in "$(pyenv root)"/versions/"$v".*/bin/python"$v"; do candidates+=("$p"); done
  fi
  candidates+=("/usr/bin/python$v" "/usr/local/bin/python$v")
done
for c in "${candidates[@]}"; do
  if "$c" -c 'import sys, venv; assert (3, 8) <= sys.version_info[:2] <= (3, 10)' >/dev/null 2>&1; then
    command -v "$c" 2>/dev/null || echo "$c"
    exit 0
  fi
done
echo "error: Rasa 3.6 needs Python 3.10, 3.9 or 3.8 (with venv) and none was found." >&2
echo "       Install one, e.g. 'pyenv install 3.10' or 'apt-get install python3.10-venv'." >&2
exit 1
