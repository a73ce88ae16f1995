//! Reading and writing the Link API's JSON without serde in the wasm.
//!
//! The browser's `JSON.parse` does the parsing and the readers below pick the contract's fields
//! out of the result; natively (unit tests) the same readers run over `serde_json::Value`.
//! serde-wasm-bindgen and the derived deserializers cost about 25 KB brotli of the widget;
//! these readers a small part of that. Like serde, they ignore unknown fields, accept a missing
//! or `null` optional field, and reject a required field that is absent or of the wrong type.

use link_contract::{
    AuthType, FlowResponse, FlowState, FormComponents, LinkProvider, LinkState, LinkStateResponse,
    LinkTokenInfo, MfaMethod, ProviderMfa, RedirectPolicy, Region, TeamLinkConfig,
};

/// A parsed JSON value.
pub trait Json: Sized {
    /// `self[key]` when `self` is an object and the field is present and not `null`.
    fn field(&self, key: &str) -> Option<Self>;
    fn string(&self) -> Option<String>;
    fn number(&self) -> Option<f64>;
    /// The elements when `self` is an array.
    fn items(&self) -> Option<Vec<Self>>;
}

/// A type read from a JSON value; `None` when the value does not have the contract's shape.
pub trait FromJson: Sized {
    fn read<J: Json>(v: &J) -> Option<Self>;
}

/// A required field.
fn req<T: FromJson, J: Json>(v: &J, key: &str) -> Option<T> {
    T::read(&v.field(key)?)
}

/// An optional field: outer `None` when present with the wrong shape.
fn opt<T: FromJson, J: Json>(v: &J, key: &str) -> Option<Option<T>> {
    match v.field(key) {
        None => Some(None),
        Some(x) => T::read(&x).map(Some),
    }
}

/// An optional field that falls back to its default.
fn or_default<T: FromJson + Default, J: Json>(v: &J, key: &str) -> Option<T> {
    opt(v, key).map(Option::unwrap_or_default)
}

impl FromJson for String {
    fn read<J: Json>(v: &J) -> Option<Self> {
        v.string()
    }
}

