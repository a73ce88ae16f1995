//! Link tokens: creation and validity (API key), options and state (link token).

use axum::{body::Bytes, extract::State, http::HeaderMap, Json};
use link_contract::{
    CreateLinkTokenRequest, CreateLinkTokenResponse, ErrorBody, LinkState, LinkStateResponse,
    LinkTokenInfo, LocItem, RedirectPolicy, TokenIsValidRequest, TokenIsValidResponse,
    ValidationErrorBody, ValidationIssue,
};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    db::{now_ms, rfc3339},
    error::{issue, AppError, AppResult},
    extract::{parse_json, ApiKey, WidgetToken},
    secrets, store, AppState,
};

pub fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_token))
        .routes(routes!(token_is_valid))
}

pub fn widget_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(token_info))
        .routes(routes!(link_state))
}

/// Whether `s` is an absolute http(s) URL (without control characters, which the URL parser
/// would drop or encode but the stored string would keep).
pub fn is_http_url(s: &str) -> bool {
    !s.contains(char::is_control)
        && url::Url::parse(s)
            .map(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
            .unwrap_or(false)
}

fn policy_str(p: Option<RedirectPolicy>) -> Option<&'static str> {
    p.map(|RedirectPolicy::Redirect| "redirect")
}

fn policy(s: Option<&str>) -> Option<RedirectPolicy> {
    (s == Some("redirect")).then_some(RedirectPolicy::Redirect)
}

/// 422 problems of a token request's options (everything but `user_id`).
fn option_problems(state: &AppState, req: &CreateLinkTokenRequest) -> Vec<ValidationIssue> {
    let mut problems: Vec<ValidationIssue> = Vec::new();
    if let Some(p) = &req.provider {
        if state.catalog.get(p).is_none() {
            problems.push(issue(
                &["body", "provider"],
                format!("unknown provider {p:?}"),
                "enum",
            ));
        }
    }
    if let Some(list) = &req.filter_on_providers {
        if list.is_empty() {
            problems.push(issue(
                &["body", "filter_on_providers"],
                "filter_on_providers must have at least 1 item",
                "too_short",
            ));
        }
        for (i, p) in list.iter().enumerate() {
            if state.catalog.get(p).is_none() {
                let mut it = issue(
                    &["body", "filter_on_providers"],
                    format!("unknown provider {p:?}"),
                    "enum",
                );
                it.loc.push(LocItem::Index(i as u64));
                problems.push(it);
            }
        }
    }
    if let Some(u) = &req.redirect_url {
        if !is_http_url(u) {
            problems.push(issue(
                &["body", "redirect_url"],
                "redirect_url must be an absolute http(s) URL",
                "url_scheme",
            ));
        }
    } else {
        if req.on_error.is_some() {
            problems.push(issue(
                &["body", "on_error"],
                "on_error requires redirect_url",
                "value_error",
            ));
        }
        if req.on_close.is_some() {
            problems.push(issue(
                &["body", "on_close"],
                "on_close requires redirect_url",
                "value_error",
            ));
        }
    }
    problems
}

/// 400 `invalid_provider` when the token's `provider` cannot be linked through Link.
fn check_linkable(state: &AppState, req: &CreateLinkTokenRequest) -> AppResult<()> {
    if let Some(p) = req.provider.as_deref().and_then(|p| state.catalog.get(p)) {
        if !p.is_linkable() {
            return Err(AppError::invalid_provider(format!(
                "{} is linked through the mobile SDK, not Link.",
                p.name
            )));
        }
    }
    Ok(())
}

/// Checks a token request's options without a user (the demo route runs it before creating
/// its user).
pub fn check_options(state: &AppState, req: &CreateLinkTokenRequest) -> AppResult<()> {
    let problems = option_problems(state, req);
    if !problems.is_empty() {
        return Err(AppError::Validation(problems));
    }
    check_linkable(state, req)
}

/// Creates a link token: the code path of `POST /v2/link/token`, shared with the demo route.
/// Body validation (422) first, then the user (400 `invalid_user_id`), then the provider (400
/// `invalid_provider` when it is not linkable).
pub async fn create_token_record(
    state: &AppState,
    req: &CreateLinkTokenRequest,
) -> AppResult<CreateLinkTokenResponse> {
    let mut problems: Vec<ValidationIssue> = Vec::new();
    let user_id = match uuid::Uuid::parse_str(&req.user_id) {
        Ok(u) => u.to_string(),
        Err(_) => {
            problems.push(issue(
                &["body", "user_id"],
                "user_id must be a UUID",
                "uuid_parsing",
            ));
            String::new()
        }
    };
    problems.extend(option_problems(state, req));
    if !problems.is_empty() {
        return Err(AppError::Validation(problems));
    }
    // The user is checked by the insert itself (its foreign key): no read first. Only when the
    // provider is refused is the user looked up, to keep the contract's order of errors.
    if let Err(e) = check_linkable(state, req) {
        if !state.store.user_exists(&user_id).await? {
            return Err(AppError::invalid_user_id());
        }
        return Err(e);
    }

    let token = secrets::new_token();
    let now = now_ms();
    let ttl_ms = (state.config.token_ttl_secs as i64).saturating_mul(1000);
    let filter = req
        .filter_on_providers
        .as_ref()
        .map(|f| serde_json::to_string(f).expect("strings serialise"));
    let inserted = state
        .tokens
        .insert(store::OwnedToken {
            token_hash: secrets::sha256_hex(&token),
            user_id,
            provider: req.provider.clone(),
            filter_on_providers: filter,
            redirect_url: req.redirect_url.clone(),
            on_error: policy_str(req.on_error).map(str::to_string),
            on_close: policy_str(req.on_close).map(str::to_string),
            created_at: now,
            expires_at: now.saturating_add(ttl_ms),
        })
        .await;
    match inserted {
        Ok(()) => {}
        Err(store::InsertTokenError::UnknownUser) => return Err(AppError::invalid_user_id()),
        Err(store::InsertTokenError::Database(e)) => return Err(e.into()),
    }
    let mut web =
        url::Url::parse(&format!("{}/", state.public_url)).map_err(anyhow::Error::from)?;
    web.query_pairs_mut()
        .append_pair("token", &token)
        .append_pair("env", state.config.env.as_str())
        .append_pair("region", state.config.region.as_str());
    Ok(CreateLinkTokenResponse {
        link_token: token,
        link_web_url: web.to_string(),
    })
}

