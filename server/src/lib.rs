//! The Link API server: the contract of `shared/link-api.md` over axum and SQLite or
//! PostgreSQL.
//!
//! Layout: `config` (flags), `db` (opening SQLite or PostgreSQL, migrations), `error` (the one
//! `AppError`), `sandbox` (provider catalog and sandbox rules), `secrets` (tokens, API key,
//! signed OAuth state), `store` (every SQL statement, over either database), `extract` (API key / link token / JSON body), `trace` (redacted
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
use tokio::net::TcpListener;

pub use config::Config;

use crate::{config::Env, sandbox::Catalog};

/// Shared state of every handler.
#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    /// The database: every query goes through it.
    pub store: store::Store,
    /// Group commit of link-token inserts (over `store`).
    pub tokens: store::TokenWriter,
    pub catalog: Arc<Catalog>,
    /// Base of `link_web_url`, `oauth_url` and logo URLs, without a trailing slash.
    pub public_url: Arc<str>,
    /// Base the server uses to call itself over HTTP (the sandbox OAuth token endpoint): the
    /// bound address, so that it works behind a TLS proxy too.
    pub internal_url: Arc<str>,
    /// HMAC key of the OAuth `state` (and sandbox client secrets): `--state-key`, or the one
    /// stored in the database; shared by every instance.
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
    if config.database_max_connections == 0 || config.database_max_connections > 1000 {
        anyhow::bail!("--database-max-connections must be between 1 and 1000");
    }
    if config.state_key.as_deref().is_some_and(|k| k.len() < 16) {
        anyhow::bail!("--state-key / LINK_STATE_KEY must be at least 16 characters");
    }
    if !(1..=3600).contains(&config.header_timeout_secs) {
        anyhow::bail!("--header-timeout-secs must be between 1 and 3600");
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
pub async fn run(mut config: Config) -> anyhow::Result<()> {
    validate(&config)?;
    config.frame_ancestors = Some(config::frame_ancestors(
        config.frame_ancestors.as_deref(),
        config.env,
    )?);
    let store = db::connect(&config.database_url, config.database_max_connections).await?;
    let state_key = db::state_key(&store, config.state_key.as_deref()).await?;
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
        tokens: store::TokenWriter::spawn(store.clone()),
        store: store.clone(),
        public_url: public_url.into(),
        internal_url: internal_url.into(),
        state_key: Arc::new(state_key),
        http,
    };
    println!("listening on http://{addr}");
    tracing::info!(%addr, public_url = %state.public_url, database = store.backend(), "link-server started");
    let header_timeout = Duration::from_secs(state.config.header_timeout_secs);
    serve(listener, app(state), header_timeout).await;
    store.close().await;
    Ok(())
}

/// Serves HTTP/1.1 until SIGINT or SIGTERM, then lets the open
/// requests finish (10 s at most). Unlike `axum::serve`, the connections have a timer: a client
/// that does not send its request headers within `header_timeout` is disconnected.
async fn serve(listener: TcpListener, app: Router, header_timeout: Duration) {
    use hyper_util::{
        rt::{TokioIo, TokioTimer},
        server::graceful::GracefulShutdown,
        service::TowerToHyperService,
    };
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout);
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown_signal());
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((stream, _)) => stream,
                    Err(e) => {
                        // E.g. out of file descriptors: wait for connections to close.
                        tracing::warn!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let service = TowerToHyperService::new(app.clone());
                let conn = builder.serve_connection(TokioIo::new(stream), service);
                let conn = graceful.watch(conn);
                tokio::spawn(async move {
                    let _ = conn.await;
                });
            }
            _ = &mut shutdown => break,
        }
    }
    drop(listener);
    tokio::select! {
        _ = graceful.shutdown() => {}
        _ = tokio::time::sleep(Duration::from_secs(10)) => {}
    }
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
