//! The browser facilities the widget needs besides drawing: performance marks, timeouts,
//! `fetch`, the OAuth popup, navigation, the channel back to `initialize.js`, and a few DOM
//! queries.

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

/// One Link API request with the link token: `(status, body)`, or `None` when there was no
/// answer (server down, CORS, offline) or none within `timeout_ms` (the request is aborted).
/// Plain `fetch` through web-sys: a full HTTP client crate costs more bytes than it saves.
pub async fn fetch_text(
    url: &str,
    token: &str,
    json_body: Option<&str>,
    timeout_ms: i32,
) -> Option<(u16, String)> {
    use wasm_bindgen_futures::JsFuture;
    let window = web_sys::window()?;
    let init = web_sys::RequestInit::new();
    let headers = web_sys::Headers::new().ok()?;
    headers.set(link_contract::LINK_TOKEN_HEADER, token).ok()?;
    if let Some(body) = json_body {
        init.set_method("POST");
        headers.set("content-type", "application/json").ok()?;
        init.set_body(&JsValue::from_str(body));
    }
    init.set_headers(&headers);
    init.set_mode(web_sys::RequestMode::Cors);
    init.set_credentials(web_sys::RequestCredentials::Omit);
    let abort = web_sys::AbortController::new().ok()?;
    init.set_signal(Some(&abort.signal()));
    let timer = Closure::once(move || abort.abort());
    let timer_id = window
        .set_timeout_with_callback_and_timeout_and_arguments_0(
            timer.as_ref().unchecked_ref(),
            timeout_ms,
        )
        .ok()?;
    let answer = async {
        let resp: web_sys::Response = JsFuture::from(window.fetch_with_str_and_init(url, &init))
            .await
            .ok()?
            .dyn_into()
            .ok()?;
        let text = JsFuture::from(resp.text().ok()?).await.ok()?.as_string()?;
        Some((resp.status(), text))
    }
    .await;
    window.clear_timeout_with_handle(timer_id);
    drop(timer);
    answer
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

/// For a delegated click: the `attr` value of the clicked element or of its nearest ancestor
/// that has one.
pub fn clicked(ev: &web_sys::Event, attr: &str) -> Option<String> {
    ev.target()?
        .dyn_into::<web_sys::Element>()
        .ok()?
        .closest(&["[", attr, "]"].concat())
        .ok()??
        .get_attribute(attr)
}

/// A new element of the page's document.
pub fn element<T: JsCast>(tag: &str) -> T {
    let doc = web_sys::window()
        .and_then(|w| w.document())
        .expect_throw("a document");
    doc.create_element(tag)
        .expect_throw("a valid tag")
        .unchecked_into()
}

/// The page's origin (`https://app.example`), or empty where there is none.
pub fn origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}
