#!/usr/bin/env bash
# Starts the Rasa server on 127.0.0.1:5005 (RASA_INTERFACE / RASA_PORT override): REST,
# socket.io and WhatsApp channels, HTTP API behind a token (?token= or a Bearer header).
# assistant/server.py checks the Rasa internals the project relies on, installs its
# patches and quiets the libraries' deprecation notices, then runs `rasa run`.
# RASA_ENDPOINTS picks another endpoints file (the cluster's replicas: cluster/endpoints.yml).
# RASA_MODEL serves another model file or folder (default: the newest in models/).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
if [ -z "${RASA_AUTH_TOKEN:-}" ]; then
  RASA_AUTH_TOKEN=$(python -c 'import secrets; print(secrets.token_urlsafe(24))')
  echo "RASA_AUTH_TOKEN was not set; this run's HTTP API token is: $RASA_AUTH_TOKEN"
fi
# One TensorFlow thread per op: with DIET in the pipeline this was 12% faster on a small
# machine (docs/performance.md). The current pipeline runs no TensorFlow model, but Rasa
# still loads TensorFlow; kept for a config.yml that brings one back. Set here, not in
# env.sh, so that the action server does not load TensorFlow.
export TF_INTER_OP_PARALLELISM_THREADS="${TF_INTER_OP_PARALLELISM_THREADS:-1}"
export TF_INTRA_OP_PARALLELISM_THREADS="${TF_INTRA_OP_PARALLELISM_THREADS:-1}"
python -m assistant.conversation_ids   # old conversation ids scoped by channel (once)
cors=()
for origin in $ALLOWED_ORIGINS; do cors+=(--cors "$origin"); done
exec python -m assistant.server run --enable-api --auth-token "$RASA_AUTH_TOKEN" "${cors[@]}" \
  --interface "$RASA_INTERFACE" --port "${RASA_PORT:-5005}" \
  --model "${RASA_MODEL:-models}" --credentials credentials.yml \
  --endpoints "${RASA_ENDPOINTS:-endpoints.yml}"
