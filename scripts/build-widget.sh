#!/usr/bin/env bash
# Release build of the widget into dist/ (size profile `wasm-release`, wasm-opt -Oz; the JavaScript
# minified by terser in trunk's post_build hook, scripts/post-build.sh, see Trunk.toml).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
. scripts/setup.sh
scripts/wasm-env.sh trunk build index.html --release 2>&1 | grep -vE '^\s*$' | tail -n 5
test -s dist/link-widget_bg.wasm && test -s dist/initialize.js
