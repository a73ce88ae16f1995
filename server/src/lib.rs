//! The Link API server: the contract of `shared/link-api.md` over axum and SQLite or
//! PostgreSQL.
//!
//! Layout: `config` (flags), `db` (opening SQLite or PostgreSQL, migrations), `error` (the one
//! `AppError`), `sandbox` (provider catalog and sandbox rules), `secrets` (tokens, API key,
//! signed OAuth state), `store` (every SQL statement, over either database), `extract` (API key / link token / JSON body), `trace` (redacted
//! access logs), `openapi`, and `routes/` with one module per resource.

pub mod config;
pub mod conn;
pub mod db;
pub mod error;
pub mod extract;
pub mod limit;
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
    /// Failed API-key checks per client address.
    pub key_failures: Arc<limit::FailureLimiter>,
    /// `GET /v2/link/providers` for a token without filters, ready to send.
    pub all_link_providers: Arc<routes::providers::PrecompressedJson>,
}

/// Builds the whole application router.
pub fn app(state: AppState) -> Router {
    routes::router(state)
}

/// Shortest `--api-key` accepted.
pub const MIN_API_KEY_LEN: usize = 16;
/// Shortest `--state-key` accepted.
pub const MIN_STATE_KEY_LEN: usize = 32;
/// Longest `--team-name` accepted, in characters.
pub const MAX_TEAM_NAME_CHARS: usize = 100;

/// An absolute http(s) URL without whitespace or control characters (team settings,
/// `--public-url`).
fn check_url(flag: &str, value: &str) -> anyhow::Result<url::Url> {
    let shown = trace::cap(value, 200);
    if value.len() > 2048 {
        anyhow::bail!("invalid {flag} {shown:?}: longer than 2048 bytes");
    }
    if value.chars().any(|c| c.is_control() || c.is_whitespace()) {
        anyhow::bail!("invalid {flag} {shown:?}: whitespace or control characters are not allowed");
    }
    let parsed =
        url::Url::parse(value).map_err(|e| anyhow::anyhow!("invalid {flag} {shown:?}: {e}"))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none_or(str::is_empty) {
        anyhow::bail!("invalid {flag} {shown:?}: expected an absolute http(s) URL");
    }
    Ok(parsed)
}

/// Checks the flags that clap cannot.
fn validate(config: &Config) -> anyhow::Result<()> {
    if config.api_key.trim().is_empty() {
        anyhow::bail!("--api-key / LINK_API_KEY must not be empty");
    }
    if config.api_key.chars().count() < MIN_API_KEY_LEN {
        anyhow::bail!(
            "--api-key / LINK_API_KEY must be at least {MIN_API_KEY_LEN} characters \
             (e.g. `head -c 24 /dev/urandom | base64`)"
        );
    }
    if config.api_key.chars().any(|c| c.is_control()) {
        anyhow::bail!("--api-key / LINK_API_KEY must not contain control characters");
    }
    if config.demo && config.env == Env::Production {
        anyhow::bail!(
            "--demo is refused with --env production: the demo routes mint users and tokens \
             for any origin"
        );
    }
    if config.database_max_connections == 0 || config.database_max_connections > 1000 {
        anyhow::bail!("--database-max-connections must be between 1 and 1000");
    }
    match config.state_key.as_deref() {
        None if config.env == Env::Production => anyhow::bail!(
            "--state-key / LINK_STATE_KEY is required with --env production (at least \
             {MIN_STATE_KEY_LEN} characters, the same on every instance; e.g. \
             `head -c 32 /dev/urandom | base64`)"
        ),
        Some(k) if k.chars().count() < MIN_STATE_KEY_LEN => anyhow::bail!(
            "--state-key / LINK_STATE_KEY must be at least {MIN_STATE_KEY_LEN} characters"
        ),
        _ => {}
    }
    if !(1..=3600).contains(&config.header_timeout_secs) {
        anyhow::bail!("--header-timeout-secs must be between 1 and 3600");
    }
    if !(1..=86_400).contains(&config.idle_timeout_secs) {
        anyhow::bail!("--idle-timeout-secs must be between 1 and 86400");
    }
    if !(1..=3600).contains(&config.request_timeout_secs) {
        anyhow::bail!("--request-timeout-secs must be between 1 and 3600");
    }
    if config
        .max_connections
        .is_some_and(|n| !(1..=1_000_000).contains(&n))
    {
        anyhow::bail!("--max-connections must be between 1 and 1000000");
    }
    if config.api_key_failure_burst == 0 {
        anyhow::bail!("--api-key-failure-burst must be at least 1");
    }
    if !(config.api_key_failure_refill_per_sec.is_finite()
        && config.api_key_failure_refill_per_sec > 0.0)
    {
        anyhow::bail!("--api-key-failure-refill-per-sec must be a number above 0");
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
        let parsed = check_url("--public-url", u)?;
        if parsed.query().is_some() || parsed.fragment().is_some() {
            anyhow::bail!("invalid --public-url {u:?}: no query or fragment allowed");
        }
    }
    check_url("--privacy-url", &config.privacy_url)?;
    check_url("--terms-url", &config.terms_url)?;
    if let Some(logo) = &config.team_logo {
        check_url("--team-logo", logo)?;
    }
    let name = &config.team_name;
    if name.trim().is_empty() {
        anyhow::bail!("--team-name must not be empty");
    }
    if name.chars().count() > MAX_TEAM_NAME_CHARS {
        anyhow::bail!("--team-name must be at most {MAX_TEAM_NAME_CHARS} characters");
    }
    if name.chars().any(|c| c.is_control() || c == '<' || c == '>') {
        anyhow::bail!(
            "invalid --team-name {:?}: plain text only (no `<`, `>` or control characters)",
            trace::cap(name, 200)
        );
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
    let fd_limit = conn::raise_fd_limit();
    let max_connections = config.max_connections.unwrap_or_else(|| {
        conn::default_max_connections(fd_limit, config.database_max_connections)
    });
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
    let (config_burst, config_refill) = (
        config.api_key_failure_burst,
        config.api_key_failure_refill_per_sec,
    );
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
        key_failures: Arc::new(limit::FailureLimiter::new(config_burst, config_refill)),
        http,
    };
    println!("listening on http://{addr}");
    tracing::info!(%addr, public_url = %state.public_url, database = store.backend(), max_connections, "link-server started");
    let limits = Limits {
        header_timeout: Duration::from_secs(state.config.header_timeout_secs),
        idle_timeout: Duration::from_secs(state.config.idle_timeout_secs),
        max_connections,
    };
    serve(listener, app(state), limits).await;
    store.close().await;
    Ok(())
}

