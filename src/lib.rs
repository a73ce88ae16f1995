//! The Vital Link widget, compiled to WebAssembly: a Leptos client-side app.
//!
//! `js/initialize.js` defines `window.Vital`, loads this module and calls [`open_widget`] with a
//! container inside the widget's shadow root. The session's rules are plain Rust in [`flow`];
//! [`ctrl`] runs the flow's effects; [`screens`] and [`components`] draw it; all HTTP is in
//! [`api`].

pub mod api;
pub mod components;
pub mod ctrl;
pub mod flow;
pub mod host;
pub mod i18n;
pub mod meta;
pub mod screens;
pub mod search;
pub mod url;

use std::{cell::Cell, rc::Rc};

use leptos::{
    mount::mount_to, mount::UnmountHandle, prelude::*, tachys::view::any_view::AnyViewState,
};
use wasm_bindgen::prelude::*;

use crate::{
    api::Api,
    ctrl::{Ctrl, Locale, Mode},
    flow::Effect,
    host::Emitter,
    i18n::Lang,
    screens::App,
};

/// The widget's stylesheet, adopted by the shadow root as a constructed stylesheet (no inline
/// `<style>`, so a strict CSP needs no `unsafe-inline`, and no extra request). It is
/// `style/widget.css` minified by build.rs.
#[wasm_bindgen]
pub fn widget_css() -> String {
    include_str!(concat!(env!("OUT_DIR"), "/widget.min.css")).to_owned()
}

/// The widget mounted in a container: its controller, and the handle whose drop removes every
/// node and listener the app made.
pub struct Widget {
    pub ctrl: Ctrl,
    handle: Option<UnmountHandle<AnyViewState>>,
}

impl Widget {
    /// Mounts the app into `container`; returns it with the effects that start the session
    /// (the caller runs them: tests set up a screen instead).
    pub fn mount(
        container: web_sys::HtmlElement,
        api: Api,
        emitter: Emitter,
        locale: Locale,
        mode: Mode,
    ) -> (Widget, Vec<Effect>) {
        // The controller's signals must belong to the app's owner, to go with it on unmount.
        let made = Rc::new(Cell::new(None));
        let slot = made.clone();
        let handle = mount_to(container, move || {
            let (ctrl, fx) = Ctrl::new(api, emitter, locale, mode);
            slot.set(Some((ctrl, fx)));
            view! { <App ctrl /> }.into_any()
        });
        let (ctrl, fx) = made.take().expect_throw("mount_to builds the app at once");
        let widget = Widget {
            ctrl,
            handle: Some(handle),
        };
        (widget, fx)
    }

    /// Stops polling, closes the popup, aborts requests and removes everything rendered.
    pub fn unmount(&mut self) {
        self.ctrl.dispose();
        self.handle.take();
    }
}

impl Drop for Widget {
    fn drop(&mut self) {
        self.unmount();
    }
}

/// A mounted widget as `initialize.js` holds it.
#[wasm_bindgen]
pub struct WidgetSession {
    widget: Widget,
}

#[wasm_bindgen]
impl WidgetSession {
    /// Removes everything the widget rendered and stops its polling and popup.
    pub fn unmount(&mut self) {
        self.widget.unmount();
    }

    /// Closes the widget as its Close button does (`exit()` of the JavaScript handler).
    pub fn close(&self) {
        self.widget.ctrl.send(flow::Msg::Close);
    }
}

/// Mounts the widget into `container` for one link session.
///
/// `emit(kind, metadata)` reports outcomes ("success", "error", "exit"), events ("event") and
/// navigations ("navigate") back to `initialize.js`, which owns the host-page surface.
/// `locale` is the negotiated locale's code; for any but English, `locale_text` resolves to
/// the text of its file (`locales/<code>.json`, fetched by `initialize.js`) or to `null`.
#[wasm_bindgen]
#[allow(clippy::too_many_arguments)]
pub fn open_widget(
    container: web_sys::HtmlElement,
    link_token: String,
    api_base: String,
    emit: js_sys::Function,
    locale: String,
    locale_text: Option<js_sys::Promise>,
    modal: bool,
    hosted: bool,
) -> WidgetSession {
    host::mark("vital-link:", "mount");
    let api = Api::new(api_base, link_token);
    let mode = Mode { modal, hosted };
    let (widget, fx) = Widget::mount(
        container,
        api,
        Emitter::new(emit),
        match locale_text {
            Some(text) if locale != "en" => Locale::Fetching { code: locale, text },
            _ => Locale::Ready(Lang::EN),
        },
        mode,
    );
    widget.ctrl.run(fx);
    WidgetSession { widget }
}
