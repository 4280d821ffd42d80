#!/usr/bin/env bash
# Runs Locust from the load benchmark's tool venv (built on first use), e.g.
#   bench/locust.sh -f bench/load/locustfile.py --headless -u 20 -r 20 -t 60s \
#       --host http://127.0.0.1:5005 --csv var/load/run
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/$("$root/bench/setup_load_venv.sh")"
exec "$venv/bin/locust" "$@"
