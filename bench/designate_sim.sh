#!/usr/bin/env bash
# HTTP throughput of designate-sim on one core (the issue's bar: >= 20k simple API requests per second).
#
# designate-sim is pinned to CPU 0, wrk (one thread, keep-alive) to CPU 1. After creating ZONES zones (curl, or
# python3 urllib without curl) it drives, REPEAT times each, for DURATION seconds with CONNECTIONS connections:
#   get   GET /v2/zones/<id>         (one zone, ~500-byte JSON)
#   list  GET /v2/zones?limit=5      (a page of five zones, ~2.7 KB)
# and prints requests/s as wrk counts them, the server's CPU seconds over the run (from /proc/<pid>/stat),
# requests per server CPU-second, and wrk's own CPU use (getrusage, bench/lib/cpu_time.py).
# With --nginx, each repetition also drives nginx (one worker, pinned to the same CPU 0, a 636-byte JSON) as a
# calibration measured in the same minutes: on a busy machine compare the ratios, not the absolute rates.
#
# Usage: bench/designate_sim.sh [--sim PATH] [--duration SECONDS] [--connections N] [--repeat N] [--zones N]
#                               [--nginx]
# Defaults: build/designate-sim, 10 s, 50 connections, 3 repetitions, 5 zones. Needs wrk, taskset, python3; 2 CPUs
# (--nginx: nginx-light and curl).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
sim=$repo/build/designate-sim
duration=10
connections=50
repeat=3
zones=5
with_nginx=0
while [ $# -gt 0 ]; do
  case $1 in
    --sim) sim=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    --zones) zones=$2; shift 2 ;;
    --nginx) with_nginx=1; shift ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "bench/designate_sim.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
for value in "$duration" "$connections" "$repeat" "$zones"; do
  [[ $value =~ ^[1-9][0-9]*$ ]] || { echo "bench/designate_sim.sh: expected a positive integer, got '$value'" >&2; exit 2; }
done
[ "$zones" -le 10 ] || { echo "bench/designate_sim.sh: --zones must be at most 10 (the default zones quota)" >&2; exit 2; }
[ -x "$sim" ] || { echo "bench/designate_sim.sh: $sim is not executable (build it, or pass --sim)" >&2; exit 2; }
command -v wrk >/dev/null || { echo "bench/designate_sim.sh: wrk not installed" >&2; exit 2; }
command -v taskset >/dev/null || { echo "bench/designate_sim.sh: taskset not installed" >&2; exit 2; }
[ "$(nproc)" -ge 2 ] || { echo "bench/designate_sim.sh: needs 2 CPUs (simulator on CPU 0, wrk on CPU 1)" >&2; exit 2; }

