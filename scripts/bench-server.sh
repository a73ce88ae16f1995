#!/usr/bin/env bash
# Token-creation throughput of link-server, side by side in one run: a baseline build (the commit
# BENCH_BASE, default the one before the PostgreSQL/group-commit work) on SQLite, this tree on
# SQLite, and this tree on PostgreSQL (a throwaway cluster with fsync on, from scripts/pg.sh).
# Method as in bench/run.js: link-loadgen on loopback, POST /v2/link/token, 1 s warm-up then
# BENCH_SECONDS (default 5) s at saturation (32 connections, closed loop) and at a fixed
# 1,000 req/s (open loop, latency from each request's scheduled time). Server and load generator
# share the machine's cores. Writes target/bench/server-dbs.json.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BASE="${BENCH_BASE:-086c6dc}"
SECONDS_MEASURED="${BENCH_SECONDS:-5}"
log() { printf '\033[1;34m[bench-server]\033[0m %s\n' "$*" >&2; }

# The baseline: its sources under target/bench, built into this tree's target dir (the shared
# dependencies are not rebuilt), its binary copied aside before this tree's build replaces it.
BASE_SRC="target/bench/base-$BASE"
if [ ! -x "$BASE_SRC/link-server" ]; then
  log "building the baseline link-server at $BASE"
  rm -rf "$BASE_SRC.src" && mkdir -p "$BASE_SRC.src"
  git archive "$BASE" | tar -x -C "$BASE_SRC.src"
  (cd "$BASE_SRC.src" && cargo build --release -p link-server --quiet --target-dir "$ROOT/target")
  mkdir -p "$BASE_SRC" && cp target/release/link-server "$BASE_SRC/link-server"
  rm -rf "$BASE_SRC.src"
fi
cargo build --release -p link-server -p link-loadgen --quiet
BIN=target/release/link-server
LOADGEN=target/release/link-loadgen

PG_DIR="$(scripts/pg.sh start)"
TMP="$(mktemp -d)"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  scripts/pg.sh stop "$PG_DIR"
  rm -rf "$TMP"
}
trap cleanup EXIT
PG_ADMIN="$(cat "$PG_DIR/url")"
psql -q "$PG_ADMIN" -c 'CREATE DATABASE bench' >/dev/null
PG_URL="${PG_ADMIN%/postgres}/bench"
KEY="bench-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d " \n")"

run_one() { # name binary database-url
  local name="$1" bin="$2" db="$3" out="$TMP/$1.out"
  RUST_LOG=warn "$bin" --addr 127.0.0.1:0 --api-key "$KEY" --database-url "$db" \
    --static-dir "$TMP/dist" >"$out" 2>"$TMP/$name.log" &
  local pid=$!
  PIDS+=("$pid")
  local url=""
  for _ in $(seq 100); do
    url="$(sed -n 's/^listening on //p' "$out")"
    [ -n "$url" ] && break
    sleep 0.1
  done
  [ -n "$url" ] || { log "$name did not start"; cat "$TMP/$name.log" >&2; exit 1; }
  local user
  user="$(curl -s -H "x-vital-api-key: $KEY" -H 'content-type: application/json' \
    -d "{\"client_user_id\":\"bench-$name\"}" "$url/v2/user" | python3 -c 'import json,sys; print(json.load(sys.stdin)["user_id"])')"
  local common=(--url "$url/v2/link/token" --method POST -H "x-vital-api-key: $KEY"
                --body "{\"user_id\":\"$user\"}" --duration "$SECONDS_MEASURED" --warmup 1)
  "$LOADGEN" "${common[@]}" --concurrency 32 | tail -n1 >"$TMP/$name.sat.json"
  "$LOADGEN" "${common[@]}" --rate 1000 --connections 64 | tail -n1 >"$TMP/$name.fixed.json"
  local hwm
  hwm="$(awk '/VmHWM/{print $2}' /proc/$pid/status)"
  echo "$hwm" >"$TMP/$name.hwm"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

# Interleaved passes (the cores are shared: load from elsewhere hits each configuration alike);
# each configuration's best pass is reported, every pass is in the JSON.
PASSES="${BENCH_PASSES:-2}"
for pass in $(seq "$PASSES"); do
  log "pass $pass/$PASSES: baseline $BASE on SQLite"
  run_one "baseline-sqlite.$pass" "$BASE_SRC/link-server" "sqlite://$TMP/base$pass.db"
  log "pass $pass/$PASSES: this tree on SQLite"
  run_one "sqlite.$pass" "$BIN" "sqlite://$TMP/link$pass.db"
  log "pass $pass/$PASSES: this tree on PostgreSQL"
  run_one "postgres.$pass" "$BIN" "$PG_URL"
done

mkdir -p target/bench
python3 - "$TMP" "$BASE" "$PASSES" <<'EOF'
import json, sys, os
tmp, base, passes = sys.argv[1], sys.argv[2], int(sys.argv[3])
rows = []
for name in ("baseline-sqlite", "sqlite", "postgres"):
    runs = []
    for p in range(1, passes + 1):
        runs.append({"pass": p,
                     "saturation": json.load(open(f"{tmp}/{name}.{p}.sat.json")),
                     "fixed_1000": json.load(open(f"{tmp}/{name}.{p}.fixed.json")),
                     "peak_rss_kib": int(open(f"{tmp}/{name}.{p}.hwm").read().strip() or 0)})
    best = max(runs, key=lambda r: r["saturation"]["rps"])
    rows.append({"server": name, **best, "passes": runs})
b = rows[0]["saturation"]["rps"] or 1
print(f"\nPOST /v2/link/token, best of {passes} interleaved passes (link-loadgen, loopback, server and load generator on the same cores)")
print(f"| {'server':<24} | {'saturation req/s':>16} | {'vs baseline':>11} | {'p99 @ sat':>9} | {'@1000/s p50':>11} | {'@1000/s p99':>11} | {'non-2xx':>7} | {'peak RSS':>9} |")
print("|" + "|".join("-" * (w + 2) for w in (24, 16, 11, 9, 11, 11, 7, 9)) + "|")
for r in rows:
    s, f = r["saturation"], r["fixed_1000"]
    bad = sum(v for k, v in s["status"].items() if not k.startswith("2")) + s["errors"]
    bad += sum(v for k, v in f["status"].items() if not k.startswith("2")) + f["errors"]
    label = {"baseline-sqlite": f"{base} (before), SQLite", "sqlite": "this tree, SQLite",
             "postgres": "this tree, PostgreSQL"}[r["server"]]
    print(f"| {label:<24} | {s['rps']:>16,.0f} | {s['rps'] / b:>10.2f}x | {s['p99_ms']:>7} ms | {f['p50_ms']:>8} ms | {f['p99_ms']:>8} ms | {bad:>7} | {r['peak_rss_kib'] / 1024:>5.1f} MiB |")
json.dump({"baseline": base, "rows": rows}, open("target/bench/server-dbs.json", "w"), indent=2)
print("\nwrote target/bench/server-dbs.json")
EOF
