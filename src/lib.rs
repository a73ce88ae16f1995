//! The Vital Link widget, compiled to WebAssembly.
//!
//! `js/initialize.js` defines `window.Vital`, loads this module and calls [`open_widget`] with a
//! container inside the widget's shadow root. The flow is plain Rust in [`flow`]; [`page`] says
//! what each screen shows and [`markup`] writes it as HTML; [`screens`] puts it on screen and
//! runs the flow's effects; all HTTP is in [`api`].

pub mod api;
pub mod flow;
pub mod host;
pub mod i18n;
pub mod json;
pub mod markup;
pub mod meta;
pub mod page;
pub mod screens;
pub mod search;

use wasm_bindgen::prelude::*;

use crate::{
    host::Emitter,
    i18n::Lang,
    screens::{Ctrl, Mode},
};

/// The widget's stylesheet, adopted by the shadow root as a constructed stylesheet (no inline
/// `<style>`, so a strict CSP needs no `unsafe-inline`, and no extra request).
#[wasm_bindgen]
pub fn widget_css() -> String {
    include_str!("../style/widget.css").to_owned()
}

/// A mounted widget; `unmount` removes everything it rendered and stops its work.
#[wasm_bindgen]
pub struct WidgetSession {
    ctrl: Ctrl,
}

#[wasm_bindgen]
impl WidgetSession {
    /// Removes everything the widget rendered and stops its polling and popup.
    pub fn unmount(&mut self) {
        self.ctrl.unmount();
    }

    /// Closes the widget as its Close button does (`exit()` of the JavaScript handler).
    pub fn close(&self) {
        self.ctrl.send(flow::Msg::Close);
    }
}

/// Mounts the widget into `container` for one link session.
///
/// `emit(kind, metadata)` reports outcomes ("success", "error", "exit"), events ("event") and
/// navigations ("navigate") back to `initialize.js`, which owns the host-page surface.
#[wasm_bindgen]
pub fn open_widget(
    container: web_sys::HtmlElement,
    link_token: String,
    api_base: String,
    emit: js_sys::Function,
    locale: String,
    modal: bool,
    hosted: bool,
) -> WidgetSession {
    host::mark("vital-link:", "mount");
    let api = api::Api::new(api_base, link_token);
    let mode = Mode { modal, hosted };
    let (ctrl, fx) = Ctrl::new(
        &container,
        api,
        Emitter::new(emit),
        Lang::from_tag(&locale),
        mode,
    );
    ctrl.run(fx);
    WidgetSession { ctrl }
}
