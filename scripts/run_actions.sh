#!/usr/bin/env bash
# Starts the action server on port 5055 (actions/server.py: rasa_sdk with quiet logs).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
exec python -m actions.server --port "${ACTION_PORT:-5055}" --actions actions
