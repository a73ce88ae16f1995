//! All I/O with the Link API: gloo-net for HTTP, serde_json for the bodies (through the
//! `link-contract` types). Every failure becomes one typed [`ApiError`].

use std::{cell::RefCell, rc::Rc};

use gloo_net::http::{Request as HttpRequest, RequestBuilder};
use link_contract::{
    EmailRequest, LinkProvider, LinkStateResponse, LinkTokenInfo, MfaRequest, PasswordRequest,
    TeamLinkConfig, LINK_TOKEN_HEADER,
};
use serde::{de::DeserializeOwned, Deserialize};
use serde_json::value::RawValue;
use wasm_bindgen::{prelude::*, JsCast};
use web_sys::{AbortController, RequestCredentials, RequestMode};

use crate::flow::Request;

/// How long one request may take before it is aborted and reported as [`ApiError::Network`].
pub const TIMEOUT_MS: i32 = 20_000;

/// A failed call, in the contract's terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// The server answered with the contract's error body `{"detail": {...}}`.
    Link {
        status: u16,
        error_type: String,
        message: String,
    },
    /// 422: the request failed validation (e.g. a malformed email address).
    Invalid,
    /// No answer (server down, CORS, offline) or no answer in time.
    Network,
    /// An answer that is not what the contract says.
    BadResponse { status: u16 },
}

impl ApiError {
    /// The contract's `error_type` for callbacks and events.
    pub fn error_type(&self) -> &str {
        match self {
            ApiError::Link { error_type, .. } => error_type,
            ApiError::Invalid => "invalid_input",
            ApiError::Network => "network_error",
            ApiError::BadResponse { .. } => "provider_api_error",
        }
    }

    /// The server's developer-readable message, if any.
    pub fn message(&self) -> Option<&str> {
        match self {
            ApiError::Link { message, .. } if !message.is_empty() => Some(message),
            _ => None,
        }
    }

    /// Errors the user fixes in the form (shown inline, no error screen).
    pub fn is_inline(&self) -> bool {
        crate::flow::is_inline_error(self.error_type())
    }
}

