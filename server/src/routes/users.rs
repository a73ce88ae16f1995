//! Users and their connections (API key).

use axum::{
    body::Bytes,
    extract::{Path, State},
    http::HeaderMap,
    Json,
};
use link_contract::{
    ConnectionStatus, CreateUserRequest, CreateUserResponse, ErrorBody, SuccessResponse,
    UserConnection, UserProvidersResponse, ValidationErrorBody,
};
use sqlx::Row;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    db::rfc3339,
    error::{AppError, AppResult},
    extract::{parse_json, ApiKey},
    routes::providers::logo_url,
    store, AppState,
};

/// Routes that take the team API key (no CORS).
pub fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_user))
        .routes(routes!(user_providers))
        .routes(routes!(delete_connection))
}

/// Creates a user: the code path of `POST /v2/user`, shared with the demo token route.
pub async fn create_user_record(
    state: &AppState,
    client_user_id: &str,
) -> AppResult<CreateUserResponse> {
    if client_user_id.trim().is_empty() {
        return Err(AppError::validation(
            &["body", "client_user_id"],
            "client_user_id must not be empty",
            "string_too_short",
        ));
    }
    if client_user_id.len() > 256 {
        return Err(AppError::validation(
            &["body", "client_user_id"],
            "client_user_id must be at most 256 characters",
            "string_too_long",
        ));
    }
    let user_id = uuid::Uuid::new_v4().to_string();
    let res = sqlx::query(
        "INSERT INTO users (id, client_user_id, created_at) VALUES (?, ?, ?)
         ON CONFLICT(client_user_id) DO NOTHING",
    )
    .bind(&user_id)
    .bind(client_user_id)
    .bind(crate::db::now_ms())
    .execute(&state.writer)
    .await?;
    if res.rows_affected() == 0 {
        let existing: String = sqlx::query("SELECT id FROM users WHERE client_user_id = ?")
            .bind(client_user_id)
            .fetch_one(&state.db)
            .await?
            .get("id");
        return Err(AppError::duplicate_user(existing));
    }
    Ok(CreateUserResponse {
        user_id,
        client_user_id: client_user_id.to_string(),
    })
}

/// Create a user.
#[utoipa::path(
    post, path = "/v2/user", tag = "users",
    request_body = CreateUserRequest,
    responses(
        (status = 200, description = "The new user", body = CreateUserResponse),
        (status = 400, description = "`duplicate_user`; `detail.user_id` holds the existing id", body = ErrorBody),
        (status = 401, description = "Missing or wrong API key", body = ErrorBody),
        (status = 415, description = "Not a JSON body", body = ErrorBody),
        (status = 422, description = "Invalid body", body = ValidationErrorBody),
    ),
    security(("api_key" = []))
)]
async fn create_user(
    State(state): State<AppState>,
    _key: ApiKey,
    headers: HeaderMap,
    body: Bytes,
) -> AppResult<Json<CreateUserResponse>> {
    let req: CreateUserRequest = parse_json(&headers, &body)?;
    Ok(Json(create_user_record(&state, &req.client_user_id).await?))
}

/// Parses a `user_id` path parameter (422 when not a uuid) and checks that it exists (400).
pub async fn existing_user(state: &AppState, raw: &str, loc: &[&str]) -> AppResult<String> {
    let id = uuid::Uuid::parse_str(raw)
        .map_err(|_| AppError::validation(loc, "user_id must be a UUID", "uuid_parsing"))?
        .to_string();
    if !store::user_exists(&state.db, &id).await? {
        return Err(AppError::invalid_user_id());
    }
    Ok(id)
}

/// List a user's connections.
#[utoipa::path(
    get, path = "/v2/user/providers/{user_id}", tag = "users",
    params(("user_id" = String, Path, description = "User id (uuid)")),
    responses(
        (status = 200, description = "The user's connections", body = UserProvidersResponse),
        (status = 400, description = "`invalid_user_id`", body = ErrorBody),
        (status = 401, description = "Missing or wrong API key", body = ErrorBody),
        (status = 422, description = "`user_id` is not a uuid", body = ValidationErrorBody),
    ),
    security(("api_key" = []))
)]
async fn user_providers(
    State(state): State<AppState>,
    _key: ApiKey,
    Path(user_id): Path<String>,
) -> AppResult<Json<UserProvidersResponse>> {
    let user_id = existing_user(&state, &user_id, &["path", "user_id"]).await?;
    let rows = sqlx::query(
        "SELECT provider, external_user_id, status, error_details, created_at FROM connections
         WHERE user_id = ? ORDER BY created_at, provider",
    )
    .bind(&user_id)
    .fetch_all(&state.db)
    .await?;
    let providers = rows
        .into_iter()
        .map(|r| {
            let slug: String = r.get("provider");
            let name = state
                .catalog
                .get(&slug)
                .map(|p| p.name.clone())
                .unwrap_or_else(|| slug.clone());
            let status: String = r.get("status");
            UserConnection {
                logo: logo_url(&state, &slug),
                name,
                created_on: rfc3339(r.get("created_at")),
                status: if status == "error" {
                    ConnectionStatus::Error
                } else {
                    ConnectionStatus::Connected
                },
                external_user_id: r.get("external_user_id"),
                error_details: r.get("error_details"),
                slug,
            }
        })
        .collect();
    Ok(Json(UserProvidersResponse { providers }))
}

/// Delete a user's connection to a provider.
#[utoipa::path(
    delete, path = "/v2/user/{user_id}/{provider}", tag = "users",
    params(
        ("user_id" = String, Path, description = "User id (uuid)"),
        ("provider" = String, Path, description = "Provider slug"),
    ),
    responses(
        (status = 200, description = "Deleted", body = SuccessResponse),
        (status = 400, description = "`invalid_user_id`", body = ErrorBody),
        (status = 401, description = "Missing or wrong API key", body = ErrorBody),
        (status = 404, description = "No such connection", body = ErrorBody),
        (status = 422, description = "`user_id` not a uuid, or unknown provider slug", body = ValidationErrorBody),
    ),
    security(("api_key" = []))
)]
async fn delete_connection(
    State(state): State<AppState>,
    _key: ApiKey,
    Path((user_id, provider)): Path<(String, String)>,
) -> AppResult<Json<SuccessResponse>> {
    if state.catalog.get(&provider).is_none() {
        return Err(AppError::validation(
            &["path", "provider"],
            format!("unknown provider {provider:?}"),
            "enum",
        ));
    }
    let user_id = existing_user(&state, &user_id, &["path", "user_id"]).await?;
    let res = sqlx::query("DELETE FROM connections WHERE user_id = ? AND provider = ?")
        .bind(&user_id)
        .bind(&provider)
        .execute(&state.writer)
        .await?;
    if res.rows_affected() == 0 {
        return Err(AppError::not_found(format!(
            "The user has no connection to {provider}."
        )));
    }
    Ok(Json(SuccessResponse { success: true }))
}
