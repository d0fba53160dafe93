#!/usr/bin/env bash
# A throwaway Redis on a free loopback port, no persistence, for the Celery runner tests.
#   eval "$(bash scripts/redis_test_server.sh start)"   # exports KEHOACH_TEST_REDIS_URL and REDISTEST_DIR
#   bash scripts/redis_test_server.sh stop "$REDISTEST_DIR"
set -euo pipefail

start() {
  command -v redis-server >/dev/null 2>&1 \
    || { echo "redis_test_server: redis-server not found; apt-get install -y redis-server" >&2; exit 1; }
  local dir port
  dir=$(mktemp -d /tmp/kehoach-redis.XXXXXX)
  port=${REDISTEST_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}
  redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no --dir "$dir" \
    --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --protected-mode yes
  for _ in $(seq 50); do
    redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null || { cat "$dir/redis.log" >&2; exit 1; }
  echo "export KEHOACH_TEST_REDIS_URL=redis://127.0.0.1:$port/0"
  echo "export REDISTEST_DIR=$dir"
}

stop() {
  local dir=${1:?usage: redis_test_server.sh stop DIR}
  local pid
  if [ -f "$dir/redis.pid" ]; then
    pid=$(cat "$dir/redis.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -rf "$dir"
}

case "${1:-start}" in
  start) start ;;
  stop) stop "${2:-${REDISTEST_DIR:-}}" ;;
  *) echo "usage: $0 start | stop DIR" >&2; exit 2 ;;
esac
