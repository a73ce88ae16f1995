//! The store: every SQL statement of the server, over SQLite or PostgreSQL.
//!
//! `Store` is an enum over the two pools; each method runs the same statement text on either
//! (`$N` placeholders, `ON CONFLICT`, `RETURNING` mean the same on both). The read-then-write
//! steps are transactions inside the store that return domain results: on SQLite they take
//! the write lock at once (`BEGIN IMMEDIATE`), on PostgreSQL they lock the token's row
//! (`SELECT … FOR UPDATE`), so that concurrent attempts, on one instance or many, are decided by
//! the database: exactly one success consumes a token, the lockout counter cannot be raced past,
//! an OAuth code is exchanged once.

use sqlx::{PgPool, Row, SqlitePool};

use crate::{
    db::now_ms,
    error::{AppError, AppResult},
    sandbox::{Outcome, MAX_FAILED_ATTEMPTS},
};

/// The database behind the server.
#[derive(Clone, Debug)]
pub enum Store {
    /// Many readers (WAL lets them run beside the writer) and a single writer connection, so
    /// that writes queue in the process instead of contending for SQLite's lock.
    Sqlite { read: SqlitePool, write: SqlitePool },
    /// One pool; PostgreSQL's row locks decide the races, across instances too.
    Postgres(PgPool),
}

/// Runs `$body` with `$pool` bound to the pool for reads.
macro_rules! read {
    ($store:expr, |$pool:ident| $body:expr) => {
        match $store {
            Store::Sqlite { read: $pool, .. } => $body,
            Store::Postgres($pool) => $body,
        }
    };
}

/// Runs `$body` with `$pool` bound to the pool for single-statement writes.
macro_rules! write {
    ($store:expr, |$pool:ident| $body:expr) => {
        match $store {
            Store::Sqlite { write: $pool, .. } => $body,
            Store::Postgres($pool) => $body,
        }
    };
}

/// Runs `$body` in a write transaction `$tx`; `$lock` is the suffix that locks the rows a
/// `SELECT` reads (empty on SQLite, where `BEGIN IMMEDIATE` already holds the write lock).
/// The body commits; dropped without a commit, the transaction rolls back.
macro_rules! transaction {
    ($store:expr, |$tx:ident, $lock:ident| $body:expr) => {
        match $store {
            Store::Sqlite { write, .. } => {
                #[allow(unused_mut)]
                let mut $tx = write.begin_with("BEGIN IMMEDIATE").await?;
                let $lock = "";
                $body
            }
            Store::Postgres(pool) => {
                #[allow(unused_mut)]
                let mut $tx = pool.begin().await?;
                let $lock = " FOR UPDATE";
                $body
            }
        }
    };
}

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

/// A connection of a user, as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ConnectionRow {
    pub provider: String,
    pub external_user_id: Option<String>,
    pub status: String,
    pub error_details: Option<String>,
    pub created_at: i64,
}

/// A link token to insert (its hash only: the token itself is never stored).
#[derive(Debug, Clone)]
pub struct NewToken<'a> {
    pub token_hash: &'a str,
    pub user_id: &'a str,
    pub provider: Option<&'a str>,
    pub filter_on_providers: Option<&'a str>,
    pub redirect_url: Option<&'a str>,
    pub on_error: Option<&'a str>,
    pub on_close: Option<&'a str>,
    pub created_at: i64,
    pub expires_at: i64,
}

/// A sandbox authorization code to insert (hashed).
#[derive(Debug, Clone)]
pub struct NewCode<'a> {
    pub code_hash: &'a str,
    pub client_id: &'a str,
    pub redirect_uri: &'a str,
    pub scopes: &'a str,
    pub external_user_id: &'a str,
    pub expires_at: i64,
    /// SHA-256 (hex) of the `state` of the authorization request.
    pub state_hash: &'a str,
    /// Its PKCE S256 `code_challenge`.
    pub code_challenge: &'a str,
}

/// A code marked used by `consume_oauth_code`.
#[derive(Debug, Clone)]
pub struct UsedCode {
    pub scopes: String,
    pub external_user_id: String,
    pub state_hash: String,
    pub code_challenge: String,
}

/// The result of `create_user`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NewUser {
    Created,
    /// The `client_user_id` is taken, by this user id.
    Exists(String),
}

