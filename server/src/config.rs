//! Configuration, parsed once at start from flags or their environment variables.

use std::{net::SocketAddr, path::PathBuf};

use clap::{Parser, ValueEnum};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Env {
    Sandbox,
    Production,
}

impl Env {
    pub fn as_str(self) -> &'static str {
        match self {
            Env::Sandbox => "sandbox",
            Env::Production => "production",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Region {
    Us,
    Eu,
}

impl Region {
    pub fn as_str(self) -> &'static str {
        match self {
            Region::Us => "us",
            Region::Eu => "eu",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines with key=value fields.
    Text,
    /// One JSON object per line.
    Json,
}

#[derive(Debug, Clone, Parser)]
#[command(
    name = "link-server",
    version,
    about = "Link API server with sandbox providers"
)]
pub struct Config {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, env = "LINK_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,

    /// Database URL: `sqlite://PATH` (the file and its schema are created on first start) or
    /// `postgres://USER[:PASSWORD]@HOST:PORT/DB` (the schema is created on first start; several
    /// instances may share it).
    #[arg(
        long,
        env = "LINK_DATABASE_URL",
        default_value = "sqlite://data/link.db",
        hide_env_values = true
    )]
    pub database_url: String,

    /// Size of the database pool (PostgreSQL connections, or SQLite readers).
    #[arg(long, env = "LINK_DATABASE_MAX_CONNECTIONS", default_value_t = 10)]
    pub database_max_connections: u32,

    /// Secret that signs the OAuth `state` and derives the sandbox client secrets, at least 32
    /// characters; give the same value to every instance. Required with `--env production`.
    /// In sandbox only, when absent: a random key generated on first start and stored in the
    /// database, which every instance on that database shares.
    #[arg(long, env = "LINK_STATE_KEY", hide_env_values = true)]
    pub state_key: Option<String>,

    /// The team API key that server-side endpoints require (at least 16 characters).
    #[arg(long, env = "LINK_API_KEY", hide_env_values = true)]
    pub api_key: String,

    /// Failed API-key checks a client address may make in a burst; when spent, every API-key
    /// request from it gets 429 `too_many_attempts` with `Retry-After` until it refills.
    /// Counted in each instance's memory (per IPv4 address, per IPv6 /64).
    #[arg(long, env = "LINK_API_KEY_FAILURE_BURST", default_value_t = 20)]
    pub api_key_failure_burst: u32,

    /// Failed API-key checks per second an address gets back, up to the burst.
    #[arg(
        long,
        env = "LINK_API_KEY_FAILURE_REFILL_PER_SEC",
        default_value_t = 1.0
    )]
    pub api_key_failure_refill_per_sec: f64,

    /// Base URL for `link_web_url` and `oauth_url`: absolute http(s), no query, fragment,
    /// whitespace or control characters (default: from the bound address).
    #[arg(long, env = "LINK_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Lifetime of a link token, in seconds.
    #[arg(long, env = "LINK_TOKEN_TTL_SECS", default_value_t = 600)]
    pub token_ttl_secs: u64,

    #[arg(long, env = "LINK_ENV", value_enum, default_value_t = Env::Sandbox)]
    pub env: Env,

    #[arg(long, env = "LINK_REGION", value_enum, default_value_t = Region::Us)]
    pub region: Region,

    /// The widget's release build (trunk's `dist`), served at `/`.
    #[arg(long, env = "LINK_STATIC_DIR", default_value = "dist")]
    pub static_dir: PathBuf,

    /// Team name on the agreement screen: plain text, at most 100 characters, no `<`, `>` or
    /// control characters.
    #[arg(long, env = "LINK_TEAM_NAME", default_value = "Demo Health")]
    pub team_name: String,

    /// Team logo URL (absolute http(s), no whitespace or control characters; default: the
    /// server's `/logos/team.svg`).
    #[arg(long, env = "LINK_TEAM_LOGO")]
    pub team_logo: Option<String>,

    /// Privacy policy URL (absolute http(s), no whitespace or control characters).
    #[arg(
        long,
        env = "LINK_TEAM_PRIVACY_URL",
        default_value = "https://example.com/privacy"
    )]
    pub privacy_url: String,

    /// Terms URL (absolute http(s), no whitespace or control characters).
    #[arg(
        long,
        env = "LINK_TEAM_TERMS_URL",
        default_value = "https://example.com/terms"
    )]
    pub terms_url: String,

    /// Serve the demo host page at `/demo` and its token route (refused with `--env
    /// production`).
    #[arg(long, env = "LINK_DEMO", default_value_t = false)]
    pub demo: bool,

    /// Log format on stderr (levels from RUST_LOG, default info).
    #[arg(long, env = "LINK_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    /// Seconds a client may take to send a request's headers (slow clients are closed after
    /// it).
    #[arg(long, env = "LINK_HEADER_TIMEOUT_SECS", default_value_t = 10)]
    pub header_timeout_secs: u64,

    /// Origins that may frame the widget page of iframe isolation (`/embed`), as a CSP
    /// `frame-ancestors` source list, e.g. `https://app.example.com https://*.example.org`.
    /// Default `*` in sandbox; required in production. The hosted page (`/`) is never framed.
    #[arg(long, env = "LINK_FRAME_ANCESTORS")]
    pub frame_ancestors: Option<String>,

    /// Seconds a connection may stay open without a request in flight (a fresh connection
    /// before its first request, a keep-alive one between requests) before it is closed.
    #[arg(long, env = "LINK_IDLE_TIMEOUT_SECS", default_value_t = 60)]
    pub idle_timeout_secs: u64,

    /// Seconds a whole request may take, reading its body included: a slower one is answered
    /// 408 `request_timeout` and its connection closed.
    #[arg(long, env = "LINK_REQUEST_TIMEOUT_SECS", default_value_t = 30)]
    pub request_timeout_secs: u64,

    /// Most client connections open at once. At the cap, a new connection closes the one idle
    /// the longest (no request in flight), or is itself closed at once when every connection
    /// is busy. Default: the open-file limit (raised to its hard limit at start) minus room for
    /// the database and logs, at most 65536.
    #[arg(long, env = "LINK_MAX_CONNECTIONS")]
    pub max_connections: Option<usize>,

    /// Sandbox only: add N generated password providers (benchmark catalog).
    #[arg(long, env = "LINK_SYNTHETIC_PROVIDERS", default_value_t = 0)]
    pub synthetic_providers: u32,
}

