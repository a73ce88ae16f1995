//! One module per resource; `router` assembles them.

use axum::{
    http::{header, HeaderValue},
    routing::get,
    Json, Router,
};
use serde_json::json;
use tower_http::{
    compression::CompressionLayer, cors::CorsLayer, services::ServeDir,
    set_header::SetResponseHeaderLayer,
};

use crate::AppState;

pub fn router(state: AppState) -> Router {
    // The widget's files are loaded cross-origin by host pages.
    let static_files = Router::new()
        .fallback_service(ServeDir::new(&state.config.static_dir))
        .layer(CorsLayer::new().allow_origin(tower_http::cors::Any))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ));

    Router::new()
        .route("/health", get(health))
        .merge(static_files)
        .layer(CompressionLayer::new())
        .with_state(state)
}

async fn health() -> Json<serde_json::Value> {
    Json(json!({"status": "ok"}))
}
