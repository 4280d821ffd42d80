#!/usr/bin/env bash
# Starts the Rasa server on port 5005: REST and socket.io channels, HTTP API behind a token.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
if [ -z "${RASA_AUTH_TOKEN:-}" ]; then
  RASA_AUTH_TOKEN=$(python -c 'import secrets; print(secrets.token_urlsafe(24))')
  echo "RASA_AUTH_TOKEN was not set; this run's HTTP API token is: $RASA_AUTH_TOKEN"
fi
cors=()
for origin in $ALLOWED_ORIGINS; do cors+=(--cors "$origin"); done
exec rasa run --enable-api --auth-token "$RASA_AUTH_TOKEN" "${cors[@]}" \
  --port "${RASA_PORT:-5005}" --model models --credentials credentials.yml \
  --endpoints endpoints.yml
