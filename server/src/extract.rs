//! Extractors: the team API key, the link token, and JSON bodies with the contract's 415/422.

use axum::{
    extract::FromRequestParts,
    http::{header, request::Parts, HeaderMap},
};
use link_contract::{LocItem, ValidationIssue, API_KEY_HEADER, LINK_TOKEN_HEADER};
use serde::de::DeserializeOwned;

use crate::{
    error::{AppError, AppResult},
    secrets,
    store::TokenRow,
    AppState,
};

/// Proof that the request carried the team API key (compared in constant time).
pub struct ApiKey;

impl FromRequestParts<AppState> for ApiKey {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let ip = parts
            .extensions
            .get::<crate::conn::Peer>()
            .map(|p| p.0.ip())
            .unwrap_or(std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED));
        if let Err(retry) = state.key_failures.check(ip) {
            return Err(AppError::too_many_key_failures(retry));
        }
        let given = parts
            .headers
            .get(API_KEY_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if !given.is_empty() && secrets::api_key_matches(given, &state.config.api_key) {
            Ok(ApiKey)
        } else {
            state.key_failures.fail(ip);
            Err(AppError::invalid_api_key())
        }
    }
}

/// The link token of a widget request, found by its hash: 400 when the header is missing, 401
/// `invalid_token` when unknown or malformed. Expiry, consumption and lockout are left to the
/// handler (their order and applicability differ per endpoint).
pub struct WidgetToken(pub TokenRow);

impl FromRequestParts<AppState> for WidgetToken {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Some(value) = parts.headers.get(LINK_TOKEN_HEADER) else {
            return Err(AppError::missing_link_token());
        };
        let token = value
            .to_str()
            .map_err(|_| AppError::invalid_token())?
            .trim();
        if token.is_empty() {
            return Err(AppError::missing_link_token());
        }
        if !secrets::looks_like_token(token) {
            return Err(AppError::invalid_token());
        }
        match state
            .store
            .token_by_hash(&secrets::sha256_hex(token))
            .await?
        {
            Some(row) => Ok(WidgetToken(row)),
            None => Err(AppError::invalid_token()),
        }
    }
}

