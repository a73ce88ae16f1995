#!/usr/bin/env bash
# The linker of a page's wasm (set by scripts/wasm-env.sh): rustc's own rust-lld, with the
# exports of wasm-streams' classes left out of its command line.
#
# Leptos's server_fn links wasm-streams (for streaming server functions, which this app has
# none of), and wasm-streams' #[wasm_bindgen] classes IntoUnderlyingSource, IntoUnderlyingByteSource
# and IntoUnderlyingSink are exported from every Leptos wasm. Removing those exports after the
# link (wasm-opt --remove-exports, scripts/post-build.sh) leaves code behind: the closures their
# methods make are reached through vtables in the data section, which no optimiser after the
# linker can see through. Not exported, they are never roots, and the linker's --gc-sections
# drops them with their vtables. wasm-bindgen then finds neither the exports nor their
# descriptors and makes no use of them; scripts/fit-glue.cjs removes the JavaScript classes it
# still writes and fails the build if the wasm needs anything of them.
set -euo pipefail
SYSROOT="$(rustc --print sysroot)"
HOST="$(rustc -vV | sed -n 's/^host: //p')"
LLD="$SYSROOT/lib/rustlib/$HOST/bin/rust-lld"
[ -x "$LLD" ] || { echo "wasm-link.sh: no rust-lld at $LLD" >&2; exit 1; }

args=()
export_next=0
for a in "$@"; do
  if [ "$export_next" = 1 ]; then
    export_next=0
    case "$a" in *intounderlying*) ;; *) args+=(--export "$a") ;; esac
    continue
  fi
  case "$a" in
    --export) export_next=1 ;;
    --export=*intounderlying*) ;;
    *) args+=("$a") ;;
  esac
done
exec "$LLD" "${args[@]}"
