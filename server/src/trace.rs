//! Access logs without secrets: the span of a request carries its method and its path with the
//! values of secret-bearing query parameters (`token`, OAuth `code` and `state`, ...) redacted.
//! Headers and bodies are never logged. Every logged value that a client controls is cut to
//! `MAX_LOGGED` bytes (on a character boundary, marked `…[+N bytes]`), so that one request
//! cannot write a 64 KB log line.

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

/// Longest client-controlled value written to a log line, in bytes (before the cut mark).
pub const MAX_LOGGED: usize = 256;

/// `s` cut to at most `max` bytes on a character boundary, followed by `…[+N bytes]` (the
/// bytes left out) when cut.
pub fn cap(s: &str, max: usize) -> std::borrow::Cow<'_, str> {
    if s.len() <= max {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    std::borrow::Cow::Owned(format!("{}…[+{} bytes]", &s[..end], s.len() - end))
}

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
            uri = %cap(&redact_uri(req.uri()), MAX_LOGGED),
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
    fn long_values_are_cut_on_a_char_boundary() {
        assert_eq!(cap("short", 256), "short");
        let long = "a".repeat(300);
        assert_eq!(cap(&long, 256), format!("{}…[+44 bytes]", "a".repeat(256)));
        // "é" is 2 bytes: a cut at 255 bytes would split the 128th.
        let accents = "é".repeat(200);
        let cut = cap(&accents, 255);
        assert!(cut.starts_with(&"é".repeat(127)));
        assert!(cut.ends_with("…[+146 bytes]"), "{cut}");
    }

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
