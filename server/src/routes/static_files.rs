//! The widget's release build (`--static-dir`, trunk's `dist`): the hosted page at `/`, the same
//! page for iframe isolation at `/embed`, and every other file, precompressed or compressed on
//! the fly, with `Access-Control-Allow-Origin: *` (host pages load them cross-origin). Unknown
//! paths end in the JSON 404.

use std::convert::Infallible;

use axum::{
    body::Body,
    extract::{Request, State},
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use serde_json::json;
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{error::AppError, AppState};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(hosted_page))
        .routes(routes!(embed_page))
}

/// The page's policy: its own scripts and the wasm only, API calls to this origin, images from
/// here or https (team and provider logos), no plugins, no `<base>`, no form posts.
const PAGE_CSP: &str = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; \
    connect-src 'self'; img-src 'self' https: data:; style-src 'self'; base-uri 'none'; \
    form-action 'none'; object-src 'none'";

/// The hosted widget page (`link_web_url`): `index.html` of the widget build, with
/// `Referrer-Policy: no-referrer` (its URL carries the token). 503 while the build is missing.
#[utoipa::path(
    get, path = "/", tag = "server",
    params(
        ("token" = Option<String>, Query, description = "Link token"),
        ("env" = Option<String>, Query, description = "sandbox | production"),
        ("region" = Option<String>, Query, description = "us | eu"),
    ),
    responses(
        (status = 200, description = "The hosted widget page", content_type = "text/html", body = String),
        (status = 503, description = "The widget build is missing", body = link_contract::ErrorBody),
    )
)]
async fn hosted_page(State(state): State<AppState>, req: Request) -> Response {
    // Top-level only: a framed hosted page could be click-jacked into linking a victim's
    // account to someone else's token.
    page(&state, req, "'none'").await
}

/// The widget page that `initialize.js` frames in iframe isolation: the same `index.html`, which
/// starts embedded (no token in its URL; the host page hands it over a `MessageChannel`). It may
/// be framed by the origins of `--frame-ancestors`.
#[utoipa::path(
    get, path = "/embed", tag = "server",
    responses(
        (status = 200, description = "The widget page for iframe isolation", content_type = "text/html", body = String),
        (status = 503, description = "The widget build is missing", body = link_contract::ErrorBody),
    )
)]
async fn embed_page(State(state): State<AppState>, req: Request) -> Response {
    let ancestors = state.config.frame_ancestors.as_deref().unwrap_or("'none'");
    page(&state, req, ancestors).await
}

async fn page(state: &AppState, req: Request, frame_ancestors: &str) -> Response {
    let index = state.config.static_dir.join("index.html");
    if !tokio::fs::metadata(&index).await.is_ok_and(|m| m.is_file()) {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({"detail": {
                "error_type": "widget_build_missing",
                "error_code": "WIDGET_BUILD_MISSING",
                "error_message": format!(
                    "The widget build is missing: {} not found. Build it (scripts/build-widget.sh) \
                     or point --static-dir at it.",
                    index.display()
                ),
            }})),
        )
            .into_response();
    }
    let mut res = match ServeFile::new(index)
        .precompressed_br()
        .precompressed_gzip()
        .oneshot(req)
        .await
    {
        Ok(r) => r.map(Body::new),
        Err(e) => match e {},
    };
    let h = res.headers_mut();
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // The value was checked at start (config::frame_ancestors): always a valid header.
    if let Ok(csp) =
        HeaderValue::from_str(&format!("{PAGE_CSP}; frame-ancestors {frame_ancestors}"))
    {
        h.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    res
}

async fn not_found(req: Request) -> Result<Response, Infallible> {
    Ok(AppError::not_found(format!(
        "No route for {} {}.",
        req.method(),
        req.uri().path()
    ))
    .into_response())
}

/// Every other file of the build; anything else (any method) is the JSON 404.
pub fn serve_dir(state: &AppState) -> StaticFiles {
    ServeDir::new(&state.config.static_dir)
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(false)
        .call_fallback_on_method_not_allowed(true)
        .fallback(tower::service_fn(
            not_found_boxed as fn(Request) -> NotFoundFuture,
        ))
}

pub type StaticFiles = ServeDir<tower::util::ServiceFn<fn(Request) -> NotFoundFuture>>;

pub type NotFoundFuture =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<Response, Infallible>> + Send>>;

fn not_found_boxed(req: Request) -> NotFoundFuture {
    Box::pin(not_found(req))
}