/// The error body as this widget reads it: lenient, because the legacy 400
/// `INVALID_CREDENTIALS` form has no `error_type` (the contract's `ErrorDetail` requires one).
#[derive(Deserialize)]
struct ErrorBody {
    detail: ErrorDetail,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ErrorDetail {
    error_type: Option<String>,
    error_code: Option<String>,
    error_message: Option<String>,
}

/// Maps a non-2xx response to an [`ApiError`]; the legacy 400 `INVALID_CREDENTIALS` form
/// (no `error_type`) becomes `provider_credential_error`.
pub fn map_error(status: u16, body: &str) -> ApiError {
    if status == 422 {
        return ApiError::Invalid;
    }
    let Ok(ErrorBody { detail: d }) = serde_json::from_str::<ErrorBody>(body) else {
        return ApiError::BadResponse { status };
    };
    let error_type = match d.error_type.filter(|t| !t.is_empty()) {
        Some(t) => t,
        None if d.error_code.as_deref() == Some("INVALID_CREDENTIALS") => {
            "provider_credential_error".to_owned()
        }
        None => return ApiError::BadResponse { status },
    };
    ApiError::Link {
        status,
        error_type,
        message: d.error_message.unwrap_or_default(),
    }
}

/// The contract's shape read from a 2xx answer; unknown fields are ignored.
pub fn read<T: DeserializeOwned>(answer: Result<(u16, String), ApiError>) -> Result<T, ApiError> {
    let (status, text) = answer?;
    serde_json::from_str(&text).map_err(|_| ApiError::BadResponse { status })
}

/// `GET /v2/link/providers`: the entries this widget can read. One entry it cannot (an
/// `auth_type` from a newer API, a wrong type) is left out rather than failing the list.
pub fn read_providers(
    answer: Result<(u16, String), ApiError>,
) -> Result<Vec<LinkProvider>, ApiError> {
    let (status, text) = answer?;
    let entries: Vec<&RawValue> =
        serde_json::from_str(&text).map_err(|_| ApiError::BadResponse { status })?;
    Ok(entries
        .into_iter()
        .filter_map(|e| serde_json::from_str(e.get()).ok())
        .collect())
}

/// The path and JSON body of a request of the flow; `None` for [`Request::Load`], which is
/// three requests ([`Api::initial`]).
pub fn route(req: &Request) -> Option<(String, Option<String>)> {
    let (path, body) = match req {
        Request::Load => return None,
        Request::Password {
            provider,
            username,
            password,
            region,
        } => (
            ["/v2/link/provider/password/", provider].concat(),
            serde_json::to_string(&PasswordRequest {
                username: username.clone(),
                password: password.clone(),
                region: region.clone(),
            }),
        ),
        Request::Mfa { provider, code } => (
            ["/v2/link/provider/password/", provider, "/complete_mfa"].concat(),
            serde_json::to_string(&MfaRequest {
                mfa_code: code.clone(),
            }),
        ),
        Request::Email {
            provider,
            email,
            region,
        } => (
            ["/v2/link/provider/email/", provider].concat(),
            serde_json::to_string(&EmailRequest {
                email: email.clone(),
                region: region.clone(),
            }),
        ),
        Request::OauthUrl { provider } => {
            return Some((["/v2/link/provider/oauth/", provider].concat(), None))
        }
    };
    Some((path, body.ok()))
}

/// Everything the widget needs before its first real screen.
#[derive(Debug, Clone)]
pub struct Initial {
    pub info: LinkTokenInfo,
    pub team: TeamLinkConfig,
    pub providers: Vec<LinkProvider>,
}

/// The Link API as seen with one link token.
#[derive(Debug, Clone)]
pub struct Api {
    base: String,
    token: String,
    /// Requests in flight, aborted by [`Api::abort_all`] when the widget is destroyed.
    in_flight: Rc<RefCell<Vec<AbortController>>>,
}

impl Api {
    pub fn new(base: String, token: String) -> Self {
        let base = base.trim_end_matches('/').to_owned();
        Self {
            base,
            token,
            in_flight: Rc::default(),
        }
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// One request (a POST when it has a body); the status and body of a 2xx answer. The only
    /// async path: answers are read after it, so the async machinery is built once.
    pub async fn send(&self, path: &str, body: Option<String>) -> Result<(u16, String), ApiError> {
        let url = [self.base.as_str(), path].concat();
        let abort = AbortController::new().map_err(|_| ApiError::Network)?;
        let signal = abort.signal();
        let builder = if body.is_some() {
            HttpRequest::post(&url).header("content-type", "application/json")
        } else {
            HttpRequest::get(&url)
        };
        let builder: RequestBuilder = builder
            .header(LINK_TOKEN_HEADER, &self.token)
            .mode(RequestMode::Cors)
            .credentials(RequestCredentials::Omit)
            .abort_signal(Some(&signal));
        let request = match body {
            Some(b) => builder.body(b),
            None => builder.build(),
        }
        .map_err(|_| ApiError::Network)?;

        self.in_flight.borrow_mut().push(abort.clone());
        let timer = Closure::once({
            let abort = abort.clone();
            move || abort.abort()
        });
        let window = web_sys::window();
        let timer_id = window.as_ref().and_then(|w| {
            w.set_timeout_with_callback_and_timeout_and_arguments_0(
                timer.as_ref().unchecked_ref(),
                TIMEOUT_MS,
            )
            .ok()
        });
        let answer = async {
            let resp = request.send().await.ok()?;
            let text = resp.text().await.ok()?;
            Some((resp.status(), text))
        }
        .await;
        if let (Some(w), Some(id)) = (window, timer_id) {
            w.clear_timeout_with_handle(id);
        }
        drop(timer);
        self.in_flight.borrow_mut().retain(|a| a != &abort);
        crate::host::mark("vital-link:api:", path);

        let (status, text) = answer.ok_or(ApiError::Network)?;
        if !(200..300).contains(&status) {
            return Err(map_error(status, &text));
        }
        Ok((status, text))
    }

    /// Token info, team config and providers, fetched in parallel: one round trip.
    pub async fn initial(&self) -> Result<Initial, ApiError> {
        let (info, team, providers) = futures::join!(
            self.send("/v2/link/token/info", None),
            self.send("/v2/team/link/config", None),
            self.send("/v2/link/providers", None),
        );
        Ok(Initial {
            info: read(info)?,
            team: read(team)?,
            providers: read_providers(providers)?,
        })
    }

    pub async fn state(&self) -> Result<LinkStateResponse, ApiError> {
        read(self.send("/v2/link/state", None).await)
    }

    /// Aborts every request in flight (their answers are then never read).
    pub fn abort_all(&self) {
        for a in self.in_flight.take() {
            a.abort();
        }
    }
}

#[cfg(test)]
mod tests {
    use link_contract::{AuthType, FlowResponse, FlowState, LinkState, MfaMethod, RedirectPolicy};

