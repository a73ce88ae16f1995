//! One module per resource; `router` assembles them with their CORS policy:
//! - API-key endpoints (users, tokens, catalog, demo connections): no CORS headers at all;
//! - widget endpoints (link token) and the demo token route: any origin, `x-vital-link-token`;
//! - the widget's static files and logos: `Access-Control-Allow-Origin: *`;
//! - the OAuth pages: none needed (top-level navigations), and never `Cross-Origin-Opener-Policy`.

pub mod demo;
pub mod flows;
pub mod oauth;
pub mod providers;
pub mod static_files;
pub mod team;
pub mod tokens;
pub mod users;

use std::{sync::Arc, time::Duration};

use axum::{
    extract::{DefaultBodyLimit, State},
    http::{header, HeaderName, HeaderValue, Method},
    response::{IntoResponse, Response},
    Extension, Json, Router,
};
use serde_json::json;
use tower::ServiceBuilder;
use tower_http::{
    compression::CompressionLayer,
    cors::{Any, CorsLayer},
    set_header::SetResponseHeaderLayer,
};
use utoipa::OpenApi;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{error::AppError, openapi::ApiDoc, trace::access_log, AppState};

/// Largest request body accepted (64 KiB); a larger one is answered 413 `payload_too_large`.
pub const BODY_LIMIT: usize = 64 * 1024;

/// CORS of the widget endpoints: any origin, the link-token header, no credentials.
fn widget_cors() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([
            header::CONTENT_TYPE,
            HeaderName::from_static(link_contract::LINK_TOKEN_HEADER),
        ])
        .max_age(Duration::from_secs(600))
}

/// CORS of static files and logos.
fn static_cors() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::HEAD])
}

/// The documented routes, as an `OpenApiRouter` (also used by tests of the document).
pub fn api(demo: bool) -> OpenApiRouter<AppState> {
    let api_key = OpenApiRouter::new()
        .merge(users::api_routes())
        .merge(tokens::api_routes())
        .merge(providers::api_routes())
        .merge(demo::api_routes());

    let mut widget = OpenApiRouter::new()
        .merge(tokens::widget_routes())
        .merge(team::widget_routes())
        .merge(providers::widget_routes())
        .merge(flows::widget_routes())
        .merge(oauth::widget_routes());
    if demo {
        widget = widget.merge(demo::token_routes());
    }

    let assets = OpenApiRouter::new()
        .merge(providers::public_routes())
        .merge(static_files::routes())
        .layer(static_cors());

    let mut pages = OpenApiRouter::new()
        .merge(oauth::public_routes())
        .routes(routes!(health))
        .routes(routes!(openapi_json));
    if demo {
        pages = pages.merge(demo::page_routes());
    }

    // Answers carry tokens and personal data: never cached.
    let no_store = || {
        SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        )
    };
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(api_key.layer(no_store()))
        .merge(widget.layer(no_store()).layer(widget_cors()))
        .merge(assets)
        .merge(pages)
}

pub fn router(state: AppState) -> Router {
    let (routes, doc) = api(state.config.demo).split_for_parts();
    let doc = Arc::new(crate::openapi::refine(&doc, &state.catalog));
    let fallback = ServiceBuilder::new()
        .layer(static_cors())
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(axum::middleware::from_fn(no_disk_for_api_paths))
        .layer(axum::middleware::from_fn(typescript_as_text))
        .service(static_files::serve_dir(&state));

    let request_timeout = Duration::from_secs(state.config.request_timeout_secs);
    routes
        .fallback_service(fallback)
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            request_timeout,
        ))
        .layer(axum::middleware::from_fn(json_errors))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(Extension(doc))
        .layer(CompressionLayer::new())
        .layer(access_log())
        .with_state(state)
}

/// In front of the static files: an unknown `/v2/` route, or a path with a segment longer than
/// a file name can be, is a JSON 404 (its path capped) without a look at the disk (where a
/// 30 KB name would be an I/O error, and the echoed path a 30 KB body).
async fn no_disk_for_api_paths(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let path = req.uri().path();
    if path.starts_with("/v2/") || path.split('/').any(|seg| seg.len() > 255) {
        return AppError::not_found(format!(
            "No route for {} {}.",
            req.method(),
            crate::trace::cap(path, crate::trace::MAX_LOGGED)
        ))
        .into_response();
    }
    next.run(req).await
}

/// `initialize.d.ts` (the host API's TypeScript types) as text: by its extension it would be
/// `video/mp2t`.
async fn typescript_as_text(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let ts = req.uri().path().ends_with(".d.ts");
    let mut res = next.run(req).await;
    if ts && res.status().is_success() {
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        );
    }
    res
}

fn is_json(res: &Response) -> bool {
    res.headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"))
}

