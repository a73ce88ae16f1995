#!/usr/bin/env bash
# trunk post_build hook (see Trunk.toml), in trunk's staging directory before trunk moves it to
# dist/: (1) minifies the JavaScript a host page downloads, initialize.js and the wasm-bindgen
# glue link-widget.js; (2) writes each file's brotli (-11) and gzip (-9) forms beside it
# (`file.br`, `file.gz`), which link-server sends to browsers that accept them, so what goes
# over the wire is the size the benchmark reports rather than an on-the-fly compression at a
# lower level. Release builds only (TRUNK_PROFILE=release), so every
# `trunk build --release` (scripts/build-widget.sh, hence run.sh, test.sh, bench.sh and the e2e
# suite) ships the same bytes; debug builds and `trunk serve` keep readable sources.
#
# Why not trunk's own `minify = "on_release"`: trunk 0.21 never minifies copy-file assets, and its
# minifier (minify-js 0.5) cannot parse either file (dynamic `import()` in initialize.js,
# `export { … as default }` in the glue); it warns and copies them unminified.
#
# terser (pinned exactly in tools/package.json, installed by scripts/setup.sh) is deterministic:
# the same input gives the same bytes. Only safe transforms (default compress and mangle; no
# property mangling, no `unsafe*`), so behaviour is unchanged and there is still no eval or
# inline code (strict CSP). Property names are never renamed: the glue's exports (default,
# open_widget, widget_css, …) and its wasm import names stay as they are, and so do
# window.Vital and its members.
set -euo pipefail
[ "${TRUNK_PROFILE:-}" = release ] || exit 0

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TERSER="$ROOT/tools/node_modules/.bin/terser"
if [ ! -x "$TERSER" ]; then
  echo "post-build: $TERSER is missing; run scripts/setup.sh (it runs npm ci in tools/)" >&2
  exit 1
fi
STAGE="${TRUNK_STAGING_DIR:?post-build: run by trunk as a post_build hook (TRUNK_STAGING_DIR unset)}"

# minify FILE [TERSER OPTIONS...]: in place, through a temporary file beside it.
minify() {
  local f="$STAGE/$1"; shift
  "$TERSER" "$f" --compress --mangle --comments false "$@" --output "$f.min"
  if [ "${1:-}" = --module ]; then same_exports "$f" "$f.min"; fi
  mv "$f.min" "$f"
}
# same_exports A B: the two ES modules export the same names (initialize.js imports the glue's
# default, open_widget and widget_css by name; terser never renames exports, this makes sure).
same_exports() {
  node -e '
    const fs = require("fs");
    const names = (file) => {
      const src = fs.readFileSync(file, "utf8");
      const listed = [...src.matchAll(/export\s*\{([^}]*)\}/g)]
        .flatMap((m) => m[1].split(",")).map((s) => s.trim().split(/\s+as\s+/).pop());
      const declared = [...src.matchAll(/export\s+(?:async\s+)?(?:function\s*\*?|class|const|let|var)\s*([\w$]+)/g)]
        .map((m) => m[1]);
      return [...new Set(listed.concat(declared))].filter(Boolean).sort().join(" ");
    };
    const [a, b] = [names(process.argv[1]), names(process.argv[2])];
    if (a !== b || !/\bdefault\b/.test(b)) {
      console.error(`post-build: exports changed by minification:\n  before: ${a}\n  after:  ${b}`);
      process.exit(1);
    }
  ' "$1" "$2"
}

# Every script of the build: initialize.js is a classic script (its top level is global, so
# only the names inside its IIFE are mangled); the others are wasm-bindgen's ES modules (top-level
# names are mangled too; export names are kept). The benchmark's reference apps run this hook
# as well, so both sides of its size comparisons are minified alike.
for js in "$STAGE"/*.js; do
  name="$(basename "$js")"
  if [ "$name" = initialize.js ]; then minify "$name"; else minify "$name" --module; fi
done

# Precompressed forms (of the files in subdirectories too: locales/*.json), by the same function the size budget measures with (bench/lib/sizes.js),
# so the bytes sent are the bytes counted. Deterministic: node's gzip header has no time stamp.
node -e '
  const fs = require("fs"), path = require("path");
  const { compress } = require(process.argv[2]);
  const dir = process.argv[1];
  const files = fs.readdirSync(dir, { recursive: true });
  for (const name of files) {
    if (!/\.(js|wasm|html|css|svg|json)$/.test(name)) continue;
    const file = path.join(dir, name);
    const c = compress(fs.readFileSync(file));
    fs.writeFileSync(file + ".br", c.brotli);
    fs.writeFileSync(file + ".gz", c.gzip);
  }
' "$STAGE" "$ROOT/bench/lib/sizes.js"
