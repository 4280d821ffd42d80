#!/usr/bin/env bash
# Installs Debian packages with apt-get (as root, or through sudo); fails loudly if it can't.
# Used by the ensure_*.sh scripts for the system tools the tests need.
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: $0 PACKAGE..." >&2; exit 2; }
echo "== installing with apt-get: $*"
if ! command -v apt-get >/dev/null; then
  echo "ERROR: $* missing and apt-get is not available" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
if ! { $SUDO apt-get update -qq && \
       DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$@"; }; then
  echo "ERROR: apt-get could not install $*" >&2
  exit 1
fi
