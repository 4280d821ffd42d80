#!/usr/bin/env bash
# Serves the demo article page with the chat widget on http://localhost:8080
# (webchat/site and the built webchat/dist only). WEB_PORT / WEB_HOST override.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
exec python webchat/serve.py --host "${WEB_HOST:-127.0.0.1}" --port "${WEB_PORT:-8080}"
