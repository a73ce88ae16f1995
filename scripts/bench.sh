#!/usr/bin/env bash
# The benchmark, one command: builds the release widget, the reference Leptos app (same profile),
# link-server and link-loadgen, then measures transfer sizes, load, open, search, memory and the
# server under load; prints one table and writes the figures to target/bench/results.json.
# A figure that cannot be measured (a piece not built or not working yet) is reported as
# "n/a (reason)"; the command still prints the table. Takes a few minutes on 2 cores once the
# builds are warm. Options through the environment: see bench/run.js.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
START=$(date +%s)
. scripts/setup.sh --e2e

log() { printf '\033[1;34m[bench]\033[0m %s\n' "$*" >&2; }

# playwright-core (pinned in bench/package-lock.json), driving Debian's /usr/bin/chromium.
if [ ! -d bench/node_modules/playwright-core ] \
   || [ bench/package-lock.json -nt bench/node_modules/.package-lock.json ]; then
  log "installing the benchmark's npm packages"
  (cd bench && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
fi

mkdir -p target/bench
# build NAME VAR CMD...: runs a build at low priority (the machine is shared); on failure exports
# VAR with the first error line, so the figures that need it report n/a instead of stopping here.
build() {
  local name="$1" var="$2"; shift 2
  local t0=$SECONDS logf="target/bench/build-$name.log"
  log "building $name"
  if nice -n 10 "$@" >"$logf" 2>&1; then
    log "built $name in $((SECONDS - t0)) s"
  else
    local why
    why="$(grep -m1 -E '^(error|Error|ERROR)' "$logf" || tail -n 1 "$logf")"
    why="${why:-exit status non-zero} (see $logf)"
    log "FAILED to build $name: $why"
    export "$var=$why"
  fi
}

build widget BENCH_WIDGET_BUILD_ERROR scripts/build-widget.sh
build reference BENCH_REFERENCE_BUILD_ERROR \
  bash -c 'cd bench/reference && trunk build index.html --release'
# The server with the normal release profile (as scripts/test.sh builds it for e2e); the load
# generator separately, so neither changes the other's features and rebuilds it.
build link-server BENCH_SERVER_BUILD_ERROR cargo build --release -p link-server
build link-loadgen BENCH_LOADGEN_BUILD_ERROR cargo build --release -p link-loadgen

node bench/run.js
log "scripts/bench.sh finished in $(( $(date +%s) - START )) s"
