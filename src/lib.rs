//! The Vital Link widget: a Leptos client-side app compiled to WebAssembly.
//!
//! `js/initialize.js` defines `window.Vital`, loads this module and calls [`open_widget`] with a
//! container inside the widget's shadow root. The flow itself is plain Rust in [`flow`]; the
//! screens in [`screens`] only render it; all HTTP is in [`api`].

pub mod api;
pub mod flow;
pub mod screens;

use std::any::Any;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;

use crate::flow::Session;

/// The widget's stylesheet, adopted by the shadow root as a constructed stylesheet (no inline
/// `<style>`, so a strict CSP needs no `unsafe-inline`).
#[wasm_bindgen]
pub fn widget_css() -> String {
    include_str!("../style/widget.css").to_owned()
}

/// A mounted widget; dropping it (or calling `unmount`) removes everything it rendered.
#[wasm_bindgen]
pub struct WidgetSession {
    handle: Option<Box<dyn Any>>,
}

#[wasm_bindgen]
impl WidgetSession {
    pub fn unmount(&mut self) {
        self.handle.take();
    }
}

/// Mounts the widget into `container` for one link session.
///
/// `emit(kind, metadata)` reports outcomes and events back to `initialize.js`.
#[wasm_bindgen]
pub fn open_widget(
    container: web_sys::HtmlElement,
    link_token: String,
    api_base: String,
    emit: js_sys::Function,
) -> WidgetSession {
    let session = Session::new(api::Api::new(api_base, link_token), emit);
    let handle = leptos::mount::mount_to(container, move || view! { <screens::App session/> });
    WidgetSession {
        handle: Some(Box::new(handle)),
    }
}
