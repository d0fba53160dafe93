#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the store/web tests.
#   eval "$(bash scripts/pg_test_server.sh start)"   # exports KEHOACH_TEST_PG_URL and PGTEST_DIR
#   bash scripts/pg_test_server.sh stop "$PGTEST_DIR"
# Runs the server as the `postgres` user when called as root (postgres refuses root).
set -euo pipefail

find_bin() {
  local name=$1
  if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return; fi
  local hit
  hit=$(ls -d /usr/lib/postgresql/*/bin/"$name" 2>/dev/null | sort -V | tail -n1 || true)
  [ -n "$hit" ] || { echo "pg_test_server: $name not found; apt-get install -y postgresql" >&2; exit 1; }
  echo "$hit"
}

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
  local initdb pg_ctl dir port
  initdb=$(find_bin initdb); pg_ctl=$(find_bin pg_ctl)
  dir=$(mktemp -d /tmp/kehoach-pg.XXXXXX)
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
  port=${PGTEST_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}
  as_owner "$initdb" -D "$dir/data" -U kehoach --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || as_owner "$initdb" -D "$dir/data" -U kehoach --auth=trust -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  as_owner "$pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
  echo "export KEHOACH_TEST_PG_URL=postgresql+psycopg://kehoach@127.0.0.1:$port/postgres"
  echo "export PGTEST_DIR=$dir"
}

stop() {
  local dir=${1:?usage: pg_test_server.sh stop DIR}
  as_owner "$(find_bin pg_ctl)" -D "$dir/data" -m fast -w stop >/dev/null || true
  rm -rf "$dir"
}

case "${1:-start}" in
  start) start ;;
  stop) stop "${2:-${PGTEST_DIR:-}}" ;;
  *) echo "usage: $0 start | stop DIR" >&2; exit 2 ;;
esac
