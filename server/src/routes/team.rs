//! The team's branding for the widget's agreement screen (link token).

use axum::{extract::State, Json};
use link_contract::{ErrorBody, TeamLinkConfig};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{db::now_ms, error::AppResult, extract::WidgetToken, AppState};

pub fn widget_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(team_config))
}

/// Team name, logo and legal links for the agreement screen.
#[utoipa::path(
    get, path = "/v2/team/link/config", tag = "widget",
    responses(
        (status = 200, description = "The team's Link configuration", body = TeamLinkConfig),
        (status = 400, description = "Missing link token", body = ErrorBody),
        (status = 401, description = "`invalid_token`, `token_expired` or `token_consumed`", body = ErrorBody),
    ),
    security(("link_token" = []))
)]
async fn team_config(
    State(state): State<AppState>,
    WidgetToken(row): WidgetToken,
) -> AppResult<Json<TeamLinkConfig>> {
    row.ensure_usable(now_ms())?;
    let c = &state.config;
    Ok(Json(TeamLinkConfig {
        team_name: c.team_name.clone(),
        logo: Some(
            c.team_logo
                .clone()
                .unwrap_or_else(|| format!("{}/logos/team.svg", state.public_url)),
        ),
        privacy_policy_url: Some(c.privacy_url.clone()),
        terms_url: Some(c.terms_url.clone()),
    }))
}
