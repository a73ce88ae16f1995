#!/usr/bin/env bash
# README command 1: set up what is missing, build the release widget and server, and start the
# demo: link-server on 127.0.0.1:8080 (SQLite under data/) serving the widget and /demo.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
. scripts/setup.sh

ADDR="${LINK_ADDR:-127.0.0.1:8080}"
mkdir -p data
# The demo's team API key: kept under data/ so it is stable across restarts, never printed in logs.
if [ -z "${LINK_API_KEY:-}" ]; then
  [ -s data/api-key ] || (umask 077; head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' | sed 's/^/sk_demo_/' > data/api-key)
  LINK_API_KEY="$(cat data/api-key)"
fi
export LINK_API_KEY

log "building the widget (release, size profile)"
scripts/build-widget.sh
log "building link-server (release)"
cargo build --release -p link-server --quiet

cat <<MSG

  Demo host page:   http://$ADDR/demo
  Hosted widget:    http://$ADDR/?token=<link token>   (link_web_url of POST /v2/link/token)
  API key:          stored in data/api-key (header x-vital-api-key)

  Sandbox credentials
    password providers (Peloton, Zwift, Whoop, ...):  user_good / pass_good
      with MFA:  user_mfa / pass_good, then code 123456
      outcomes:  user_expired (password expired), user_down (provider down), anything else = wrong
    Freestyle Libre (email):  any valid address; bad@example.com is rejected
    OAuth providers (Fitbit, Oura, Garmin, ...):  click Allow on the sandbox consent page

  Ctrl-C stops the server.
MSG
exec target/release/link-server --addr "$ADDR" --database-url "sqlite://data/link.db" \
  --static-dir dist --demo
