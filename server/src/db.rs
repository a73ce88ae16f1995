//! The SQLite pool (WAL, busy timeout, foreign keys) and its migrations.

use std::{str::FromStr, time::Duration};

use anyhow::Context;
use rand::RngCore;
use sqlx::ConnectOptions;
use sqlx::{
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
    Row, Sqlite, SqlitePool, Transaction,
};

/// The two pools over one database: many readers (WAL lets them run beside the writer) and a
/// single writer connection, so that writes queue in the process instead of contending for
/// SQLite's lock (the busy timeout still covers other processes on the same file).
#[derive(Clone)]
pub struct Pools {
    pub read: SqlitePool,
    pub write: SqlitePool,
}

/// Opens (creating it and its directory if needed) the database and runs the migrations.
pub async fn connect(url: &str) -> anyhow::Result<Pools> {
    if !url.starts_with("sqlite:") {
        anyhow::bail!("unsupported database URL {url:?}: only sqlite: URLs are supported");
    }
    let opts = SqliteConnectOptions::from_str(url)
        .with_context(|| format!("invalid database URL {url:?}"))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
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
    sqlx::migrate!("./migrations")
        .run(&write)
        .await
        .context("cannot apply the database migrations")?;
    // An in-memory database exists once per connection: there, one pool does everything.
    let read = if in_memory {
        write.clone()
    } else {
        SqlitePoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(opts)
            .await
            .with_context(|| format!("cannot open the database {}", filename.display()))?
    };
    Ok(Pools { read, write })
}

/// A write transaction that takes SQLite's write lock at once (`BEGIN IMMEDIATE`), so that a
/// read-then-write inside it can never fail with "database is locked" half-way: writers queue on
/// the busy timeout instead. Dropped without `commit`, it rolls back.
pub async fn begin_immediate(
    pool: &SqlitePool,
) -> Result<Transaction<'static, Sqlite>, sqlx::Error> {
    pool.begin_with("BEGIN IMMEDIATE").await
}

/// Returns the 32-byte key `name`, generating and storing it on first use. It survives restarts.
pub async fn server_key(pool: &SqlitePool, name: &str) -> anyhow::Result<Vec<u8>> {
    let mut fresh = vec![0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut fresh);
    sqlx::query("INSERT INTO server_keys (name, value) VALUES (?, ?) ON CONFLICT(name) DO NOTHING")
        .bind(name)
        .bind(&fresh)
        .execute(pool)
        .await
        .context("cannot store a server key")?;
    let row = sqlx::query("SELECT value FROM server_keys WHERE name = ?")
        .bind(name)
        .fetch_one(pool)
        .await
        .context("cannot read a server key")?;
    Ok(row.get::<Vec<u8>, _>("value"))
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
