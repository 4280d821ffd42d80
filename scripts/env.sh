# The environment of every command of the project; sourced by the Makefile's recipes and
# the run scripts. Anything already set in the environment (or in .env, which honcho also
# reads) wins; every default comes from settings.py, which the Python code reads too.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ -f "$ROOT/.env" ]; then set -a; . "$ROOT/.env"; set +a; fi
# The project is installed into .venv in editable mode (scripts/bootstrap.sh); this puts
# the checkout being run first, for a second checkout that shares the same .venv.
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"
export RASA_TELEMETRY_ENABLED=false
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"
# Readable server logs: hide the libraries' deprecation notices (not the project's own).
export PYTHONWARNINGS="${PYTHONWARNINGS:-ignore::DeprecationWarning,ignore:pkg_resources is deprecated:UserWarning}"
export SQLALCHEMY_SILENCE_UBER_WARNING=1
export PATH="$ROOT/.venv/bin:$PATH"
mkdir -p "$ROOT/var" "$ROOT/models"
# endpoints.yml and credentials.yml read ${DATABASE_URL}, ${WHATSAPP_...}, ... and need
# each one set (an empty WhatsApp secret makes that channel refuse every request).
_python="$ROOT/.venv/bin/python"; [ -x "$_python" ] || _python=python3
eval "$("$_python" "$ROOT/settings.py" exports)"
# The shared secret between the Rasa server and the action server (endpoints.yml,
# actions/server.py): ACTION_SERVER_TOKEN, else one generated once into var/ (mode 600),
# so servers started separately on this machine agree. Production sets it.
if [ -z "${ACTION_SERVER_TOKEN:-}" ]; then
  if [ ! -s "$ROOT/var/action-server.token" ]; then  # link(2): the first writer wins
    _token_tmp="$(mktemp "$ROOT/var/.action-server.token.XXXXXX")"
    "$_python" -c 'import secrets; print(secrets.token_urlsafe(32))' > "$_token_tmp"
    ln "$_token_tmp" "$ROOT/var/action-server.token" 2>/dev/null || true
    rm -f "$_token_tmp"
  fi
  ACTION_SERVER_TOKEN="$(cat "$ROOT/var/action-server.token")"
fi
export ACTION_SERVER_TOKEN
unset _python