    use super::*;

    fn ok(text: &str) -> Result<(u16, String), ApiError> {
        Ok((200, text.to_owned()))
    }

    #[test]
    fn maps_contract_error_body() {
        let e = map_error(
            401,
            r#"{"detail":{"error_type":"token_expired","error_code":"INVALID_REQUEST","error_message":"expired","extra":1}}"#,
        );
        assert_eq!(e.error_type(), "token_expired");
        assert_eq!(e.message(), Some("expired"));
        assert!(matches!(e, ApiError::Link { status: 401, .. }));
        assert!(!e.is_inline());
    }

    #[test]
    fn legacy_invalid_credentials_is_a_credential_error() {
        let e = map_error(
            400,
            r#"{"detail":{"error_code":"INVALID_CREDENTIALS","error_message":"Credentials for provider are incorrect"}}"#,
        );
        assert_eq!(e.error_type(), "provider_credential_error");
        assert!(e.is_inline());
        let e = map_error(
            400,
            r#"{"detail":{"error_type":"provider_credential_error","error_code":"INVALID_CREDENTIALS","error_message":"x"}}"#,
        );
        assert_eq!(e.error_type(), "provider_credential_error");
    }

    #[test]
    fn validation_failure_is_inline() {
        let e = map_error(
            422,
            r#"{"detail":[{"loc":["body","email"],"msg":"bad","type":"value_error"}]}"#,
        );
        assert_eq!(e, ApiError::Invalid);
        assert!(e.is_inline());
    }

    #[test]
    fn unknown_error_types_pass_through() {
        let e = map_error(
            400,
            r#"{"detail":{"error_type":"brand_new_error","error_code":"X","error_message":""}}"#,
        );
        assert_eq!(e.error_type(), "brand_new_error");
        assert_eq!(e.message(), None);
    }

