#!/usr/bin/env bash
# Starts the action server on 127.0.0.1:5055 (ACTION_HOST / ACTION_PORT override): only
# requests carrying ACTION_SERVER_TOKEN are answered (actions/server.py). Creates the
# consent table first when it is missing (python -m actions.schema; idempotent).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
python -m actions.schema
exec python -m actions.server --host "${ACTION_HOST:-127.0.0.1}" --port "${ACTION_PORT:-5055}"
