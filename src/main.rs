//! The wasm module that trunk builds and pages load: the widget library, linked as a program.
//! Its exports are the library's `#[wasm_bindgen]` items (`open_widget`, `widget_css`, …); being
//! a program rather than a `cdylib` beside the tests' `rlib`, LTO keeps only what they reach.
//! No `main`: `initialize.js` calls `open_widget` when the host page opens the widget.
#![cfg_attr(target_arch = "wasm32", no_main)]

use link_widget as _;

#[cfg(not(target_arch = "wasm32"))]
fn main() {}
