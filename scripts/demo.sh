#!/usr/bin/env bash
# The README's main job: start the Designate simulator (build/designate-sim) on 127.0.0.1, prepare tenant data
# with `accurate designate prepare`, run `accurate --plugins designate,digaas` headless for about 30 s with the
# original tool's weights (the digaas plugin times every change's propagation to the simulator's DNS side), print
# the summary and the report path, stop the simulator.   Usage: scripts/demo.sh BUILD_DIR
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${1:-$root/build}
work=$(mktemp -d /tmp/accurate-demo.XXXXXX)
sim_pid=
cleanup() {
  if [[ -n $sim_pid ]] && kill -0 "$sim_pid" 2>/dev/null; then
    kill -TERM "$sim_pid" && wait "$sim_pid" || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

"$build_dir/designate-sim" --port-file "$work/ports.json" --active-delay 500ms..1500ms \
  --zone-delete-delay 500ms..1500ms --import-delay 200ms..500ms >"$work/sim.log" 2>&1 &
sim_pid=$!
for _ in $(seq 100); do [[ -s $work/ports.json ]] && break; kill -0 "$sim_pid" || break; sleep 0.1; done
if [[ ! -s $work/ports.json ]]; then
  echo "demo: designate-sim did not start:" >&2; cat "$work/sim.log" >&2; exit 1
fi
port=$(sed -E 's/.*"http_port": *([0-9]+).*/\1/' "$work/ports.json")
dns_port=$(sed -E 's/.*"dns_port": *([0-9]+).*/\1/' "$work/ports.json")
url="http://127.0.0.1:$port"
echo "demo: $(head -1 "$work/sim.log")"

"$build_dir/accurate" designate prepare --plugins designate -f "$root/scripts/demo.jsonc" -H "$url"
set +e
"$build_dir/accurate" --plugins designate,digaas -f "$root/scripts/demo.jsonc" -H "$url" --headless \
  --digaas-nameservers "127.0.0.1:$dns_port" --digaas-interval 0.2 --reports-dir "$root/reports"
code=$?
set -e
echo "demo: accurate exited with $code (the report's path is logged above; ./build/accurate report list shows all)"
exit $code
