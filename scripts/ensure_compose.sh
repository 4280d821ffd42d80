#!/usr/bin/env bash
# Makes sure a Compose implementation can validate deploy/docker-compose.yml where the
# docker client is installed: Docker's compose plugin (`docker compose`) if present,
# otherwise Debian's docker-compose, installed with apt-get; fails loudly if it can't.
# Without a docker client there is nothing to do (the test says it skipped, and why).
set -euo pipefail
command -v docker >/dev/null || exit 0
if docker compose version >/dev/null 2>&1 || command -v docker-compose >/dev/null; then
  exit 0
fi
"$(dirname "$0")/apt_install.sh" docker-compose
command -v docker-compose >/dev/null || { echo "ERROR: docker-compose still missing" >&2; exit 1; }
echo "== $(docker-compose version --short 2>/dev/null || echo docker-compose) ready"
