#!/usr/bin/env bash
# Make sure the PostgreSQL server of the tests answers: `scripts/postgres-up.sh [URL]`
# (default postgres://postgres@127.0.0.1:5432/essaim). A local Debian cluster that is down is started
# (as root, with pg_ctlcluster); otherwise the script says what to do and fails.
set -euo pipefail

url="${1:-postgres://postgres@127.0.0.1:5432/essaim}"
pg_isready -q -d "$url" 2>/dev/null && exit 0

host="$(printf '%s' "$url" | sed -E 's#^[a-z]+://([^@/]*@)?(\[[^]]*\]|[^:/]*).*#\2#')"
case "$host" in
  127.0.0.1 | localhost | "[::1]" | "") local_server=1 ;;
  *) local_server=0 ;;
esac
if [ "$local_server" = 1 ] && [ "$(id -u)" = 0 ] && command -v pg_ctlcluster >/dev/null 2>&1 \
  && [ -n "$(ls /etc/postgresql 2>/dev/null)" ]; then
  echo "Starting PostgreSQL..."
  if pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start; then
    for _ in $(seq 1 30); do
      pg_isready -q -d "$url" 2>/dev/null && exit 0
      sleep 1
    done
  fi
fi
echo "PostgreSQL does not answer at $url. Start it (Debian, as root: pg_ctlcluster <version> main start)" >&2
echo "or set PG_URL to a running server (the tests connect with trust authentication)." >&2
exit 1