fn is_json(headers: &HeaderMap) -> bool {
    let Some(ct) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// Parses a JSON body: 415 without a JSON `Content-Type`, 422 on malformed JSON or wrong types.
pub fn parse_json<T: DeserializeOwned>(headers: &HeaderMap, body: &[u8]) -> AppResult<T> {
    if !is_json(headers) {
        return Err(AppError::UnsupportedMediaType);
    }
    parse_json_any(body)
}

/// Body fields whose values are secrets: a 422 about one of them names the expected type only,
/// never the value received (serde's messages quote integers, floats, booleans and strings).
pub const SECRET_FIELDS: &[&str] = &[
    "password",
    "mfa_code",
    "token",
    "link_token",
    "api_key",
    "client_secret",
    "code",
    "code_verifier",
];

/// serde's message without the value it quotes: `invalid type: integer `987654`, expected a
/// string` → `invalid type: expected a string`.
fn without_value(msg: &str, kind: &str) -> String {
    let expected = msg
        .split_once(", expected ")
        .map(|(_, e)| e)
        .map(|e| e.split(" at line ").next().unwrap_or(e));
    match (kind, expected) {
        ("type_error", Some(e)) => format!("invalid type: expected {e}"),
        (_, Some(e)) => format!("invalid value: expected {e}"),
        ("type_error", None) => "invalid type".to_string(),
        _ => "invalid value".to_string(),
    }
}

/// Parses a JSON body whatever its `Content-Type`, with the contract's 422 bodies.
pub fn parse_json_any<T: DeserializeOwned>(body: &[u8]) -> AppResult<T> {
    // Every request body is an object: serde would also take a struct from an array of its
    // fields in order (`[null, null]`), which the documented schema does not allow.
    if body.trim_ascii_start().first() == Some(&b'[') {
        return Err(AppError::validation(
            &["body"],
            "invalid type: expected a JSON object",
            "type_error",
        ));
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Ok(v) => v,
        Err(e) => {
            let mut loc = vec![LocItem::Key("body".into())];
            for seg in e.path().iter() {
                match seg {
                    serde_path_to_error::Segment::Seq { index } => {
                        loc.push(LocItem::Index(*index as u64))
                    }
                    serde_path_to_error::Segment::Map { key } => {
                        loc.push(LocItem::Key(key.clone()))
                    }
                    serde_path_to_error::Segment::Enum { variant } => {
                        loc.push(LocItem::Key(variant.clone()))
                    }
                    serde_path_to_error::Segment::Unknown => {}
                }
            }
            let secret = loc
                .iter()
                .any(|l| matches!(l, LocItem::Key(k) if SECRET_FIELDS.contains(&k.as_str())));
            let inner = e.into_inner();
            let mut msg = inner.to_string();
            let kind = match inner.classify() {
                serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
                    "json_invalid"
                }
                serde_json::error::Category::Io => "json_invalid",
                serde_json::error::Category::Data => {
                    if let Some(field) = msg
                        .strip_prefix("missing field `")
                        .and_then(|rest| rest.split('`').next())
                    {
                        loc.push(LocItem::Key(field.to_string()));
                        "missing"
                    } else if msg.starts_with("invalid type") {
                        "type_error"
                    } else if msg.starts_with("unknown variant") {
                        "enum"
                    } else {
                        "value_error"
                    }
                }
            };
            if secret && kind != "missing" && kind != "json_invalid" {
                msg = without_value(&msg, kind);
            }
            return Err(AppError::Validation(vec![ValidationIssue {
                loc,
                msg,
                kind: kind.to_string(),
            }]));
        }
    };
    if de.end().is_err() {
        return Err(AppError::validation(
            &["body"],
            "trailing characters after the JSON value",
            "json_invalid",
        ));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use link_contract::CreateLinkTokenRequest;

    fn json_headers() -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::CONTENT_TYPE,
            "application/json; charset=utf-8".parse().unwrap(),
        );
        h
    }

    fn issues(r: AppResult<CreateLinkTokenRequest>) -> Vec<ValidationIssue> {
        match r {
            Err(AppError::Validation(v)) => v,
            other => panic!("expected 422, got {other:?}"),
        }
    }

    #[test]
    fn content_type_is_required() {
        let r: AppResult<CreateLinkTokenRequest> = parse_json(&HeaderMap::new(), b"{}");
        assert!(matches!(r, Err(AppError::UnsupportedMediaType)));
        let mut h = HeaderMap::new();
        h.insert(header::CONTENT_TYPE, "text/plain".parse().unwrap());
        let r: AppResult<CreateLinkTokenRequest> = parse_json(&h, b"{}");
        assert!(matches!(r, Err(AppError::UnsupportedMediaType)));
    }

    #[test]
    fn validation_locations() {
        let v = issues(parse_json(&json_headers(), b"{"));
        assert_eq!(v[0].kind, "json_invalid");
        let v = issues(parse_json(&json_headers(), b"{}"));
        assert_eq!(v[0].kind, "missing");
        assert_eq!(
            v[0].loc,
            vec![LocItem::Key("body".into()), LocItem::Key("user_id".into())]
        );
        let v = issues(parse_json(&json_headers(), br#"{"user_id": 5}"#));
        assert_eq!(v[0].kind, "type_error");
        assert_eq!(v[0].loc[1], LocItem::Key("user_id".into()));
        let v = issues(parse_json(
            &json_headers(),
            br#"{"user_id":"u","filter_on_providers":["a",1]}"#,
        ));
        assert_eq!(v[0].loc[2], LocItem::Index(1));
        let v = issues(parse_json(
            &json_headers(),
            br#"{"user_id":"u","on_error":"close"}"#,
        ));
        assert_eq!(v[0].kind, "enum");
        let v = issues(parse_json(&json_headers(), br#"{"user_id":"u"} x"#));
        assert_eq!(v[0].kind, "json_invalid");
        let ok: CreateLinkTokenRequest =
            parse_json(&json_headers(), br#"{"user_id":"u","x":1}"#).unwrap();
        assert_eq!(ok.user_id, "u");
    }
}