/// Connection limits of the accept loop.
struct Limits {
    header_timeout: Duration,
    idle_timeout: Duration,
    max_connections: usize,
}

/// Serves HTTP/1.1 until SIGINT or SIGTERM, then lets the open requests finish (10 s at most).
/// Unlike `axum::serve`, connections are bounded (see `conn`): a client that does not send its
/// request headers within `header_timeout` is disconnected, so is a connection without a
/// request in flight for `idle_timeout`, and at most `max_connections` are open.
async fn serve(listener: TcpListener, app: Router, limits: Limits) {
    use hyper_util::{
        rt::{TokioIo, TokioTimer},
        server::graceful::GracefulShutdown,
    };
    use tower::ServiceExt;
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    let registry = conn::Registry::new(limits.max_connections, limits.idle_timeout);
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown_signal());
    let mut refused_logged = std::time::Instant::now() - Duration::from_secs(60);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, peer) = match accepted {
                    Ok(v) => v,
                    Err(e) => {
                        // E.g. out of file descriptors: wait for connections to close.
                        tracing::warn!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let Some(slot) = registry.admit() else {
                    // Every connection has a request in flight: close this one at once.
                    if refused_logged.elapsed() > Duration::from_secs(10) {
                        tracing::warn!(max = limits.max_connections, "connection cap reached, every connection busy: new connections are closed");
                        refused_logged = std::time::Instant::now();
                    }
                    drop(stream);
                    continue;
                };
                let _ = stream.set_nodelay(true);
                let slot = Arc::new(slot);
                let app = app.clone();
                let tracked = slot.clone();
                let service = hyper::service::service_fn(move |req: axum::http::Request<hyper::body::Incoming>| {
                    let busy = tracked.busy();
                    let mut req = req.map(axum::body::Body::new);
                    req.extensions_mut().insert(conn::Peer::from(axum::extract::ConnectInfo(peer)));
                    let app = app.clone();
                    async move {
                        let resp = app.oneshot(req).await?;
                        Ok::<_, std::convert::Infallible>(
                            resp.map(|b| conn::TrackedBody::new(b, busy)),
                        )
                    }
                });
                let conn = builder.serve_connection(TokioIo::new(stream), service);
                let conn = graceful.watch(conn);
                tokio::spawn(async move {
                    tokio::select! {
                        _ = conn => {}
                        // Evicted at the cap or idle too long: dropping the connection closes it.
                        _ = slot.closed() => {}
                    }
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
