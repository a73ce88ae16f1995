#!/usr/bin/env bash
# The reliability suite of link-server: schemathesis against /openapi.json, the token race, SIGKILL
# durability, hostile input and secrets, on SQLite and PostgreSQL. Prints a table and writes
# target/reliability/results.json (logs and schemathesis reports beside it).
#   scripts/reliability.sh            full run (by hand; release build, 100 examples per operation)
#   scripts/reliability.sh --quick    CI mode (debug build, fewer examples, 3 s header timeout)
#   ... --only race,durability        some sections only
# PostgreSQL: the cluster of LINK_TEST_POSTGRES_URL when set (scripts/test.sh sets it), else a
# throwaway one from scripts/pg.sh, stopped on exit. schemathesis is pinned below and installed
# from PyPI into target/reliability/venv.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SCHEMATHESIS_VERSION="4.32.5"
QUICK=0
ARGS=()
for a in "$@"; do
  case "$a" in
    --quick) QUICK=1; ARGS+=(--quick) ;;
    *) ARGS+=("$a") ;;
  esac
done
log() { printf '\033[1;34m[reliability]\033[0m %s\n' "$*" >&2; }

mkdir -p target/reliability
VENV=target/reliability/venv
if [ "$("$VENV/bin/schemathesis" --version 2>/dev/null | awk '{print $NF}')" != "$SCHEMATHESIS_VERSION" ]; then
  log "installing schemathesis $SCHEMATHESIS_VERSION into $VENV (PyPI)"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

if [ "$QUICK" = 1 ]; then
  cargo build -p link-server --quiet
  BIN=target/debug/link-server
else
  cargo build --release -p link-server --quiet
  BIN=target/release/link-server
fi

PG_URL="${LINK_TEST_POSTGRES_URL:-}"
if [ -z "$PG_URL" ]; then
  PG_DIR="$(scripts/pg.sh start)"
  trap 'scripts/pg.sh stop "$PG_DIR"' EXIT
  PG_URL="$(cat "$PG_DIR/url")"
fi

python3 scripts/reliability.py --binary "$BIN" --pg "$PG_URL" "${ARGS[@]}"