impl FromJson for i64 {
    fn read<J: Json>(v: &J) -> Option<Self> {
        let n = v.number()?;
        (n.fract() == 0.0 && n.abs() < 9.0e15).then_some(n as i64)
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn read<J: Json>(v: &J) -> Option<Self> {
        v.items()?.iter().map(T::read).collect()
    }
}

/// A string enum: the value must be one of `names`, which map to `values` in order.
fn one_of<T: Copy, J: Json>(v: &J, names: &[&str], values: &[T]) -> Option<T> {
    let s = v.string()?;
    names
        .iter()
        .position(|n| *n == s)
        .and_then(|i| values.get(i).copied())
}

impl FromJson for AuthType {
    fn read<J: Json>(v: &J) -> Option<Self> {
        use AuthType::*;
        let all = [Oauth, Password, Email, Sdk, Ble];
        let s = v.string()?;
        all.into_iter().find(|t| t.as_str() == s)
    }
}

impl FromJson for FlowState {
    fn read<J: Json>(v: &J) -> Option<Self> {
        use FlowState::*;
        one_of(
            v,
            &["success", "error", "pending_provider_mfa"],
            &[Success, Error, PendingProviderMfa],
        )
    }
}

impl FromJson for LinkState {
    fn read<J: Json>(v: &J) -> Option<Self> {
        use LinkState::*;
        one_of(
            v,
            &["pending", "success", "error"],
            &[Pending, Success, Error],
        )
    }
}

impl FromJson for MfaMethod {
    fn read<J: Json>(v: &J) -> Option<Self> {
        one_of(v, &["sms", "email"], &[MfaMethod::Sms, MfaMethod::Email])
    }
}

impl FromJson for RedirectPolicy {
    fn read<J: Json>(v: &J) -> Option<Self> {
        one_of(v, &["redirect"], &[RedirectPolicy::Redirect])
    }
}

impl FromJson for Region {
    fn read<J: Json>(v: &J) -> Option<Self> {
        Some(Region {
            code: req(v, "code")?,
            name: req(v, "name")?,
        })
    }
}

impl FromJson for FormComponents {
    fn read<J: Json>(v: &J) -> Option<Self> {
        Some(FormComponents {
            username_label: opt(v, "username_label")?,
            password_label: opt(v, "password_label")?,
            instructions: opt(v, "instructions")?,
            regions: or_default(v, "regions")?,
            default_region: opt(v, "default_region")?,
        })
    }
}

impl FromJson for LinkProvider {
    fn read<J: Json>(v: &J) -> Option<Self> {
        Some(LinkProvider {
            id: req(v, "id")?,
            name: req(v, "name")?,
            slug: req(v, "slug")?,
            description: or_default(v, "description")?,
            logo: or_default(v, "logo")?,
            auth_type: req(v, "auth_type")?,
            oauth_url: opt(v, "oauth_url")?,
            form_components: or_default(v, "form_components")?,
        })
    }
}

/// `GET /v2/link/providers`. An entry the widget cannot read (say, an `auth_type` newer than
/// the widget) is left out instead of failing the whole list.
pub struct ProviderList(pub Vec<LinkProvider>);

impl FromJson for ProviderList {
    fn read<J: Json>(v: &J) -> Option<Self> {
        Some(ProviderList(
            v.items()?.iter().filter_map(LinkProvider::read).collect(),
        ))
    }
}

impl FromJson for TeamLinkConfig {
    fn read<J: Json>(v: &J) -> Option<Self> {
        Some(TeamLinkConfig {
            team_name: req(v, "team_name")?,
            logo: opt(v, "logo")?,
            privacy_policy_url: opt(v, "privacy_policy_url")?,
            terms_url: opt(v, "terms_url")?,
        })
    }
}

impl FromJson for LinkTokenInfo {
    fn read<J: Json>(v: &J) -> Option<Self> {
        Some(LinkTokenInfo {
            provider: opt(v, "provider")?,
            filter_on_providers: opt(v, "filter_on_providers")?,
            redirect_url: opt(v, "redirect_url")?,
            on_error: opt(v, "on_error")?,
            on_close: opt(v, "on_close")?,
            expires_at: opt(v, "expires_at")?,
        })
    }
}

impl FromJson for ProviderMfa {
    fn read<J: Json>(v: &J) -> Option<Self> {
        Some(ProviderMfa {
            method: req(v, "method")?,
            hint: opt(v, "hint")?,
        })
    }
}

impl FromJson for FlowResponse {
    fn read<J: Json>(v: &J) -> Option<Self> {
        Some(FlowResponse {
            state: req(v, "state")?,
            redirect_url: opt(v, "redirect_url")?,
            error_type: opt(v, "error_type")?,
            error: opt(v, "error")?,
            provider_mfa: opt(v, "provider_mfa")?,
        })
    }
}

impl FromJson for LinkStateResponse {
    fn read<J: Json>(v: &J) -> Option<Self> {
        Some(LinkStateResponse {
            state: req(v, "state")?,
            provider: opt(v, "provider")?,
            error_type: opt(v, "error_type")?,
            error: opt(v, "error")?,
        })
    }
}

/// `detail` of an error body. Every field is optional here: older servers send only
/// `error_code` and `error_message`.
pub struct ErrorDetail {
    pub error_type: Option<String>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
}

impl FromJson for ErrorDetail {
    fn read<J: Json>(v: &J) -> Option<Self> {
        let d = v.field("detail")?;
        Some(ErrorDetail {
            error_type: opt(&d, "error_type")?,
            error_code: opt(&d, "error_code")?,
            error_message: opt(&d, "error_message")?,
        })
    }
}

/// A JSON object of string fields; `None` values are left out.
pub fn object(fields: &[(&str, Option<&str>)]) -> String {
    let mut out = String::from("{");
    for (key, value) in fields {
        let Some(value) = value else { continue };
        if out.len() > 1 {
            out.push(',');
        }
        push_string(&mut out, key);
        out.push(':');
        push_string(&mut out, value);
    }
    out.push('}');
    out
}

/// `s` as a JSON string literal.
fn push_string(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                out.push_str("\\u00");
                out.push(HEX[(c as usize) >> 4] as char);
                out.push(HEX[(c as usize) & 15] as char);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(target_arch = "wasm32")]
impl Json for wasm_bindgen::JsValue {
    fn field(&self, key: &str) -> Option<Self> {
        if !self.is_object() || js_sys::Array::is_array(self) {
            return None;
        }
        let v = js_sys::Reflect::get(self, &key.into()).ok()?;
        (!v.is_null() && !v.is_undefined()).then_some(v)
    }

    fn string(&self) -> Option<String> {
        self.as_string()
    }

    fn number(&self) -> Option<f64> {
        self.as_f64()
    }

