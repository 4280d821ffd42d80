#!/usr/bin/env bash
# Makes sure Debian's Chromium is at /usr/bin/chromium (the chat widget's browser
# tests drive it with Playwright) and that the Noto fonts (Devanagari for Hindi) are
# installed; installs what is missing with apt-get, fails loudly if it can't.
set -euo pipefail
CHROMIUM=/usr/bin/chromium
missing=()
[ -x "$CHROMIUM" ] || missing+=(chromium)
dpkg -s fonts-noto-core >/dev/null 2>&1 || missing+=(fonts-noto-core)
[ ${#missing[@]} -eq 0 ] && exit 0
"$(dirname "$0")/apt_install.sh" "${missing[@]}"
if [ ! -x "$CHROMIUM" ]; then
  echo "ERROR: chromium was installed but $CHROMIUM is still missing" >&2
  exit 1
fi
echo "== $("$CHROMIUM" --version 2>/dev/null || echo chromium) ready"
