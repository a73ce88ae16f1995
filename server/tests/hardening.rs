//! The findings of the security review (issue 15), each against the real binary: timeouts and
//! the connection cap, start-up refusals (`--demo` in production, short keys, the production
//! state key, team settings), capped log values, failed API-key throttling, 422 bodies without
//! secret values, and the contract's JSON on edge errors.

mod common;

use std::{
    net::{IpAddr, Ipv4Addr, SocketAddr},
    time::{Duration, Instant},
};

use common::*;
use serde_json::{json, Value};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

const KEY: &str = "hardening-key-0123456789";

/// Runs the binary with these flags (plus a fresh database) and expects it to refuse to start:
/// exit code 2, the needle in stderr, no panic.
fn refuses(args: &[&str], needle: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/link.db", tmp.path().display());
    let mut cmd = command();
    cmd.args(["--addr", "127.0.0.1:0", "--database-url", &db])
        .args(args);
    let mut child = cmd.spawn().unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            panic!("link-server {args:?} kept running");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(stderr.contains(needle), "{args:?}: {stderr}");
    assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    assert!(
        String::from_utf8_lossy(&out.stdout).is_empty(),
        "{args:?}: it must not have listened"
    );
}

fn addr_of(s: &Server) -> SocketAddr {
    s.url.trim_start_matches("http://").parse().unwrap()
}

/// Reads until the server closes the connection (or `limit` passes): how long that took, and
/// what it sent. Closed by reset counts as closed.
async fn wait_closed(stream: &mut TcpStream, limit: Duration) -> (Option<Duration>, Vec<u8>) {
    let t0 = Instant::now();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let left = limit.saturating_sub(t0.elapsed());
        if left.is_zero() {
            return (None, got);
        }
        match tokio::time::timeout(left, stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return (Some(t0.elapsed()), got),
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
            Err(_) => return (None, got),
        }
    }
}

/// Writes `chunks` one at a time, reading for `gap` after each, until the server closes the
/// connection or `limit` passes: how long after the first write it closed, and what it sent.
/// A failed write (reset) counts as closed.
async fn trickle<'a>(
    stream: &mut TcpStream,
    chunks: impl IntoIterator<Item = &'a [u8]>,
    gap: Duration,
    limit: Duration,
) -> (Option<Duration>, Vec<u8>) {
    let t0 = Instant::now();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    for chunk in chunks {
        if t0.elapsed() > limit {
            break;
        }
        if stream.write_all(chunk).await.is_err() {
            return (Some(t0.elapsed()), got);
        }
        match tokio::time::timeout(gap, stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return (Some(t0.elapsed()), got),
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
            Err(_) => {}
        }
    }
    (None, got)
}

fn assert_closed_around(what: &str, closed: Option<Duration>, timeout_secs: u64) {
    let closed = closed.unwrap_or_else(|| panic!("{what}: still open"));
    assert!(
        closed >= Duration::from_millis(timeout_secs * 1000 - 300)
            && closed <= Duration::from_millis(timeout_secs * 1000 + 2500),
        "{what}: closed after {closed:?}, timeout {timeout_secs} s"
    );
}

// -- 1. timeouts and the connection cap ----------------------------------------------------

/// Partial headers sent a byte at a time are cut off by the header timeout (the idle timeout
/// is far longer, so it is the header timeout that acts).
async fn slow_headers_are_dropped_after_the_header_timeout() {
    let s = Server::start_with(Opts::default().args(&[
        "--header-timeout-secs",
        "2",
        "--idle-timeout-secs",
        "600",
        "--request-timeout-secs",
        "600",
    ]))
    .await;
    let mut c = TcpStream::connect(addr_of(&s)).await.unwrap();
    let msg = b"GET /health HTTP/1.1\r\nHost: x\r\nx-slow: zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz";
    let gap = Duration::from_millis(200);
    let (closed, _) = trickle(&mut c, msg.chunks(1), gap, Duration::from_secs(8)).await;
    assert_closed_around("slow headers", closed, 2);
}