py=/usr/bin/python3
work=$(mktemp -d /tmp/designate-sim-bench.XXXXXX)
sim_pid=""
cleanup() {
  if [ "$with_nginx" = 1 ] && declare -F nginx_cleanup >/dev/null; then nginx_cleanup; fi
  if [ -n "$sim_pid" ] && kill -0 "$sim_pid" 2>/dev/null; then
    kill -TERM "$sim_pid" 2>/dev/null || true
    wait "$sim_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

taskset -c 0 "$sim" --port-file "$work/ports.json" --active-delay 0s --propagation-delay 0s \
  >"$work/sim.out" 2>"$work/sim.err" &
sim_pid=$!
for _ in $(seq 100); do
  [ -s "$work/ports.json" ] && break
  kill -0 "$sim_pid" 2>/dev/null || { echo "bench/designate_sim.sh: designate-sim exited: $(cat "$work/sim.err")" >&2; exit 1; }
  sleep 0.1
done
[ -s "$work/ports.json" ] || { echo "bench/designate_sim.sh: designate-sim did not write its port file in 10 s" >&2; exit 1; }
port=$("$py" -c 'import json,sys; print(json.load(open(sys.argv[1]))["http_port"])' "$work/ports.json")
base=http://127.0.0.1:$port

# POST /v2/zones; prints the new zone's id.
create_zone() {
  local body="{\"name\": \"bench-$1.designate-sim.test.\", \"email\": \"admin@bench.test\", \"ttl\": 3600}"
  if command -v curl >/dev/null; then
    curl -sf -X POST -H 'Content-Type: application/json' -d "$body" "$base/v2/zones" >"$work/zone.json"
  else
    "$py" - "$base/v2/zones" "$body" >"$work/zone.json" <<'EOF'
import sys, urllib.request
request = urllib.request.Request(sys.argv[1], data=sys.argv[2].encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
print(urllib.request.urlopen(request, timeout=10).read().decode())
EOF
  fi
  "$py" -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$work/zone.json"
}
zone_id=""
for i in $(seq "$zones"); do
  id=$(create_zone "$i") || { echo "bench/designate_sim.sh: creating a zone failed" >&2; exit 1; }
  [ -n "$zone_id" ] || zone_id=$id
done

# CPU ticks (user + system) of a process and its direct children (nginx's master and worker).
cpu_ticks() {
  local total=0 pid
  for pid in "$1" $(pgrep -P "$1" || true); do
    [ -r "/proc/$pid/stat" ] && total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
  done
  echo "$total"
}
ticks_per_second=$(getconf CLK_TCK)
cases="get list"
if [ "$with_nginx" = 1 ]; then
  # shellcheck source=tests/integration/lib/nginx.sh
  source "$repo/tests/integration/lib/nginx.sh"
  nginx_start --cpu 0 --no-access-log
  trap cleanup EXIT  # nginx_start replaced the trap; cleanup calls nginx_cleanup
  cases="get list nginx"
fi

echo "designate-sim $sim on CPU 0, wrk on CPU 1; $connections keep-alive connections, ${duration}s per run"
printf '%-5s %3s %10s %12s %14s %9s %9s\n' case run "req/s" "server CPU s" "req/server-CPU-s" "wrk CPU s" "wrk core"
declare -A rates
for run in $(seq "$repeat"); do
  for case in $cases; do
    server=$sim_pid
    case $case in
      get) url=$base/v2/zones/$zone_id ;;
      list) url="$base/v2/zones?limit=5" ;;
      nginx) url=$NGINX_URL/; server=$NGINX_PID ;;
    esac
    before=$(cpu_ticks "$server")
    "$py" "$repo/bench/lib/cpu_time.py" --out "$work/wrk.json" --stdout "$work/wrk.txt" --timeout $((duration + 60)) \
      -- taskset -c 1 wrk -t1 -c"$connections" -d"${duration}s" "$url"
    after=$(cpu_ticks "$server")
    rps=$(awk '/^Requests\/sec:/ {print $2}' "$work/wrk.txt")
    [ -n "$rps" ] || { echo "bench/designate_sim.sh: wrk gave no result:" >&2; cat "$work/wrk.txt" >&2; exit 1; }
    if grep -q 'Non-2xx' "$work/wrk.txt"; then
      echo "bench/designate_sim.sh: $case: $(grep 'Non-2xx' "$work/wrk.txt")" >&2
    fi
    requests=$(awk '/requests in/ {print $1}' "$work/wrk.txt")
    read -r wrk_cpu wrk_wall < <("$py" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["cpu"], d["wall"])' "$work/wrk.json")
    "$py" - "$case" "$run" "$rps" "$requests" "$before" "$after" "$ticks_per_second" "$wrk_cpu" "$wrk_wall" <<'EOF'
import sys
case, run, rps, requests, before, after, hz, wrk_cpu, wrk_wall = sys.argv[1:]
sim_cpu = (int(after) - int(before)) / int(hz)
per_cpu = int(requests) / sim_cpu if sim_cpu > 0 else float("nan")
print(f"{case:<5} {run:>3} {float(rps):>10.0f} {sim_cpu:>12.2f} {per_cpu:>16.0f} {float(wrk_cpu):>9.2f} "
      f"{100 * float(wrk_cpu) / float(wrk_wall):>8.0f}%")
EOF
    rates[$case]="${rates[$case]:-} $rps"
  done
done
for case in $cases; do
  # shellcheck disable=SC2086
  "$py" -c 'import statistics,sys; print(f"{sys.argv[1]}: median {statistics.median(map(float, sys.argv[2:])):.0f} requests/s on one core")' \
    "$case" ${rates[$case]}
done
