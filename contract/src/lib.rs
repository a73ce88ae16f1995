//! Request and response bodies of the Link API (`shared/link-api.md`), shared by the widget and
//! `link-server` so the two cannot drift. Plain serde types: no leptos, no axum.
//!
//! Readers ignore unknown fields (serde's default), as the contract asks.

use serde::{Deserialize, Serialize};

/// Header carrying the link token on widget endpoints.
pub const LINK_TOKEN_HEADER: &str = "x-vital-link-token";
/// Header carrying the team API key on server-side endpoints.
pub const API_KEY_HEADER: &str = "x-vital-api-key";

/// How a provider is linked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AuthType {
    Oauth,
    Password,
    Email,
    /// Mobile SDK only (Apple HealthKit, Health Connect, ...): listed, never linkable on the web.
    Sdk,
    /// Bluetooth devices: listed, never linkable on the web.
    Ble,
}

impl AuthType {
    /// The contract's name (`"oauth"`, `"password"`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            AuthType::Oauth => "oauth",
            AuthType::Password => "password",
            AuthType::Email => "email",
            AuthType::Sdk => "sdk",
            AuthType::Ble => "ble",
        }
    }

    pub fn is_linkable(self) -> bool {
        matches!(self, AuthType::Oauth | AuthType::Password | AuthType::Email)
    }
}

/// `{code, name}` of a region an email/password provider accepts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Region {
    pub code: String,
    pub name: String,
}

/// What the widget draws for a password or email provider. Every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FormComponents {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username_label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instructions: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<Region>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_region: Option<String>,
}

/// An entry of `GET /v2/link/providers` (and `GET /v2/link/provider/oauth/{provider}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinkProvider {
    pub id: i64,
    pub name: String,
    pub slug: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub logo: String,
    pub auth_type: AuthType,
    #[serde(default)]
    pub oauth_url: Option<String>,
    #[serde(default)]
    pub form_components: FormComponents,
}

/// An entry of `GET /v2/providers` (server-side catalog, linkable or not).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CatalogProvider {
    pub name: String,
    pub slug: String,
    pub description: String,
    pub logo: String,
    pub auth_type: AuthType,
    pub supported_resources: Vec<String>,
}

/// `GET /v2/team/link/config`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TeamLinkConfig {
    pub team_name: String,
    #[serde(default)]
    pub logo: Option<String>,
    #[serde(default)]
    pub privacy_policy_url: Option<String>,
    #[serde(default)]
    pub terms_url: Option<String>,
}

/// `GET /v2/link/token/info` (extension): the options the token was created with.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinkTokenInfo {
    #[serde(default)]
    pub provider: Option<String>,
    #[serde(default)]
    pub filter_on_providers: Option<Vec<String>>,
    #[serde(default)]
    pub redirect_url: Option<String>,
    #[serde(default)]
    pub on_error: Option<RedirectPolicy>,
    #[serde(default)]
    pub on_close: Option<RedirectPolicy>,
    /// RFC 3339.
    #[serde(default)]
    pub expires_at: Option<String>,
}

/// `on_error` / `on_close` option of a token: the only value is `"redirect"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RedirectPolicy {
    Redirect,
}

/// `POST /v2/user`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateUserRequest {
    pub client_user_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateUserResponse {
    pub user_id: String,
    pub client_user_id: String,
}

/// `POST /v2/link/token`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateLinkTokenRequest {
    pub user_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter_on_providers: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_error: Option<RedirectPolicy>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_close: Option<RedirectPolicy>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateLinkTokenResponse {
    pub link_token: String,
    pub link_web_url: String,
}

/// `POST /v2/link/token/isValid`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenIsValidRequest {
    pub token: String,
}

/// `POST /v2/link/provider/password/{provider}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordRequest {
    pub username: String,
    pub password: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
}

/// `POST /v2/link/provider/password/{provider}/complete_mfa`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MfaRequest {
    pub mfa_code: String,
}

/// `POST /v2/link/provider/email/{provider}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmailRequest {
    pub email: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
}

/// `state` of a flow response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FlowState {
    Success,
    Error,
    PendingProviderMfa,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MfaMethod {
    Sms,
    Email,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProviderMfa {
    pub method: MfaMethod,
    #[serde(default)]
    pub hint: Option<String>,
}

/// Response of the password, MFA and email endpoints. Outcome errors come back as 200 with
/// `state = error`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FlowResponse {
    pub state: FlowState,
    #[serde(default)]
    pub redirect_url: Option<String>,
    #[serde(default)]
    pub error_type: Option<String>,
    #[serde(default)]
    pub error: Option<String>,
    #[serde(default)]
    pub provider_mfa: Option<ProviderMfa>,
}

/// `state` of `GET /v2/link/state`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LinkState {
    Pending,
    Success,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinkStateResponse {
    pub state: LinkState,
    #[serde(default)]
    pub provider: Option<String>,
    #[serde(default)]
    pub error_type: Option<String>,
    #[serde(default)]
    pub error: Option<String>,
}

/// `detail` of a non-2xx error body `{"detail": {...}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    pub error_type: String,
    pub error_code: String,
    pub error_message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub detail: ErrorDetail,
}

