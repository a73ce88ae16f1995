//! The Link API server: the contract of `shared/link-api.md` over axum and SQLite.
//!
//! Layout: `config` (flags), `db` (pool, migrations), `error` (the one `AppError`), `sandbox`
//! (provider catalog and sandbox rules), `secrets` (tokens, API key, signed OAuth state),
//! `store` (rows and queries), `extract` (API key / link token / JSON body), `trace` (redacted
//! access logs), `openapi`, and `routes/` with one module per resource.

pub mod config;
pub mod db;
pub mod error;
pub mod extract;
pub mod openapi;
pub mod routes;
pub mod sandbox;
pub mod secrets;
pub mod store;
pub mod trace;

use std::{
    net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr},
    sync::Arc,
    time::Duration,
};

use anyhow::Context;
use axum::Router;
use sqlx::SqlitePool;
use tokio::net::TcpListener;

pub use config::Config;

use crate::{config::Env, sandbox::Catalog};

/// Shared state of every handler.
#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    /// Reader pool.
    pub db: SqlitePool,
    /// The single writer connection: every write goes through it.
    pub writer: SqlitePool,
    pub catalog: Arc<Catalog>,
    /// Base of `link_web_url`, `oauth_url` and logo URLs, without a trailing slash.
    pub public_url: Arc<str>,
    /// Base the server uses to call itself over HTTP (the sandbox OAuth token endpoint): the
    /// bound address, so that it works behind a TLS proxy too.
    pub internal_url: Arc<str>,
    /// HMAC key of the OAuth `state` (and sandbox client secrets); stored in the database.
    pub state_key: Arc<Vec<u8>>,
    pub http: reqwest::Client,
    /// `GET /v2/link/providers` for a token without filters, ready to send.
    pub all_link_providers: Arc<routes::providers::PrecompressedJson>,
}

/// Builds the whole application router.
pub fn app(state: AppState) -> Router {
    routes::router(state)
}

/// Checks the flags that clap cannot.
fn validate(config: &Config) -> anyhow::Result<()> {
    if config.api_key.trim().is_empty() {
        anyhow::bail!("--api-key / LINK_API_KEY must not be empty");
    }
    if config.token_ttl_secs == 0 {
        anyhow::bail!("--token-ttl-secs must be at least 1");
    }
    if config.synthetic_providers > 0 && config.env != Env::Sandbox {
        anyhow::bail!("--synthetic-providers is only allowed with --env sandbox");
    }
    if config.synthetic_providers > 100_000 {
        anyhow::bail!("--synthetic-providers must be at most 100000");
    }
    if let Some(u) = &config.public_url {
        let parsed = url::Url::parse(u).with_context(|| format!("invalid --public-url {u:?}"))?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
            anyhow::bail!("invalid --public-url {u:?}: expected an absolute http(s) URL");
        }
        if parsed.query().is_some() || parsed.fragment().is_some() {
            anyhow::bail!("invalid --public-url {u:?}: no query or fragment allowed");
        }
    }
    Ok(())
}

/// The bound address as a URL a client on this machine can reach (`0.0.0.0` → loopback).
fn reachable_url(addr: SocketAddr) -> String {
    let ip = match addr.ip() {
        IpAddr::V4(v4) if v4.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(v6) if v6.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    format!("http://{}", SocketAddr::new(ip, addr.port()))
}

/// Opens the database, binds, prints `listening on http://<addr>` and serves until SIGINT or
/// SIGTERM. Every start-up failure is an `Err` (the binary exits with code 2).
pub async fn run(config: Config) -> anyhow::Result<()> {
    validate(&config)?;
    let pools = db::connect(&config.database_url).await?;
    let state_key = db::server_key(&pools.write, "oauth_state").await?;
    let listener = TcpListener::bind(config.addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", config.addr))?;
    let addr = listener.local_addr()?;
    let internal_url = reachable_url(addr);
    let public_url = config
        .public_url
        .clone()
        .map(|u| u.trim_end_matches('/').to_string())
        .unwrap_or_else(|| internal_url.clone());
    let http = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(10))
        .build()
        .context("cannot build the HTTP client")?;
    if !config.static_dir.join("index.html").is_file() {
        tracing::warn!(
            static_dir = %config.static_dir.display(),
            "the widget build is missing (no index.html): / answers 503 until it is built"
        );
    }
    let catalog = Catalog::new(config.env, config.region, config.synthetic_providers);
    let all_link_providers =
        routes::providers::PrecompressedJson::all_link_providers(&catalog, &public_url);
    let state = AppState {
        catalog: Arc::new(catalog),
        all_link_providers: Arc::new(all_link_providers),
        config: Arc::new(config),
        db: pools.read.clone(),
        writer: pools.write.clone(),
        public_url: public_url.into(),
        internal_url: internal_url.into(),
        state_key: Arc::new(state_key),
        http,
    };
    println!("listening on http://{addr}");
    tracing::info!(%addr, public_url = %state.public_url, "link-server started");
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    pools.read.close().await;
    pools.write.close().await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
