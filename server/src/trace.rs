//! Access logs without secrets: the span of a request carries its method and its path with the
//! values of secret-bearing query parameters (`token`, OAuth `code` and `state`, ...) redacted.
//! Headers and bodies are never logged.

use axum::http::{Request, Uri};
use tower_http::{
    trace::{DefaultOnResponse, MakeSpan, TraceLayer},
    LatencyUnit,
};
use tracing::{Level, Span};

const SECRET_PARAMS: &[&str] = &[
    "token",
    "link_token",
    "code",
    "state",
    "api_key",
    "password",
    "mfa_code",
    "client_secret",
    "access_token",
    "refresh_token",
];

/// `path?query` with the values of secret parameters replaced by `[redacted]`.
pub fn redact_uri(uri: &Uri) -> String {
    let path = uri.path();
    let Some(query) = uri.query() else {
        return path.to_string();
    };
    let redacted: Vec<String> = query
        .split('&')
        .map(|pair| {
            let (key, _) = pair.split_once('=').unwrap_or((pair, ""));
            let decoded: String = form_urlencoded::parse(key.as_bytes())
                .next()
                .map(|(k, _)| k.into_owned())
                .unwrap_or_default();
            if SECRET_PARAMS
                .iter()
                .any(|s| decoded.eq_ignore_ascii_case(s))
            {
                format!("{key}=[redacted]")
            } else {
                pair.to_string()
            }
        })
        .collect();
    format!("{path}?{}", redacted.join("&"))
}

#[derive(Clone, Copy)]
pub struct RedactedSpan;

impl<B> MakeSpan<B> for RedactedSpan {
    fn make_span(&mut self, req: &Request<B>) -> Span {
        tracing::info_span!(
            "request",
            method = %req.method(),
            uri = %redact_uri(req.uri()),
        )
    }
}

pub type AccessLog = TraceLayer<
    tower_http::classify::SharedClassifier<tower_http::classify::ServerErrorsAsFailures>,
    RedactedSpan,
    tower_http::trace::DefaultOnRequest,
    DefaultOnResponse,
>;

/// The access-log layer: one line per response at INFO, with the redacted span.
pub fn access_log() -> AccessLog {
    TraceLayer::new_for_http()
        .make_span_with(RedactedSpan)
        .on_response(
            DefaultOnResponse::new()
                .level(Level::INFO)
                .latency_unit(LatencyUnit::Micros),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_secret_parameters_only() {
        let uri: Uri = "/?token=abc&env=sandbox&region=us".parse().unwrap();
        assert_eq!(redact_uri(&uri), "/?token=[redacted]&env=sandbox&region=us");
        let uri: Uri = "/v2/link/connect/fitbit?code=c1&state=v1.a.b"
            .parse()
            .unwrap();
        assert_eq!(
            redact_uri(&uri),
            "/v2/link/connect/fitbit?code=[redacted]&state=[redacted]"
        );
        let uri: Uri = "/x?TOKEN=1&t%6Fken=2&a".parse().unwrap();
        assert_eq!(redact_uri(&uri), "/x?TOKEN=[redacted]&t%6Fken=[redacted]&a");
        let uri: Uri = "/health".parse().unwrap();
        assert_eq!(redact_uri(&uri), "/health");
    }
}
