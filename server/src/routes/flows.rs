//! Password, MFA and email flows (link token). Outcome errors are 200 with `state: "error"`.
//!
//! Each attempt is settled in one store transaction that re-reads (and locks) the token, so
//! that of concurrent successes, on any number of instances, exactly one records a connection
//! (the others get `token_consumed`) and the lockout counter cannot be raced past.

use axum::{
    body::Bytes,
    extract::{Path, State},
    http::HeaderMap,
    Json,
};
use link_contract::{
    AuthType, EmailRequest, ErrorBody, FlowResponse, FlowState, MfaRequest, PasswordRequest,
    ProviderMfa, ValidationErrorBody,
};
use serde::de::DeserializeOwned;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    db::now_ms,
    error::{AppError, AppResult},
    extract::{parse_json, WidgetToken},
    routes::providers::flow_provider,
    sandbox::{self, Outcome, Provider},
    store::TokenRow,
    AppState,
};

pub fn widget_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(password))
        .routes(routes!(complete_mfa))
        .routes(routes!(email))
}

/// The answers every attempt documents alike (the macro takes them as one type).
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)] // only documents; never built
enum AttemptErrors {
    #[response(
        status = 401,
        description = "`invalid_token`, `token_expired` or `token_consumed`"
    )]
    Token(ErrorBody),
    #[response(status = 415, description = "Not a JSON body")]
    NotJson(ErrorBody),
    #[response(status = 429, description = "`too_many_attempts`: the token is locked")]
    Locked(ErrorBody),
}

/// Token checks shared by the three endpoints: expired, consumed, then locked.
fn check_token(row: &TokenRow) -> AppResult<()> {
    row.ensure_usable(now_ms())?;
    row.ensure_unlocked()
}

/// What every attempt checks before it is settled, in the contract's precedence: the token,
/// then the provider, then the body.
fn open_attempt<'a, T: DeserializeOwned>(
    state: &'a AppState,
    row: &TokenRow,
    slug: &str,
    auth_type: AuthType,
    headers: &HeaderMap,
    body: &[u8],
) -> AppResult<(&'a Provider, T)> {
    check_token(row)?;
    let provider = flow_provider(state, row, slug, auth_type)?;
    Ok((provider, parse_json(headers, body)?))
}

/// Settles one attempt in the store's transaction. `decide` sees the token as re-read inside
/// it and returns the outcome and whether a pending MFA challenge survives a failure.
async fn settle(
    state: &AppState,
    token_hash: &str,
    provider: &Provider,
    kind: &'static str,
    decide: impl FnOnce(&TokenRow) -> AppResult<(Outcome, bool)>,
) -> AppResult<FlowResponse> {
    let slug = provider.slug.as_str();
    let (row, outcome) = state
        .store
        .settle_attempt(token_hash, slug, |row| {
            check_token(row)?;
            decide(row)
        })
        .await?;
    let (label, response) = match outcome {
        Outcome::Success { .. } => (
            "success",
            FlowResponse {
                state: FlowState::Success,
                redirect_url: row.redirect_url,
                error_type: None,
                error: None,
                provider_mfa: None,
            },
        ),
        Outcome::Mfa { method, hint, .. } => (
            "pending_provider_mfa",
            FlowResponse {
                state: FlowState::PendingProviderMfa,
                redirect_url: row.redirect_url,
                error_type: None,
                error: None,
                provider_mfa: Some(ProviderMfa {
                    method,
                    hint: Some(hint),
                }),
            },
        ),
        Outcome::Failure {
            error_type,
            message,
        } => (
            error_type,
            FlowResponse {
                state: FlowState::Error,
                redirect_url: row.redirect_url,
                error_type: Some(error_type.to_string()),
                error: Some(message),
                provider_mfa: None,
            },
        ),
    };
    tracing::info!(
        provider = slug,
        attempt = kind,
        outcome = label,
        "link attempt"
    );
    Ok(response)
}