/// A keep-alive connection without a next request, and a connection that never sends a
/// byte, are closed after the idle timeout (the header timeout is far longer here).
async fn idle_connections_are_dropped_after_the_idle_timeout() {
    let s = Server::start_with(Opts::default().args(&[
        "--idle-timeout-secs",
        "2",
        "--header-timeout-secs",
        "600",
    ]))
    .await;
    // Keep-alive: one request, then silence.
    let mut c = TcpStream::connect(addr_of(&s)).await.unwrap();
    c.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut buf = [0u8; 1024];
    let n = c.read(&mut buf).await.unwrap();
    assert!(buf[..n].starts_with(b"HTTP/1.1 200"));
    let (closed, _) = wait_closed(&mut c, Duration::from_secs(10)).await;
    assert_closed_around("idle keep-alive", closed, 2);
    // Silent from the start.
    let mut c = TcpStream::connect(addr_of(&s)).await.unwrap();
    let (closed, got) = wait_closed(&mut c, Duration::from_secs(10)).await;
    assert_closed_around("silent connection", closed, 2);
    assert!(got.is_empty());
    // A request that takes longer than the idle timeout is not cut: it is in flight.
    let (_, token) = s.token().await;
    let (st, _) = s.wget(&token, "/v2/link/state").await;
    assert_eq!(st, 200);
}

/// A body sent a byte at a time gets the contract's 408 JSON after the request timeout and
/// its connection is closed.
async fn slow_body_is_dropped_after_the_request_timeout() {
    let s = Server::start_with(Opts::default().args(&[
        "--request-timeout-secs",
        "2",
        "--idle-timeout-secs",
        "600",
        "--header-timeout-secs",
        "600",
    ]))
    .await;
    let mut c = TcpStream::connect(addr_of(&s)).await.unwrap();
    let head = format!(
        "POST /v2/user HTTP/1.1\r\nHost: x\r\n{KEY_HEADER}: {}\r\ncontent-type: application/json\r\ncontent-length: 200\r\n\r\n{{",
        s.api_key
    );
    c.write_all(head.as_bytes()).await.unwrap();
    let spaces = std::iter::repeat(&b" "[..]);
    let gap = Duration::from_millis(250);
    let (closed, got) = trickle(&mut c, spaces, gap, Duration::from_secs(10)).await;
    assert_closed_around("slow body", closed, 2);
    let text = String::from_utf8_lossy(&got);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(text.contains("content-type: application/json"), "{text}");
    assert!(
        text.contains("\"error_code\":\"REQUEST_TIMEOUT\""),
        "{text}"
    );
}

/// Opens `n` connections that each send half a request line and stay.
async fn open_idle(addr: SocketAddr, n: usize) -> Vec<TcpStream> {
    let mut v = Vec::with_capacity(n);
    for _ in 0..n {
        let mut c = TcpStream::connect(addr).await.unwrap();
        let _ = c.write_all(b"GET /health HT").await;
        v.push(c);
    }
    v
}

fn raise_own_fd_limit(want: u64) {
    // SAFETY: plain getrlimit/setrlimit on a local struct.
    unsafe {
        let mut lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        assert_eq!(libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim), 0);
        if lim.rlim_cur < want {
            lim.rlim_cur = want.min(lim.rlim_max);
            libc::setrlimit(libc::RLIMIT_NOFILE, &lim);
        }
    }
}

fn open_fds(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .unwrap()
        .count()
}

