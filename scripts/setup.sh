#!/usr/bin/env bash
# Installs every dependency: the Debian packages listed in deps/apt-packages.txt, then the web UI's npm packages
# pinned by web/package-lock.json (into web/node_modules). Idempotent: does nothing when all are present.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
mapfile -t packages < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$here/deps/apt-packages.txt" | grep -v '^$')
# Node.js and npm: the machine's own when present (e.g. NodeSource's), otherwise Debian's.
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
sudo_cmd=""
[ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} Debian packages already installed"
else
  echo "setup: installing ${#missing[@]} packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # nginx-light's package starts a system nginx on port 80; accurate's tests start their own on free ports.
  if command -v systemctl >/dev/null 2>&1; then $sudo_cmd systemctl disable --now nginx >/dev/null 2>&1 || true; fi
  $sudo_cmd pkill -x nginx 2>/dev/null || true
  # bind9 and graphite-carbon may start system daemons (named on port 53, carbon-cache on 2003); the tests start
  # their own on free loopback ports, so the freshly installed system services are stopped and disabled.
  for service in named carbon-cache; do
    if command -v systemctl >/dev/null 2>&1; then $sudo_cmd systemctl disable --now "$service" >/dev/null 2>&1 || true; fi
  done
fi

# npm packages exactly as locked; re-installed only when the lockfile changed since the last install.
web="$here/web"
if [ ! -f "$web/node_modules/.package-lock.json" ] || [ "$web/package-lock.json" -nt "$web/node_modules/.package-lock.json" ]; then
  echo "setup: installing the web UI's npm packages (npm ci in web/)"
  (cd "$web" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  touch "$web/node_modules/.package-lock.json"
else
  echo "setup: web UI npm packages already installed"
fi
echo "setup: done"
