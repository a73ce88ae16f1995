//! The widget's release build (`--static-dir`, trunk's `dist`): the hosted page at `/` and every
//! other file, precompressed or compressed on the fly, with `Access-Control-Allow-Origin: *`
//! (host pages load them cross-origin). Unknown paths end in the JSON 404.

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
    OpenApiRouter::new().routes(routes!(hosted_page))
}

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
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
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
