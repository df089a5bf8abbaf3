# shellcheck shell=bash
# Start and stop a private nginx (Debian nginx-light) for accurate's tests and benchmarks. Source this file.
#
#   nginx_start [--cpu N] [--no-access-log] [--worker-connections N]
#       Creates a temporary prefix, writes nginx.conf from nginx.conf.in, starts nginx in the foreground (in the
#       background of this shell) on a free 127.0.0.1 port and waits until it answers. Sets:
#         NGINX_PORT NGINX_PID NGINX_PREFIX NGINX_URL NGINX_ACCESS_LOG
#       and installs an EXIT trap that stops nginx and removes the prefix (an existing EXIT trap is replaced:
#       if you need your own, call nginx_cleanup from it).
#   nginx_stop          graceful stop (SIGQUIT, then SIGTERM, then SIGKILL after bounded waits); logs are flushed
#                       and the access log stays readable until nginx_cleanup.
#   nginx_cleanup       nginx_stop, then remove the prefix.
#   nginx_requests      the "requests" counter of stub_status (requests served since start, all routes).
#
# Every wait is bounded. Only 127.0.0.1 is used.

_nginx_lib_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
NGINX_BIN=${NGINX_BIN:-/usr/sbin/nginx}
_NGINX_PY=/usr/bin/python3

_nginx_free_port() {
  "$_NGINX_PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Waits (bounded) until 127.0.0.1:$1 accepts a connection and nginx answers /.
_nginx_wait_ready() {
  local port=$1 pid=$2 i
  for i in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || return 1
    if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/nginx_status"; then return 0; fi
    sleep 0.05
  done
  return 1
}

nginx_start() {
  local cpu="" access_log=1 worker_connections=4096 attempt
  while [ $# -gt 0 ]; do
    case $1 in
      --cpu) cpu=$2; shift 2 ;;
      --no-access-log) access_log=0; shift ;;
      --worker-connections) worker_connections=$2; shift 2 ;;
      *) echo "nginx_start: unknown option $1" >&2; return 2 ;;
    esac
  done
  [ -x "$NGINX_BIN" ] || { echo "nginx_start: $NGINX_BIN not found (install nginx-light)" >&2; return 1; }
  NGINX_PREFIX=$(mktemp -d /tmp/accurate-nginx.XXXXXX)
  NGINX_ACCESS_LOG=$NGINX_PREFIX/access.log
  local log_directive="off"
  [ "$access_log" = 1 ] && log_directive="$NGINX_ACCESS_LOG harness"
  local user_line=""
  [ "$(id -u)" = 0 ] && user_line="user root;"
  local slow_body
  slow_body=$(head -c 2048 /dev/zero | tr '\0' 's')
  local -a launcher=()
  [ -n "$cpu" ] && launcher=(taskset -c "$cpu")
  for attempt in 1 2 3 4 5; do
    NGINX_PORT=$(_nginx_free_port)
    sed -e "s|@PREFIX@|$NGINX_PREFIX|g" -e "s|@PORT@|$NGINX_PORT|g" \
        -e "s|@ACCESS_LOG@|$log_directive|g" -e "s|@USER_LINE@|$user_line|g" \
        -e "s|@WORKER_CONNECTIONS@|$worker_connections|g" \
        -e "s|@RLIMIT_NOFILE@|$((worker_connections + 64))|g" \
        -e "s|@SLOW_BODY@|$slow_body|g" \
        "$_nginx_lib_dir/nginx.conf.in" >"$NGINX_PREFIX/nginx.conf"
    : >"$NGINX_PREFIX/error.log"
    "${launcher[@]}" "$NGINX_BIN" -p "$NGINX_PREFIX" -c "$NGINX_PREFIX/nginx.conf" -e "$NGINX_PREFIX/error.log" \
      </dev/null >>"$NGINX_PREFIX/stdout.log" 2>&1 &
    NGINX_PID=$!
    if _nginx_wait_ready "$NGINX_PORT" "$NGINX_PID"; then
      NGINX_URL="http://127.0.0.1:$NGINX_PORT"
      trap nginx_cleanup EXIT
      # The stub_status probe above is not logged; start from an empty log all the same.
      [ "$access_log" = 1 ] && : >"$NGINX_ACCESS_LOG"
      return 0
    fi
    kill "$NGINX_PID" 2>/dev/null; wait "$NGINX_PID" 2>/dev/null
    echo "nginx_start: attempt $attempt on port $NGINX_PORT failed: $(tail -n 2 "$NGINX_PREFIX/error.log" | tr '\n' ' ')" >&2
    # Only a port taken between choosing and binding is worth another try.
    grep -q 'Address already in use' "$NGINX_PREFIX/error.log" || break
  done
  rm -rf "$NGINX_PREFIX"
  return 1
}

nginx_stop() {
  [ -n "${NGINX_PID:-}" ] || return 0
  local sig i children
  children=$(pgrep -P "$NGINX_PID" 2>/dev/null | tr '\n' ' ')
  for sig in QUIT TERM KILL; do
    kill -s "$sig" "$NGINX_PID" 2>/dev/null || break
    for i in $(seq 1 50); do
      kill -0 "$NGINX_PID" 2>/dev/null || break 2
      sleep 0.1
    done
  done
  wait "$NGINX_PID" 2>/dev/null
  # A worker outlives a killed master: end the ones it had (by pid, never by name).
  for i in $children; do kill -s KILL "$i" 2>/dev/null || true; done
  NGINX_PID=""
  return 0
}

nginx_cleanup() {
  nginx_stop
  if [ -n "${NGINX_PREFIX:-}" ] && [ -d "$NGINX_PREFIX" ]; then rm -rf "$NGINX_PREFIX"; fi
  NGINX_PREFIX=""
  return 0
}

nginx_requests() {
  curl -s --max-time 2 "$NGINX_URL/nginx_status" | awk 'NR==3 {print $3}'
}
