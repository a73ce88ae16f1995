//! The process: flags and exit codes, the default database, restart persistence, static files,
//! the demo routes, and logs without secrets.

mod common;

use std::{sync::Arc, time::Duration};

use common::*;
use serde_json::{json, Value};

/// Runs the binary to completion (it must not start serving) and returns (code, stderr).
fn run_failing(args: &[&str], env: &[(&str, &str)]) -> (Option<i32>, String) {
    let mut cmd = command();
    cmd.args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    let start = std::time::Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if start.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            panic!("link-server {args:?} kept running");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A valid `--api-key` (16 characters at least).
const KEY: &str = "test-key-0123456789";

#[test]
fn bad_flags_and_unreachable_databases_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/ok.db", tmp.path().display());
    let blocker = tmp.path().join("a-file");
    std::fs::write(&blocker, b"not a directory").unwrap();
    let under_file = format!("sqlite://{}/sub/link.db", blocker.display());
    let base = ["--addr", "127.0.0.1:0"];
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["--database-url", &db], "api-key"),
        (
            vec![
                "--database-url",
                &db,
                "--api-key",
                KEY,
                "--token-ttl-secs",
                "abc",
            ],
            "token-ttl-secs",
        ),
        (
            vec!["--database-url", &db, "--api-key", KEY, "--env", "staging"],
            "env",
        ),
        (
            vec!["--database-url", &db, "--api-key", KEY, "--region", "asia"],
            "region",
        ),
        (
            vec!["--database-url", &db, "--api-key", KEY, "--no-such-flag"],
            "no-such-flag",
        ),
        (vec!["--database-url", &db, "--api-key", ""], "api-key"),
        (
            vec![
                "--database-url",
                &db,
                "--api-key",
                KEY,
                "--token-ttl-secs",
                "0",
            ],
            "token-ttl-secs",
        ),
        (
            vec![
                "--database-url",
                &db,
                "--api-key",
                KEY,
                "--public-url",
                "ftp://x.example",
            ],
            "public-url",
        ),
        (
            vec![
                "--database-url",
                &db,
                "--api-key",
                KEY,
                "--env",
                "production",
                "--state-key",
                "0123456789abcdef0123456789abcdef",
                "--synthetic-providers",
                "5",
            ],
            "synthetic",
        ),
        (
            vec!["--database-url", &under_file, "--api-key", KEY],
            "database",
        ),
        (
            vec!["--database-url", "mysql://localhost/x", "--api-key", KEY],
            "postgres://",
        ),
        (
            vec![
                "--database-url",
                "postgres://u:Hunter2-Db-Secret@127.0.0.1:1/x",
                "--api-key",
                KEY,
            ],
            "cannot connect to the database postgres://u:***@127.0.0.1:1/x",
        ),
        (
            vec!["--database-url", "nonsense", "--api-key", KEY],
            "database",
        ),
        (
            vec![
                "--database-url",
                &db,
                "--api-key",
                KEY,
                "--frame-ancestors",
                "https://a.example; script-src *",
            ],
            "invalid --frame-ancestors",
        ),
        (
            vec![
                "--database-url",
                &db,
                "--api-key",
                "production-api-key-0123456789",
                "--state-key",
                "production-state-key-0123456789abcdef",
                "--env",
                "production",
            ],
            "--frame-ancestors / LINK_FRAME_ANCESTORS is required with --env production",
        ),
    ];
    for (args, needle) in cases {
        let all: Vec<&str> = base.iter().copied().chain(args.iter().copied()).collect();
        let (code, stderr) = run_failing(&all, &[]);
        assert_eq!(code, Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(!stderr.contains("Hunter2-Db-Secret"), "{args:?}: {stderr}");
    }
    // An address already in use.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let (code, stderr) = run_failing(
        &["--addr", &addr, "--database-url", &db, "--api-key", KEY],
        &[],
    );
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("listen"), "{stderr}");
    // Flags come from the environment too.
    let (code, stderr) = run_failing(
        &["--database-url", &db],
        &[("LINK_API_KEY", KEY), ("LINK_ADDR", &addr)],
    );
    assert_eq!(code, Some(2));
    assert!(stderr.contains("listen"), "{stderr}");
}

