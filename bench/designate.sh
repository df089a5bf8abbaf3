#!/usr/bin/env bash
# Designate benchmark: requests per CPU-second of the load generator, accurate's designate plugin vs Python
# Locust (HttpUser, the original tool's base class) running the same read tasks, both against build/designate-sim.
#
# The simulator is pinned to CPU 1 and holds prepared data (`accurate designate prepare`: 2 tenants × 20 zones ×
# 5 A recordsets). Each generator is pinned to CPU 0 and runs USERS users with no wait for DURATION seconds,
# with the original tool's large-profile weights of the five read tasks (get_domain_by_id 576, get_domain_by_name
# 192, list_domains 768, list_records 324, get_record 216). CPU seconds are exact (bench/lib/cpu_time.py);
# repetitions are interleaved (accurate, Locust, accurate, ...) and the summary gives medians and paired ratios.
#
# Usage: bench/designate.sh [--build DIR] [--repeat N] [--duration SECONDS] [--users N] [--out DIR]
# Defaults: build/, 3 repetitions, 15 s, 20 users. Needs: python3-locust, taskset, 2 CPUs.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
build=$repo/build
repeat=3
duration=15
users=20
out=""
while [ $# -gt 0 ]; do
  case $1 in
    --build) build=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --users) users=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "bench/designate.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[[ $repeat =~ ^[1-9][0-9]*$ ]] || { echo "bench/designate.sh: --repeat must be a positive integer" >&2; exit 2; }
[[ $duration =~ ^[1-9][0-9]*$ ]] || { echo "bench/designate.sh: --duration must be whole seconds" >&2; exit 2; }
for exe in accurate designate-sim; do
  [ -x "$build/$exe" ] || { echo "bench/designate.sh: $build/$exe is not built" >&2; exit 2; }
done
if [ "$(nproc)" -lt 2 ]; then echo "bench/designate.sh: needs 2 CPUs" >&2; exit 2; fi
py=/usr/bin/python3
"$py" -c 'import locust' 2>/dev/null || { echo "bench/designate.sh: python3-locust not installed" >&2; exit 2; }
[ -n "$out" ] || out=$(mktemp -d /tmp/accurate-designate-bench.XXXXXX)
mkdir -p "$out"
results=$out/results.tsv
printf 'tool\trep\trequests\tnginx_requests\tuser_s\tsys_s\twall_s\treturncode\n' >"$results"

sim_pid=
cleanup() { [ -z "$sim_pid" ] || { kill -TERM "$sim_pid" 2>/dev/null; wait "$sim_pid" 2>/dev/null || true; }; }
trap cleanup EXIT
taskset -c 1 "$build/designate-sim" --port-file "$out/ports.json" --active-delay 100ms..200ms \
  --quota-zones 100000 >"$out/sim.log" 2>&1 &
sim_pid=$!
for _ in $(seq 100); do [ -s "$out/ports.json" ] && break; sleep 0.1; done
[ -s "$out/ports.json" ] || { echo "bench/designate.sh: designate-sim did not start" >&2; cat "$out/sim.log" >&2; exit 1; }
url=http://127.0.0.1:$("$py" -c 'import json,sys; print(json.load(open(sys.argv[1]))["http_port"])' "$out/ports.json")
echo "designate-sim on $url (CPU 1); results in $out" >&2

cat >"$out/bench.json" <<JSON
{
  "designate": {
    "tenants": {"large": ["bench-1", "bench-2"], "small": []},
    "weights": {"large": {"get_domain_by_id": 576, "get_domain_by_name": 192, "list_domains": 768,
                          "list_records": 324, "get_record": 216, "import_zone": 0, "create_domain": 0,
                          "create_record": 0, "modify_record": 0, "remove_record": 0}},
    "wait_min": "0ms", "wait_max": "0ms",
    "prepare": {"zones": 20, "recordsets": 5, "parallel": 8}
  }
}
JSON
"$build/accurate" designate prepare --plugins designate -H "$url" -f "$out/bench.json" >"$out/prepare.log" 2>&1 ||
  { echo "bench/designate.sh: prepare failed" >&2; cat "$out/prepare.log" >&2; exit 1; }

