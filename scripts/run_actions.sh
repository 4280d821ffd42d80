#!/usr/bin/env bash
# Starts the action server on 127.0.0.1:5055 (ACTION_HOST / ACTION_PORT override):
# actions/server.py, rasa-sdk with quiet logs, answering only requests that carry
# ACTION_SERVER_TOKEN. The practice's tables (appointment requests, consents) are created
# beforehand by `python -m tables` (make run, the test servers, cluster/prepare.py).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
exec python -m actions.server --host "$ACTION_HOST" --port "${ACTION_PORT:-5055}" --actions actions
