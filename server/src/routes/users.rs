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
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    db::rfc3339,
    error::{AppError, AppResult},
    extract::{parse_json, ApiKey},
    routes::providers::logo_url,
    store::NewUser,
    AppState,
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
    if client_user_id.contains('\0') {
        // PostgreSQL text cannot hold NUL: refused on both databases alike.
        return Err(AppError::validation(
            &["body", "client_user_id"],
            "client_user_id must not contain NUL characters",
            "string_pattern_mismatch",
        ));
    }
    if client_user_id.chars().count() > 256 {
        return Err(AppError::validation(
            &["body", "client_user_id"],
            "client_user_id must be at most 256 characters",
            "string_too_long",
        ));
    }
    let user_id = uuid::Uuid::new_v4().to_string();
    let created = state
        .store
        .create_user(&user_id, client_user_id, crate::db::now_ms())
        .await?;
    if let NewUser::Exists(existing) = created {
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
    if !state.store.user_exists(&id).await? {
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
    let rows = state.store.connections(&user_id).await?;
    let providers = rows
        .into_iter()
        .map(|r| {
            let slug = r.provider;
            let name = state
                .catalog
                .get(&slug)
                .map(|p| p.name.clone())
                .unwrap_or_else(|| slug.clone());
            UserConnection {
                logo: logo_url(&state, &slug),
                name,
                created_on: rfc3339(r.created_at),
                status: if r.status == "error" {
                    ConnectionStatus::Error
                } else {
                    ConnectionStatus::Connected
                },
                external_user_id: r.external_user_id,
                error_details: r.error_details,
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
    if !state.store.delete_connection(&user_id, &provider).await? {
        return Err(AppError::not_found(format!(
            "The user has no connection to {provider}."
        )));
    }
    Ok(Json(SuccessResponse { success: true }))
}
