#!/usr/bin/env bash
# `make run-cluster`: the assistant scaled out on one machine, in the foreground (Ctrl-C
# stops it all). docs/deploy.md describes the topology:
#   127.0.0.1:$CLUSTER_PORT (5005)        nginx -> Rasa replicas :5011, :5012
#   127.0.0.1:$CLUSTER_ACTION_PORT (5055) nginx -> action servers :5061, :5062
#   conversations in PostgreSQL (DATABASE_URL, created if missing), conversation locks
#   and WhatsApp duplicate ids in Redis (REDIS_URL); staff console :8000, web page :8080.
set -euo pipefail
cd "$(dirname "$0")/.."
# PostgreSQL and Redis instead of make run's SQLite file (defaults: settings.py).
eval "$(python3 settings.py exports --cluster DATABASE_URL REDIS_URL)"
export WHATSAPP_REDIS_URL="${WHATSAPP_REDIS_URL:-$REDIS_URL}"
export SOCKETIO_REDIS_URL="${SOCKETIO_REDIS_URL:-$REDIS_URL}"
. scripts/env.sh

export CLUSTER_HOST="${CLUSTER_HOST:-127.0.0.1}"
export CLUSTER_PORT="${CLUSTER_PORT:-5005}"
export CLUSTER_ACTION_PORT="${CLUSTER_ACTION_PORT:-5055}"
export CLUSTER_RASA_PORT_1="${CLUSTER_RASA_PORT_1:-5011}"
export CLUSTER_RASA_PORT_2="${CLUSTER_RASA_PORT_2:-5012}"
export CLUSTER_ACTION_PORT_1="${CLUSTER_ACTION_PORT_1:-5061}"
export CLUSTER_ACTION_PORT_2="${CLUSTER_ACTION_PORT_2:-5062}"
export CLUSTER_RASA_SERVERS="127.0.0.1:$CLUSTER_RASA_PORT_1 127.0.0.1:$CLUSTER_RASA_PORT_2"
export CLUSTER_ACTION_SERVERS="127.0.0.1:$CLUSTER_ACTION_PORT_1 127.0.0.1:$CLUSTER_ACTION_PORT_2"
export CLUSTER_NGINX_DIR="${CLUSTER_NGINX_DIR:-$PWD/var/cluster}"
# Every replica talks to the action servers through nginx and uses the same API token.
export ACTION_SERVER_URL="http://$CLUSTER_HOST:$CLUSTER_ACTION_PORT/webhook"
export RASA_ENDPOINTS=cluster/endpoints.yml
# A lock left by a killed replica blocks its conversation this long (Rasa's default: 60 s).
export TICKET_LOCK_LIFETIME="${TICKET_LOCK_LIFETIME:-20}"
if [ -z "${RASA_AUTH_TOKEN:-}" ]; then
  RASA_AUTH_TOKEN=$(python -c 'import secrets; print(secrets.token_urlsafe(24))')
  echo "RASA_AUTH_TOKEN was not set; this run's HTTP API token is: $RASA_AUTH_TOKEN"
fi
export RASA_AUTH_TOKEN

scripts/ensure_nginx.sh
lock_settings="$(python -m cluster.prepare)"   # database, tables, Redis; fails loudly
eval "$lock_settings"
python -m cluster.nginx --out "$CLUSTER_NGINX_DIR/nginx.conf" >/dev/null
/usr/sbin/nginx -q -t -p "$CLUSTER_NGINX_DIR" -c "$CLUSTER_NGINX_DIR/nginx.conf"
echo "Cluster: http://$CLUSTER_HOST:$CLUSTER_PORT (Rasa x2), http://$CLUSTER_HOST:$CLUSTER_ACTION_PORT (actions x2)"
exec honcho start -d . -f cluster/Procfile
