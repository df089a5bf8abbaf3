#!/usr/bin/env bash
# The README's main job: a short headless load test with the generic `http` plugin against an nginx that this
# script starts on 127.0.0.1 and stops again. (Once the Designate plugin lands, the main job targets its
# embedded simulator instead.)   Usage: scripts/demo.sh BUILD_DIR
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${1:-$root/build}
# shellcheck source=../tests/integration/lib/nginx.sh
source "$root/tests/integration/lib/nginx.sh"
nginx_start
echo "demo: nginx serving on $NGINX_URL"
set +e
"$build_dir/accurate" --plugins http -f "$root/scripts/demo.jsonc" -H "$NGINX_URL" --headless \
  --reports-dir "$root/reports"
code=$?
set -e
echo "demo: accurate exited with $code; reports are in $root/reports (see ./build/accurate report list)"
exit $code