#[tokio::test]
async fn default_database_is_created_under_data() {
    let cwd = tempfile::tempdir().unwrap();
    let s = Server::start_with(Opts::default().default_database_in(cwd.path())).await;
    let user = s.create_user().await;
    assert!(cwd.path().join("data/link.db").is_file());
    // WAL mode.
    assert!(cwd.path().join("data/link.db-wal").exists());
    assert!(s.connections(&user).await.is_empty());
}

async fn a_restart_loses_nothing() {
    let dir = Arc::new(tempfile::tempdir().unwrap());
    let public = "http://link.invalid";
    let opts = || {
        Opts {
            api_key: "restart-key-0123456789".into(),
            ..Opts::default()
        }
        .dir(dir.clone())
        .args(&["--public-url", public])
    };
    let mut a = Server::start_with(opts()).await;
    let on = |s: &Server, u: &str| u.replace(public, &s.url);

    let (st, b) = a.post_user("persist").await;
    assert_eq!(st, 200);
    let user = b["user_id"].as_str().unwrap().to_string();
    let token_for = |s: &Server| {
        let user = user.clone();
        let s_url = s.url.clone();
        let key = s.api_key.clone();
        let http = s.http.clone();
        async move {
            let r = http
                .post(format!("{s_url}/v2/link/token"))
                .header(KEY_HEADER, key)
                .json(&json!({"user_id": user, "redirect_url": "https://host.example/cb"}))
                .send()
                .await
                .unwrap();
            r.json::<Value>().await.unwrap()["link_token"]
                .as_str()
                .unwrap()
                .to_string()
        }
    };
    // A connection, a locked token, an OAuth attempt in progress, a fresh token.
    let t_ok = token_for(&a).await;
    assert_eq!(
        a.password(&t_ok, "renpho", "user_good", "pass_good")
            .await
            .1["state"],
        "success"
    );
    let t_locked = token_for(&a).await;
    for _ in 0..5 {
        assert_eq!(
            a.password(&t_locked, "renpho", "user_good", "nope").await.0,
            200
        );
    }
    let t_oauth = token_for(&a).await;
    let (_, p) = a.wget(&t_oauth, "/v2/link/provider/oauth/fitbit").await;
    let oauth_url = p["oauth_url"].as_str().unwrap().to_string();
    assert!(oauth_url.starts_with(public));
    let html = a
        .http
        .get(on(&a, &oauth_url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let form = parse_form(&html);
    let t_fresh = token_for(&a).await;
    if backend() == Backend::Sqlite {
        assert!(dir.path().join("link.db").is_file());
    }

    a.kill();
    let b = Server::start_with(opts()).await;
    assert_ne!(a.url, b.url);

    // Users, connections, tokens and their lockout counters survived.
    let dup = b.post_user("persist").await;
    assert_error(&dup, DUPLICATE_USER);
    assert_eq!(dup.1["detail"]["user_id"], user.as_str());
    let conns = b.connections(&user).await;
    assert_eq!(conns.len(), 1);
    assert_eq!(conns[0]["slug"], "renpho");
    assert_error(
        &b.password(&t_ok, "renpho", "user_good", "pass_good").await,
        TOKEN_CONSUMED,
    );
    assert_eq!(b.link_state(&t_ok).await.1["state"], "success");
    assert_error(
        &b.password(&t_locked, "renpho", "user_good", "pass_good")
            .await,
        TOO_MANY_ATTEMPTS,
    );
    assert_eq!(b.wget(&t_fresh, "/v2/link/token/info").await.0, 200);

    // The OAuth attempt started before the restart completes after it: the state signing key
    // survived.
    assert_eq!(b.link_state(&t_oauth).await.1["state"], "pending");
    let mut submitted = form.clone();
    submitted.action = on(&b, &form.action);
    let to_callback = allow_all(&b, &submitted).await;
    let resp = follow(&b, &on(&b, &to_callback)).await;
    assert_eq!(resp.status(), 307);
    let loc = header(resp.headers(), "location").unwrap();
    assert_eq!(param(loc, "state").as_deref(), Some("success"), "{loc}");
    assert_eq!(b.connections(&user).await.len(), 2);
}

fn dist_with_widget(s_dist: &std::path::Path) {
    write_file(
        &s_dist.join("index.html"),
        b"<!doctype html><title>Link</title><script src=\"initialize.js\"></script>",
    );
    let js = "window.Vital = window.Vital || {};\n".repeat(200);
    write_file(&s_dist.join("initialize.js"), js.as_bytes());
    write_file(&s_dist.join("link-widget.js"), js.as_bytes());
    let mut wasm = b"\0asm\x01\0\0\0".to_vec();
    wasm.extend(std::iter::repeat_n(0u8, 8192));
    write_file(&s_dist.join("link-widget_bg.wasm"), &wasm);
    write_file(
        &s_dist.join("initialize.d.ts"),
        b"declare var Vital: unknown;\n",
    );
    write_file(&s_dist.join("pre.js"), b"plain");
    write_file(&s_dist.join("pre.js.gz"), b"gzipped-bytes");
    write_file(&s_dist.join("pre.js.br"), b"brotli-bytes");
}

async fn static_files_and_the_hosted_page() {
    let dir = Arc::new(tempfile::tempdir().unwrap());
    // Before the build exists: a clear 503, not a failed start.
    let s = Server::start_with(Opts::default().dir(dir.clone())).await;
    let (st, b) = read(s.get("/?token=abc", &[]).await).await;
    assert_eq!(st, 503);
    assert!(b["detail"]["error_message"]
        .as_str()
        .unwrap()
        .contains("widget build is missing"));
    assert_error(&read(s.get("/initialize.js", &[]).await).await, NOT_FOUND);

    // Built while running: served.
    dist_with_widget(&s.dist());
    let (_, token) = s.token().await;
    let r = s
        .get(&format!("/?token={token}&env=sandbox&region=us"), &[])
        .await;
    assert_eq!(r.status(), 200);
    let h = r.headers().clone();
    assert!(header(&h, "content-type").unwrap().starts_with("text/html"));
    assert_eq!(header(&h, "referrer-policy"), Some("no-referrer"));
    assert_eq!(header(&h, "access-control-allow-origin"), Some("*"));
    assert!(header(&h, "cross-origin-opener-policy").is_none());
    assert_eq!(header(&h, "x-content-type-options"), Some("nosniff"));
    // Never framed (click-jacking a victim into linking to someone else's token).
    let csp = header(&h, "content-security-policy").unwrap();
    assert!(csp.ends_with("frame-ancestors 'none'"), "{csp}");
    assert!(
        csp.contains("script-src 'self' 'wasm-unsafe-eval';"),
        "{csp}"
    );
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert!(r.text().await.unwrap().contains("initialize.js"));

    // The page of iframe isolation: the same build, framed by --frame-ancestors (sandbox: *).
    let r = s.get("/embed", &[]).await;
    assert_eq!(r.status(), 200);
    let h = r.headers().clone();
    assert!(header(&h, "content-type").unwrap().starts_with("text/html"));
    assert_eq!(header(&h, "x-content-type-options"), Some("nosniff"));
    assert_eq!(header(&h, "cache-control"), Some("no-store"));
    let csp = header(&h, "content-security-policy").unwrap();
    assert!(csp.ends_with("frame-ancestors *"), "{csp}");
    assert!(csp.contains("connect-src 'self';"), "{csp}");
    assert!(r.text().await.unwrap().contains("initialize.js"));

    for (path, mime) in [
        ("/initialize.js", "text/javascript"),
        ("/link-widget.js", "text/javascript"),
        ("/link-widget_bg.wasm", "application/wasm"),
    ] {
        let r = s.get(path, &[("origin", "https://host.example")]).await;
        assert_eq!(r.status(), 200, "{path}");
        assert_eq!(header(r.headers(), "content-type"), Some(mime), "{path}");
        assert_eq!(
            header(r.headers(), "access-control-allow-origin"),
            Some("*"),
            "{path}"
        );
        for enc in ["gzip", "br"] {
            let r = s.get(path, &[("accept-encoding", enc)]).await;
            assert_eq!(
                header(r.headers(), "content-encoding"),
                Some(enc),
                "{path} {enc}"
            );
            assert_eq!(header(r.headers(), "content-type"), Some(mime));
            let plain_len = std::fs::metadata(s.dist().join(&path[1..])).unwrap().len() as usize;
            assert!(
                r.bytes().await.unwrap().len() < plain_len / 2,
                "{path} {enc} not compressed"
            );
        }
    }
    // The host API's TypeScript types are text (by extension they would be video/mp2t).
    let r = s.get("/initialize.d.ts", &[]).await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        header(r.headers(), "content-type"),
        Some("text/plain; charset=utf-8")
    );
    // Precompressed files win when present.
    let r = s.get("/pre.js", &[("accept-encoding", "gzip")]).await;
    assert_eq!(header(r.headers(), "content-encoding"), Some("gzip"));
    assert_eq!(r.bytes().await.unwrap().as_ref(), b"gzipped-bytes");
    let r = s.get("/pre.js", &[("accept-encoding", "br")]).await;
    assert_eq!(r.bytes().await.unwrap().as_ref(), b"brotli-bytes");
    let r = s.get("/pre.js", &[]).await;
    assert_eq!(r.bytes().await.unwrap().as_ref(), b"plain");
    // Outside the build: the JSON 404, no directory escape.
    assert_eq!(s.get("/../link.db", &[]).await.status(), 404);
    assert_eq!(s.get("/%2e%2e/link.db", &[]).await.status(), 404);
}

async fn frame_ancestors_limit_who_frames_the_widget_page() {
    let dir = Arc::new(tempfile::tempdir().unwrap());
    let s = Server::start_with(Opts::default().dir(dir.clone()).args(&[
        "--frame-ancestors",
        "https://app.example  http://127.0.0.1:3000",
    ]))
    .await;
    dist_with_widget(&s.dist());
    let r = s.get("/embed", &[]).await;
    let csp = header(r.headers(), "content-security-policy")
        .unwrap()
        .to_string();
    assert!(
        csp.ends_with("frame-ancestors https://app.example http://127.0.0.1:3000"),
        "{csp}"
    );
    // The hosted page stays unframeable whatever the list says.
    let r = s.get("/", &[]).await;
    let csp = header(r.headers(), "content-security-policy").unwrap();
    assert!(csp.ends_with("frame-ancestors 'none'"), "{csp}");
}

async fn demo_page_and_token_route() {
    let s = Server::start_with(Opts::default().arg("--demo")).await;
    let csp = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'";
    for (path, mime, needle) in [
        ("/demo", "text/html", "demo.js"),
        ("/demo/demo.js", "text/javascript", "/demo/token"),
        ("/demo/demo.css", "text/css", "{"),
    ] {
        let r = s.get(path, &[]).await;
        assert_eq!(r.status(), 200, "{path}");
        assert!(
            header(r.headers(), "content-type")
                .unwrap()
                .starts_with(mime),
            "{path}"
        );
        assert_eq!(
            header(r.headers(), "content-security-policy"),
            Some(csp),
            "{path}"
        );
        let body = r.text().await.unwrap();
        assert!(body.contains(needle), "{path}");
        if path == "/demo" {
            assert!(
                !body.contains("<script>")
                    && !body.contains("<style")
                    && !body.contains("style=\"")
            );
        }
    }

    // Empty body, `{}`, and options.
    for body in [None, Some("{}"), Some("")] {
        let mut req = s.http.post(s.u("/demo/token"));
        if let Some(b) = body {
            req = req.header("content-type", "application/json").body(b);
        }
        let (st, b) = send(req).await;
        assert_eq!(st, 200, "{b}");
        let token = b["link_token"].as_str().unwrap();
        assert!(uuid::Uuid::parse_str(b["user_id"].as_str().unwrap()).is_ok());
        assert_eq!(
            param(b["link_web_url"].as_str().unwrap(), "token").as_deref(),
            Some(token)
        );
        assert_eq!(s.wget(token, "/v2/link/providers").await.0, 200);
    }
    let demo_token = |body: Value| send(s.http.post(s.u("/demo/token")).json(&body));
    let (st, b) = demo_token(json!({"client_user_id": "demo-alice", "provider": "oura",
        "redirect_url": "https://h.example/x", "on_close": "redirect"}))
    .await;
    assert_eq!(st, 200, "{b}");
    let (_, info) = s
        .wget(b["link_token"].as_str().unwrap(), "/v2/link/token/info")
        .await;
    assert_eq!(info["provider"], "oura");
    assert_eq!(info["on_close"], "redirect");
    // The same code path as the API: the user exists and duplicates are refused.
    let user = b["user_id"].as_str().unwrap();
    assert!(s.connections(user).await.is_empty());
    let got = demo_token(json!({"client_user_id": "demo-alice"})).await;
    assert_error(&got, DUPLICATE_USER);
    assert_422(
        &demo_token(json!({"provider": "nope"})).await,
        &["body", "provider"],
    );
    assert_422(&send(s.raw_post("/demo/token", None, "{")).await, &["body"]);
    // CORS like the widget endpoints.
    let pre = s
        .preflight(
            "/demo/token",
            "https://elsewhere.example",
            "POST",
            "content-type",
        )
        .await;
    assert_eq!(
        header(pre.headers(), "access-control-allow-origin"),
        Some("*")
    );
}

async fn logs_carry_no_secrets() {
    let s = Server::start_with(
        Opts {
            api_key: "sk_live_TopSecretKey123".into(),
            ..Opts::default()
        }
        .env("RUST_LOG", "debug"),
    )
    .await;
    dist_with_widget(&s.dist());
    let (user, token) = s
        .token_with(json!({"redirect_url": "https://host.example/cb"}))
        .await;
    // Wrong keys, passwords, MFA codes, the hosted page with the token in its URL.
    s.get("/v2/providers", &[(KEY_HEADER, "sk_wrong_Guess987")])
        .await;
    s.get(&format!("/?token={token}&env=sandbox"), &[]).await;
    let _ = s
        .password(&token, "renpho", "user_mfa", "Hunter2-Password!")
        .await;
    s.password(&token, "renpho", "user_mfa", "pass_good").await;
    let _ = s.complete_mfa(&token, "renpho", "864209").await;
    // An OAuth round trip (code and state in URLs).
    let (user2, t2) = s
        .token_with(json!({"redirect_url": "https://host.example/cb"}))
        .await;
    let (oauth_url, form) = consent(&s, &t2, "fitbit").await;
    let cb = allow_all(&s, &form).await;
    assert_eq!(follow(&s, &cb).await.status(), 307);
    assert!(s.connections(&user).await.is_empty());
    assert_eq!(s.connections(&user2).await.len(), 1);
    tokio::time::sleep(Duration::from_millis(200)).await;

    let logs = s.logs();
    // The logs are there, with the access log of the hosted page, redacted.
    assert!(logs.contains("/?token=[redacted]&env=sandbox"), "{logs}");
    assert!(
        logs.contains("/v2/link/connect/fitbit?code=[redacted]&state=[redacted]"),
        "{logs}"
    );
    check_no_secrets(
        &logs,
        &[
            "sk_live_TopSecretKey123",
            "sk_wrong_Guess987",
            "Hunter2-Password!",
            "pass_good",
            "864209",
            token.as_str(),
            t2.as_str(),
            param(&cb, "code").unwrap().as_str(),
            param(&oauth_url, "state").unwrap().as_str(),
        ],
    );
}

fn check_no_secrets(logs: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(!logs.contains(secret), "secret {secret:?} in logs:\n{logs}");
    }
}