    #[test]
    fn error_body_without_a_type_is_bad_response() {
        let e = map_error(
            500,
            r#"{"detail":{"error_type":"","error_code":"SOMETHING","error_message":"x"}}"#,
        );
        assert_eq!(e, ApiError::BadResponse { status: 500 });
        assert_eq!(
            map_error(502, "<html>bad gateway</html>"),
            ApiError::BadResponse { status: 502 }
        );
        assert_eq!(
            map_error(400, r#"{"detail":"text"}"#),
            ApiError::BadResponse { status: 400 }
        );
    }

    #[test]
    fn provider_list_skips_entries_it_cannot_read() {
        let list = read_providers(ok(
            r#"[{"id":7,"name":"Peloton","slug":"peloton","auth_type":"password","oauth_url":null,
                 "form_components":{"username_label":"Email","regions":[{"code":"us","name":"US"}]},
                 "new_field":true},
                {"id":8,"name":"Future","slug":"future","auth_type":"telepathy"},
                {"id":"9","name":"Text id","slug":"t","auth_type":"oauth"},
                {"id":1.5,"name":"Float id","slug":"f","auth_type":"oauth"},
                {"id":10,"slug":"nameless","auth_type":"oauth"},
                "not an object",
                {"id":11,"name":"Oura","slug":"oura","auth_type":"oauth"}]"#,
        ))
        .unwrap();
        let slugs: Vec<&str> = list.iter().map(|p| p.slug.as_str()).collect();
        assert_eq!(slugs, ["peloton", "oura"]);
        let p = &list[0];
        assert_eq!(p.id, 7);
        assert_eq!(p.auth_type, AuthType::Password);
        assert_eq!(p.description, "");
        assert_eq!(p.oauth_url, None);
        assert_eq!(p.form_components.username_label.as_deref(), Some("Email"));
        assert_eq!(p.form_components.regions[0].code, "us");
        assert_eq!(
            read_providers(ok(r#"{"providers":[]}"#)),
            Err(ApiError::BadResponse { status: 200 })
        );
        assert_eq!(
            read_providers(Err(ApiError::Network)),
            Err(ApiError::Network)
        );
    }

    #[test]
    fn flow_state_token_and_team_answers() {
        let r: FlowResponse = read(ok(
            r#"{"state":"pending_provider_mfa","redirect_url":null,"error_type":null,
                "error":null,"provider_mfa":{"method":"sms","hint":"•••• 1234"},"extra":1}"#,
        ))
        .unwrap();
        assert_eq!(r.state, FlowState::PendingProviderMfa);
        let mfa = r.provider_mfa.unwrap();
        assert_eq!(mfa.method, MfaMethod::Sms);
        assert_eq!(mfa.hint.as_deref(), Some("•••• 1234"));
        for bad in [
            r#"{"state":"nonsense"}"#,
            r#"{"state":"error","error":5}"#,
            r#"["state"]"#,
            "not json",
        ] {
            assert_eq!(
                read::<FlowResponse>(ok(bad)),
                Err(ApiError::BadResponse { status: 200 }),
                "{bad}"
            );
        }
        let s: LinkStateResponse = read(ok(
            r#"{"state":"error","provider":"oura","error_type":"user_cancelled"}"#,
        ))
        .unwrap();
        assert_eq!(s.state, LinkState::Error);
        assert_eq!(s.error_type.as_deref(), Some("user_cancelled"));
        assert_eq!(s.error, None);
        let i: LinkTokenInfo = read(ok(
            r#"{"provider":null,"filter_on_providers":["oura","fitbit"],
                "redirect_url":"https://app.example/done","on_error":"redirect"}"#,
        ))
        .unwrap();
        assert_eq!(
            i.filter_on_providers,
            Some(vec!["oura".to_owned(), "fitbit".to_owned()])
        );
        assert_eq!(i.on_error, Some(RedirectPolicy::Redirect));
        assert_eq!(i.on_close, None);
        assert!(read::<LinkTokenInfo>(ok(r#"{"on_close":"sometimes"}"#)).is_err());
        let t: TeamLinkConfig = read(ok(r#"{"team_name":"Demo","logo":null}"#)).unwrap();
        assert_eq!(t.team_name, "Demo");
        assert!(read::<TeamLinkConfig>(ok("{}")).is_err());
    }

    #[test]
    fn requests_route_to_the_contract_paths_with_json_bodies() {
        let (path, body) = route(&Request::Password {
            provider: "peloton".into(),
            username: "a\"b\\c\n\u{1}é".into(),
            password: "p".into(),
            region: None,
        })
        .unwrap();
        assert_eq!(path, "/v2/link/provider/password/peloton");
        let v: serde_json::Value = serde_json::from_str(body.as_deref().unwrap()).unwrap();
        assert_eq!(v["username"], "a\"b\\c\n\u{1}é");
        assert_eq!(v["password"], "p");
        assert!(
            v.get("region").is_none(),
            "no region: the field is left out"
        );
        let (path, body) = route(&Request::Mfa {
            provider: "peloton".into(),
            code: "123456".into(),
        })
        .unwrap();
        assert_eq!(path, "/v2/link/provider/password/peloton/complete_mfa");
        assert_eq!(body.as_deref(), Some(r#"{"mfa_code":"123456"}"#));
        let (path, body) = route(&Request::Email {
            provider: "freestyle_libre".into(),
            email: "a@b.co".into(),
            region: Some("ca".into()),
        })
        .unwrap();
        assert_eq!(path, "/v2/link/provider/email/freestyle_libre");
        assert_eq!(body.as_deref(), Some(r#"{"email":"a@b.co","region":"ca"}"#));
        let (path, body) = route(&Request::OauthUrl {
            provider: "fitbit".into(),
        })
        .unwrap();
        assert_eq!(path, "/v2/link/provider/oauth/fitbit");
        assert_eq!(body, None);
        assert_eq!(route(&Request::Load), None);
    }
}
