#!/usr/bin/env bash
# Memory per idle user and start-up time to the first request (see bench/lib/memory.py for the method).
#
# Usage: bench/memory.sh [--accurate PATH] [--users N] [--spawn-rate R] [--settle S] [--startup-repeat K]
#                        [--wait-spec TEXT] [--locust] [--out RESULT.json]
# Defaults: build/accurate, 10000 users at 1000/s, 2 s settle, 5 start-up runs, idle wait {"constant": "1h"}.
# Raises the open-file limit when needed (each idle user holds one socket in accurate and one in nginx).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
args=("$@")
have_accurate=0
users=10000
for ((i = 0; i < ${#args[@]}; i++)); do
  case ${args[i]} in
    --accurate) have_accurate=1 ;;
    --users) users=${args[i + 1]:-10000} ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
  esac
done
[ "$have_accurate" = 1 ] || args=(--accurate "$repo/build/accurate" "${args[@]}")
need=$((users + 2048))
if [ "$(ulimit -Sn)" -lt "$need" ]; then
  if [ "$(ulimit -Hn)" != unlimited ] && [ "$(ulimit -Hn)" -lt "$need" ]; then
    ulimit -Hn "$need" 2>/dev/null || { echo "bench/memory.sh: cannot raise the open-file limit to $need" >&2; exit 2; }
  fi
  ulimit -Sn "$need"
fi
exec /usr/bin/python3 "$repo/bench/lib/memory.py" "${args[@]}"