/// Sign in to a password provider.
#[utoipa::path(
    post, path = "/v2/link/provider/password/{provider}", tag = "widget",
    params(("provider" = String, Path, description = "Provider slug (a password provider)")),
    request_body = PasswordRequest,
    responses(
        (status = 200, description = "`success`, `pending_provider_mfa`, or `error` with `error_type`", body = FlowResponse),
        (status = 400, description = "Missing link token, or `invalid_provider`", body = ErrorBody),
        (status = 422, description = "Invalid body or unknown provider", body = ValidationErrorBody),
        AttemptErrors,
    ),
    security(("link_token" = []))
)]
async fn password(
    State(state): State<AppState>,
    WidgetToken(row): WidgetToken,
    Path(slug): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> AppResult<Json<FlowResponse>> {
    let (provider, req): (_, PasswordRequest) =
        open_attempt(&state, &row, &slug, AuthType::Password, &headers, &body)?;
    let resp = settle(&state, &row.token_hash, provider, "password", |_| {
        Ok((
            sandbox::password_outcome(
                provider,
                &req.username,
                &req.password,
                req.region.as_deref(),
            ),
            false,
        ))
    })
    .await?;
    Ok(Json(resp))
}

/// Answer the MFA challenge of a password provider (same token).
#[utoipa::path(
    post, path = "/v2/link/provider/password/{provider}/complete_mfa", tag = "widget",
    params(("provider" = String, Path, description = "Provider slug (a password provider)")),
    request_body = MfaRequest,
    responses(
        (status = 200, description = "`success`, or `error` (`incorrect_mfa_code`, retry allowed)", body = FlowResponse),
        (status = 400, description = "Missing link token, or `invalid_provider` (also: no MFA challenge pending for this provider on this token)", body = ErrorBody),
        (status = 422, description = "Invalid body or unknown provider", body = ValidationErrorBody),
        AttemptErrors,
    ),
    security(("link_token" = []))
)]
async fn complete_mfa(
    State(state): State<AppState>,
    WidgetToken(row): WidgetToken,
    Path(slug): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> AppResult<Json<FlowResponse>> {
    let (provider, req): (_, MfaRequest) =
        open_attempt(&state, &row, &slug, AuthType::Password, &headers, &body)?;
    let resp = settle(&state, &row.token_hash, provider, "mfa", |row| {
        match (&row.mfa_provider, &row.mfa_external_id) {
            (Some(p), Some(ext)) if *p == provider.slug => {
                Ok((sandbox::mfa_outcome(&req.mfa_code, ext), true))
            }
            _ => Err(AppError::invalid_provider(format!(
                "No MFA challenge is pending for {} on this link token.",
                provider.name
            ))),
        }
    })
    .await?;
    Ok(Json(resp))
}

/// Connect an email provider.
#[utoipa::path(
    post, path = "/v2/link/provider/email/{provider}", tag = "widget",
    params(("provider" = String, Path, description = "Provider slug (an email provider)")),
    request_body = EmailRequest,
    responses(
        (status = 200, description = "`success`, or `error` (`provider_credential_error`, `unsupported_region`)", body = FlowResponse),
        (status = 400, description = "Missing link token, or `invalid_provider`", body = ErrorBody),
        (status = 422, description = "Invalid body (e.g. a malformed email) or unknown provider", body = ValidationErrorBody),
        AttemptErrors,
    ),
    security(("link_token" = []))
)]
async fn email(
    State(state): State<AppState>,
    WidgetToken(row): WidgetToken,
    Path(slug): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> AppResult<Json<FlowResponse>> {
    let (provider, req): (_, EmailRequest) =
        open_attempt(&state, &row, &slug, AuthType::Email, &headers, &body)?;
    if !sandbox::is_valid_email(&req.email) {
        return Err(AppError::validation(
            &["body", "email"],
            "value is not a valid email address",
            "value_error",
        ));
    }
    let resp = settle(&state, &row.token_hash, provider, "email", |_| {
        Ok((
            sandbox::email_outcome(provider, &req.email, req.region.as_deref()),
            false,
        ))
    })
    .await?;
    Ok(Json(resp))
}
