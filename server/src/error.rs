//! One error type for every handler, rendering the bodies of section 3 of the contract.

use axum::{
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use link_contract::{error_code, error_type, LocItem, ValidationErrorBody, ValidationIssue};
use serde_json::json;

#[derive(Debug)]
pub enum AppError {
    /// `{"detail": {"error_type", "error_code", "error_message", ...}}`.
    Link {
        status: StatusCode,
        error_code: &'static str,
        error_type: &'static str,
        message: String,
        /// `detail.user_id` of a duplicate user.
        user_id: Option<String>,
    },
    /// 429 after too many failed API-key checks from one address, with `Retry-After`.
    KeyFailures { retry_after_secs: u64 },
    /// 408: the request (its body included) took longer than `--request-timeout-secs`.
    RequestTimeout,
    /// 422 `{"detail": [{"loc", "msg", "type"}]}`.
    Validation(Vec<ValidationIssue>),
    /// 415: missing or wrong `Content-Type` on a JSON body.
    UnsupportedMediaType,
    /// 405 on a known route.
    MethodNotAllowed,
    /// Anything unexpected: logged, answered with a generic 500.
    Internal(anyhow::Error),
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    fn link(
        status: StatusCode,
        code: &'static str,
        ty: &'static str,
        msg: impl Into<String>,
    ) -> Self {
        AppError::Link {
            status,
            error_code: code,
            error_type: ty,
            message: msg.into(),
            user_id: None,
        }
    }

    pub fn missing_link_token() -> Self {
        Self::link(
            StatusCode::BAD_REQUEST,
            error_code::MISSING_LINK_TOKEN,
            error_type::INVALID_TOKEN,
            "Missing link token: send it in the x-vital-link-token header.",
        )
    }

    pub fn invalid_token() -> Self {
        Self::link(
            StatusCode::UNAUTHORIZED,
            error_code::INVALID_REQUEST,
            error_type::INVALID_TOKEN,
            "Link token is invalid.",
        )
    }

    pub fn invalid_api_key() -> Self {
        Self::link(
            StatusCode::UNAUTHORIZED,
            error_code::INVALID_REQUEST,
            error_type::INVALID_TOKEN,
            "Missing or invalid API key: send the team key in the x-vital-api-key header.",
        )
    }

    pub fn token_expired() -> Self {
        Self::link(
            StatusCode::UNAUTHORIZED,
            error_code::INVALID_REQUEST,
            error_type::TOKEN_EXPIRED,
            "Link token has expired; create a new one.",
        )
    }

    pub fn token_consumed() -> Self {
        Self::link(
            StatusCode::UNAUTHORIZED,
            error_code::INVALID_REQUEST,
            error_type::TOKEN_CONSUMED,
            "Link token has already been used for a connection; create a new one.",
        )
    }

    pub fn invalid_provider(msg: impl Into<String>) -> Self {
        Self::link(
            StatusCode::BAD_REQUEST,
            error_code::INVALID_PROVIDER,
            error_type::INVALID_PROVIDER,
            msg,
        )
    }

    pub fn invalid_user_id() -> Self {
        Self::link(
            StatusCode::BAD_REQUEST,
            error_code::INVALID_USER_ID,
            error_type::INVALID_USER_ID,
            "User id does not exist.",
        )
    }

    pub fn duplicate_user(user_id: String) -> Self {
        AppError::Link {
            status: StatusCode::BAD_REQUEST,
            error_code: error_code::INVALID_REQUEST,
            error_type: error_type::DUPLICATE_USER,
            message: "A user with this client_user_id already exists.".into(),
            user_id: Some(user_id),
        }
    }

    pub fn too_many_attempts() -> Self {
        Self::link(
            StatusCode::TOO_MANY_REQUESTS,
            error_code::RATE_LIMIT_EXCEEDED,
            error_type::TOO_MANY_ATTEMPTS,
            "Too many failed attempts with this link token; create a new one.",
        )
    }

    pub fn too_many_key_failures(retry: std::time::Duration) -> Self {
        AppError::KeyFailures {
            retry_after_secs: retry.as_secs_f64().ceil().max(1.0) as u64,
        }
    }

    pub fn not_found(msg: impl Into<String>) -> Self {
        Self::link(
            StatusCode::NOT_FOUND,
            error_code::NOT_FOUND,
            error_type::NOT_FOUND,
            msg,
        )
    }

    /// A 422 with one problem at `loc` (e.g. `["body", "user_id"]`).
    pub fn validation(loc: &[&str], msg: impl Into<String>, kind: &str) -> Self {
        AppError::Validation(vec![issue(loc, msg, kind)])
    }
}

pub fn issue(loc: &[&str], msg: impl Into<String>, kind: &str) -> ValidationIssue {
    ValidationIssue {
        loc: loc.iter().map(|s| LocItem::Key((*s).to_string())).collect(),
        msg: msg.into(),
        kind: kind.to_string(),
    }
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        AppError::Internal(e.into())
    }
}

impl From<anyhow::Error> for AppError {
    fn from(e: anyhow::Error) -> Self {
        AppError::Internal(e)
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match self {
            AppError::Link {
                status,
                error_code,
                error_type,
                message,
                user_id,
            } => {
                let mut detail = json!({
                    "error_type": error_type,
                    "error_code": error_code,
                    "error_message": message,
                });
                if let Some(id) = user_id {
                    detail["user_id"] = json!(id);
                }
                (status, Json(json!({ "detail": detail }))).into_response()
            }
            AppError::KeyFailures { retry_after_secs } => (
                StatusCode::TOO_MANY_REQUESTS,
                [(header::RETRY_AFTER, retry_after_secs.to_string())],
                Json(json!({"detail": {
                    "error_type": error_type::TOO_MANY_ATTEMPTS,
                    "error_code": error_code::RATE_LIMIT_EXCEEDED,
                    "error_message": format!(
                        "Too many failed API key checks from this address; retry in {retry_after_secs} s."
                    ),
                }})),
            )
                .into_response(),
            AppError::RequestTimeout => (
                StatusCode::REQUEST_TIMEOUT,
                [(header::CONNECTION, "close")],
                Json(json!({"detail": {
                    "error_type": "request_timeout",
                    "error_code": "REQUEST_TIMEOUT",
                    "error_message": "The request took too long to arrive or to answer.",
                }})),
            )
                .into_response(),
            AppError::Validation(detail) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                Json(ValidationErrorBody { detail }),
            )
                .into_response(),
            AppError::UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                Json(json!({"detail": {
                    "error_type": "unsupported_media_type",
                    "error_code": "UNSUPPORTED_MEDIA_TYPE",
                    "error_message": "Expected a JSON body with Content-Type: application/json.",
                }})),
            )
                .into_response(),
            AppError::MethodNotAllowed => (
                StatusCode::METHOD_NOT_ALLOWED,
                Json(json!({"detail": {
                    "error_type": "method_not_allowed",
                    "error_code": "METHOD_NOT_ALLOWED",
                    "error_message": "Method not allowed on this route.",
                }})),
            )
                .into_response(),
            AppError::Internal(e) => {
                tracing::error!(
                    error = %crate::trace::cap(&format!("{e:#}"), 4 * crate::trace::MAX_LOGGED),
                    "internal error"
                );
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    Json(json!({"detail": {
                        "error_type": "internal_error",
                        "error_code": "INTERNAL_ERROR",
                        "error_message": "Internal server error.",
                    }})),
                )
                    .into_response()
            }
        }
    }
}