/// Checks a `--frame-ancestors` list and returns it as the CSP source list to send: origins
/// (`https://host[:port]`, a `*.` wildcard host allowed), `'self'`, `'none'` or `*`.
pub fn frame_ancestors(value: Option<&str>, env: Env) -> anyhow::Result<String> {
    let Some(value) = value else {
        if env == Env::Production {
            anyhow::bail!(
                "--frame-ancestors / LINK_FRAME_ANCESTORS is required with --env production: \
                 list the origins of the pages that embed the widget in iframe isolation"
            );
        }
        return Ok("*".into());
    };
    let sources: Vec<&str> = value.split_ascii_whitespace().collect();
    if sources.is_empty() {
        anyhow::bail!("--frame-ancestors must list at least one origin (or 'none')");
    }
    for s in &sources {
        let ok = matches!(*s, "*" | "'self'" | "'none'")
            || s.split_once("://").is_some_and(|(scheme, rest)| {
                matches!(scheme, "http" | "https")
                    && !rest.is_empty()
                    && rest.len() <= 253
                    && rest.strip_prefix("*.").unwrap_or(rest).chars().all(|c| {
                        c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']')
                    })
            });
        if !ok {
            anyhow::bail!(
                "invalid --frame-ancestors source {s:?}: expected origins like \
                 https://app.example.com, 'self', 'none' or *"
            );
        }
    }
    if sources.len() > 1 && sources.contains(&"'none'") {
        anyhow::bail!("--frame-ancestors: 'none' cannot be combined with other sources");
    }
    Ok(sources.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_ancestors_accepts_origin_lists_and_refuses_the_rest() {
        assert_eq!(frame_ancestors(None, Env::Sandbox).unwrap(), "*");
        assert!(frame_ancestors(None, Env::Production).is_err());
        assert_eq!(
            frame_ancestors(
                Some(" https://a.example  http://127.0.0.1:8080 "),
                Env::Production
            )
            .unwrap(),
            "https://a.example http://127.0.0.1:8080"
        );
        assert!(frame_ancestors(Some("https://*.example.org 'self'"), Env::Sandbox).is_ok());
        for bad in [
            "",
            "https://a.example; script-src *",
            "javascript:alert(1)",
            "https://a.example/path",
            "'unsafe-inline'",
            "'none' https://a.example",
            "https://",
        ] {
            assert!(frame_ancestors(Some(bad), Env::Sandbox).is_err(), "{bad:?}");
        }
    }
}