/// Error answers that axum, tower-http or hyper's service layer write as bare text (or no
/// body), turned into the contract's `{"detail": {...}}` JSON: 405 (a known route, another
/// method), 408 (`--request-timeout-secs`), 413 (a body over `BODY_LIMIT`) anywhere, and under
/// `/v2/` every other error too (e.g. a path parameter that is not valid UTF-8 once decoded,
/// `/v2/link/provider/oauth/%FF`). Done around the router rather than as a method-not-allowed
/// fallback, which would bypass the widget routes' CORS layer on preflight requests.
async fn json_errors(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let api = req.uri().path().starts_with("/v2/");
    let res = next.run(req).await;
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) || is_json(&res) {
        return res;
    }
    match status {
        axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
            return (
                status,
                Json(json!({"detail": {
                    "error_type": "payload_too_large",
                    "error_code": "PAYLOAD_TOO_LARGE",
                    "error_message": format!("The request body is larger than {} KiB.", BODY_LIMIT / 1024),
                }})),
            )
                .into_response();
        }
        axum::http::StatusCode::REQUEST_TIMEOUT => {
            return AppError::RequestTimeout.into_response();
        }
        axum::http::StatusCode::METHOD_NOT_ALLOWED => {
            let allow = res.headers().get(header::ALLOW).cloned();
            let mut json = AppError::MethodNotAllowed.into_response();
            if let Some(allow) = allow {
                json.headers_mut().insert(header::ALLOW, allow);
            }
            return json;
        }
        _ if !api => return res,
        _ => {}
    }
    // A rejection's text (capped) as the message; the status is kept.
    let (parts, body) = res.into_parts();
    let text = axum::body::to_bytes(body, 4096).await.unwrap_or_default();
    let text = String::from_utf8_lossy(&text);
    let text = text.trim();
    // axum's `Path` rejection (a parameter that is not valid UTF-8 once percent-decoded, or
    // does not parse): the contract's 422, at `["path", name]`.
    if status == axum::http::StatusCode::BAD_REQUEST && text.starts_with("Invalid URL") {
        let name = text.split('`').nth(1).unwrap_or("").to_string();
        let mut loc = vec!["path"];
        if !name.is_empty() && name.len() <= 64 {
            loc.push(name.as_str());
        }
        let mut json = AppError::validation(
            &loc,
            crate::trace::cap(text, crate::trace::MAX_LOGGED),
            "value_error",
        )
        .into_response();
        for (name, v) in parts.headers.iter() {
            if name.as_str().starts_with("access-control-") || name == header::VARY {
                json.headers_mut().insert(name.clone(), v.clone());
            }
        }
        return json;
    }
    let message = if text.is_empty() {
        status.canonical_reason().unwrap_or("Error").to_string()
    } else {
        crate::trace::cap(text, crate::trace::MAX_LOGGED).into_owned()
    };
    let (error_type, error_code) = match status {
        axum::http::StatusCode::NOT_FOUND => ("not_found", "NOT_FOUND"),
        axum::http::StatusCode::BAD_REQUEST => ("invalid_request", "INVALID_REQUEST"),
        axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            ("unsupported_media_type", "UNSUPPORTED_MEDIA_TYPE")
        }
        _ if status.is_server_error() => ("internal_error", "INTERNAL_ERROR"),
        _ => ("invalid_request", "INVALID_REQUEST"),
    };
    let mut json = (
        status,
        Json(json!({"detail": {
            "error_type": error_type,
            "error_code": error_code,
            "error_message": message,
        }})),
    )
        .into_response();
    for name in [header::ALLOW, header::RETRY_AFTER] {
        if let Some(v) = parts.headers.get(&name) {
            json.headers_mut().insert(name, v.clone());
        }
    }
    // Keep the CORS headers the widget routes' layer added.
    for (name, v) in parts.headers.iter() {
        if name.as_str().starts_with("access-control-") || name == header::VARY {
            json.headers_mut().insert(name.clone(), v.clone());
        }
    }
    json
}

/// Liveness.
#[utoipa::path(get, path = "/health", tag = "server",
    responses((status = 200, description = "`{\"status\": \"ok\"}`")))]
async fn health(State(state): State<AppState>) -> Response {
    match state.store.ping().await {
        Ok(_) => Json(json!({"status": "ok"})).into_response(),
        Err(e) => AppError::Internal(e.into()).into_response(),
    }
}

/// This document.
#[utoipa::path(get, path = "/openapi.json", tag = "server",
    responses((status = 200, description = "OpenAPI 3 document of every endpoint")))]
async fn openapi_json(Extension(doc): Extension<Arc<serde_json::Value>>) -> Response {
    Json(doc.as_ref()).into_response()
}
