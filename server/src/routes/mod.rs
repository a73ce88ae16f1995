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
    let doc = Arc::new(doc);
    let fallback = ServiceBuilder::new()
        .layer(static_cors())
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .service(static_files::serve_dir(&state));

    routes
        .fallback_service(fallback)
        .layer(axum::middleware::map_response(json_405))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(Extension(doc))
        .layer(CompressionLayer::new())
        .layer(access_log())
        .with_state(state)
}

/// axum's bare 405 (a known route, another method) and 413 (a body over `BODY_LIMIT`) as JSON
/// errors. Done as a response map
/// rather than a method-not-allowed fallback, which would bypass the widget routes' CORS layer
/// on preflight requests.
async fn json_405(res: Response) -> Response {
    if res.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE
        && !res
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(b"application/json"))
    {
        return (
            axum::http::StatusCode::PAYLOAD_TOO_LARGE,
            Json(json!({"detail": {
                "error_type": "payload_too_large",
                "error_code": "PAYLOAD_TOO_LARGE",
                "error_message": format!("The request body is larger than {} KiB.", BODY_LIMIT / 1024),
            }})),
        )
            .into_response();
    }
    if res.status() == axum::http::StatusCode::METHOD_NOT_ALLOWED
        && !res.headers().contains_key(header::CONTENT_TYPE)
    {
        let allow = res.headers().get(header::ALLOW).cloned();
        let mut json = AppError::MethodNotAllowed.into_response();
        if let Some(allow) = allow {
            json.headers_mut().insert(header::ALLOW, allow);
        }
        return json;
    }
    res
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
async fn openapi_json(Extension(doc): Extension<Arc<utoipa::openapi::OpenApi>>) -> Response {
    Json(doc.as_ref().clone()).into_response()
}
