#!/usr/bin/env bash
# Runs a command (a `trunk build --release`) with the size-tuned build of a page's wasm: the
# standard library rebuilt with the app (`-Zbuild-std`, so LTO and opt-level "z" reach std
# too) and three codegen options that drop what a shipped widget never shows:
#   -Cpanic=immediate-abort  a panic traps at once: no panic message is formatted, so the panic
#                            machinery, its messages and their source locations go. The profile's
#                            panic = "abort" already trapped after formatting a message nobody
#                            read (wasm32-unknown-unknown has no stderr and no hook is set).
#   -Zfmt-debug=none         `{:?}` prints nothing and derived Debug code goes; the widget's code
#                            never shows Debug output (native tests, built without this, do).
#   -Zlocation-detail=none   no file/line/column strings for #[track_caller] locations.
# and std's own `optimize_for_size` feature (its smaller sort, formatting and search code).
# It is linked by scripts/wasm-link.sh: rust-lld without the exports of wasm-streams' classes.
# These are unstable options of the pinned stable rustc, enabled for these builds only with
# RUSTC_BOOTSTRAP=1; scripts/setup.sh adds the `rust-src` component that build-std compiles.
# Only the wasm target gets the flags (CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS): build
# scripts and proc macros are built as usual. The benchmark builds its reference apps through
# this script too, so the comparison stays like for like.
set -euo pipefail
export RUSTC_BOOTSTRAP=1
export CARGO_UNSTABLE_BUILD_STD=std,panic_abort
export CARGO_UNSTABLE_BUILD_STD_FEATURES=optimize_for_size
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/wasm-link.sh"
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zfmt-debug=none -Zlocation-detail=none"
exec "$@"