/// `POST /v2/link/token/isValid` response (legacy SDK call).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenIsValidResponse {
    pub valid: bool,
    /// Outcome of the token's latest attempt (as `GET /v2/link/state`); null for an unknown token.
    #[serde(default)]
    pub state: Option<LinkState>,
    /// RFC 3339; null for an unknown token.
    #[serde(default)]
    pub expires_at: Option<String>,
}

/// `status` of a user's connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ConnectionStatus {
    Connected,
    Error,
}

/// An entry of `GET /v2/user/providers/{user_id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserConnection {
    pub name: String,
    pub slug: String,
    #[serde(default)]
    pub logo: String,
    /// RFC 3339.
    pub created_on: String,
    pub status: ConnectionStatus,
    #[serde(default)]
    pub external_user_id: Option<String>,
    #[serde(default)]
    pub error_details: Option<String>,
}

/// `GET /v2/user/providers/{user_id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserProvidersResponse {
    pub providers: Vec<UserConnection>,
}

/// `DELETE /v2/user/{user_id}/{provider}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SuccessResponse {
    pub success: bool,
}

/// `POST /v2/link/connect/demo`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DemoConnectRequest {
    pub user_id: String,
    pub provider: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DemoConnectResponse {
    pub success: bool,
    pub detail: String,
}

/// `POST /demo/token` (extension, only with `--demo`): the demo host backend. Every field is
/// optional; an empty body works.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DemoTokenRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter_on_providers: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_error: Option<RedirectPolicy>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_close: Option<RedirectPolicy>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DemoTokenResponse {
    pub user_id: String,
    pub link_token: String,
    pub link_web_url: String,
}

/// One element of `loc` in a 422 body: a key or an array index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum LocItem {
    Index(u64),
    Key(String),
}

/// One problem of a 422 body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ValidationIssue {
    pub loc: Vec<LocItem>,
    pub msg: String,
    #[serde(rename = "type")]
    pub kind: String,
}

/// 422 body: `{"detail": [{"loc": [...], "msg": "...", "type": "..."}]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ValidationErrorBody {
    pub detail: Vec<ValidationIssue>,
}

/// Error types named by the contract (readers must also accept unknown ones).
pub mod error_type {
    pub const INVALID_TOKEN: &str = "invalid_token";
    pub const TOKEN_EXPIRED: &str = "token_expired";
    pub const TOKEN_CONSUMED: &str = "token_consumed";
    pub const INVALID_PROVIDER: &str = "invalid_provider";
    pub const INVALID_USER_ID: &str = "invalid_user_id";
    pub const DUPLICATE_USER: &str = "duplicate_user";
    pub const TOO_MANY_ATTEMPTS: &str = "too_many_attempts";
    pub const PROVIDER_CREDENTIAL_ERROR: &str = "provider_credential_error";
    pub const PROVIDER_PASSWORD_EXPIRED: &str = "provider_password_expired";
    pub const PROVIDER_API_ERROR: &str = "provider_api_error";
    pub const UNSUPPORTED_REGION: &str = "unsupported_region";
    pub const DUPLICATE_CONNECTION: &str = "duplicate_connection";
    pub const REQUIRED_SCOPES_NOT_GRANTED: &str = "required_scopes_not_granted";
    pub const INCORRECT_MFA_CODE: &str = "incorrect_mfa_code";
    pub const USER_CANCELLED: &str = "user_cancelled";
    pub const NOT_FOUND: &str = "not_found";
}

/// `error_code` values of non-2xx error bodies (the seed's names).
pub mod error_code {
    pub const MISSING_LINK_TOKEN: &str = "MISSING_LINK_TOKEN";
    pub const INVALID_REQUEST: &str = "INVALID_REQUEST";
    pub const INVALID_PROVIDER: &str = "INVALID_PROVIDER";
    pub const INVALID_USER_ID: &str = "INVALID_USER_ID";
    pub const INVALID_CREDENTIALS: &str = "INVALID_CREDENTIALS";
    pub const RATE_LIMIT_EXCEEDED: &str = "RATE_LIMIT_EXCEEDED";
    pub const NOT_FOUND: &str = "NOT_FOUND";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flow_response_reads_mfa_and_ignores_unknown_fields() {
        let r: FlowResponse = serde_json::from_str(
            r#"{"state":"pending_provider_mfa","redirect_url":null,"error_type":null,
                "error":null,"provider_mfa":{"method":"sms","hint":"•••• 1234"},"extra":1}"#,
        )
        .unwrap();
        assert_eq!(r.state, FlowState::PendingProviderMfa);
        assert_eq!(r.provider_mfa.unwrap().method, MfaMethod::Sms);
    }

    #[test]
    fn token_request_omits_absent_options() {
        let body = serde_json::to_string(&CreateLinkTokenRequest {
            user_id: "u".into(),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(body, r#"{"user_id":"u"}"#);
    }

    #[test]
    fn auth_type_linkability() {
        assert!(AuthType::Oauth.is_linkable());
        assert!(!AuthType::Ble.is_linkable());
        let t: AuthType = serde_json::from_str("\"password\"").unwrap();
        assert_eq!(t, AuthType::Password);
    }
}
