//! Opening the database named by `--database-url`: SQLite (WAL, busy timeout, foreign keys)
//! or PostgreSQL, picked by the URL's scheme, with the migrations of that backend.

use std::{str::FromStr, time::Duration};

use anyhow::Context;
use rand::RngCore;
use sqlx::ConnectOptions;
use sqlx::{
    postgres::{PgConnectOptions, PgPoolOptions},
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
};

use crate::store::Store;

/// The URL with any password replaced by `***`, for messages and logs.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        Ok(_) => url.to_string(),
        // Unparsable: show only the scheme, the rest may hold a password.
        Err(_) => match url.split_once(':') {
            Some((scheme, _)) => format!("{scheme}:…"),
            None => "(unparsable)".into(),
        },
    }
}

/// Opens the database, creating it if needed (SQLite: the file and its directory), and runs
/// the migrations of its backend. `max_connections` sizes the PostgreSQL pool (and the SQLite
/// reader pool).
pub async fn connect(url: &str, max_connections: u32) -> anyhow::Result<Store> {
    if url.starts_with("sqlite:") {
        connect_sqlite(url, max_connections).await
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        connect_postgres(url, max_connections).await
    } else {
        anyhow::bail!(
            "unsupported database URL {:?}: expected sqlite://PATH or postgres://USER@HOST:PORT/DB",
            redact_url(url)
        );
    }
}

async fn connect_postgres(url: &str, max_connections: u32) -> anyhow::Result<Store> {
    let shown = redact_url(url);
    let opts = PgConnectOptions::from_str(url)
        .map_err(|_| anyhow::anyhow!("invalid database URL {shown:?}"))?
        .disable_statement_logging();
    // One direct connection first: a wrong host, port or password fails at once (the pool
    // would retry a refused connection until its acquire timeout).
    {
        use sqlx::Connection;
        let conn = sqlx::PgConnection::connect_with(&opts)
            .await
            .map_err(|e| anyhow::anyhow!("cannot connect to the database {shown}: {e}"))?;
        let _ = conn.close().await;
    }
    let pool = PgPoolOptions::new()
        .max_connections(max_connections)
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(30))
        .connect_with(opts)
        .await
        .map_err(|e| anyhow::anyhow!("cannot connect to the database {shown}: {e}"))?;
    // sqlx takes an advisory lock around the migrations: instances starting at once apply
    // them one after the other, the later ones finding nothing left to do.
    sqlx::migrate!("./migrations/postgres")
        .run(&pool)
        .await
        .context("cannot apply the database migrations")?;
    Ok(Store::Postgres(pool))
}

async fn connect_sqlite(url: &str, max_connections: u32) -> anyhow::Result<Store> {
    let opts = SqliteConnectOptions::from_str(url)
        .with_context(|| format!("invalid database URL {url:?}"))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        // NORMAL in WAL mode: a commit survives a crash of the process (SIGKILL included: the
        // WAL is written before the commit returns); on power loss the last commits may be
        // rolled back, never half-applied. FULL would also cover power loss.
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(Duration::from_secs(5))
        .foreign_keys(true)
        .disable_statement_logging();
    let filename = opts.get_filename().to_path_buf();
    let in_memory = url.contains(":memory:") || url.contains("mode=memory");
    if !in_memory {
        if let Some(dir) = filename.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).with_context(|| {
                format!("cannot create the database directory {}", dir.display())
            })?;
        }
    }
    let write = SqlitePoolOptions::new()
        .max_connections(1)
        .min_connections(1)
        .idle_timeout(None)
        .max_lifetime(None)
        .acquire_timeout(Duration::from_secs(30))
        .connect_with(opts.clone())
        .await
        .with_context(|| format!("cannot open the database {}", filename.display()))?;
    sqlx::migrate!("./migrations/sqlite")
        .run(&write)
        .await
        .context("cannot apply the database migrations")?;
    // An in-memory database exists once per connection: there, one pool does everything.
    let read = if in_memory {
        write.clone()
    } else {
        SqlitePoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(opts)
            .await
            .with_context(|| format!("cannot open the database {}", filename.display()))?
    };
    Ok(Store::Sqlite { read, write })
}

/// The OAuth state signing key: from `--state-key` when given (any string, hashed to 32
/// bytes), else the key stored in the database (generated by the first instance to start).
/// Either way every instance on one database signs alike.
pub async fn state_key(store: &Store, configured: Option<&str>) -> anyhow::Result<Vec<u8>> {
    if let Some(k) = configured {
        use sha2::Digest;
        return Ok(sha2::Sha256::digest(k.as_bytes()).to_vec());
    }
    let mut fresh = vec![0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut fresh);
    store
        .server_key("oauth_state", &fresh)
        .await
        .context("cannot read or store the OAuth state key")
}

/// Now, in Unix milliseconds.
pub fn now_ms() -> i64 {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    d.as_millis() as i64
}

/// Unix milliseconds as RFC 3339 (UTC).
pub fn rfc3339(ms: i64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_formats_utc() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_700_000_000_123), "2023-11-14T22:13:20.123Z");
    }
}
