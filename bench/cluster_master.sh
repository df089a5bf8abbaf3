#!/usr/bin/env bash
# Cluster master CPU with 50 light fake workers (each: heartbeat every 1 s, a Locust-format report of 20 entries
# every 3 s): accurate's master against Locust 2.12.1's Python master in the same run (the anchor). Both masters
# are validated against the fakes first. See bench/lib/cluster_master.py (options: --workers, --window, --reps,
# --kinds, --json FILE). Usage: bench/cluster_master.sh [build/accurate] [options]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
exe=${1:-$repo/build/accurate}
[ $# -gt 0 ] && shift
if ! /usr/bin/python3 -c 'import zmq, msgpack' 2>/dev/null; then
  echo "cluster_master.sh: /usr/bin/python3 needs pyzmq and msgpack (python3-zmq, python3-msgpack)" >&2
  exit 1
fi
exec /usr/bin/python3 "$repo/bench/lib/cluster_master.py" --accurate "$exe" "$@"
