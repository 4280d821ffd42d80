# Defaults for every command of the project; sourced by the Makefile's recipes.
# Anything already set in the environment (or in .env, which honcho also reads) wins.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ -f "$ROOT/.env" ]; then set -a; . "$ROOT/.env"; set +a; fi
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"
export RASA_TELEMETRY_ENABLED=false
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"
# Readable server logs: hide the libraries' deprecation notices (not the project's own).
export PYTHONWARNINGS="${PYTHONWARNINGS:-ignore::DeprecationWarning,ignore:pkg_resources is deprecated:UserWarning}"
export SQLALCHEMY_SILENCE_UBER_WARNING=1
export ACTION_SERVER_URL="${ACTION_SERVER_URL:-http://127.0.0.1:5055/webhook}"
export DATABASE_URL="${DATABASE_URL:-sqlite:///$ROOT/var/assistant.db}"
export ALLOWED_ORIGINS="${ALLOWED_ORIGINS:-http://localhost:8080 http://127.0.0.1:8080}"
export PATH="$ROOT/.venv/bin:$PATH"
mkdir -p "$ROOT/var" "$ROOT/models"
# The shared secret between the Rasa server and the action server (endpoints.yml,
# actions/server.py): ACTION_SERVER_TOKEN, else one generated once into var/ (mode 600),
# so servers started separately on this machine agree. Production sets it.
if [ -z "${ACTION_SERVER_TOKEN:-}" ]; then
  if [ ! -s "$ROOT/var/action-server.token" ]; then  # link(2): the first writer wins
    _token_tmp="$(mktemp "$ROOT/var/.action-server.token.XXXXXX")"
    python3 -c 'import secrets; print(secrets.token_urlsafe(32))' > "$_token_tmp"
    ln "$_token_tmp" "$ROOT/var/action-server.token" 2>/dev/null || true
    rm -f "$_token_tmp"
  fi
  ACTION_SERVER_TOKEN="$(cat "$ROOT/var/action-server.token")"
fi
export ACTION_SERVER_TOKEN

# --- WhatsApp channels (channels/whatsapp, docs/whatsapp.md) ---
# Empty secrets are allowed: the channels then refuse every request (403) and Rasa still
# starts. credentials.yml's ${...} needs each variable to be set, even if empty.
# WHATSAPP_REDIS_URL empty: duplicate checks live in process memory (one server, no Redis
# needed); production sets it, e.g. redis://127.0.0.1:6379/0 (docs/whatsapp.md).
export WHATSAPP_VERIFY_TOKEN="${WHATSAPP_VERIFY_TOKEN:-}"
export WHATSAPP_APP_SECRET="${WHATSAPP_APP_SECRET:-}"
export WHATSAPP_ACCESS_TOKEN="${WHATSAPP_ACCESS_TOKEN:-}"
export WHATSAPP_PHONE_NUMBER_ID="${WHATSAPP_PHONE_NUMBER_ID:-}"
export WHATSAPP_GRAPH_VERSION="${WHATSAPP_GRAPH_VERSION:-v26.0}"
export WHATSAPP_GRAPH_BASE_URL="${WHATSAPP_GRAPH_BASE_URL:-https://graph.facebook.com}"
export WHATSAPP_REDIS_URL="${WHATSAPP_REDIS_URL:-}"
export TWILIO_ACCOUNT_SID="${TWILIO_ACCOUNT_SID:-}"
export TWILIO_AUTH_TOKEN="${TWILIO_AUTH_TOKEN:-}"
export TWILIO_WHATSAPP_NUMBER="${TWILIO_WHATSAPP_NUMBER:-}"
export TWILIO_WEBHOOK_PUBLIC_URL="${TWILIO_WEBHOOK_PUBLIC_URL:-}"
export TWILIO_API_BASE_URL="${TWILIO_API_BASE_URL:-}"
# --- end WhatsApp channels ---
