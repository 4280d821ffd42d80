#!/usr/bin/env bash
# Starts the action server on port 5055.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
exec rasa run actions --port "${ACTION_PORT:-5055}" --actions actions
