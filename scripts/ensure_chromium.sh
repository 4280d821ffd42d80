#!/usr/bin/env bash
# Makes sure Debian's Chromium is at /usr/bin/chromium (the chat widget's browser
# tests drive it with Playwright) and that the Noto fonts (Devanagari for Hindi) are
# installed; installs what is missing with apt-get, fails loudly if it can't.
set -euo pipefail
CHROMIUM=/usr/bin/chromium
missing=()
[ -x "$CHROMIUM" ] || missing+=(chromium)
dpkg -s fonts-noto-core >/dev/null 2>&1 || missing+=(fonts-noto-core)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "== installing with apt-get: ${missing[*]}"
if ! command -v apt-get >/dev/null; then
  echo "ERROR: ${missing[*]} missing and apt-get is not available" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
if ! { $SUDO apt-get update -qq && \
       DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
         "${missing[@]}"; }; then
  echo "ERROR: apt-get could not install ${missing[*]}" >&2
  exit 1
fi
if [ ! -x "$CHROMIUM" ]; then
  echo "ERROR: chromium was installed but $CHROMIUM is still missing" >&2
  exit 1
fi
echo "== $("$CHROMIUM" --version 2>/dev/null || echo chromium) ready"
