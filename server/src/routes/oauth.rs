//! OAuth: the widget's start call, the callback that completes a connection, and the sandbox
//! authorization server (consent page, code issuance, token endpoint) the callback talks to
//! over real HTTP, as it would to a real provider.
//!
//! None of these pages sends `Cross-Origin-Opener-Policy`: the widget that opened the popup
//! must keep seeing it.

use std::collections::HashMap;

use axum::{
    body::Bytes,
    extract::{Path, RawQuery, State},
    http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode},
    response::{Html, IntoResponse, Redirect, Response},
    Json,
};
use base64::{engine::general_purpose::STANDARD, Engine};
use link_contract::{error_type, AuthType, ErrorBody, LinkProvider};
use serde::Deserialize;
use serde_json::json;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    db::now_ms,
    error::{AppError, AppResult},
    extract::WidgetToken,
    routes::providers::{flow_provider, link_provider},
    sandbox::{self, xml_escape, Provider},
    secrets,
    store::{Exchanged, NewCode, OauthFinish},
    AppState,
};

/// The consent form's fields, as the page posts them (documents the form; parsed by hand).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct AuthorizeForm {
    response_type: String,
    client_id: String,
    redirect_uri: String,
    state: String,
    /// PKCE S256 challenge, from the authorization request.
    code_challenge: String,
    /// `S256`.
    code_challenge_method: String,
    /// A granted scope (repeated).
    scope: Option<String>,
    /// `allow` or `deny`.
    decision: String,
}

/// The token request's fields (RFC 6749 §4.1.3; documents the form; parsed by hand).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct TokenForm {
    /// `authorization_code`.
    grant_type: String,
    code: Option<String>,
    redirect_uri: Option<String>,
    /// Or HTTP Basic.
    client_id: Option<String>,
    client_secret: Option<String>,
    /// PKCE verifier (RFC 7636) whose S256 challenge the authorization request carried.
    code_verifier: String,
    /// Sandbox extension: the `state` of the authorization request; when given, it must be
    /// the one the code was issued with.
    state: Option<String>,
}

/// Lifetime of a sandbox authorization code.
const CODE_TTL_MS: i64 = 120_000;

pub fn widget_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(start))
}

pub fn public_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(callback))
        .routes(routes!(authorize_page, authorize_decision))
        .routes(routes!(token_endpoint))
}

fn callback_url(state: &AppState, slug: &str) -> String {
    format!("{}/v2/link/connect/{slug}", state.public_url)
}

fn query_map(raw: Option<&str>) -> HashMap<String, String> {
    form_urlencoded::parse(raw.unwrap_or("").as_bytes())
        .into_owned()
        .collect()
}

/// Start an OAuth attempt: the provider with its `oauth_url`.
#[utoipa::path(
    get, path = "/v2/link/provider/oauth/{provider}", tag = "widget",
    params(("provider" = String, Path, description = "Provider slug (an OAuth provider)")),
    responses(
        (status = 200, description = "The provider with `oauth_url`; a new attempt (earlier `state` void, link state back to pending)", body = LinkProvider),
        (status = 400, description = "Missing link token, or `invalid_provider`", body = ErrorBody),
        (status = 401, description = "`invalid_token`, `token_expired` or `token_consumed`", body = ErrorBody),
        (status = 422, description = "Unknown provider", body = link_contract::ValidationErrorBody),
    ),
    security(("link_token" = []))
)]
async fn start(
    State(state): State<AppState>,
    WidgetToken(row): WidgetToken,
    Path(slug): Path<String>,
) -> AppResult<Json<LinkProvider>> {
    row.ensure_usable(now_ms())?;
    let provider = flow_provider(&state, &row, &slug, AuthType::Oauth)?;
    let attempt = secrets::random_id(18);
    if !state
        .store
        .start_oauth(&row.token_hash, &attempt, &provider.slug)
        .await?
    {
        return Err(AppError::token_consumed());
    }
    let signed = secrets::sign_state(&state.state_key, &row.token_hash, &provider.slug, &attempt);
    let mut url = url::Url::parse(&format!("{}/sandbox/oauth/authorize", state.public_url))
        .map_err(anyhow::Error::from)?;
    let scopes: Vec<&str> = provider.scopes.iter().map(|s| s.name.as_str()).collect();
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", &provider.slug)
        .append_pair("redirect_uri", &callback_url(&state, &provider.slug))
        .append_pair("scope", &scopes.join(" "))
        .append_pair("state", &signed)
        .append_pair(
            "code_challenge",
            &secrets::pkce_challenge(&secrets::pkce_verifier(&state.state_key, &attempt)),
        )
        .append_pair("code_challenge_method", "S256");
    tracing::info!(provider = %provider.slug, "oauth attempt started");
    Ok(Json(link_provider(&state, provider, Some(url.to_string()))))
}

