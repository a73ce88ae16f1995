//! All I/O with the Link API. Every failure becomes one typed [`ApiError`].

use link_contract::{LinkProvider, LinkStateResponse, LinkTokenInfo, TeamLinkConfig};

use crate::{
    flow::Request,
    json::{self, ErrorDetail, FromJson, ProviderList},
};

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
        matches!(self, ApiError::Invalid)
            || matches!(
                self.error_type(),
                "provider_credential_error" | "incorrect_mfa_code" | "unsupported_region"
            )
    }
}

/// Maps a non-2xx response to an [`ApiError`]; the legacy 400 `INVALID_CREDENTIALS` form
/// (no `error_type`) becomes `provider_credential_error`.
pub fn map_error(status: u16, body: &str) -> ApiError {
    if status == 422 {
        return ApiError::Invalid;
    }
    let Some(d) = json::parse::<ErrorDetail>(body) else {
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

/// The contract's shape read from a 2xx answer.
pub fn read<T: FromJson>(answer: Result<(u16, String), ApiError>) -> Result<T, ApiError> {
    let (status, text) = answer?;
    json::parse(&text).ok_or(ApiError::BadResponse { status })
}

/// The path and JSON body of a request of the flow; `None` for [`Request::Load`], which is
/// three requests ([`Api::initial`]).
pub fn route(req: &Request) -> Option<(String, Option<String>)> {
    let (path, body): (&[&str], _) = match req {
        Request::Load => return None,
        Request::Password {
            provider,
            username,
            password,
            region,
        } => (
            &["/v2/link/provider/password/", provider],
            Some(json::object(&[
                ("username", Some(username)),
                ("password", Some(password)),
                ("region", region.as_deref()),
            ])),
        ),
        Request::Mfa { provider, code } => (
            &["/v2/link/provider/password/", provider, "/complete_mfa"],
            Some(json::object(&[("mfa_code", Some(code))])),
        ),
        Request::Email {
            provider,
            email,
            region,
        } => (
            &["/v2/link/provider/email/", provider],
            Some(json::object(&[
                ("email", Some(email)),
                ("region", region.as_deref()),
            ])),
        ),
        Request::OauthUrl { provider } => (&["/v2/link/provider/oauth/", provider], None),
    };
    Some((path.concat(), body))
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
}

impl Api {
    pub fn new(base: String, token: String) -> Self {
        let base = base.trim_end_matches('/').to_owned();
        Self { base, token }
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// One request (a POST when it has a body); the body of a 2xx answer. The only async
    /// path: answers are read after it, so the async machinery is built once.
    pub async fn send(&self, path: &str, body: Option<String>) -> Result<(u16, String), ApiError> {
        let url = [self.base.as_str(), path].concat();
        let result = crate::host::fetch_text(&url, &self.token, body.as_deref(), 20_000).await;
        crate::host::mark("vital-link:api:", path);
        let (status, text) = result.ok_or(ApiError::Network)?;
        if !(200..300).contains(&status) {
            return Err(map_error(status, &text));
        }
        Ok((status, text))
    }

    /// Token info, team config and providers, fetched in parallel.
    pub async fn initial(&self) -> Result<Initial, ApiError> {
        let (info, team, providers) = futures::join!(
            self.send("/v2/link/token/info", None),
            self.send("/v2/team/link/config", None),
            self.send("/v2/link/providers", None),
        );
        Ok(Initial {
            info: read(info)?,
            team: read(team)?,
            providers: read::<ProviderList>(providers)?.0,
        })
    }

    pub async fn state(&self) -> Result<LinkStateResponse, ApiError> {
        read(self.send("/v2/link/state", None).await)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_contract_error_body() {
        let e = map_error(
            401,
            r#"{"detail":{"error_type":"token_expired","error_code":"INVALID_REQUEST","error_message":"expired"}}"#,
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
    }

    #[test]
    fn non_contract_body_is_bad_response() {
        assert_eq!(
            map_error(502, "<html>bad gateway</html>"),
            ApiError::BadResponse { status: 502 }
        );
    }

    #[test]
    fn requests_route_to_the_contract_paths_with_json_bodies() {
        let (path, body) = route(&Request::Password {
            provider: "peloton".into(),
            username: "a\"b".into(),
            password: "p".into(),
            region: None,
        })
        .unwrap();
        assert_eq!(path, "/v2/link/provider/password/peloton");
        assert_eq!(
            body.as_deref(),
            Some(r#"{"username":"a\"b","password":"p"}"#)
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