/// With `--max-connections 100`, 2,000 partial-header connections never hold more than about
/// 100 descriptors in the server (the ones over the cap evict the longest idle), and a new
/// client is served at once.
async fn a_new_client_is_served_beside_2000_idle_connections_over_the_cap() {
    raise_own_fd_limit(8192);
    let s = Server::start_with(Opts::default().args(&[
        "--max-connections",
        "100",
        "--header-timeout-secs",
        "600",
        "--idle-timeout-secs",
        "600",
    ]))
    .await;
    let idle = open_idle(addr_of(&s), 2000).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let fds = open_fds(s.pid());
    assert!(fds <= 100 + 80, "{fds} descriptors open in the server");
    let t0 = Instant::now();
    let resp = client().get(s.u("/health")).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert!(t0.elapsed() < Duration::from_secs(2), "{:?}", t0.elapsed());
    // The evicted ones were closed (not just forgotten).
    let mut closed = 0;
    for mut c in idle {
        let mut buf = [0u8; 16];
        if let Ok(Ok(0)) | Ok(Err(_)) =
            tokio::time::timeout(Duration::from_millis(1), c.read(&mut buf)).await
        {
            closed += 1;
        }
    }
    assert!(closed >= 1850, "{closed} of 2000 closed");
    // An API call beside them works too, and the server is healthy.
    s.create_user().await;
}

/// With the default cap (from the open-file limit), 2,000 idle connections all stay open and a
/// new client is served.
async fn a_new_client_is_served_beside_2000_idle_connections_default_cap() {
    raise_own_fd_limit(8192);
    let s = Server::start_with(Opts::default().args(&["--header-timeout-secs", "600"])).await;
    let idle = open_idle(addr_of(&s), 2000).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let t0 = Instant::now();
    let resp = client().get(s.u("/health")).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert!(t0.elapsed() < Duration::from_secs(2), "{:?}", t0.elapsed());
    assert!(
        s.logs().contains("max_connections="),
        "the cap is logged at start"
    );
    drop(idle);
}

// -- 4, 6, 9, 11. start-up refusals ------------------------------------------------------------

#[test]
fn demo_is_refused_in_production() {
    refuses(
        &[
            "--api-key",
            KEY,
            "--env",
            "production",
            "--state-key",
            "0123456789abcdef0123456789abcdef",
            "--demo",
        ],
        "--demo is refused with --env production",
    );
}

#[test]
fn short_api_keys_are_refused() {
    refuses(&["--api-key", "a"], "at least 16 characters");
    refuses(&["--api-key", "fifteen-chars-k"], "at least 16 characters");
    let tmp = tempfile::tempdir().unwrap();
    let mut cmd = command();
    cmd.args([
        "--addr",
        "127.0.0.1:0",
        "--database-url",
        &format!("sqlite://{}/l.db", tmp.path().display()),
    ])
    .env("LINK_API_KEY", "short");
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least 16 characters"));
}

#[test]
fn team_settings_are_validated_at_start() {
    for (flag, value, needle) in [
        ("--privacy-url", " javascript:alert(1)", "whitespace"),
        ("--privacy-url", "javascript:alert(1)", "http(s)"),
        ("--terms-url", "ftp://x.example/terms", "http(s)"),
        ("--terms-url", "/terms", "--terms-url"),
        ("--team-logo", "javascript:alert(1)", "http(s)"),
        ("--team-logo", "data:image/svg+xml,<svg>", "--team-logo"),
        ("--team-logo", "https://x.example/a\tb.png", "whitespace"),
        ("--public-url", "https://x.example/\n", "whitespace"),
        ("--team-name", "<img src=x onerror=alert(1)>", "plain text"),
        ("--team-name", "Acme\u{7}", "plain text"),
        ("--team-name", "   ", "must not be empty"),
    ] {
        refuses(&["--api-key", KEY, flag, value], needle);
    }
    let long = "N".repeat(101);
    refuses(&["--api-key", KEY, "--team-name", &long], "at most 100");
}

#[test]
fn production_requires_a_long_state_key() {
    refuses(
        &["--api-key", KEY, "--env", "production"],
        "--state-key / LINK_STATE_KEY is required with --env production",
    );
    refuses(
        &[
            "--api-key",
            KEY,
            "--env",
            "production",
            "--state-key",
            "only-twenty-chars-xx",
        ],
        "at least 32 characters",
    );
    refuses(
        &["--api-key", KEY, "--state-key", "sixteen-chars-xx"],
        "at least 32 characters",
    );
}

