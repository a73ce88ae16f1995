//! The browser facilities the widget needs besides drawing and HTTP: performance marks,
//! timeouts, the OAuth popup, navigation, the channel back to `initialize.js`, and a few DOM
//! queries (focus).

use std::{cell::RefCell, rc::Rc};

use wasm_bindgen::{prelude::*, JsCast};

/// `performance.mark(prefix + name)`, for the benchmark; silently skipped where unsupported.
pub fn mark(prefix: &str, name: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark(&[prefix, name].concat());
    }
}

/// Resolves after `ms` milliseconds.
pub async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Sends the top page (or, hosted, this tab) to `url`.
pub fn navigate(url: &str) {
    if let Some(w) = web_sys::window() {
        let top = w.top().ok().flatten().unwrap_or(w);
        let _ = top.location().set_href(url);
    }
}

/// The OAuth popup, opened synchronously in the click handler.
#[derive(Clone, Default)]
pub struct Popup(Rc<RefCell<Option<web_sys::Window>>>);

impl Popup {
    /// Opens `about:blank` in a popup; false when the browser blocked it.
    pub fn open(&self) -> bool {
        let popup = web_sys::window().and_then(|w| {
            w.open_with_url_and_target_and_features(
                "about:blank",
                "vital-link-oauth",
                "popup,width=520,height=720",
            )
            .ok()
            .flatten()
        });
        let opened = popup.is_some();
        *self.0.borrow_mut() = popup;
        opened
    }

    pub fn navigate(&self, url: &str) {
        if let Some(p) = self.0.borrow().as_ref() {
            let _ = p.location().set_href(url);
        }
    }

    /// Whether a popup was opened and has been closed since.
    pub fn is_closed(&self) -> bool {
        self.0
            .borrow()
            .as_ref()
            .is_some_and(|p| p.closed().unwrap_or(true))
    }

    pub fn close(&self) {
        if let Some(p) = self.0.borrow_mut().take() {
            let _ = p.close();
        }
    }
}

/// The channel back to `initialize.js`: `emit(kind, metadata)`.
#[derive(Clone)]
pub struct Emitter(js_sys::Function);

impl Emitter {
    pub fn new(f: js_sys::Function) -> Self {
        Self(f)
    }

    /// Reports `kind` ("event", "success", "error", "exit") with a metadata object.
    pub fn emit(&self, kind: &str, metadata: &crate::meta::Meta) {
        let meta = js_sys::Object::new();
        for (key, value) in &metadata.0 {
            let value = value.as_str().map_or(JsValue::NULL, JsValue::from_str);
            let _ = js_sys::Reflect::set(&meta, &JsValue::from_str(key), &value);
        }
        let _ = self
            .0
            .call2(&JsValue::NULL, &JsValue::from_str(kind), &meta);
    }
}

/// Focuses the first element matching `selector` inside `root`; false if there is none.
pub fn focus_first(root: &web_sys::Element, selector: &str) -> bool {
    match root.query_selector(selector) {
        Ok(Some(el)) => el
            .dyn_into::<web_sys::HtmlElement>()
            .map(|el| el.focus().is_ok())
            .unwrap_or(false),
        _ => false,
    }
}

/// The elements matching `selector` inside `root`, in document order.
pub fn all(root: &web_sys::Element, selector: &str) -> Vec<web_sys::HtmlElement> {
    let Ok(list) = root.query_selector_all(selector) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into().ok())
        .collect()
}

/// The focused element as seen from `node`: inside its shadow root when it has one.
pub fn active_element(node: &web_sys::Node) -> Option<web_sys::Element> {
    node.get_root_node()
        .dyn_into::<web_sys::ShadowRoot>()
        .ok()
        .and_then(|r| r.active_element())
        .or_else(|| web_sys::window()?.document()?.active_element())
}

/// The page's origin (`https://app.example`), or empty where there is none.
pub fn origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}
