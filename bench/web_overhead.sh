#!/usr/bin/env bash
# Does the web UI slow the load? See bench/lib/web_overhead.py. Usage: bench/web_overhead.sh [build/accurate] [args]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
exe=${1:-$repo/build/accurate}
[ $# -gt 0 ] && shift
exec /usr/bin/python3 "$repo/bench/lib/web_overhead.py" --accurate "$exe" "$@"