/// In production the key comes from the flag and nothing is stored in the database; in
/// sandbox, without the flag, one is generated and stored (so a restart keeps OAuth states).
async fn state_key_is_stored_only_in_sandbox() {
    async fn stored_keys(url: &str) -> i64 {
        use sqlx::Connection;
        if url.starts_with("sqlite:") {
            let mut c = sqlx::SqliteConnection::connect(url).await.unwrap();
            sqlx::query_scalar("SELECT COUNT(*) FROM server_keys")
                .fetch_one(&mut c)
                .await
                .unwrap()
        } else {
            let mut c = sqlx::PgConnection::connect(url).await.unwrap();
            sqlx::query_scalar("SELECT COUNT(*) FROM server_keys")
                .fetch_one(&mut c)
                .await
                .unwrap()
        }
    }
    let prod = Server::start_with(Opts::default().args(&[
        "--env",
        "production",
        "--state-key",
        "a-production-state-key-of-40-characters!",
        "--frame-ancestors",
        "https://app.example",
    ]))
    .await;
    assert_eq!(prod.get("/health", &[]).await.status(), 200);
    assert_eq!(stored_keys(&prod.database_url).await, 0);
    let sandbox = Server::start().await;
    assert_eq!(sandbox.get("/health", &[]).await.status(), 200);
    assert_eq!(stored_keys(&sandbox.database_url).await, 1);
}

// -- 5. log flooding -----------------------------------------------------------------------------

async fn logged_values_are_capped() {
    let s = Server::start().await;
    let long_path = format!("/v2/{}", "p".repeat(30_000));
    let long_query = format!("?x={}", "q".repeat(35_000));
    let uri = format!("{long_path}{long_query}");
    assert!(uri.len() > 65_000);
    let resp = s.get(&uri, &[("user-agent", &"u".repeat(8000))]).await;
    assert_eq!(resp.status(), 404);
    // The same without /v2/: the static files' side.
    let r = s.get(&format!("/{}", "s".repeat(30_000)), &[]).await;
    assert_eq!(r.status(), 404);
    assert!(header(resp.headers(), "content-type")
        .unwrap()
        .starts_with("application/json"));
    let body = resp.text().await.unwrap();
    assert!(
        body.len() < 2048,
        "the 404 body is capped too: {}",
        body.len()
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    let logs = s.logs();
    let longest = logs.lines().map(str::len).max().unwrap_or(0);
    assert!(longest < 1024, "longest log line: {longest} bytes");
    assert!(logs.contains("…[+"), "the cut is marked: {logs}");
    assert!(logs.contains("/v2/pppp"));
    // Multi-byte characters: cut on a boundary (the log stays valid UTF-8 and readable).
    let accents = format!("/v2/{}", "%C3%A9".repeat(3000));
    s.get(&accents, &[]).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(s.logs().lines().map(str::len).max().unwrap_or(0) < 1024);
}

// -- 6. failed API-key throttling ----------------------------------------------------------------

fn client_from(ip: IpAddr) -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .local_address(ip)
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

async fn failed_api_key_checks_are_throttled_per_address() {
    let s = Server::start_with(Opts::default().args(&[
        "--api-key-failure-burst",
        "20",
        "--api-key-failure-refill-per-sec",
        "2",
    ]))
    .await;
    let (_, token) = s.token().await;
    let attacker = client_from(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 1)));
    let other = client_from(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2)));
    let wrong = |c: &reqwest::Client, key: &str| {
        c.get(s.u("/v2/providers"))
            .header(KEY_HEADER, key.to_string())
            .send()
    };
    for i in 0..20 {
        let r = wrong(&attacker, &format!("wrong-guess-{i:04}-xxxxxxxx"))
            .await
            .unwrap();
        assert_eq!(r.status(), 401, "guess {i}");
    }
    let r = wrong(&attacker, "wrong-guess-9999-xxxxxxxx").await.unwrap();
    assert_eq!(r.status(), 429);
    let retry: u64 = header(r.headers(), "retry-after").unwrap().parse().unwrap();
    assert!((1..=2).contains(&retry), "retry-after {retry}");
    let got = read(r).await;
    assert_error(&got, TOO_MANY_ATTEMPTS);
    // The right key from the throttled address is refused too (no oracle)...
    let r = wrong(&attacker, &s.api_key).await.unwrap();
    assert_eq!(r.status(), 429);
    // ... while another address is unaffected.
    let r = wrong(&other, &s.api_key).await.unwrap();
    assert_eq!(r.status(), 200);
    let r = wrong(&other, "wrong-from-elsewhere-xxxx").await.unwrap();
    assert_eq!(r.status(), 401);
    // Widget routes (link token, not API key) are not affected by it.
    let r = attacker
        .get(s.u("/v2/link/state"))
        .header(TOKEN_HEADER, &token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // After the refill (2/s), the right key works again from the first address.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let r = wrong(&attacker, &s.api_key).await.unwrap();
    assert_eq!(r.status(), 200);
}

