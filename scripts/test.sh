#!/usr/bin/env bash
# README command 2: set up what is missing and run every suite. Non-zero exit on any failure.
#   1. lint: cargo fmt --check, cargo clippy -D warnings
#   2. native: cargo test --workspace (widget domain model, contract types, server integration
#      tests against the real binary on loopback with a real SQLite file and a real PostgreSQL
#      cluster started by scripts/pg.sh), then scripts/reliability.sh --quick
#   3. wasm: wasm-bindgen-test in headless Chromium (components mounted in a real DOM)
#   4. e2e: Playwright driving Chromium against the release widget served by a release
#      link-server on a free loopback port with a fresh SQLite file
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
. scripts/setup.sh --e2e

step() { printf '\n\033[1;32m==> %s\033[0m\n' "$*"; }

step "lint"
cargo fmt --all --check
cargo clippy --workspace --all-targets --quiet -- -D warnings
cargo clippy -p link-widget --target wasm32-unknown-unknown --all-targets --quiet -- -D warnings

step "TypeScript types (types-test/check.sh)"
types-test/check.sh

# --- PostgreSQL for the server tests (issue 12) --------------------------------------------
# A throwaway cluster on a free loopback port, stopped on exit; the server suites run on both
# SQLite and PostgreSQL, and fail (not skip) if the cluster is missing.
step "PostgreSQL: throwaway cluster (scripts/pg.sh)"
PG_DIR="$(scripts/pg.sh start --fast)"
trap 'scripts/pg.sh stop "$PG_DIR"' EXIT
LINK_TEST_POSTGRES_URL="$(cat "$PG_DIR/url")"
export LINK_TEST_POSTGRES_URL LINK_TEST_REQUIRE_POSTGRES=1
# ---------------------------------------------------------------------------------------------

step "native tests (cargo test --workspace; server suites on SQLite and PostgreSQL)"
cargo test --workspace

# --- reliability suite, quick mode (issue 12; full run: scripts/reliability.sh) -------------
step "reliability suite (scripts/reliability.sh --quick)"
scripts/reliability.sh --quick
# ---------------------------------------------------------------------------------------------

step "wasm tests in headless Chromium (wasm-bindgen-test)"
cargo test -p link-widget --target wasm32-unknown-unknown --test '*'

step "release builds for the e2e suite"
scripts/build-widget.sh
node bench/size-check.js   # size budget: bench/size-budget.json (brotli total of the download)
cargo build --release -p link-server --quiet

step "e2e tests (Playwright + Chromium)"
(cd e2e && npx playwright test)

step "all suites passed"
