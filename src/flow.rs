//! The link session's flow: which view is shown and what is reported to the host page.
//! Plain Rust, tested natively.

use send_wrapper::SendWrapper;

use crate::api::Api;

/// The views of the contract (section 7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Agreement,
    ProviderPicker,
    Password,
    Mfa,
    Email,
    Oauth,
    Loading,
    Success,
    Error,
}

impl View {
    /// The name reported in `TRANSITION_VIEW` and exit metadata.
    pub fn name(self) -> &'static str {
        match self {
            View::Agreement => "AGREEMENT",
            View::ProviderPicker => "PROVIDER_PICKER",
            View::Password => "PASSWORD",
            View::Mfa => "MFA",
            View::Email => "EMAIL",
            View::Oauth => "OAUTH",
            View::Loading => "LOADING",
            View::Success => "SUCCESS",
            View::Error => "ERROR",
        }
    }
}

/// One open widget: its API client and the channel back to `initialize.js`.
#[derive(Clone)]
pub struct Session {
    pub api: Api,
    // wasm is single-threaded; the wrapper only satisfies Leptos' Send bounds.
    emit: SendWrapper<js_sys::Function>,
}

impl Session {
    pub fn new(api: Api, emit: js_sys::Function) -> Self {
        Self {
            api,
            emit: SendWrapper::new(emit),
        }
    }

    /// Reports `kind` ("event", "exit", ...) with a JSON metadata object to the host page.
    pub fn emit(&self, kind: &str, metadata: &serde_json::Value) {
        let meta = js_sys::JSON::parse(&metadata.to_string()).unwrap_or(wasm_bindgen::JsValue::NULL);
        let _ = self
            .emit
            .call2(&wasm_bindgen::JsValue::NULL, &kind.into(), &meta);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn view_names_follow_the_contract() {
        assert_eq!(View::ProviderPicker.name(), "PROVIDER_PICKER");
        assert_eq!(View::Mfa.name(), "MFA");
    }
}