// -- 8. no secret values in 422 bodies -------------------------------------------------------

async fn validation_errors_never_echo_secret_values() {
    let s = Server::start().await;
    let (_, token) = s.token().await;
    let secret_values: [(Value, &str); 7] = [
        (json!(987654), "987654"),
        (json!(-987654), "987654"),
        (json!(9876.54), "9876.54"),
        (json!(true), "true"),
        (json!([987654]), "987654"),
        (json!({"x": 987654}), "987654"),
        (json!(98765432109876543210u128 as f64), "9876543"),
    ];
    for (value, needle) in &secret_values {
        for (path, field, body) in [
            (
                "/v2/link/provider/password/renpho/complete_mfa",
                "mfa_code",
                json!({ "mfa_code": value }),
            ),
            (
                "/v2/link/provider/password/renpho",
                "password",
                json!({ "username": "user_good", "password": value }),
            ),
        ] {
            let got = s.wpost(&token, path, body).await;
            assert_422(&got, &["body", field]);
            let text = got.1.to_string();
            assert!(
                !text.contains(needle),
                "{field}={value}: the value is echoed: {text}"
            );
            let msg = got.1["detail"][0]["msg"].as_str().unwrap();
            assert!(
                msg.contains("expected a string") || msg.starts_with("invalid"),
                "{msg}"
            );
        }
    }
    // The isValid body's token too.
    let got = s
        .api(
            reqwest::Method::POST,
            "/v2/link/token/isValid",
            Some(json!({"token": 987654})),
        )
        .await;
    assert_422(&got, &["body", "token"]);
    assert!(!got.1.to_string().contains("987654"), "{}", got.1);
    // Other fields keep serde's helpful message, value included.
    let got = s
        .wpost(
            &token,
            "/v2/link/provider/password/renpho",
            json!({"username": 1234, "password": "x"}),
        )
        .await;
    assert_422(&got, &["body", "username"]);
    assert!(
        got.1.to_string().contains("invalid type: integer `1234`"),
        "{}",
        got.1
    );
}

// -- 10. edge errors in the contract's shape ---------------------------------------------------

