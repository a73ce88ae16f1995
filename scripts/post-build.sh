#!/usr/bin/env bash
# trunk post_build hook (see Trunk.toml), in trunk's staging directory before trunk moves it to
# dist/: (0) optimises the wasm (wasm-opt, below), leaves out wasm-streams' classes and gives
# the wasm's imports and exports short names, in the wasm and its glue alike; (1)
# minifies the JavaScript a host page downloads, initialize.js and the wasm-bindgen
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

# (0) wasm-opt here rather than trunk's (index.html has data-wasm-opt="0"): the exports of
# wasm-streams go first, then -Oz removes the code only they reached. wasm-streams is linked in by
# Leptos's server_fn (its `browser` feature, which leptos always enables) for streaming server
# functions; its #[wasm_bindgen] classes (IntoUnderlyingSource, IntoUnderlyingByteSource,
# IntoUnderlyingSink) are exported from every Leptos wasm whether used or not, and this app has no
# server functions. Release builds through scripts/wasm-env.sh are linked without those exports
# (scripts/wasm-link.sh), which drops their code at the link; for any other build they are removed
# here, which leaves the code their vtables reach. The glue's classes for them go too (the node
# step below, on wasm-bindgen's unminified output), then a check that nothing of them is left in
# either file.
# --flatten --rereloop -Oz --converge after the first -Oz: the control flow of each function
# flattened and rebuilt by binaryen's relooper, then shrunk again until a pass gains nothing.
# --low-memory-unused: wasm-opt may assume the first 1 KiB of memory is never read or written.
# Rust lays out wasm32 memory stack first: the stack is [0, 1 MiB), growing down from 1 MiB, and
# data and heap are above it, so the first KiB is touched only by a stack 1023 KiB deep.
WASM_OPT="$ROOT/tools/node_modules/.bin/wasm-opt"
WASM_OPT_VERSION="$("$WASM_OPT" --version)"
case "$WASM_OPT_VERSION" in
  *"version 132"*) ;;
  *) echo "post-build: $WASM_OPT is \"$WASM_OPT_VERSION\", not binaryen 132; run scripts/setup.sh" >&2; exit 1 ;;
esac
FEATURES=(--enable-bulk-memory --enable-nontrapping-float-to-int --enable-reference-types
  --enable-multivalue --enable-sign-ext --enable-mutable-globals)
for wasm in "$STAGE"/*_bg.wasm; do
  "$WASM_OPT" "$wasm" --output "$wasm.opt" --remove-exports='*intounderlying*' -Oz \
    --flatten --rereloop -Oz --converge --low-memory-unused "${FEATURES[@]}"
  # Short import, export and module names ("a", "$b", ...) for wasm-bindgen's
  # `__wbg_querySelector_1555c239948f2bf0` and `wasm_bindgen_4c99…___convert__closures_____invoke…`:
  # some 150 names whose hash parts do not compress, written once in the wasm and once more in
  # the glue. A pass of its own, run once (under --converge above it would run again on its own
  # output); it prints the old → new names as JSON, which the node step below applies to the glue.
  # The producers and target_features custom sections are for toolchains, not for browsers.
  "$WASM_OPT" "$wasm.opt" --output "$wasm" --minify-imports-and-exports-and-modules \
    --strip-producers --strip-target-features "${FEATURES[@]}" > "$wasm.names.json"
  rm "$wasm.opt"
  glue="${wasm%_bg.wasm}.js"
  node "$ROOT/scripts/fit-glue.cjs" "$glue" "$wasm" "$wasm.names.json"
  rm "$wasm.names.json"
done

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
