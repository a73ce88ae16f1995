//! Rows and the queries shared by several routes. Runtime queries with binds only.

use sqlx::{Sqlite, SqliteConnection, SqlitePool};

use crate::{
    db::now_ms,
    error::{AppError, AppResult},
    sandbox::MAX_FAILED_ATTEMPTS,
};

/// A link token (by hash) with its options and the state of its attempts.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TokenRow {
    pub token_hash: String,
    pub user_id: String,
    pub provider: Option<String>,
    pub filter_on_providers: Option<String>,
    pub redirect_url: Option<String>,
    pub on_error: Option<String>,
    pub on_close: Option<String>,
    pub created_at: i64,
    pub expires_at: i64,
    pub consumed_at: Option<i64>,
    pub failed_attempts: i64,
    pub state: String,
    pub state_provider: Option<String>,
    pub state_error_type: Option<String>,
    pub state_error: Option<String>,
    pub mfa_provider: Option<String>,
    pub mfa_external_id: Option<String>,
    pub oauth_attempt: Option<String>,
    pub oauth_provider: Option<String>,
}

impl TokenRow {
    pub fn is_expired(&self, now: i64) -> bool {
        now >= self.expires_at
    }

    /// Expired, then consumed: the order of section 3.
    pub fn ensure_usable(&self, now: i64) -> AppResult<()> {
        if self.is_expired(now) {
            return Err(AppError::token_expired());
        }
        if self.consumed_at.is_some() {
            return Err(AppError::token_consumed());
        }
        Ok(())
    }

    /// The lockout of section 5.
    pub fn ensure_unlocked(&self) -> AppResult<()> {
        if self.failed_attempts >= MAX_FAILED_ATTEMPTS {
            return Err(AppError::too_many_attempts());
        }
        Ok(())
    }

    pub fn filter(&self) -> Option<Vec<String>> {
        self.filter_on_providers
            .as_deref()
            .and_then(|f| serde_json::from_str(f).ok())
    }

    /// Whether the token's `provider` and `filter_on_providers` allow `slug`.
    pub fn allows(&self, slug: &str) -> bool {
        if let Some(p) = &self.provider {
            if p != slug {
                return false;
            }
        }
        match self.filter() {
            Some(list) => list.iter().any(|s| s == slug),
            None => true,
        }
    }
}

pub async fn token_by_hash(
    conn: &mut SqliteConnection,
    hash: &str,
) -> Result<Option<TokenRow>, sqlx::Error> {
    sqlx::query_as::<_, TokenRow>("SELECT * FROM link_tokens WHERE token_hash = ?")
        .bind(hash)
        .fetch_optional(conn)
        .await
}

pub async fn token_by_hash_pool(
    pool: &SqlitePool,
    hash: &str,
) -> Result<Option<TokenRow>, sqlx::Error> {
    sqlx::query_as::<_, TokenRow>("SELECT * FROM link_tokens WHERE token_hash = ?")
        .bind(hash)
        .fetch_optional(pool)
        .await
}

pub async fn user_exists(pool: &SqlitePool, user_id: &str) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query("SELECT 1 FROM users WHERE id = ?")
        .bind(user_id)
        .fetch_optional(pool)
        .await?
        .is_some())
}

/// Upserts a `connected` connection of `user_id` to `provider`.
pub async fn upsert_connection<'c, E>(
    e: E,
    user_id: &str,
    provider: &str,
    external_user_id: &str,
    scopes: Option<&str>,
) -> Result<(), sqlx::Error>
where
    E: sqlx::Executor<'c, Database = Sqlite>,
{
    sqlx::query(
        "INSERT INTO connections (user_id, provider, external_user_id, status, error_details, scopes, created_at)
         VALUES (?, ?, ?, 'connected', NULL, ?, ?)
         ON CONFLICT(user_id, provider) DO UPDATE SET
           external_user_id = excluded.external_user_id, status = 'connected',
           error_details = NULL, scopes = excluded.scopes, created_at = excluded.created_at",
    )
    .bind(user_id)
    .bind(provider)
    .bind(external_user_id)
    .bind(scopes)
    .bind(now_ms())
    .execute(e)
    .await?;
    Ok(())
}

/// Inside a `BEGIN IMMEDIATE` transaction: records the connection and consumes the token. Fails
/// with `token_consumed` if another success got there first.
pub async fn record_success(
    conn: &mut SqliteConnection,
    token: &TokenRow,
    provider: &str,
    external_user_id: &str,
    scopes: Option<&str>,
) -> AppResult<()> {
    let now = now_ms();
    let res = sqlx::query(
        "UPDATE link_tokens SET consumed_at = ?, state = 'success', state_provider = ?,
           state_error_type = NULL, state_error = NULL, mfa_provider = NULL,
           mfa_external_id = NULL, oauth_attempt = NULL, oauth_provider = NULL
         WHERE token_hash = ? AND consumed_at IS NULL",
    )
    .bind(now)
    .bind(provider)
    .bind(&token.token_hash)
    .execute(&mut *conn)
    .await?;
    if res.rows_affected() != 1 {
        return Err(AppError::token_consumed());
    }
    upsert_connection(
        &mut *conn,
        &token.user_id,
        provider,
        external_user_id,
        scopes,
    )
    .await?;
    Ok(())
}

/// Records a failed attempt: the token's state becomes `error`; `counts` bumps the lockout
/// counter; `keep_mfa` keeps a pending MFA challenge (a wrong code may be retried).
pub async fn record_failure(
    conn: &mut SqliteConnection,
    token_hash: &str,
    provider: &str,
    error_type: &str,
    message: &str,
    counts: bool,
    keep_mfa: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE link_tokens SET state = 'error', state_provider = ?, state_error_type = ?,
           state_error = ?, failed_attempts = failed_attempts + ?,
           mfa_provider = CASE WHEN ? THEN mfa_provider ELSE NULL END,
           mfa_external_id = CASE WHEN ? THEN mfa_external_id ELSE NULL END
         WHERE token_hash = ?",
    )
    .bind(provider)
    .bind(error_type)
    .bind(message)
    .bind(if counts { 1i64 } else { 0 })
    .bind(keep_mfa)
    .bind(keep_mfa)
    .bind(token_hash)
    .execute(conn)
    .await?;
    Ok(())
}