async fn json_logs_are_structured_and_redacted() {
    let s = Server::start_with(Opts::default().args(&["--log-format", "json"])).await;
    let (_, token) = s.token().await;
    dist_with_widget(&s.dist());
    s.get(&format!("/?token={token}"), &[]).await;
    let _ = s
        .password(&token, "renpho", "user_good", "Secret-Pass-42")
        .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let logs = s.logs();
    let lines: Vec<Value> = logs
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert!(lines.len() >= 4, "{logs}");
    assert!(lines
        .iter()
        .all(|l| l["level"].is_string() && l["timestamp"].is_string()));
    let hosted = lines
        .iter()
        .find(|l| {
            l["span"]["uri"]
                .as_str()
                .is_some_and(|u| u.starts_with("/?token="))
        })
        .unwrap_or_else(|| panic!("{logs}"));
    assert_eq!(hosted["span"]["uri"], "/?token=[redacted]");
    assert!(
        lines
            .iter()
            .any(|l| l["fields"]["outcome"] == "provider_credential_error"),
        "{logs}"
    );
    check_no_secrets(&logs, &[&token, "Secret-Pass-42", &s.api_key]);
}

both!(
    a_restart_loses_nothing,
    static_files_and_the_hosted_page,
    frame_ancestors_limit_who_frames_the_widget_page,
    demo_page_and_token_route,
    logs_carry_no_secrets,
    json_logs_are_structured_and_redacted,
);
