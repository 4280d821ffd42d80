#!/usr/bin/env bash
# Installs the chat widget's npm packages (webchat/package-lock.json, exact versions:
# socket.io-client, esbuild, and axe-core for the browser tests) when they are missing
# or the lock file changed. The built widget (webchat/dist) is committed, so `make run`
# needs neither Node nor npm; `make test` checks that dist/ is what src/ builds to.
set -euo pipefail
cd "$(dirname "$0")/../webchat"
if ! command -v npm >/dev/null; then
  echo "ERROR: npm (Node 20 or later) is needed to test the chat widget (webchat/)" >&2
  exit 1
fi
stamp="node_modules/.installed-$(sha256sum package-lock.json | cut -c1-16)"
[ -f "$stamp" ] && exit 0
echo "== npm ci in webchat/"
npm ci --no-audit --no-fund --loglevel=error
touch "$stamp"
