#!/usr/bin/env bash
# Debian's nginx for `make test` (the several-servers test runs it in a folder of its own):
# installed when root and missing. Installing must not leave Debian's own nginx service running.
set -euo pipefail
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "nginx: installing Debian's nginx"
  running_before=$(pgrep -x nginx || true)
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
  if [ -z "$running_before" ] && pgrep -x nginx >/dev/null; then
    /usr/sbin/nginx -s quit 2>/dev/null || pkill -x nginx || true
  fi
else
  echo "nginx: not installed and cannot be (not root); install Debian's nginx" >&2
  exit 1
fi
