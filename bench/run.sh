#!/usr/bin/env bash
# Throughput benchmark: requests per CPU-second of the load generator, accurate vs wrk vs Locust (FastHttpUser).
#
# nginx (one worker, access log off) is pinned to CPU 1 and serves a 606-byte JSON on 127.0.0.1; each generator
# is pinned to CPU 0 and keeps USERS keep-alive connections busy with no wait for DURATION seconds. For each run
# we record the requests the generator completed (its own count, cross-checked with nginx's stub_status counter)
# and its CPU seconds (user+sys from getrusage of the reaped process: bench/lib/cpu_time.py). The repetitions are
# interleaved (wrk, accurate, Locust, wrk, ...) so each ratio pairs runs made in the same minute; the summary
# gives the median over repetitions.
#
# Usage: bench/run.sh [--accurate PATH] [--repeat N] [--duration SECONDS] [--users N] [--no-locust] [--no-wrk]
#                     [--no-accurate] [--out DIR]
# Defaults: build/accurate, 3 repetitions, 15 s, 50 users; results kept in DIR (default: a new temp dir).
# Needs: nginx-light, wrk, python3-locust (optional), taskset; 2 CPUs.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
accurate=$repo/build/accurate
repeat=3
duration=15
users=50
run_locust=1
run_wrk=1
run_accurate=1
out=""
while [ $# -gt 0 ]; do
  case $1 in
    --accurate) accurate=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --users) users=$2; shift 2 ;;
    --no-locust) run_locust=0; shift ;;
    --no-wrk) run_wrk=0; shift ;;
    --no-accurate) run_accurate=0; shift ;;
    --out) out=$2; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "bench/run.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[[ $repeat =~ ^[1-9][0-9]*$ ]] || { echo "bench/run.sh: --repeat must be a positive integer" >&2; exit 2; }
[[ $duration =~ ^[1-9][0-9]*$ ]] || { echo "bench/run.sh: --duration must be whole seconds" >&2; exit 2; }
[ "$run_accurate" = 0 ] || [ -x "$accurate" ] || { echo "bench/run.sh: $accurate is not executable (build it, or pass --accurate)" >&2; exit 2; }
if [ "$(nproc)" -lt 2 ]; then echo "bench/run.sh: needs 2 CPUs (nginx on CPU 1, generator on CPU 0)" >&2; exit 2; fi
if [ "$run_wrk" = 1 ] && ! command -v wrk >/dev/null; then echo "bench/run.sh: wrk not installed" >&2; exit 2; fi
py=/usr/bin/python3
if [ "$run_locust" = 1 ] && ! "$py" -c 'import locust' 2>/dev/null; then
  echo "bench/run.sh: python3-locust not installed; skipping Locust" >&2
  run_locust=0
fi
[ -n "$out" ] || out=$(mktemp -d /tmp/accurate-bench.XXXXXX)
mkdir -p "$out"
results=$out/results.tsv
printf 'tool\trep\trequests\tnginx_requests\tuser_s\tsys_s\twall_s\treturncode\n' >"$results"

# shellcheck source=tests/integration/lib/nginx.sh
source "$repo/tests/integration/lib/nginx.sh"
nginx_start --cpu 1 --no-access-log
echo "nginx on $NGINX_URL (pid $NGINX_PID, CPU 1); results in $out" >&2

cat >"$out/locustfile.py" <<'EOF'
from locust import FastHttpUser, constant, task


class Get(FastHttpUser):
    wait_time = constant(0)

    @task
    def root(self):
        self.client.get("/")
EOF

# record TOOL REP REQUESTS NGINX_DELTA CPU_JSON
record() {
  "$py" - "$@" >>"$results" <<'EOF'
import json, sys
tool, rep, requests, nginx_delta, cpu_json = sys.argv[1:6]
c = json.load(open(cpu_json))
print(f"{tool}\t{rep}\t{requests}\t{nginx_delta}\t{c['user']:.3f}\t{c['sys']:.3f}\t{c['wall']:.3f}\t{c['returncode']}")
EOF
}

cpu_run() {  # cpu_run NAME -- COMMAND...: runs COMMAND pinned to CPU 0 under cpu_time.py
  local name=$1; shift 2
  "$py" "$repo/bench/lib/cpu_time.py" --out "$out/$name.cpu.json" --stdout "$out/$name.out" \
    --stderr "$out/$name.err" --timeout $((duration * 3 + 60)) -- taskset -c 0 "$@"
}

for rep in $(seq 1 "$repeat"); do
  if [ "$run_wrk" = 1 ]; then
    before=$(nginx_requests)
    cpu_run "wrk-$rep" -- wrk -t1 -c"$users" -d"${duration}s" "$NGINX_URL/"
    after=$(nginx_requests)
    requests=$(awk '/requests in/ {print $1}' "$out/wrk-$rep.out")
    record wrk "$rep" "${requests:-0}" $((after - before - 1)) "$out/wrk-$rep.cpu.json"
  fi

  if [ "$run_accurate" = 1 ]; then
    before=$(nginx_requests)
    cpu_run "accurate-$rep" -- "$accurate" --plugins http -H "$NGINX_URL" -u "$users" -r 1000 -t "${duration}s" \
      --threads 1 --headless --reports-dir "$out/reports-$rep" --json
    after=$(nginx_requests)
    requests=$("$py" -c 'import json,sys; print(json.load(open(sys.argv[1]))["total"]["num_requests"])' \
      "$out/accurate-$rep.out" 2>/dev/null || echo 0)
    record accurate "$rep" "$requests" $((after - before - 1)) "$out/accurate-$rep.cpu.json"
  fi

  if [ "$run_locust" = 1 ]; then
    before=$(nginx_requests)
    (cd "$out" && cpu_run "locust-$rep" -- "$py" -m locust -f locustfile.py --headless -u "$users" -r 1000 \
      -t "${duration}s" -H "$NGINX_URL" --csv "$out/locust-$rep" --only-summary --loglevel WARNING)
    after=$(nginx_requests)
    # Locust 2.12's last CSV flush can lag the final stats: read the final summary table (first Aggregated row).
    requests=$(awk '$1 == "Aggregated" {print $2; exit}' "$out/locust-$rep.err")
    record locust "$rep" "${requests:-0}" $((after - before - 1)) "$out/locust-$rep.cpu.json"
  fi
  echo "repetition $rep/$repeat done" >&2
done

nginx_cleanup
"$py" "$repo/bench/lib/summarize.py" "$results"