/// Create a link token for a user.
#[utoipa::path(
    post, path = "/v2/link/token", tag = "tokens",
    request_body = CreateLinkTokenRequest,
    responses(
        (status = 200, description = "The token and the hosted-widget URL", body = CreateLinkTokenResponse),
        (status = 400, description = "`invalid_user_id` or `invalid_provider`", body = ErrorBody),
        (status = 401, description = "Missing or wrong API key", body = ErrorBody),
        (status = 415, description = "Not a JSON body", body = ErrorBody),
        (status = 422, description = "Invalid body", body = ValidationErrorBody),
    ),
    security(("api_key" = []))
)]
async fn create_token(
    State(state): State<AppState>,
    _key: ApiKey,
    headers: HeaderMap,
    body: Bytes,
) -> AppResult<Json<CreateLinkTokenResponse>> {
    let req: CreateLinkTokenRequest = parse_json(&headers, &body)?;
    Ok(Json(create_token_record(&state, &req).await?))
}

fn row_link_state(row: &store::TokenRow) -> LinkState {
    match row.state.as_str() {
        "success" => LinkState::Success,
        "error" => LinkState::Error,
        _ => LinkState::Pending,
    }
}

/// Whether a token is valid (legacy SDK call). Never an error for an unknown token.
#[utoipa::path(
    post, path = "/v2/link/token/isValid", tag = "tokens",
    request_body = TokenIsValidRequest,
    responses(
        (status = 200, description = "`valid` is false for unknown, expired or consumed tokens", body = TokenIsValidResponse),
        (status = 401, description = "Missing or wrong API key", body = ErrorBody),
        (status = 415, description = "Not a JSON body", body = ErrorBody),
        (status = 422, description = "Invalid body", body = ValidationErrorBody),
    ),
    security(("api_key" = []))
)]
async fn token_is_valid(
    State(state): State<AppState>,
    _key: ApiKey,
    headers: HeaderMap,
    body: Bytes,
) -> AppResult<Json<TokenIsValidResponse>> {
    let req: TokenIsValidRequest = parse_json(&headers, &body)?;
    let row = if secrets::looks_like_token(req.token.trim()) {
        state
            .store
            .token_by_hash(&secrets::sha256_hex(req.token.trim()))
            .await?
    } else {
        None
    };
    let now = now_ms();
    Ok(Json(match row {
        Some(row) => TokenIsValidResponse {
            valid: !row.is_expired(now) && row.consumed_at.is_none(),
            state: Some(row_link_state(&row)),
            expires_at: Some(rfc3339(row.expires_at)),
        },
        None => TokenIsValidResponse {
            valid: false,
            state: None,
            expires_at: None,
        },
    }))
}

/// The options the token was created with (extension).
#[utoipa::path(
    get, path = "/v2/link/token/info", tag = "widget",
    responses(
        (status = 200, description = "The token's options", body = LinkTokenInfo),
        (status = 400, description = "Missing link token", body = ErrorBody),
        (status = 401, description = "`invalid_token`, `token_expired` or `token_consumed`", body = ErrorBody),
    ),
    security(("link_token" = []))
)]
async fn token_info(WidgetToken(row): WidgetToken) -> AppResult<Json<LinkTokenInfo>> {
    row.ensure_usable(now_ms())?;
    Ok(Json(LinkTokenInfo {
        provider: row.provider.clone(),
        filter_on_providers: row.filter(),
        redirect_url: row.redirect_url.clone(),
        on_error: policy(row.on_error.as_deref()),
        on_close: policy(row.on_close.as_deref()),
        expires_at: Some(rfc3339(row.expires_at)),
    }))
}

/// The outcome of the token's latest attempt; the widget polls it during OAuth.
#[utoipa::path(
    get, path = "/v2/link/state", tag = "widget",
    responses(
        (status = 200, description = "`pending` (provider null) before any attempt; `success` also once the token is consumed by it", body = LinkStateResponse),
        (status = 400, description = "Missing link token", body = ErrorBody),
        (status = 401, description = "`invalid_token` or `token_expired`", body = ErrorBody),
    ),
    security(("link_token" = []))
)]
async fn link_state(WidgetToken(row): WidgetToken) -> AppResult<Json<LinkStateResponse>> {
    if row.is_expired(now_ms()) {
        return Err(AppError::token_expired());
    }
    Ok(Json(LinkStateResponse {
        state: row_link_state(&row),
        provider: row.state_provider.clone(),
        error_type: row.state_error_type.clone(),
        error: row.state_error.clone(),
    }))
}
