#!/usr/bin/env bash
# Pairs http_loop (the core HTTP client) with wrk against one pinned nginx: requests per CPU-second of each.
# Usage: bench/http_loop/run.sh HTTP_LOOP_BINARY [REPEAT=3] [SECONDS=10] [USERS=50] [http_loop flags...]
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
loop=$1; repeat=${2:-3}; seconds=${3:-10}; users=${4:-50}; shift $(( $# < 4 ? $# : 4 ))
source "$repo/tests/integration/lib/nginx.sh"
nginx_start --cpu 1 --no-access-log
out=$(mktemp -d /tmp/http-loop.XXXXXX)
for rep in $(seq 1 "$repeat"); do
  /usr/bin/python3 "$repo/bench/lib/cpu_time.py" --out "$out/wrk$rep.json" --stdout "$out/wrk$rep.txt" --timeout 120 -- \
    taskset -c 0 wrk -t1 -c"$users" -d"${seconds}s" "$NGINX_URL/"
  wrk_requests=$(awk '/requests in/ {print $1}' "$out/wrk$rep.txt")
  wrk_cpu=$(/usr/bin/python3 -c "import json;c=json.load(open('$out/wrk$rep.json'));print(c['user']+c['sys'])")
  loop_line=$(taskset -c 0 "$loop" "$NGINX_URL/" "$users" "$seconds" "$@")
  loop_rate=$(echo "$loop_line" | awk '{print $10}')
  wrk_rate=$(/usr/bin/python3 -c "print(round($wrk_requests/$wrk_cpu))")
  echo "rep $rep: wrk $wrk_requests req / $wrk_cpu cpu-s = $wrk_rate req/cpu-s | http_loop: $loop_line | ratio $(/usr/bin/python3 -c "print(round($loop_rate/$wrk_rate,3))")"
done
rm -rf "$out"
