#!/usr/bin/env bash
# Makes sure Debian's nginx is at /usr/sbin/nginx (the load balancer of `make run-cluster`
# and of the cluster tests); installs it with apt-get when missing, fails loudly if it can't.
# Only the binary is used: the cluster runs its own nginx in the foreground, never the
# system service.
set -euo pipefail
NGINX=/usr/sbin/nginx
[ -x "$NGINX" ] && exit 0
"$(dirname "$0")/apt_install.sh" nginx-light
if [ ! -x "$NGINX" ]; then
  echo "ERROR: nginx was installed but $NGINX is still missing" >&2
  exit 1
fi
echo "== $("$NGINX" -v 2>&1) ready"
