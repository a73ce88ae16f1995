#!/usr/bin/env bash
# The benchmark, one command: builds the release widget, the two reference Leptos apps (a counter,
# and a gloo-net + serde_json fetch screen; same profile),
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
  bash -c 'cd bench/reference && ../../scripts/wasm-env.sh trunk build index.html --release'
build reference-fetch BENCH_REFERENCE_FETCH_BUILD_ERROR \
  bash -c 'cd bench/reference-fetch && ../../scripts/wasm-env.sh trunk build index.html --release'
# link-server (normal release profile, as scripts/test.sh builds it) and link-loadgen in one cargo
# run: the load generator asks only for crate features the server already enables, so the
# server's artifacts are those of `cargo build --release -p link-server` (nothing rebuilt), and
# --keep-going still builds one binary when the other fails.
log "building link-server and link-loadgen"
t0=$SECONDS
nice -n 10 cargo build --release -p link-server -p link-loadgen --keep-going \
  --message-format=json-render-diagnostics >target/bench/build-rust.json 2>target/bench/build-rust.log || true
built="$(node -e '
  for (const l of require("fs").readFileSync(process.argv[1], "utf8").split("\n")) {
    if (!l.startsWith("{")) continue;
    const m = JSON.parse(l);
    if (m.reason === "compiler-artifact" && m.executable) console.log(m.target.name);
  }' target/bench/build-rust.json)"
for bin in link-server link-loadgen; do
  if grep -qx "$bin" <<<"$built"; then
    log "built $bin ($((SECONDS - t0)) s)"
  else
    why="$(grep -m1 -E '^error' target/bench/build-rust.log || tail -n 1 target/bench/build-rust.log)"
    why="${why:-no binary} (see target/bench/build-rust.log)"
    log "FAILED to build $bin: $why"
    if [ "$bin" = link-server ]; then export BENCH_SERVER_BUILD_ERROR="$why"; else export BENCH_LOADGEN_BUILD_ERROR="$why"; fi
  fi
done

node bench/run.js
log "scripts/bench.sh finished in $(( $(date +%s) - START )) s"
