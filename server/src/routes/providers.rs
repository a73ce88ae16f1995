//! The provider catalog (API key), the widget's provider list (link token) and the logos.

use axum::{
    extract::{Path, State},
    http::{header, HeaderValue},
    response::{IntoResponse, Response},
    Json,
};
use link_contract::{AuthType, CatalogProvider, ErrorBody, LinkProvider};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    db::now_ms,
    error::{AppError, AppResult},
    extract::{ApiKey, WidgetToken},
    sandbox::{self, Provider},
    store::TokenRow,
    AppState,
};

pub fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(all_providers))
}

pub fn widget_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(link_providers))
}

pub fn public_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(logo))
}

/// Absolute URL of a provider's logo (served by this server).
pub fn logo_url(state: &AppState, slug: &str) -> String {
    format!("{}/logos/{slug}.svg", state.public_url)
}

pub fn link_provider(state: &AppState, p: &Provider, oauth_url: Option<String>) -> LinkProvider {
    LinkProvider {
        id: p.id,
        name: p.name.clone(),
        slug: p.slug.clone(),
        description: p.description.clone(),
        logo: logo_url(state, &p.slug),
        auth_type: p.auth_type,
        oauth_url,
        form_components: p.form_components.clone(),
    }
}

/// The provider checks of a flow endpoint, after the token checks: unknown slug → 422; not
/// linkable, not allowed by the token, or of another auth type → 400 `invalid_provider`.
pub fn flow_provider<'a>(
    state: &'a AppState,
    token: &TokenRow,
    slug: &str,
    expected: AuthType,
) -> AppResult<&'a Provider> {
    let Some(p) = state.catalog.get(slug) else {
        return Err(AppError::validation(
            &["path", "provider"],
            format!("unknown provider {slug:?}"),
            "enum",
        ));
    };
    if !p.is_linkable() {
        return Err(AppError::invalid_provider(format!(
            "{} is linked through the mobile SDK, not Link.",
            p.name
        )));
    }
    if !token.allows(slug) {
        return Err(AppError::invalid_provider(format!(
            "This link token does not allow {}.",
            p.name
        )));
    }
    if p.auth_type != expected {
        let kind = match p.auth_type {
            AuthType::Oauth => "an OAuth",
            AuthType::Password => "a password",
            _ => "an email",
        };
        return Err(AppError::invalid_provider(format!(
            "{} is {kind} provider; use its own endpoint.",
            p.name
        )));
    }
    Ok(p)
}

/// The whole catalog, linkable or not.
#[utoipa::path(
    get, path = "/v2/providers", tag = "providers",
    responses(
        (status = 200, description = "Every provider", body = [CatalogProvider]),
        (status = 401, description = "Missing or wrong API key", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
async fn all_providers(State(state): State<AppState>, _key: ApiKey) -> Json<Vec<CatalogProvider>> {
    Json(
        state
            .catalog
            .all()
            .iter()
            .map(|p| CatalogProvider {
                name: p.name.clone(),
                slug: p.slug.clone(),
                description: p.description.clone(),
                logo: logo_url(&state, &p.slug),
                auth_type: p.auth_type,
                supported_resources: p.supported_resources.clone(),
            })
            .collect(),
    )
}

/// The linkable providers the token allows (narrowed by `provider` and `filter_on_providers`).
#[utoipa::path(
    get, path = "/v2/link/providers", tag = "widget",
    responses(
        (status = 200, description = "Linkable providers allowed by the token", body = [LinkProvider]),
        (status = 400, description = "Missing link token", body = ErrorBody),
        (status = 401, description = "`invalid_token`, `token_expired` or `token_consumed`", body = ErrorBody),
    ),
    security(("link_token" = []))
)]
async fn link_providers(
    State(state): State<AppState>,
    WidgetToken(row): WidgetToken,
) -> AppResult<Json<Vec<LinkProvider>>> {
    row.ensure_usable(now_ms())?;
    Ok(Json(
        state
            .catalog
            .all()
            .iter()
            .filter(|p| p.is_linkable() && row.allows(&p.slug))
            .map(|p| link_provider(&state, p, None))
            .collect(),
    ))
}

/// A provider's logo (generated SVG), or the team's default logo as `team.svg`.
#[utoipa::path(
    get, path = "/logos/{file}", tag = "providers",
    params(("file" = String, Path, description = "`<slug>.svg`, or `team.svg`")),
    responses(
        (status = 200, description = "SVG logo", content_type = "image/svg+xml", body = String),
        (status = 404, description = "No such logo", body = ErrorBody),
    )
)]
async fn logo(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let svg = match file.strip_suffix(".svg") {
        Some("team") => Some(sandbox::logo_svg(
            &state.config.team_name,
            "hsl(226, 71%, 40%)",
        )),
        Some(slug) => state
            .catalog
            .get(slug)
            .map(|p| sandbox::logo_svg(&p.name, &p.color)),
        None => None,
    };
    match svg {
        Some(svg) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("image/svg+xml"),
                ),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=86400"),
                ),
                (
                    header::CONTENT_SECURITY_POLICY,
                    HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'"),
                ),
            ],
            svg,
        )
            .into_response(),
        None => AppError::not_found(format!("No logo {file:?}.")).into_response(),
    }
}