/// What an OAuth callback brings to its attempt: the provider's user and granted scopes, or a
/// failure (error type, message).
pub type Exchanged = Result<(String, String), (&'static str, String)>;

/// The result of `finish_oauth`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OauthFinish {
    /// The attempt is no longer the token's current one (superseded or already ended).
    Superseded,
    /// The connection is recorded and the token consumed.
    Connected,
    /// The attempt ended in this failure (recorded on the token unless the token was expired
    /// or already consumed).
    Failed(&'static str, String),
}

const TOKEN_COLUMNS: &str = "token_hash, user_id, provider, filter_on_providers, redirect_url,
    on_error, on_close, created_at, expires_at, consumed_at, failed_attempts, state,
    state_provider, state_error_type, state_error, mfa_provider, mfa_external_id,
    oauth_attempt, oauth_provider";

const UPSERT_CONNECTION: &str =
    "INSERT INTO connections (user_id, provider, external_user_id, status, error_details, scopes, created_at)
     VALUES ($1, $2, $3, 'connected', NULL, $4, $5)
     ON CONFLICT (user_id, provider) DO UPDATE SET
       external_user_id = excluded.external_user_id, status = 'connected',
       error_details = NULL, scopes = excluded.scopes, created_at = excluded.created_at";

/// Consumes the token if no success got there first (`rows_affected` tells).
const CONSUME_TOKEN: &str =
    "UPDATE link_tokens SET consumed_at = $1, state = 'success', state_provider = $2,
       state_error_type = NULL, state_error = NULL, mfa_provider = NULL,
       mfa_external_id = NULL, oauth_attempt = NULL, oauth_provider = NULL
     WHERE token_hash = $3 AND consumed_at IS NULL";

/// Records a failed attempt: `$4` (0 or 1) bumps the lockout counter; `$5` keeps a pending MFA
/// challenge (a wrong code may be retried); `$6` ends the OAuth attempt.
const RECORD_FAILURE: &str =
    "UPDATE link_tokens SET state = 'error', state_provider = $1, state_error_type = $2,
       state_error = $3, failed_attempts = failed_attempts + $4,
       mfa_provider = CASE WHEN $5 THEN mfa_provider ELSE NULL END,
       mfa_external_id = CASE WHEN $5 THEN mfa_external_id ELSE NULL END,
       oauth_attempt = CASE WHEN $6 THEN NULL ELSE oauth_attempt END
     WHERE token_hash = $7";

const PENDING_MFA: &str =
    "UPDATE link_tokens SET state = 'pending', state_provider = $1, state_error_type = NULL,
       state_error = NULL, mfa_provider = $1, mfa_external_id = $2 WHERE token_hash = $3";

/// Consumes the token and records the connection, in transaction `$tx`: `Ok(false)` when
/// another success consumed the token first.
macro_rules! record_success {
    ($tx:ident, $row:expr, $provider:expr, $external:expr, $scopes:expr) => {{
        let now = now_ms();
        let res = sqlx::query(CONSUME_TOKEN)
            .bind(now)
            .bind($provider)
            .bind(&$row.token_hash)
            .execute(&mut *$tx)
            .await?;
        if res.rows_affected() == 1 {
            sqlx::query(UPSERT_CONNECTION)
                .bind(&$row.user_id)
                .bind($provider)
                .bind($external)
                .bind($scopes)
                .bind(now)
                .execute(&mut *$tx)
                .await?;
            true
        } else {
            false
        }
    }};
}

macro_rules! record_failure {
    ($tx:ident, $hash:expr, $provider:expr, $ty:expr, $msg:expr, $counts:expr, $keep_mfa:expr, $end_oauth:expr) => {
        sqlx::query(RECORD_FAILURE)
            .bind($provider)
            .bind($ty)
            .bind($msg)
            .bind(if $counts { 1i64 } else { 0 })
            .bind($keep_mfa)
            .bind($end_oauth)
            .bind($hash)
            .execute(&mut *$tx)
            .await?
    };
}

impl Store {
    /// `sqlite` or `postgres`.
    pub fn backend(&self) -> &'static str {
        match self {
            Store::Sqlite { .. } => "sqlite",
            Store::Postgres(_) => "postgres",
        }
    }

    pub async fn close(&self) {
        match self {
            Store::Sqlite { read, write } => {
                read.close().await;
                write.close().await;
            }
            Store::Postgres(pool) => pool.close().await,
        }
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        read!(self, |pool| sqlx::query("SELECT 1")
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// Returns the 32-byte key `name`, generating and storing it on first use. The first
    /// instance to start stores it; every other instance (and every restart) reads that one.
    pub async fn server_key(&self, name: &str, fresh: &[u8]) -> Result<Vec<u8>, sqlx::Error> {
        write!(self, |pool| {
            sqlx::query(
                "INSERT INTO server_keys (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
            )
            .bind(name)
            .bind(fresh)
            .execute(pool)
            .await?;
            let row = sqlx::query("SELECT value FROM server_keys WHERE name = $1")
                .bind(name)
                .fetch_one(pool)
                .await?;
            Ok(row.get::<Vec<u8>, _>("value"))
        })
    }

    // -- users and connections -----------------------------------------------------------------

    pub async fn create_user(
        &self,
        id: &str,
        client_user_id: &str,
        now: i64,
    ) -> Result<NewUser, sqlx::Error> {
        let inserted = write!(self, |pool| sqlx::query(
            "INSERT INTO users (id, client_user_id, created_at) VALUES ($1, $2, $3)
             ON CONFLICT (client_user_id) DO NOTHING",
        )
        .bind(id)
        .bind(client_user_id)
        .bind(now)
        .execute(pool)
        .await?
        .rows_affected());
        if inserted == 1 {
            return Ok(NewUser::Created);
        }
        let existing: String = write!(self, |pool| sqlx::query(
            "SELECT id FROM users WHERE client_user_id = $1"
        )
        .bind(client_user_id)
        .fetch_one(pool)
        .await?
        .get("id"));
        Ok(NewUser::Exists(existing))
    }

    pub async fn user_exists(&self, user_id: &str) -> Result<bool, sqlx::Error> {
        Ok(read!(self, |pool| sqlx::query(
            "SELECT 1 FROM users WHERE id = $1"
        )
        .bind(user_id)
        .fetch_optional(pool)
        .await?
        .is_some()))
    }

    /// A user's connections, oldest first (then by slug, byte order on both databases).
    pub async fn connections(&self, user_id: &str) -> Result<Vec<ConnectionRow>, sqlx::Error> {
        let mut rows: Vec<ConnectionRow> = read!(self, |pool| sqlx::query_as(
            "SELECT provider, external_user_id, status, error_details, created_at
             FROM connections WHERE user_id = $1"
        )
        .bind(user_id)
        .fetch_all(pool)
        .await?);
        rows.sort_by(|a, b| (a.created_at, &a.provider).cmp(&(b.created_at, &b.provider)));
        Ok(rows)
    }

    /// Whether there was such a connection to delete.
    pub async fn delete_connection(
        &self,
        user_id: &str,
        provider: &str,
    ) -> Result<bool, sqlx::Error> {
        let n = write!(self, |pool| sqlx::query(
            "DELETE FROM connections WHERE user_id = $1 AND provider = $2"
        )
        .bind(user_id)
        .bind(provider)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(n > 0)
    }

    /// Upserts a `connected` connection of `user_id` to `provider`.
    pub async fn upsert_connection(
        &self,
        user_id: &str,
        provider: &str,
        external_user_id: &str,
        scopes: Option<&str>,
    ) -> Result<(), sqlx::Error> {
        write!(self, |pool| sqlx::query(UPSERT_CONNECTION)
            .bind(user_id)
            .bind(provider)
            .bind(external_user_id)
            .bind(scopes)
            .bind(now_ms())
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    // -- link tokens -----------------------------------------------------------------------------

    pub async fn insert_token(&self, t: &NewToken<'_>) -> Result<(), sqlx::Error> {
        write!(self, |pool| sqlx::query(
            "INSERT INTO link_tokens (token_hash, user_id, provider, filter_on_providers,
               redirect_url, on_error, on_close, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(t.token_hash)
        .bind(t.user_id)
        .bind(t.provider)
        .bind(t.filter_on_providers)
        .bind(t.redirect_url)
        .bind(t.on_error)
        .bind(t.on_close)
        .bind(t.created_at)
        .bind(t.expires_at)
        .execute(pool)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    pub async fn token_by_hash(&self, hash: &str) -> Result<Option<TokenRow>, sqlx::Error> {
        let sql = format!("SELECT {TOKEN_COLUMNS} FROM link_tokens WHERE token_hash = $1");
        read!(self, |pool| sqlx::query_as::<_, TokenRow>(&sql)
            .bind(hash)
            .fetch_optional(pool)
            .await)
    }

    pub async fn token_by_oauth_attempt(
        &self,
        attempt: &str,
    ) -> Result<Option<TokenRow>, sqlx::Error> {
        let sql = format!("SELECT {TOKEN_COLUMNS} FROM link_tokens WHERE oauth_attempt = $1");
        read!(self, |pool| sqlx::query_as::<_, TokenRow>(&sql)
            .bind(attempt)
            .fetch_optional(pool)
            .await)
    }

    /// Settles one password, MFA or email attempt on the token `hash`. `decide` sees the token
    /// as re-read (and locked) inside the transaction and returns the outcome and whether a
    /// pending MFA challenge survives a failure; its error aborts the attempt, writing nothing.
    /// Returns the token as it was before the attempt and the outcome recorded. A success that
    /// finds the token consumed by a concurrent one fails with `token_consumed`.
    pub async fn settle_attempt(
        &self,
        hash: &str,
        provider: &str,
        decide: impl FnOnce(&TokenRow) -> AppResult<(Outcome, bool)>,
    ) -> AppResult<(TokenRow, Outcome)> {
        transaction!(self, |tx, lock| {
            let sql =
                format!("SELECT {TOKEN_COLUMNS} FROM link_tokens WHERE token_hash = $1{lock}");
            let row = sqlx::query_as::<_, TokenRow>(&sql)
                .bind(hash)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(AppError::invalid_token)?;
            let (outcome, keep_mfa) = decide(&row)?;
            match &outcome {
                Outcome::Success { external_user_id } => {
                    let none: Option<&str> = None;
                    if !record_success!(tx, row, provider, external_user_id, none) {
                        return Err(AppError::token_consumed());
                    }
                }
                Outcome::Mfa {
                    external_user_id, ..
                } => {
                    sqlx::query(PENDING_MFA)
                        .bind(provider)
                        .bind(external_user_id)
                        .bind(hash)
                        .execute(&mut *tx)
                        .await?;
                }
                Outcome::Failure {
                    error_type,
                    message,
                } => {
                    let counts = outcome.counts_towards_lockout();
                    record_failure!(
                        tx,
                        hash,
                        provider,
                        *error_type,
                        message,
                        counts,
                        keep_mfa,
                        false
                    );
                }
            }
            tx.commit().await?;
            Ok((row, outcome))
        })
    }

    /// Starts a new OAuth attempt on the token (voiding any earlier one); false when the token
    /// is consumed.
    pub async fn start_oauth(
        &self,
        hash: &str,
        attempt: &str,
        provider: &str,
    ) -> Result<bool, sqlx::Error> {
        let n = write!(self, |pool| sqlx::query(
            "UPDATE link_tokens SET oauth_attempt = $1, oauth_provider = $2, state = 'pending',
               state_provider = $2, state_error_type = NULL, state_error = NULL,
               mfa_provider = NULL, mfa_external_id = NULL
             WHERE token_hash = $3 AND consumed_at IS NULL",
        )
        .bind(attempt)
        .bind(provider)
        .bind(hash)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(n == 1)
    }

    /// Ends the OAuth attempt `attempt` of the token `hash` with what the callback brought, if
    /// it is still the token's current attempt.
    pub async fn finish_oauth(
        &self,
        hash: &str,
        attempt: &str,
        provider: &str,
        exchanged: Exchanged,
    ) -> AppResult<OauthFinish> {
        use link_contract::error_type;
        transaction!(self, |tx, lock| {
            let sql =
                format!("SELECT {TOKEN_COLUMNS} FROM link_tokens WHERE token_hash = $1{lock}");
            let Some(row) = sqlx::query_as::<_, TokenRow>(&sql)
                .bind(hash)
                .fetch_optional(&mut *tx)
                .await?
            else {
                return Ok(OauthFinish::Superseded);
            };
            if row.oauth_attempt.as_deref() != Some(attempt) {
                return Ok(OauthFinish::Superseded);
            }
            let consumed = || {
                OauthFinish::Failed(
                    error_type::TOKEN_CONSUMED,
                    "The link token has already been used.".into(),
                )
            };
            let result = if row.is_expired(now_ms()) {
                OauthFinish::Failed(
                    error_type::TOKEN_EXPIRED,
                    "The link token expired during sign-in.".into(),
                )
            } else if row.consumed_at.is_some() {
                consumed()
            } else {
                match exchanged {
                    Ok((external_user_id, scopes)) => {
                        if record_success!(tx, row, provider, &external_user_id, Some(&scopes)) {
                            OauthFinish::Connected
                        } else {
                            consumed()
                        }
                    }
                    Err((ty, msg)) => {
                        record_failure!(tx, hash, provider, ty, &msg, false, false, true);
                        OauthFinish::Failed(ty, msg)
                    }
                }
            };
            tx.commit().await?;
            Ok(result)
        })
    }

    // -- sandbox OAuth codes -------------------------------------------------------------------

    /// Stores a code (and drops codes expired for an hour).
    pub async fn insert_oauth_code(&self, c: &NewCode<'_>, now: i64) -> Result<(), sqlx::Error> {
        write!(self, |pool| {
            sqlx::query("DELETE FROM oauth_codes WHERE expires_at < $1")
                .bind(now - 3_600_000)
                .execute(pool)
                .await?;
            sqlx::query(
                "INSERT INTO oauth_codes (code_hash, client_id, redirect_uri, scopes,
                   external_user_id, expires_at, state_hash, code_challenge)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(c.code_hash)
            .bind(c.client_id)
            .bind(c.redirect_uri)
            .bind(c.scopes)
            .bind(c.external_user_id)
            .bind(c.expires_at)
            .bind(c.state_hash)
            .bind(c.code_challenge)
            .execute(pool)
            .await?;
            Ok(())
        })
    }

    /// Marks the code used, once, or `None` when it is unknown, expired, used, or not for this
    /// client and redirect URI. The caller checks its binding (state, PKCE): a code presented
    /// with the wrong ones is burnt all the same.
    pub async fn consume_oauth_code(
        &self,
        code_hash: &str,
        client_id: &str,
        redirect_uri: &str,
        now: i64,
    ) -> Result<Option<UsedCode>, sqlx::Error> {
        let row = write!(self, |pool| sqlx::query(
            "UPDATE oauth_codes SET used_at = $1
             WHERE code_hash = $2 AND used_at IS NULL AND expires_at > $1 AND client_id = $3
               AND redirect_uri = $4
             RETURNING scopes, external_user_id, state_hash, code_challenge",
        )
        .bind(now)
        .bind(code_hash)
        .bind(client_id)
        .bind(redirect_uri)
        .fetch_optional(pool)
        .await?
        .map(|r| UsedCode {
            scopes: r.get("scopes"),
            external_user_id: r.get("external_user_id"),
            state_hash: r.get("state_hash"),
            code_challenge: r.get("code_challenge"),
        }));
        Ok(row)
    }
}

// -- group commit of link tokens -------------------------------------------------------------

/// A link token row owned by the batch that inserts it.
#[derive(Debug, Clone)]
pub struct OwnedToken {
    pub token_hash: String,
    pub user_id: String,
    pub provider: Option<String>,
    pub filter_on_providers: Option<String>,
    pub redirect_url: Option<String>,
    pub on_error: Option<String>,
    pub on_close: Option<String>,
    pub created_at: i64,
    pub expires_at: i64,
}

impl OwnedToken {
    fn as_new(&self) -> NewToken<'_> {
        NewToken {
            token_hash: &self.token_hash,
            user_id: &self.user_id,
            provider: self.provider.as_deref(),
            filter_on_providers: self.filter_on_providers.as_deref(),
            redirect_url: self.redirect_url.as_deref(),
            on_error: self.on_error.as_deref(),
            on_close: self.on_close.as_deref(),
            created_at: self.created_at,
            expires_at: self.expires_at,
        }
    }
}

/// Why a token could not be inserted.
#[derive(Debug)]
pub enum InsertTokenError {
    /// The user does not exist (the foreign key said so).
    UnknownUser,
    Database(sqlx::Error),
}

impl From<sqlx::Error> for InsertTokenError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::Database(d) if d.is_foreign_key_violation() => {
                InsertTokenError::UnknownUser
            }
            _ => InsertTokenError::Database(e),
        }
    }
}

/// Most rows in one batch (9 binds each: far below either database's bind limit).
const MAX_BATCH: usize = 256;

impl Store {
    /// Inserts the rows with one multi-row `INSERT` (one transaction: all or none).
    pub async fn insert_tokens(&self, rows: &[OwnedToken]) -> Result<(), sqlx::Error> {
        write!(self, |pool| {
            let mut qb = sqlx::QueryBuilder::new(
                "INSERT INTO link_tokens (token_hash, user_id, provider, filter_on_providers,
                   redirect_url, on_error, on_close, created_at, expires_at) ",
            );
            qb.push_values(rows, |mut b, t| {
                b.push_bind(&t.token_hash)
                    .push_bind(&t.user_id)
                    .push_bind(&t.provider)
                    .push_bind(&t.filter_on_providers)
                    .push_bind(&t.redirect_url)
                    .push_bind(&t.on_error)
                    .push_bind(&t.on_close)
                    .push_bind(t.created_at)
                    .push_bind(t.expires_at);
            });
            qb.build().execute(pool).await.map(|_| ())
        })
    }

    /// The insert of one token, alone: what a failed batch falls back to, row by row.
    async fn insert_one(&self, t: &OwnedToken) -> Result<(), InsertTokenError> {
        Ok(self.insert_token(&t.as_new()).await?)
    }
}

type TokenJob = (
    OwnedToken,
    tokio::sync::oneshot::Sender<Result<(), InsertTokenError>>,
);

/// Group commit of link-token inserts: concurrent requests hand their row to one writer task,
/// which inserts whatever has queued up meanwhile as one multi-row `INSERT` (one transaction,
/// one commit) and answers each request after that commit, so an acknowledged token is as
/// durable as with one transaction per request. There is no waiting for a batch to fill: a
/// batch is what arrived while the previous one was being written. SQLite writes one batch at a
/// time (it has one writer); PostgreSQL up to 4 at once.
#[derive(Clone, Debug)]
pub struct TokenWriter {
    tx: tokio::sync::mpsc::Sender<TokenJob>,
}

impl TokenWriter {
    /// Starts the writer task (on the current tokio runtime).
    pub fn spawn(store: Store) -> TokenWriter {
        let (tx, mut rx) = tokio::sync::mpsc::channel::<TokenJob>(4 * MAX_BATCH);
        let in_flight = match store {
            Store::Sqlite { .. } => 1,
            Store::Postgres(_) => 4,
        };
        let permits = std::sync::Arc::new(tokio::sync::Semaphore::new(in_flight));
        tokio::spawn(async move {
            loop {
                let Ok(permit) = permits.clone().acquire_owned().await else {
                    break;
                };
                let Some(first) = rx.recv().await else { break };
                let mut batch = vec![first];
                while batch.len() < MAX_BATCH {
                    match rx.try_recv() {
                        Ok(job) => batch.push(job),
                        Err(_) => break,
                    }
                }
                let store = store.clone();
                tokio::spawn(async move {
                    write_batch(&store, batch).await;
                    drop(permit);
                });
            }
        });
        TokenWriter { tx }
    }

    /// Inserts one token; returns once it is committed.
    pub async fn insert(&self, token: OwnedToken) -> Result<(), InsertTokenError> {
        let (done, wait) = tokio::sync::oneshot::channel();
        let closed = || InsertTokenError::Database(sqlx::Error::PoolClosed);
        self.tx.send((token, done)).await.map_err(|_| closed())?;
        wait.await.map_err(|_| closed())?
    }
}

async fn write_batch(store: &Store, batch: Vec<TokenJob>) {
    tracing::debug!(rows = batch.len(), "link token batch");
    let rows: Vec<OwnedToken> = batch.iter().map(|(t, _)| t.clone()).collect();
    match store.insert_tokens(&rows).await {
        Ok(()) => {
            for (_, done) in batch {
                let _ = done.send(Ok(()));
            }
        }
        // A single row: its own error. Several: one bad row (an unknown user) must not fail
        // the others, so each is retried alone.
        Err(e) if batch.len() == 1 => {
            if let Some((_, done)) = batch.into_iter().next() {
                let _ = done.send(Err(InsertTokenError::from(e)));
            }
        }
        Err(_) => {
            for (t, done) in batch {
                let _ = done.send(store.insert_one(&t).await);
            }
        }
    }
}