# The same read tasks for Locust's HttpUser: each user gathers its tenant's zones and A recordsets on start.
cat >"$out/locustfile.py" <<'PY'
import random

from locust import HttpUser, constant, task

TENANTS = ["bench-1", "bench-2"]


class DesignateReads(HttpUser):
    wait_time = constant(0)

    def on_start(self):
        self.headers = {"X-Auth-Project-ID": random.choice(TENANTS)}
        zones = self.client.get("/v2/zones?limit=100", headers=self.headers, name="setup").json()["zones"]
        self.zones = [(z["id"], z["name"]) for z in zones]
        self.records = []
        for zone_id, _ in self.zones[:10]:
            sets = self.client.get(f"/v2/zones/{zone_id}/recordsets?type=A", headers=self.headers,
                                   name="setup").json()["recordsets"]
            self.records += [(zone_id, r["id"]) for r in sets]

    @task(576)
    def get_domain_by_id(self):
        zone_id, _ = random.choice(self.zones)
        self.client.get(f"/v2/zones/{zone_id}", headers=self.headers, name="/v2/zones/ID")

    @task(192)
    def get_domain_by_name(self):
        _, name = random.choice(self.zones)
        self.client.get(f"/v2/zones?name={name}", headers=self.headers, name="/v2/zones?name=zoneNAME")

    @task(768)
    def list_domains(self):
        self.client.get("/v2/zones", headers=self.headers, name="/v2/zones")

    @task(324)
    def list_records(self):
        zone_id, _ = random.choice(self.zones)
        self.client.get(f"/v2/zones/{zone_id}/recordsets", headers=self.headers, name="/v2/zones/ID/recordsets")

    @task(216)
    def get_record(self):
        zone_id, record_id = random.choice(self.records)
        self.client.get(f"/v2/zones/{zone_id}/recordsets/{record_id}", headers=self.headers,
                        name="/v2/zones/ID/recordsets/ID")
PY

record() {  # record TOOL REP REQUESTS CPU_JSON
  "$py" - "$@" >>"$results" <<'PY'
import json, sys
tool, rep, requests, cpu_json = sys.argv[1:5]
c = json.load(open(cpu_json))
print(f"{tool}\t{rep}\t{requests}\t{requests}\t{c['user']:.3f}\t{c['sys']:.3f}\t{c['wall']:.3f}\t{c['returncode']}")
PY
}

cpu_run() {  # cpu_run NAME -- COMMAND...: runs COMMAND pinned to CPU 0 under cpu_time.py
  local name=$1; shift 2
  "$py" "$repo/bench/lib/cpu_time.py" --out "$out/$name.cpu.json" --stdout "$out/$name.out" \
    --stderr "$out/$name.err" --timeout $((duration * 3 + 90)) -- taskset -c 0 "$@"
}

for rep in $(seq 1 "$repeat"); do
  cpu_run "accurate-$rep" -- "$build/accurate" --plugins designate -H "$url" -f "$out/bench.json" -u "$users" \
    -r 1000 -t "${duration}s" --threads 1 --headless --reports-dir "$out/reports-$rep" --json
  # The gather phase's requests are reset with the stats, so the count is the load phase's; the CPU time
  # includes start-up and gathering (a few ms), which only disadvantages accurate.
  requests=$("$py" -c 'import json,sys; print(json.load(open(sys.argv[1]))["total"]["num_requests"])' \
    "$out/accurate-$rep.out" 2>/dev/null || echo 0)
  record accurate "$rep" "$requests" "$out/accurate-$rep.cpu.json"

  (cd "$out" && cpu_run "locust-$rep" -- "$py" -m locust -f locustfile.py --headless -u "$users" -r 1000 \
    -t "${duration}s" -H "$url" --only-summary --loglevel WARNING)
  # Requests of the task entries only (the "setup" rows are on_start's gathering).
  requests=$(awk '$1 == "GET" && $2 != "setup" {n += $3} $1 == "Aggregated" {print n; exit}' "$out/locust-$rep.err")
  record locust "$rep" "${requests:-0}" "$out/locust-$rep.cpu.json"
  echo "repetition $rep/$repeat done" >&2
done

"$py" "$repo/bench/lib/summarize.py" "$results"
