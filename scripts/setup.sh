#!/usr/bin/env bash
# Installs every system dependency listed in deps/apt-packages.txt. Idempotent: does nothing when all are present.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
mapfile -t packages < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$here/deps/apt-packages.txt" | grep -v '^$')

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages already installed"
  exit 0
fi
echo "setup: installing ${#missing[@]} packages: ${missing[*]}"
sudo_cmd=""
[ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo_cmd apt-get update -qq
$sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# nginx-light's package starts a system nginx on port 80; accurate's tests start their own on free ports.
if command -v systemctl >/dev/null 2>&1; then $sudo_cmd systemctl disable --now nginx >/dev/null 2>&1 || true; fi
$sudo_cmd pkill -x nginx 2>/dev/null || true
echo "setup: done"