    fn items(&self) -> Option<Vec<Self>> {
        js_sys::Array::is_array(self).then(|| js_sys::Array::from(self).iter().collect())
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl Json for serde_json::Value {
    fn field(&self, key: &str) -> Option<Self> {
        self.as_object()?.get(key).filter(|v| !v.is_null()).cloned()
    }

    fn string(&self) -> Option<String> {
        self.as_str().map(str::to_owned)
    }

    fn number(&self) -> Option<f64> {
        self.as_f64()
    }

    fn items(&self) -> Option<Vec<Self>> {
        self.as_array().cloned()
    }
}

/// Parses a JSON text into `T`: in the browser with its own `JSON.parse` (a JSON parser in the
/// wasm would cost far more bytes).
#[cfg(target_arch = "wasm32")]
pub fn parse<T: FromJson>(text: &str) -> Option<T> {
    T::read(&js_sys::JSON::parse(text).ok()?)
}

#[cfg(not(target_arch = "wasm32"))]
pub fn parse<T: FromJson>(text: &str) -> Option<T> {
    T::read(&serde_json::from_str::<serde_json::Value>(text).ok()?)
}

// Natively only: the browser side is tests/api.rs.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn provider_reads_defaults_nulls_and_ignores_unknown_fields() {
        let p: LinkProvider = parse(
            r#"{"id":7,"name":"Peloton","slug":"peloton","auth_type":"password","oauth_url":null,
                "form_components":{"username_label":"Email","regions":[{"code":"us","name":"US"}]},
                "new_field":true}"#,
        )
        .unwrap();
        assert_eq!(p.id, 7);
        assert_eq!(p.auth_type, AuthType::Password);
        assert_eq!(p.description, "");
        assert_eq!(p.oauth_url, None);
        assert_eq!(p.form_components.username_label.as_deref(), Some("Email"));
        assert_eq!(p.form_components.regions[0].code, "us");
    }

    #[test]
    fn wrong_shapes_are_rejected() {
        assert!(
            parse::<LinkProvider>(r#"{"id":"7","name":"P","slug":"p","auth_type":"oauth"}"#)
                .is_none()
        );
        assert!(
            parse::<LinkProvider>(r#"{"id":1.5,"name":"P","slug":"p","auth_type":"oauth"}"#)
                .is_none()
        );
        assert!(parse::<LinkProvider>(r#"{"id":1,"slug":"p","auth_type":"oauth"}"#).is_none());
        assert!(parse::<FlowResponse>(r#"{"state":"nonsense"}"#).is_none());
        assert!(parse::<FlowResponse>(r#"{"state":"error","error":5}"#).is_none());
        assert!(parse::<FlowResponse>(r#"["state"]"#).is_none());
        assert!(parse::<FlowResponse>("not json").is_none());
    }

    #[test]
    fn provider_list_skips_entries_it_cannot_read() {
        let list: ProviderList = parse(
            r#"[{"id":1,"name":"Oura","slug":"oura","auth_type":"oauth"},
                {"id":2,"name":"Ring","slug":"ring","auth_type":"telepathy"}]"#,
        )
        .unwrap();
        assert_eq!(list.0.len(), 1);
        assert_eq!(list.0[0].slug, "oura");
        assert!(parse::<ProviderList>(r#"{"providers":[]}"#).is_none());
    }

    #[test]
    fn flow_and_state_responses() {
        let r: FlowResponse = parse(
            r#"{"state":"pending_provider_mfa","redirect_url":null,"error_type":null,
                "error":null,"provider_mfa":{"method":"sms","hint":"•••• 1234"},"extra":1}"#,
        )
        .unwrap();
        assert_eq!(r.state, FlowState::PendingProviderMfa);
        let mfa = r.provider_mfa.unwrap();
        assert_eq!(mfa.method, MfaMethod::Sms);
        assert_eq!(mfa.hint.as_deref(), Some("•••• 1234"));
        let s: LinkStateResponse =
            parse(r#"{"state":"error","provider":"oura","error_type":"user_cancelled"}"#).unwrap();
        assert_eq!(s.state, LinkState::Error);
        assert_eq!(s.error_type.as_deref(), Some("user_cancelled"));
        assert_eq!(s.error, None);
    }

    #[test]
    fn token_info_and_team_config() {
        let i: LinkTokenInfo = parse(
            r#"{"provider":null,"filter_on_providers":["oura","fitbit"],
                "redirect_url":"https://app.example/done","on_error":"redirect"}"#,
        )
        .unwrap();
        assert_eq!(
            i.filter_on_providers,
            Some(vec!["oura".to_owned(), "fitbit".to_owned()])
        );
        assert_eq!(i.on_error, Some(RedirectPolicy::Redirect));
        assert_eq!(i.on_close, None);
        assert!(parse::<LinkTokenInfo>(r#"{"on_close":"sometimes"}"#).is_none());
        let t: TeamLinkConfig = parse(r#"{"team_name":"Demo","logo":null}"#).unwrap();
        assert_eq!(t.team_name, "Demo");
        assert!(parse::<TeamLinkConfig>("{}").is_none());
    }

    #[test]
    fn objects_are_valid_json_with_escapes() {
        let s = object(&[
            ("username", Some("a\"b\\c\n\u{1}é")),
            ("password", Some("p")),
            ("region", None),
        ]);
        let v: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(v["username"], "a\"b\\c\n\u{1}é");
        assert_eq!(v["password"], "p");
        assert!(v.get("region").is_none());
        assert_eq!(object(&[]), "{}");
    }
}