async fn edge_errors_are_contract_json() {
    let s = Server::start().await;
    let (_, token) = s.token().await;
    // 413.
    let big = format!("{{\"client_user_id\":\"{}\"}}", "x".repeat(70 * 1024));
    let r = s
        .raw_post("/v2/user", Some("application/json"), &big)
        .header(KEY_HEADER, &s.api_key)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    assert!(header(r.headers(), "content-type")
        .unwrap()
        .starts_with("application/json"));
    let got = read(r).await;
    assert_eq!(got.1["detail"]["error_code"], "PAYLOAD_TOO_LARGE");
    // Undecodable paths: no route → 404 JSON; a path parameter → 422 JSON at its location.
    for (path, headers, status, loc) in [
        ("/v2/link/%FF", vec![], 404, None),
        (
            "/v2/user/providers/%FF%FE",
            vec![(KEY_HEADER, s.api_key.as_str())],
            422,
            Some(["path", "user_id"]),
        ),
        (
            "/v2/link/provider/oauth/%FF",
            vec![(TOKEN_HEADER, token.as_str())],
            422,
            Some(["path", "provider"]),
        ),
    ] {
        let r = s.get(path, &headers).await;
        assert_eq!(r.status().as_u16(), status, "{path}");
        let ct = header(r.headers(), "content-type")
            .unwrap_or("")
            .to_string();
        assert!(ct.starts_with("application/json"), "{path}: {ct}");
        let got = read(r).await;
        match loc {
            Some(loc) => assert_422(&got, &loc),
            None => assert_error(&got, NOT_FOUND),
        }
    }
    // A widget route keeps its CORS headers on such an error.
    let r = s
        .get(
            "/v2/link/provider/oauth/%FF",
            &[
                (TOKEN_HEADER, token.as_str()),
                ("origin", "https://h.example"),
            ],
        )
        .await;
    assert_eq!(
        header(r.headers(), "access-control-allow-origin"),
        Some("*")
    );
}

/// The served document: uuid formats, provider enums, the lengths the server enforces, the
/// 400 of a missing link token on every widget route, the 429 on every API-key route.
async fn openapi_documents_formats_enums_and_limits() {
    let s = Server::start().await;
    let (st, doc) = send(s.http.get(s.u("/openapi.json"))).await;
    assert_eq!(st, 200);
    let param = |path: &str, method: &str, name: &str| -> Value {
        doc["paths"][path][method]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .unwrap_or_else(|| panic!("{method} {path} {name}"))["schema"]
            .clone()
    };
    assert_eq!(
        param("/v2/user/providers/{user_id}", "get", "user_id")["format"],
        "uuid"
    );
    assert_eq!(
        param("/v2/user/{user_id}/{provider}", "delete", "user_id")["format"],
        "uuid"
    );
    let pw = param("/v2/link/provider/password/{provider}", "post", "provider");
    let pw: Vec<&str> = pw["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(pw.contains(&"renpho") && !pw.contains(&"fitbit"), "{pw:?}");
    let oauth = param("/v2/link/provider/oauth/{provider}", "get", "provider");
    assert!(oauth["enum"].as_array().unwrap().contains(&json!("fitbit")));
    let email = param("/v2/link/provider/email/{provider}", "post", "provider");
    assert_eq!(email["enum"], json!(["freestyle_libre"]));
    let schemas = &doc["components"]["schemas"];
    assert_eq!(
        schemas["CreateLinkTokenRequest"]["properties"]["user_id"]["format"],
        "uuid"
    );
    assert_eq!(
        schemas["CreateLinkTokenRequest"]["properties"]["filter_on_providers"]["minItems"],
        1
    );
    assert_eq!(
        schemas["CreateUserRequest"]["properties"]["client_user_id"]["minLength"],
        1
    );
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let security = op["security"].to_string();
            if security.contains("link_token") {
                assert!(
                    op["responses"]["400"].is_object(),
                    "{method} {path}: no 400"
                );
            }
            if security.contains("api_key") {
                assert!(
                    op["responses"]["429"].is_object(),
                    "{method} {path}: no 429"
                );
            }
        }
    }
}

both!(
    slow_headers_are_dropped_after_the_header_timeout,
    idle_connections_are_dropped_after_the_idle_timeout,
    slow_body_is_dropped_after_the_request_timeout,
    a_new_client_is_served_beside_2000_idle_connections_over_the_cap,
    a_new_client_is_served_beside_2000_idle_connections_default_cap,
    state_key_is_stored_only_in_sandbox,
    logged_values_are_capped,
    failed_api_key_checks_are_throttled_per_address,
    validation_errors_never_echo_secret_values,
    edge_errors_are_contract_json,
    openapi_documents_formats_enums_and_limits,
);
