#!/usr/bin/env bash
# Starts the staff console on http://localhost:8000 (gunicorn): applies migrations, adds
# the console's indexes to the tracker store, catches up with its events, then serves.
# Create the first admin once with:  .venv/bin/python console/manage.py create_admin NAME
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
manage=(python console/manage.py)
"${manage[@]}" migrate --noinput -v 0
"${manage[@]}" scope_conversation_ids   # once, after ids were scoped by channel
"${manage[@]}" sync_conversations
"${manage[@]}" clearsessions
exec gunicorn console.wsgi:application \
  --bind "${CONSOLE_BIND:-127.0.0.1}:${CONSOLE_PORT:-8000}" \
  --workers "${CONSOLE_WORKERS:-2}" --threads 4 --timeout 60 \
  --forwarded-allow-ips "${CONSOLE_FORWARDED_ALLOW_IPS:-127.0.0.1}" --no-control-socket
