//! All I/O with the Link API. Every failure becomes one typed [`ApiError`].

use link_contract::{
    EmailRequest, ErrorBody, FlowResponse, LinkProvider, LinkStateResponse, LinkTokenInfo,
    MfaRequest, PasswordRequest, TeamLinkConfig,
};
use serde::{de::DeserializeOwned, Serialize};

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
/// becomes `provider_credential_error`.
pub fn map_error(status: u16, body: &str) -> ApiError {
    if status == 422 {
        return ApiError::Invalid;
    }
    match parse_json::<ErrorBody>(body) {
        Some(b) => {
            let error_type =
                if b.detail.error_type.is_empty() && b.detail.error_code == "INVALID_CREDENTIALS" {
                    "provider_credential_error".to_owned()
                } else {
                    b.detail.error_type
                };
            ApiError::Link {
                status,
                error_type,
                message: b.detail.error_message,
            }
        }
        None => match parse_json::<LegacyErrorBody>(body) {
            Some(b) if b.detail.error_code.as_deref() == Some("INVALID_CREDENTIALS") => {
                ApiError::Link {
                    status,
                    error_type: "provider_credential_error".into(),
                    message: b.detail.error_message.unwrap_or_default(),
                }
            }
            _ => ApiError::BadResponse { status },
        },
    }
}

/// Parses a JSON text. In the browser the browser's own `JSON.parse` does the parsing and
/// serde only maps the result: a JSON parser in the wasm would cost far more bytes.
#[cfg(target_arch = "wasm32")]
pub fn parse_json<T: DeserializeOwned>(text: &str) -> Option<T> {
    let value = js_sys::JSON::parse(text).ok()?;
    serde_wasm_bindgen::from_value(value).ok()
}

#[cfg(not(target_arch = "wasm32"))]
pub fn parse_json<T: DeserializeOwned>(text: &str) -> Option<T> {
    serde_json::from_str(text).ok()
}

#[cfg(target_arch = "wasm32")]
fn to_json<B: Serialize>(body: &B) -> Option<String> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    let value = body.serialize(&serializer).ok()?;
    js_sys::JSON::stringify(&value).ok()?.as_string()
}

#[cfg(not(target_arch = "wasm32"))]
fn to_json<B: Serialize>(body: &B) -> Option<String> {
    serde_json::to_string(body).ok()
}

/// Error bodies of older servers, where `error_type` may be missing.
#[derive(serde::Deserialize)]
struct LegacyErrorBody {
    detail: LegacyDetail,
}

#[derive(serde::Deserialize)]
struct LegacyDetail {
    #[serde(default)]
    error_code: Option<String>,
    #[serde(default)]
    error_message: Option<String>,
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

    async fn send<T: DeserializeOwned>(
        &self,
        path: &str,
        body: Option<String>,
    ) -> Result<T, ApiError> {
        let url = [self.base.as_str(), path].concat();
        let result = crate::host::fetch_text(&url, &self.token, body.as_deref(), 20_000).await;
        crate::host::mark("vital-link:api:", path);
        let (status, text) = result.ok_or(ApiError::Network)?;
        if !(200..300).contains(&status) {
            return Err(map_error(status, &text));
        }
        parse_json(&text).ok_or(ApiError::BadResponse { status })
    }

    async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ApiError> {
        self.send(path, None).await
    }

    async fn post<T: DeserializeOwned, B: Serialize>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, ApiError> {
        let body = to_json(body).ok_or(ApiError::Network)?;
        self.send(path, Some(body)).await
    }

    pub async fn team_config(&self) -> Result<TeamLinkConfig, ApiError> {
        self.get("/v2/team/link/config").await
    }

    /// Token info, team config and providers, fetched in parallel.
    pub async fn initial(&self) -> Result<Initial, ApiError> {
        let (info, team, providers) = futures::join!(
            self.get::<LinkTokenInfo>("/v2/link/token/info"),
            self.team_config(),
            self.get::<Vec<LinkProvider>>("/v2/link/providers"),
        );
        Ok(Initial {
            info: info?,
            team: team?,
            providers: providers?,
        })
    }

    pub async fn password(
        &self,
        provider: &str,
        body: &PasswordRequest,
    ) -> Result<FlowResponse, ApiError> {
        self.post(&["/v2/link/provider/password/", provider].concat(), body)
            .await
    }

    pub async fn complete_mfa(
        &self,
        provider: &str,
        code: String,
    ) -> Result<FlowResponse, ApiError> {
        let path = ["/v2/link/provider/password/", provider, "/complete_mfa"].concat();
        self.post(&path, &MfaRequest { mfa_code: code }).await
    }

    pub async fn email(
        &self,
        provider: &str,
        body: &EmailRequest,
    ) -> Result<FlowResponse, ApiError> {
        self.post(&["/v2/link/provider/email/", provider].concat(), body)
            .await
    }

    pub async fn oauth_provider(&self, provider: &str) -> Result<LinkProvider, ApiError> {
        self.get(&["/v2/link/provider/oauth/", provider].concat())
            .await
    }

    pub async fn state(&self) -> Result<LinkStateResponse, ApiError> {
        self.get("/v2/link/state").await
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
    fn non_contract_body_is_bad_response() {
        assert_eq!(
            map_error(502, "<html>bad gateway</html>"),
            ApiError::BadResponse { status: 502 }
        );
    }
}
