#!/usr/bin/env bash
# Out-of-tree plugin test: install accurate into a temporary prefix, build examples/hello-plugin against it with
# find_package(accurate), then check that `<prefix>/bin/accurate plugins` lists it — first through
# ACCURATE_PLUGIN_PATH, then after installing the plugin into the prefix.
# Usage: out_of_tree_plugin.sh <accurate build dir> <accurate source dir>
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 <accurate build dir> <accurate source dir>" >&2
  exit 2
fi
build_dir=$(cd "$1" && pwd)
source_dir=$(cd "$2" && pwd)

work=$(mktemp -d "${TMPDIR:-/tmp}/accurate-oot.XXXXXX")
trap 'rm -rf "$work"' EXIT
prefix="$work/prefix"
example_build="$work/hello-build"

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# Runs a command with its output in a log; shows the log when it fails.
run_logged() {
  local log="$work/$1.log"
  shift
  if ! "$@" >"$log" 2>&1; then
    cat "$log" >&2
    fail "command failed: $*"
  fi
}

echo "== install the build into $prefix"
run_logged install cmake --install "$build_dir" --prefix "$prefix"

config=$(find "$prefix" -path '*/cmake/accurate/accurateConfig.cmake' -print -quit)
[[ -n "$config" ]] || fail "accurateConfig.cmake was not installed"
cmake_dir=$(dirname "$config")
libdir=$(dirname "$(dirname "$cmake_dir")")
for file in "$prefix/bin/accurate" "$prefix/include/accurate/sdk/plugin.hpp" "$prefix/include/accurate/sdk/version.hpp" \
  "$cmake_dir/accurateConfigVersion.cmake" "$cmake_dir/accurateTargets.cmake" "$cmake_dir/AccuratePlugin.cmake"; do
  [[ -e "$file" ]] || fail "not installed: ${file#"$prefix"/}"
done
compgen -G "$libdir/libaccurate.so*" >/dev/null || fail "libaccurate.so was not installed into ${libdir#"$prefix"/}"

echo "== build examples/hello-plugin against the installed accurate"
generator=()
if command -v ninja >/dev/null; then
  generator=(-G Ninja)
fi
run_logged configure cmake -S "$source_dir/examples/hello-plugin" -B "$example_build" "${generator[@]}" \
  -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=RelWithDebInfo
run_logged build cmake --build "$example_build"
[[ -f "$example_build/plugins/libaccurate_hello.so" ]] || fail "the example did not produce plugins/libaccurate_hello.so"
[[ -f "$example_build/plugins/hello.plugin.json" ]] || fail "the example did not produce plugins/hello.plugin.json"

# One line per plugin: `name version provides...`.
expect_hello() {
  local output="$1" where="$2"
  if ! grep -Eq '^hello[[:space:]]+0\.1\.0([[:space:]]|$)' <<<"$output"; then
    printf '%s\n' "$output" >&2
    fail "accurate plugins does not list 'hello 0.1.0' ($where)"
  fi
  local line
  line=$(grep -E '^hello[[:space:]]' <<<"$output")
  for kind in user_classes options; do
    grep -qw "$kind" <<<"$line" || fail "accurate plugins lists hello without '$kind' ($where): $line"
  done
}

echo "== accurate plugins with ACCURATE_PLUGIN_PATH"
output=$(ACCURATE_PLUGIN_PATH="$example_build/plugins" "$prefix/bin/accurate" plugins 2>&1) ||
  { printf '%s\n' "$output" >&2; fail "accurate plugins failed (ACCURATE_PLUGIN_PATH)"; }
expect_hello "$output" "ACCURATE_PLUGIN_PATH"

echo "== accurate plugins without it, after installing the plugin into the prefix"
output=$(env -u ACCURATE_PLUGIN_PATH "$prefix/bin/accurate" plugins 2>&1) ||
  { printf '%s\n' "$output" >&2; fail "accurate plugins failed (before installing the plugin)"; }
if grep -Eq '^hello[[:space:]]' <<<"$output"; then
  fail "hello is listed before it is installed or put on ACCURATE_PLUGIN_PATH"
fi
run_logged install-hello cmake --install "$example_build" --prefix "$prefix"
output=$(env -u ACCURATE_PLUGIN_PATH "$prefix/bin/accurate" plugins 2>&1) ||
  { printf '%s\n' "$output" >&2; fail "accurate plugins failed (installed plugin)"; }
expect_hello "$output" "installed into the prefix"

echo "PASS: out-of-tree plugin built with find_package(accurate) and listed by accurate plugins"
