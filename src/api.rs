//! All I/O with the Link API. Every failure becomes one typed [`ApiError`].

use link_contract::{ErrorBody, TeamLinkConfig, LINK_TOKEN_HEADER};
use serde::de::DeserializeOwned;

/// A failed call, in the contract's terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// The server answered with the contract's error body.
    Link {
        status: u16,
        error_type: String,
        message: String,
    },
    /// No answer (server down, CORS, offline).
    Network,
    /// An answer that is not what the contract says.
    BadResponse { status: u16 },
}

impl ApiError {
    /// The contract's `error_type` for callbacks and events.
    pub fn error_type(&self) -> &str {
        match self {
            ApiError::Link { error_type, .. } => error_type,
            ApiError::Network | ApiError::BadResponse { .. } => "provider_api_error",
        }
    }
}

/// Maps a non-2xx response to an [`ApiError`].
pub fn map_error(status: u16, body: &str) -> ApiError {
    match serde_json::from_str::<ErrorBody>(body) {
        Ok(b) => ApiError::Link {
            status,
            error_type: b.detail.error_type,
            message: b.detail.error_message,
        },
        Err(_) => ApiError::BadResponse { status },
    }
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

    async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ApiError> {
        let resp = gloo_net::http::Request::get(&format!("{}{}", self.base, path))
            .header(LINK_TOKEN_HEADER, &self.token)
            .send()
            .await
            .map_err(|_| ApiError::Network)?;
        let status = resp.status();
        let body = resp.text().await.map_err(|_| ApiError::Network)?;
        if !(200..300).contains(&status) {
            return Err(map_error(status, &body));
        }
        serde_json::from_str(&body).map_err(|_| ApiError::BadResponse { status })
    }

    pub async fn team_config(&self) -> Result<TeamLinkConfig, ApiError> {
        self.get("/v2/team/link/config").await
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
        assert!(matches!(e, ApiError::Link { status: 401, .. }));
    }

    #[test]
    fn non_contract_body_is_bad_response() {
        assert_eq!(
            map_error(502, "<html>bad gateway</html>"),
            ApiError::BadResponse { status: 502 }
        );
    }
}