// ---------------------------------------------------------------------------------------------
// Pages

const PAGE_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; \
                        frame-ancestors 'none'; base-uri 'none'";

fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; background: #f4f5f8; color: #14161a; margin: 0; }}
main {{ max-width: 420px; margin: 48px auto; background: #fff; border: 1px solid #d9dce3; border-radius: 12px; padding: 24px; }}
h1 {{ font-size: 20px; margin: 12px 0; }}
.note {{ font-size: 13px; color: #555b66; }}
fieldset {{ border: 1px solid #d9dce3; border-radius: 8px; margin: 16px 0; padding: 8px 12px; }}
label {{ display: block; padding: 6px 0; }}
.req {{ color: #8a4b00; font-size: 13px; }}
.buttons {{ display: flex; gap: 12px; justify-content: flex-end; }}
button {{ font: inherit; font-weight: 600; padding: 10px 18px; border-radius: 8px; border: 1px solid #2450d6; cursor: pointer; }}
button[value=allow] {{ background: #2450d6; color: #fff; }}
button[value=deny] {{ background: #fff; color: #2450d6; }}
</style>
</head>
<body>
<main>
{body}
</main>
</body>
</html>
"#,
        title = xml_escape(title),
    );
    (
        status,
        [
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(PAGE_CSP),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            (
                header::REFERRER_POLICY,
                HeaderValue::from_static("no-referrer"),
            ),
            (
                HeaderName::from_static("x-frame-options"),
                HeaderValue::from_static("DENY"),
            ),
        ],
        Html(html),
    )
        .into_response()
}

fn error_page(msg: &str) -> Response {
    page(
        StatusCode::BAD_REQUEST,
        "Invalid authorization request",
        &format!(
            "<h1>Invalid authorization request</h1>\n<p>{}</p>",
            xml_escape(msg)
        ),
    )
}

/// Checks `client_id` and `redirect_uri` of an authorization request.
fn check_client<'a>(
    state: &'a AppState,
    params: &HashMap<String, String>,
) -> Result<(&'a Provider, String), &'static str> {
    let client_id = params.get("client_id").map(String::as_str).unwrap_or("");
    let Some(provider) = state
        .catalog
        .get(client_id)
        .filter(|p| p.auth_type == AuthType::Oauth)
    else {
        return Err("Unknown client_id.");
    };
    let redirect_uri = params.get("redirect_uri").cloned().unwrap_or_default();
    if redirect_uri != callback_url(state, &provider.slug) {
        return Err("redirect_uri is not registered for this client.");
    }
    if params.get("state").is_none_or(|s| s.is_empty()) {
        return Err("Missing state.");
    }
    if params.get("code_challenge_method").map(String::as_str) != Some("S256") {
        return Err("PKCE is required: code_challenge_method must be S256.");
    }
    if !params
        .get("code_challenge")
        .is_some_and(|c| secrets::looks_like_challenge(c))
    {
        return Err(
            "PKCE is required: code_challenge must be an S256 challenge (43 base64url characters).",
        );
    }
    Ok((provider, redirect_uri))
}

/// Sandbox consent page: one checkbox per scope, Allow and Deny.
#[utoipa::path(
    get, path = "/sandbox/oauth/authorize", tag = "sandbox oauth",
    params(
        ("response_type" = String, Query, description = "`code`"),
        ("client_id" = String, Query, description = "The provider slug"),
        ("redirect_uri" = String, Query, description = "Must be `<public url>/v2/link/connect/<slug>`"),
        ("scope" = Option<String>, Query, description = "Space-separated scopes (default: all)"),
        ("state" = String, Query, description = "Opaque; returned to redirect_uri"),
        ("code_challenge" = String, Query, description = "PKCE S256 challenge: base64url(SHA-256(code_verifier)), 43 characters"),
        ("code_challenge_method" = String, Query, description = "`S256` (required)"),
    ),
    responses(
        (status = 200, description = "HTML consent form", content_type = "text/html", body = String),
        (status = 400, description = "HTML error page", content_type = "text/html", body = String),
    )
)]
async fn authorize_page(State(state): State<AppState>, RawQuery(q): RawQuery) -> Response {
    let params = query_map(q.as_deref());
    if params.get("response_type").map(String::as_str) != Some("code") {
        return error_page("response_type must be code.");
    }
    let (provider, redirect_uri) = match check_client(&state, &params) {
        Ok(v) => v,
        Err(msg) => return error_page(msg),
    };
    let requested: Option<Vec<&str>> = params.get("scope").map(|s| s.split_whitespace().collect());
    let scopes: Vec<&sandbox::Scope> = provider
        .scopes
        .iter()
        .filter(|s| {
            requested
                .as_ref()
                .is_none_or(|r| r.contains(&s.name.as_str()))
        })
        .collect();
    let mut boxes = String::new();
    for s in scopes {
        boxes.push_str(&format!(
            "<label><input type=\"checkbox\" name=\"scope\" value=\"{v}\" checked> {v}{req}</label>\n",
            v = xml_escape(&s.name),
            req = if s.required {
                " <span class=\"req\">(required)</span>"
            } else {
                ""
            },
        ));
    }
    let logo = STANDARD.encode(sandbox::logo_svg(&provider.name, &provider.color));
    let body = format!(
        r#"<img src="data:image/svg+xml;base64,{logo}" alt="" width="48" height="48">
<h1>Allow {team} to access your {name} data?</h1>
<p class="note">Sandbox authorization server of link-server: no real {name} account is involved.</p>
<form method="post" action="{action}">
<input type="hidden" name="response_type" value="code">
<input type="hidden" name="client_id" value="{client}">
<input type="hidden" name="redirect_uri" value="{redirect}">
<input type="hidden" name="state" value="{st}">
<input type="hidden" name="code_challenge" value="{challenge}">
<input type="hidden" name="code_challenge_method" value="S256">
<fieldset>
<legend>Data to share</legend>
{boxes}</fieldset>
<div class="buttons">
<button type="submit" name="decision" value="deny">Deny</button>
<button type="submit" name="decision" value="allow">Allow</button>
</div>
</form>"#,
        team = xml_escape(&state.config.team_name),
        name = xml_escape(&provider.name),
        action = xml_escape(&format!("{}/sandbox/oauth/authorize", state.public_url)),
        client = xml_escape(&provider.slug),
        redirect = xml_escape(&redirect_uri),
        st = xml_escape(params.get("state").map(String::as_str).unwrap_or("")),
        challenge = xml_escape(
            params
                .get("code_challenge")
                .map(String::as_str)
                .unwrap_or("")
        ),
    );
    page(
        StatusCode::OK,
        &format!("{} — sign in (sandbox)", provider.name),
        &body,
    )
}

fn append_query(url: &str, pairs: &[(&str, &str)]) -> String {
    match url::Url::parse(url) {
        Ok(mut u) => {
            {
                let mut q = u.query_pairs_mut();
                for (k, v) in pairs {
                    q.append_pair(k, v);
                }
            }
            u.to_string()
        }
        Err(_) => url.to_string(),
    }
}

/// Consent decision: redirects to `redirect_uri` with a code (Allow) or `error=access_denied`.
#[utoipa::path(
    post, path = "/sandbox/oauth/authorize", tag = "sandbox oauth",
    request_body(content_type = "application/x-www-form-urlencoded", content = AuthorizeForm,
        description = "response_type, client_id, redirect_uri, state, scope (repeated), decision=allow|deny"),
    responses(
        (status = 303, description = "To redirect_uri with `code` and `state`, or `error=access_denied`"),
        (status = 400, description = "HTML error page", content_type = "text/html", body = String),
    )
)]
async fn authorize_decision(State(state): State<AppState>, body: Bytes) -> AppResult<Response> {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
    let mut params = HashMap::new();
    let mut granted: Vec<String> = Vec::new();
    for (k, v) in &pairs {
        if k == "scope" {
            granted.extend(v.split_whitespace().map(str::to_string));
        } else {
            params.insert(k.clone(), v.clone());
        }
    }
    let (provider, redirect_uri) = match check_client(&state, &params) {
        Ok(v) => v,
        Err(msg) => return Ok(error_page(msg)),
    };
    let st = params.get("state").cloned().unwrap_or_default();
    match params.get("decision").map(String::as_str) {
        Some("deny") => {
            let to = append_query(
                &redirect_uri,
                &[
                    ("error", "access_denied"),
                    ("error_description", "The user denied access."),
                    ("state", &st),
                ],
            );
            Ok(Redirect::to(&to).into_response())
        }
        Some("allow") => {
            granted.retain(|g| provider.scopes.iter().any(|s| &s.name == g));
            granted.dedup();
            let code = secrets::random_id(32);
            let now = now_ms();
            state
                .store
                .insert_oauth_code(
                    &NewCode {
                        code_hash: &secrets::sha256_hex(&code),
                        client_id: &provider.slug,
                        redirect_uri: &redirect_uri,
                        scopes: &granted.join(" "),
                        external_user_id: &sandbox::external_user_id(
                            &provider.slug,
                            &secrets::random_id(12),
                        ),
                        expires_at: now + CODE_TTL_MS,
                        state_hash: &secrets::sha256_hex(&st),
                        code_challenge: params
                            .get("code_challenge")
                            .map(String::as_str)
                            .unwrap_or(""),
                    },
                    now,
                )
                .await?;
            let to = append_query(&redirect_uri, &[("code", &code), ("state", &st)]);
            Ok(Redirect::to(&to).into_response())
        }
        _ => Ok(error_page("decision must be allow or deny.")),
    }
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    (
        status,
        [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
        Json(json!({"error": error, "error_description": description})),
    )
        .into_response()
}

/// Sandbox token endpoint (RFC 6749 §4.1.3): exchanges a code once.
#[utoipa::path(
    post, path = "/sandbox/oauth/token", tag = "sandbox oauth",
    request_body(content_type = "application/x-www-form-urlencoded", content = TokenForm,
        description = "grant_type=authorization_code, code, redirect_uri, client_id, client_secret (or HTTP Basic)"),
    responses(
        (status = 200, description = "`{access_token, token_type, expires_in, refresh_token, scope, user_id}`"),
        (status = 400, description = "`{error: invalid_request | invalid_grant | unsupported_grant_type}`"),
        (status = 401, description = "`{error: invalid_client}`"),
    )
)]
async fn token_endpoint(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> AppResult<Response> {
    let mut params: HashMap<String, String> = form_urlencoded::parse(&body).into_owned().collect();
    // Client authentication: HTTP Basic or form fields.
    if let Some(basic) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| STANDARD.decode(b.trim()).ok())
        .and_then(|b| String::from_utf8(b).ok())
    {
        if let Some((id, secret)) = basic.split_once(':') {
            params.insert("client_id".into(), id.to_string());
            params.insert("client_secret".into(), secret.to_string());
        }
    }
    let client_id = params.get("client_id").cloned().unwrap_or_default();
    let given_secret = params.get("client_secret").cloned().unwrap_or_default();
    let client_ok = state
        .catalog
        .get(&client_id)
        .is_some_and(|p| p.auth_type == AuthType::Oauth)
        && secrets::api_key_matches(
            &given_secret,
            &secrets::client_secret(&state.state_key, &client_id),
        );
    if !client_ok {
        return Ok(oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Client authentication failed.",
        ));
    }
    if params.get("grant_type").map(String::as_str) != Some("authorization_code") {
        return Ok(oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "Only authorization_code is supported.",
        ));
    }
    let (Some(code), Some(redirect_uri)) = (
        params.get("code"),
        params.get("redirect_uri").filter(|u| !u.contains('\0')),
    ) else {
        return Ok(oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "code and redirect_uri are required.",
        ));
    };
    let now = now_ms();
    let used = state
        .store
        .consume_oauth_code(&secrets::sha256_hex(code), &client_id, redirect_uri, now)
        .await?;
    let Some(used) = used else {
        return Ok(oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "The code is unknown, expired, already used, or not for this client.",
        ));
    };
    // The code's binding to its authorization request: the PKCE verifier (RFC 7636) and, a
    // sandbox extension, the `state` it was issued with. A mismatch burns the code.
    let verifier = params
        .get("code_verifier")
        .map(String::as_str)
        .unwrap_or("");
    let challenge_ok = !used.code_challenge.is_empty()
        && (43..=128).contains(&verifier.len())
        && secrets::api_key_matches(&secrets::pkce_challenge(verifier), &used.code_challenge);
    let state_ok = params
        .get("state")
        .is_none_or(|st| secrets::api_key_matches(&secrets::sha256_hex(st), &used.state_hash));
    if !(challenge_ok && state_ok) {
        return Ok((
            StatusCode::BAD_REQUEST,
            [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
            Json(json!({
                "error": "invalid_grant",
                "error_description": "The code was issued for another authorization request \
                    (code_verifier or state mismatch); it is void now.",
                "binding_mismatch": true,
            })),
        )
            .into_response());
    }
    let (scopes, user) = (used.scopes, used.external_user_id);
    Ok((
        [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
        Json(json!({
            "access_token": secrets::random_id(32),
            "token_type": "Bearer",
            "expires_in": 3600,
            "refresh_token": secrets::random_id(32),
            "scope": scopes,
            "user_id": user,
        })),
    )
        .into_response())
}

// ---------------------------------------------------------------------------------------------
// Callback

#[derive(Deserialize)]
struct TokenResponse {
    #[serde(default)]
    scope: String,
    user_id: String,
}

/// Exchanges the code at the sandbox token endpoint over HTTP, like a real OAuth client.
async fn exchange_code(
    state: &AppState,
    provider: &Provider,
    code: &str,
    attempt: &str,
    signed_state: &str,
) -> Result<TokenResponse, ExchangeError> {
    let secret = secrets::client_secret(&state.state_key, &provider.slug);
    let verifier = secrets::pkce_verifier(&state.state_key, attempt);
    let redirect_uri = callback_url(state, &provider.slug);
    let resp = state
        .http
        .post(format!("{}/sandbox/oauth/token", state.internal_url))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirect_uri.as_str()),
            ("client_id", provider.slug.as_str()),
            ("client_secret", secret.as_str()),
            ("code_verifier", verifier.as_str()),
            ("state", signed_state),
        ])
        .send()
        .await
        .map_err(|e| {
            ExchangeError::Failed(format!("token endpoint unreachable: {}", e.without_url()))
        })?;
    let status = resp.status();
    if !status.is_success() {
        let body = resp.json::<serde_json::Value>().await.ok();
        if body
            .as_ref()
            .and_then(|v| v.get("binding_mismatch"))
            .and_then(|v| v.as_bool())
            == Some(true)
        {
            return Err(ExchangeError::NotThisAttempt);
        }
        let err = body
            .and_then(|v| v.get("error").and_then(|e| e.as_str()).map(str::to_string))
            .unwrap_or_else(|| status.to_string());
        return Err(ExchangeError::Failed(format!(
            "the code exchange failed: {}",
            crate::trace::cap(&err, 100)
        )));
    }
    resp.json::<TokenResponse>().await.map_err(|e| {
        ExchangeError::Failed(format!("unreadable token response: {}", e.without_url()))
    })
}

/// Why a code exchange failed.
enum ExchangeError {
    /// The code was issued under another `state` / PKCE challenge: not this attempt's.
    NotThisAttempt,
    Failed(String),
}

/// 400 for a code replayed under another attempt's `state`: nothing recorded, the attempt
/// left as it was.
fn code_not_for_this_attempt() -> AppError {
    AppError::Link {
        status: StatusCode::BAD_REQUEST,
        error_code: link_contract::error_code::INVALID_REQUEST,
        error_type: "invalid_grant",
        message: "This authorization code was not issued for this sign-in attempt (another \
                  state or PKCE verifier): nothing was recorded."
            .into(),
        user_id: None,
    }
}

type Failure = (&'static str, String);

/// Redirect (or close page) that ends an OAuth attempt.
fn finish(
    redirect_url: Option<&str>,
    provider: &Provider,
    outcome: &Result<(), Failure>,
) -> Response {
    if let Some(url) = redirect_url {
        let to = match outcome {
            Ok(()) => append_query(url, &[("state", "success"), ("provider", &provider.slug)]),
            Err((ty, msg)) => append_query(
                url,
                &[
                    ("state", "error"),
                    ("error_type", ty),
                    ("error", msg),
                    ("provider", &provider.slug),
                ],
            ),
        };
        return Redirect::temporary(&to).into_response();
    }
    let (title, body) = match outcome {
        Ok(()) => (
            format!("Connected to {}", provider.name),
            format!(
                "<h1>Connected to {}</h1>\n<p>You can close this window.</p>",
                xml_escape(&provider.name)
            ),
        ),
        Err((ty, msg)) => (
            format!("Could not connect to {}", provider.name),
            format!(
                "<h1>Could not connect to {}</h1>\n<p>{}</p>\n<p class=\"note\">Error type: <code>{}</code></p>\n<p>You can close this window.</p>",
                xml_escape(&provider.name),
                xml_escape(msg),
                xml_escape(ty)
            ),
        ),
    };
    page(StatusCode::OK, &title, &body)
}

fn invalid_state() -> AppError {
    AppError::Link {
        status: StatusCode::UNAUTHORIZED,
        error_code: link_contract::error_code::INVALID_REQUEST,
        error_type: error_type::INVALID_TOKEN,
        message: "The OAuth state is invalid, superseded or already used.".into(),
        user_id: None,
    }
}

/// OAuth callback: verifies the signed `state`, exchanges the code, records the connection.
#[utoipa::path(
    get, path = "/v2/link/connect/{provider}", tag = "widget",
    params(
        ("provider" = String, Path, description = "Provider slug"),
        ("code" = Option<String>, Query, description = "Authorization code"),
        ("state" = String, Query, description = "Signed state of the attempt"),
        ("error" = Option<String>, Query, description = "Provider error, e.g. access_denied"),
    ),
    responses(
        (status = 307, description = "To the token's redirect_url with `state=success&provider=` or `state=error&error_type=&error=&provider=`"),
        (status = 200, description = "Without a redirect_url: a page saying the window can be closed", content_type = "text/html", body = String),
        (status = 400, description = "`invalid_grant`: a code issued for another attempt (state or PKCE mismatch): nothing recorded", body = ErrorBody),
        (status = 401, description = "Forged, replayed or superseded state: nothing recorded", body = ErrorBody),
    )
)]
async fn callback(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    RawQuery(q): RawQuery,
) -> AppResult<Response> {
    let params = query_map(q.as_deref());
    let Some((attempt, tag)) = params.get("state").and_then(|s| secrets::parse_state(s)) else {
        return Err(invalid_state());
    };
    let Some(provider) = state
        .catalog
        .get(&slug)
        .filter(|p| p.auth_type == AuthType::Oauth)
    else {
        return Err(invalid_state());
    };
    let row = state.store.token_by_oauth_attempt(attempt).await?;
    let Some(row) = row.filter(|r| {
        r.oauth_provider.as_deref() == Some(slug.as_str())
            && secrets::verify_state(&state.state_key, &r.token_hash, &slug, attempt, &tag)
    }) else {
        tracing::warn!(provider = %slug, "oauth callback with an invalid state: nothing recorded");
        return Err(invalid_state());
    };
    let redirect_url = row.redirect_url.clone();
    if row.is_expired(now_ms()) {
        return Ok(finish(
            redirect_url.as_deref(),
            provider,
            &Err((
                error_type::TOKEN_EXPIRED,
                "The link token expired during sign-in.".into(),
            )),
        ));
    }
    if row.consumed_at.is_some() {
        return Ok(finish(
            redirect_url.as_deref(),
            provider,
            &Err((
                error_type::TOKEN_CONSUMED,
                "The link token has already been used.".into(),
            )),
        ));
    }

    // The provider's answer: an error, or a code to exchange (outside any transaction: the
    // token endpoint writes too).
    let exchanged: Result<TokenResponse, Failure> = if let Some(err) = params.get("error") {
        Err(if err == "access_denied" {
            (
                error_type::PROVIDER_CREDENTIAL_ERROR,
                format!("Access to {} was denied.", provider.name),
            )
        } else {
            (
                error_type::PROVIDER_API_ERROR,
                format!("{} answered {err}.", provider.name),
            )
        })
    } else if let Some(code) = params.get("code") {
        let signed = params.get("state").map(String::as_str).unwrap_or("");
        match exchange_code(&state, provider, code, attempt, signed).await {
            Ok(t) => Ok(t),
            Err(ExchangeError::NotThisAttempt) => {
                tracing::warn!(provider = %slug, "oauth callback with a code of another attempt: nothing recorded");
                return Err(code_not_for_this_attempt());
            }
            Err(ExchangeError::Failed(e)) => Err((
                error_type::PROVIDER_API_ERROR,
                format!("{}: {e}", provider.name),
            )),
        }
    } else {
        Err((
            error_type::PROVIDER_API_ERROR,
            format!("{} returned no code.", provider.name),
        ))
    };
    let exchanged = exchanged.and_then(|t| {
        let granted: Vec<&str> = t.scope.split_whitespace().collect();
        let missing: Vec<&str> = provider
            .scopes
            .iter()
            .filter(|s| s.required && !granted.contains(&s.name.as_str()))
            .map(|s| s.name.as_str())
            .collect();
        if missing.is_empty() {
            Ok(t)
        } else {
            Err((
                error_type::REQUIRED_SCOPES_NOT_GRANTED,
                format!("Required scopes were not granted: {}.", missing.join(", ")),
            ))
        }
    });

    // Record the outcome, if the attempt is still the token's current one.
    let exchanged: Exchanged = exchanged.map(|t| (t.user_id, t.scope));
    let outcome: Result<(), Failure> = match state
        .store
        .finish_oauth(&row.token_hash, attempt, &slug, exchanged)
        .await?
    {
        OauthFinish::Superseded => return Err(invalid_state()),
        OauthFinish::Connected => Ok(()),
        OauthFinish::Failed(ty, msg) => Err((ty, msg)),
    };
    tracing::info!(
        provider = %slug,
        outcome = match &outcome { Ok(()) => "success", Err((ty, _)) => ty },
        "oauth callback"
    );
    Ok(finish(redirect_url.as_deref(), provider, &outcome))
}
