//! Demo connections (`POST /v2/link/connect/demo`, API key, always on) and, with `--demo`, the
//! demo host page with its token route, which plays the host backend for the demo and e2e tests.

use axum::{
    body::Bytes,
    extract::State,
    http::{header, HeaderMap, HeaderValue},
    response::{IntoResponse, Response},
    Json,
};
use link_contract::{
    CreateLinkTokenRequest, DemoConnectRequest, DemoConnectResponse, DemoTokenRequest,
    DemoTokenResponse, ErrorBody, ValidationErrorBody,
};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    error::{AppError, AppResult},
    extract::{parse_json, parse_json_any, ApiKey},
    routes::{
        tokens::{check_options, create_token_record},
        users::create_user_record,
    },
    sandbox::{self, DEMO_PROVIDERS},
    secrets, AppState,
};

/// CSP of the demo pages: no inline script or style.
pub const DEMO_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
                            style-src 'self'; img-src 'self' data:; connect-src 'self'";

const DEMO_HTML: &str = include_str!("../../assets/demo.html");
const DEMO_JS: &str = include_str!("../../assets/demo.js");
const DEMO_CSS: &str = include_str!("../../assets/demo.css");

pub fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(connect_demo))
}

/// The demo pages (no CORS needed: same origin).
pub fn page_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(demo_page))
        .routes(routes!(demo_js))
        .routes(routes!(demo_css))
}

/// The demo token route (CORS like widget endpoints).
pub fn token_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(demo_token))
}

/// Create a demo connection for a user.
#[utoipa::path(
    post, path = "/v2/link/connect/demo", tag = "users",
    request_body = DemoConnectRequest,
    responses(
        (status = 200, description = "The demo connection was recorded", body = DemoConnectResponse),
        (status = 400, description = "`invalid_user_id`, or `invalid_provider` (not a demo provider: apple_health_kit, fitbit, freestyle_libre, oura)", body = ErrorBody),
        (status = 401, description = "Missing or wrong API key", body = ErrorBody),
        (status = 415, description = "Not a JSON body", body = ErrorBody),
        (status = 422, description = "Invalid body", body = ValidationErrorBody),
    ),
    security(("api_key" = []))
)]
async fn connect_demo(
    State(state): State<AppState>,
    _key: ApiKey,
    headers: HeaderMap,
    body: Bytes,
) -> AppResult<Json<DemoConnectResponse>> {
    let req: DemoConnectRequest = parse_json(&headers, &body)?;
    let user_id = uuid::Uuid::parse_str(&req.user_id)
        .map_err(|_| {
            AppError::validation(
                &["body", "user_id"],
                "user_id must be a UUID",
                "uuid_parsing",
            )
        })?
        .to_string();
    let Some(provider) = state.catalog.get(&req.provider) else {
        return Err(AppError::validation(
            &["body", "provider"],
            format!("unknown provider {:?}", req.provider),
            "enum",
        ));
    };
    if !state.store.user_exists(&user_id).await? {
        return Err(AppError::invalid_user_id());
    }
    if !DEMO_PROVIDERS.contains(&provider.slug.as_str()) {
        return Err(AppError::invalid_provider(format!(
            "{} has no demo connection; demo providers: {}.",
            provider.name,
            DEMO_PROVIDERS.join(", ")
        )));
    }
    let external = sandbox::external_user_id(&provider.slug, &format!("demo:{user_id}"));
    state
        .store
        .upsert_connection(&user_id, &provider.slug, &external, None)
        .await?;
    Ok(Json(DemoConnectResponse {
        success: true,
        detail: format!("Demo connection to {} created.", provider.name),
    }))
}

fn demo_asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(DEMO_CSP),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        body,
    )
        .into_response()
}

/// Demo host page (only with `--demo`).
#[utoipa::path(get, path = "/demo", tag = "demo",
    responses((status = 200, description = "HTML", content_type = "text/html", body = String)))]
async fn demo_page() -> Response {
    demo_asset("text/html; charset=utf-8", DEMO_HTML)
}

/// Script of the demo host page (only with `--demo`).
#[utoipa::path(get, path = "/demo/demo.js", tag = "demo",
    responses((status = 200, description = "JavaScript", content_type = "text/javascript", body = String)))]
async fn demo_js() -> Response {
    demo_asset("text/javascript; charset=utf-8", DEMO_JS)
}

/// Stylesheet of the demo host page (only with `--demo`).
#[utoipa::path(get, path = "/demo/demo.css", tag = "demo",
    responses((status = 200, description = "CSS", content_type = "text/css", body = String)))]
async fn demo_css() -> Response {
    demo_asset("text/css; charset=utf-8", DEMO_CSS)
}

/// Demo host backend (only with `--demo`, no API key): a fresh user and a link token for it,
/// through the same code as `POST /v2/user` and `POST /v2/link/token`. Any body field may be
/// left out; an empty body works.
#[utoipa::path(
    post, path = "/demo/token", tag = "demo",
    request_body(content = Option<DemoTokenRequest>, description = "Optional; `{}` or empty"),
    responses(
        (status = 200, description = "The user and its link token", body = DemoTokenResponse),
        (status = 400, description = "`duplicate_user` (a given client_user_id already exists) or `invalid_provider`", body = ErrorBody),
        (status = 422, description = "Invalid body", body = ValidationErrorBody),
    )
)]
async fn demo_token(
    State(state): State<AppState>,
    body: Bytes,
) -> AppResult<Json<DemoTokenResponse>> {
    let req: DemoTokenRequest =
        if body.iter().all(u8::is_ascii_whitespace) || body.trim_ascii() == b"null" {
            DemoTokenRequest::default()
        } else {
            parse_json_any(&body)?
        };
    let options = CreateLinkTokenRequest {
        user_id: String::new(),
        provider: req.provider,
        redirect_url: req.redirect_url,
        filter_on_providers: req.filter_on_providers,
        on_error: req.on_error,
        on_close: req.on_close,
    };
    check_options(&state, &options)?;
    let client_user_id = req
        .client_user_id
        .clone()
        .unwrap_or_else(|| format!("demo-{}", secrets::random_id(12)));
    let user = create_user_record(&state, &client_user_id).await?;
    let token = create_token_record(
        &state,
        &CreateLinkTokenRequest {
            user_id: user.user_id.clone(),
            ..options
        },
    )
    .await?;
    Ok(Json(DemoTokenResponse {
        user_id: user.user_id,
        link_token: token.link_token,
        link_web_url: token.link_web_url,
    }))
}
