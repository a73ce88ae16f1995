#!/usr/bin/env bash
# Installs what building and testing need, from the package registries only, skipping whatever
# is already there at the right version (a warm run costs seconds). Source it to get PATH too:
#   . scripts/setup.sh [--e2e]
# --e2e also installs the browser test dependencies (chromium, chromedriver, Playwright).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TRUNK_VERSION="0.21.14"
WANT_E2E=0
for a in "$@"; do [ "$a" = "--e2e" ] && WANT_E2E=1; done

log() { printf '\033[1;34m[setup]\033[0m %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

export PATH="$ROOT/tools/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
# trunk must use the tools on PATH, never download its own from GitHub.
export TRUNK_SKIP_VERSION_CHECK=true

# 1. Rust target and the standard library's source
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi
# The standard library's source: the page's wasm is built with std (scripts/wasm-env.sh).
if ! rustup component list --installed | grep -qx 'rust-src'; then
  log "adding rust component rust-src"
  rustup component add rust-src
fi

# 2. trunk (0.22 needs a newer rustc than this machine has)
if [ "$(trunk --version 2>/dev/null | awk '{print $2}')" != "$TRUNK_VERSION" ]; then
  log "installing trunk $TRUNK_VERSION (takes several minutes once)"
  cargo install trunk --version "$TRUNK_VERSION" --locked
fi

# 3. wasm-bindgen-cli at exactly the wasm-bindgen of Cargo.lock (without --locked: its own
#    lockfile wants a crate version the registry lacks)
WBG_VERSION="$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/[^0-9.]/,""); print; exit}' "$ROOT/Cargo.lock")"
if [ -z "$WBG_VERSION" ]; then echo "cannot read wasm-bindgen's version from Cargo.lock" >&2; exit 1; fi
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WBG_VERSION" ] \
   || [ "$(wasm-bindgen-test-runner --version 2>/dev/null | awk '{print $2}')" != "$WBG_VERSION" ]; then
  log "installing wasm-bindgen-cli $WBG_VERSION"
  cargo install wasm-bindgen-cli --version "$WBG_VERSION" --force
fi

# 4. build tools from npm (tools/package.json): wasm-opt from binaryen 132 (Debian's binaryen 108
#    builds a module that fails at runtime) and terser (trunk's post_build hook
#    scripts/post-build.sh minifies the release JavaScript with it)
TERSER_VERSION="$(sed -nE 's/^ *"terser": *"([^"]+)".*/\1/p' "$ROOT/tools/package.json")"
if [ "$("$ROOT/tools/node_modules/.bin/wasm-opt" --version 2>/dev/null | awk '{print $3}')" != "132" ] \
   || [ "$("$ROOT/tools/node_modules/.bin/terser" --version 2>/dev/null | awk '{print $2}')" != "$TERSER_VERSION" ]; then
  log "installing the npm build tools (binaryen 132's wasm-opt, terser $TERSER_VERSION)"
  (cd "$ROOT/tools" && npm ci --no-audit --no-fund --loglevel=error)
fi

if [ "$WANT_E2E" = 1 ]; then
  # 5. Debian's Chromium and ChromeDriver (never a browser download)
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    log "installing chromium and chromium-driver from apt"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  fi
  # 6. Playwright (driving /usr/bin/chromium) and the rest of the e2e suite's npm packages
  if [ ! -d "$ROOT/e2e/node_modules/@playwright/test" ] \
     || [ "$ROOT/e2e/package-lock.json" -nt "$ROOT/e2e/node_modules/.package-lock.json" ]; then
    log "installing e2e npm packages"
    (cd "$ROOT/e2e" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
  fi
  export CHROMEDRIVER=/usr/bin/chromedriver
fi

# --- PostgreSQL (server tests and reliability suite; issue 12) ---------------------------------
# Debian's postgresql, for the throwaway test clusters of scripts/pg.sh (its system cluster is
# not used). Only when no initdb is there; skipped with LINK_SKIP_POSTGRES=1.
if [ "${LINK_SKIP_POSTGRES:-0}" != 1 ] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  log "installing postgresql from apt"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
# -----------------------------------------------------------------------------------------------
