//! Shared helpers of the integration tests: the real `link-server` binary on a free loopback
//! port with a fresh database (a SQLite file in a temp dir, or a database of its own on the
//! PostgreSQL cluster named by `LINK_TEST_POSTGRES_URL`), driven over HTTP with reqwest.
//!
//! `both!(test_a, test_b)` runs each of those async fns twice, as `sqlite::test_a` and
//! `postgres::test_a`. Without `LINK_TEST_POSTGRES_URL` the PostgreSQL runs print a notice and
//! pass, unless `LINK_TEST_REQUIRE_POSTGRES=1` (set by `scripts/test.sh`) makes them fail.
#![allow(dead_code)]

use std::{
    cell::Cell,
    io::{BufRead, BufReader, Read},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::{mpsc, Arc, Mutex},
    time::Duration,
};

use reqwest::{header::HeaderMap, Client, Method, RequestBuilder, Response, StatusCode};
use serde_json::{json, Value};

/// The database a test's servers use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

thread_local! {
    static BACKEND: Cell<Backend> = const { Cell::new(Backend::Sqlite) };
}

/// The backend of the running test (SQLite unless run through `both!`/`on`).
pub fn backend() -> Backend {
    BACKEND.with(|b| b.get())
}

/// The admin URL of the test PostgreSQL cluster, if any.
pub fn postgres_admin_url() -> Option<String> {
    std::env::var("LINK_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
}

/// Runs `test` with its servers on `backend`. A `#[tokio::test]` runs on one thread (the
/// current-thread runtime), so a thread-local carries the choice to `Server::start_with`.
pub async fn on<F: std::future::Future<Output = ()>>(backend: Backend, test: F) {
    if backend == Backend::Postgres && postgres_admin_url().is_none() {
        if std::env::var("LINK_TEST_REQUIRE_POSTGRES").is_ok_and(|v| v == "1") {
            panic!("LINK_TEST_POSTGRES_URL is not set but LINK_TEST_REQUIRE_POSTGRES=1");
        }
        eprintln!("notice: LINK_TEST_POSTGRES_URL is not set: PostgreSQL run skipped");
        return;
    }
    BACKEND.with(|b| b.set(backend));
    test.await;
}

/// `both!(a, b, …)`: for each `async fn a()` of the file, a `#[tokio::test]` on SQLite and one
/// on PostgreSQL.
#[macro_export]
macro_rules! both {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test]
            async fn $name() {
                $crate::common::on($crate::common::Backend::Sqlite, super::$name()).await
            })*
        }
        mod postgres {
            $(#[tokio::test]
            async fn $name() {
                $crate::common::on($crate::common::Backend::Postgres, super::$name()).await
            })*
        }
    };
}

/// Creates (if missing) the PostgreSQL database `name` and returns its URL.
pub async fn postgres_database(name: &str) -> String {
    use sqlx::Connection;
    let admin = postgres_admin_url().expect("LINK_TEST_POSTGRES_URL");
    let mut conn = sqlx::PgConnection::connect(&admin)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to the test PostgreSQL cluster: {e}"));
    match sqlx::query(&format!("CREATE DATABASE \"{name}\""))
        .execute(&mut conn)
        .await
    {
        Ok(_) => {}
        // 42P04: duplicate_database (a restart reusing the database).
        Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("42P04") => {}
        Err(e) => panic!("cannot create the test database {name}: {e}"),
    }
    let _ = conn.close().await;
    let mut url = url::Url::parse(&admin).unwrap();
    url.set_path(&format!("/{name}"));
    url.to_string()
}

/// The PostgreSQL database of a test directory: one per directory, so that a server restarted
/// on the same `dir` finds its data again, as with the SQLite file.
pub fn database_name_of(dir: &Path) -> String {
    use sha2::Digest;
    let h = sha2::Sha256::digest(dir.display().to_string().as_bytes());
    let hex: String = h[..10].iter().map(|b| format!("{b:02x}")).collect();
    format!("t_{hex}")
}

/// The `--database-url` of a test directory on the current backend.
pub async fn database_url(dir: &Path) -> String {
    match backend() {
        Backend::Sqlite => format!("sqlite://{}", dir.join("link.db").display()),
        Backend::Postgres => postgres_database(&database_name_of(dir)).await,
    }
}

pub const TOKEN_HEADER: &str = "x-vital-link-token";
pub const KEY_HEADER: &str = "x-vital-api-key";

/// How to start a server.
pub struct Opts {
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
    pub api_key: String,
    /// The directory holding the SQLite file (a fresh temp dir unless reused for a restart).
    pub dir: Option<Arc<tempfile::TempDir>>,
    /// Leave `--database-url` out (the default `data/link.db`, under `cwd`).
    pub default_database: bool,
    /// This `--database-url` instead of the directory's (several instances on one database).
    pub database_url: Option<String>,
    pub cwd: Option<PathBuf>,
}

impl Default for Opts {
    fn default() -> Self {
        Opts {
            args: Vec::new(),
            env: Vec::new(),
            api_key: format!("test-key-{:08}-0123456789", std::process::id()),
            dir: None,
            default_database: false,
            database_url: None,
            cwd: None,
        }
    }
}

impl Opts {
    pub fn arg(mut self, a: &str) -> Self {
        self.args.push(a.to_string());
        self
    }
    pub fn args(mut self, a: &[&str]) -> Self {
        self.args.extend(a.iter().map(|s| s.to_string()));
        self
    }
    pub fn env(mut self, k: &str, v: &str) -> Self {
        self.env.push((k.to_string(), v.to_string()));
        self
    }
    pub fn dir(mut self, dir: Arc<tempfile::TempDir>) -> Self {
        self.dir = Some(dir);
        self
    }
    pub fn database_url(mut self, url: &str) -> Self {
        self.database_url = Some(url.to_string());
        self
    }
    pub fn default_database_in(mut self, cwd: &Path) -> Self {
        self.default_database = true;
        self.cwd = Some(cwd.to_path_buf());
        self
    }
}

/// A running `link-server` process; killed on drop.
pub struct Server {
    child: Child,
    pub url: String,
    pub api_key: String,
    pub dir: Arc<tempfile::TempDir>,
    /// The `--database-url` it runs on.
    pub database_url: String,
    logs: Arc<Mutex<String>>,
    pub http: Client,
}

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_link-server")
}

/// The binary with its output piped and none of the caller's LINK_* settings, which must not
/// leak into a test server.
pub fn command() -> Command {
    let mut cmd = Command::new(bin());
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, _) in std::env::vars() {
        if k.starts_with("LINK_") {
            cmd.env_remove(k);
        }
    }
    cmd
}

pub fn client() -> Client {
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

impl Server {
    pub async fn start() -> Server {
        Server::start_with(Opts::default()).await
    }

    pub async fn start_with(opts: Opts) -> Server {
        let dir = opts
            .dir
            .clone()
            .unwrap_or_else(|| Arc::new(tempfile::tempdir().unwrap()));
        let db = match &opts.database_url {
            Some(u) => u.clone(),
            None => database_url(dir.path()).await,
        };
        let mut cmd = command();
        cmd.args(["--addr", "127.0.0.1:0", "--api-key", &opts.api_key]);
        if !opts.default_database {
            cmd.args(["--database-url", &db]);
        }
        if let Some(cwd) = &opts.cwd {
            cmd.current_dir(cwd);
        }
        cmd.args([
            "--static-dir",
            &dir.path().join("dist").display().to_string(),
        ])
        .args(&opts.args)
        .env_remove("RUST_LOG");
        for (k, v) in &opts.env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("spawn link-server");
        let logs = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = mpsc::channel::<String>();
        let stdout = child.stdout.take().unwrap();
        let out_logs = logs.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(url) = line.strip_prefix("listening on ") {
                    let _ = tx.send(url.trim().to_string());
                }
                out_logs.lock().unwrap().push_str(&format!("{line}\n"));
            }
        });
        let stderr = child.stderr.take().unwrap();
        let err_logs = logs.clone();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stderr);
            let mut buf = [0u8; 4096];
            loop {
                match r.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => err_logs
                        .lock()
                        .unwrap()
                        .push_str(&String::from_utf8_lossy(&buf[..n])),
                }
            }
        });
        // Waits without blocking the thread, so that several servers can start at once.
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        let url = loop {
            match rx.try_recv() {
                Ok(u) => break Ok(u),
                Err(mpsc::TryRecvError::Empty) if std::time::Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(10)).await
                }
                Err(_) => break Err(()),
            }
        };
        let url = match url {
            Ok(u) => u,
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "link-server did not start; output:\n{}",
                    logs.lock().unwrap()
                );
            }
        };
        assert!(url.starts_with("http://127.0.0.1:"), "{url}");
        Server {
            child,
            url,
            api_key: opts.api_key,
            dir,
            database_url: db,
            logs,
            http: client(),
        }
    }

    /// Everything the process printed so far (stdout and stderr).
    pub fn logs(&self) -> String {
        self.logs.lock().unwrap().clone()
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Kills the process (SIGKILL: nothing is flushed on the way out) and waits for it.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    pub fn dist(&self) -> PathBuf {
        self.dir.path().join("dist")
    }

    pub fn u(&self, path: &str) -> String {
        format!("{}{}", self.url, path)
    }

    // -- server-side calls (API key) --------------------------------------------------------

    pub async fn api(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self
            .http
            .request(method, self.u(path))
            .header(KEY_HEADER, &self.api_key);
        if let Some(b) = body {
            req = req.json(&b);
        }
        send(req).await
    }

    /// `POST /v2/user`.
    pub async fn post_user(&self, client_user_id: &str) -> (StatusCode, Value) {
        self.api(
            Method::POST,
            "/v2/user",
            Some(json!({ "client_user_id": client_user_id })),
        )
        .await
    }

    /// `POST /v2/link/token`.
    pub async fn post_token(&self, body: Value) -> (StatusCode, Value) {
        self.api(Method::POST, "/v2/link/token", Some(body)).await
    }

    /// `POST /v2/link/token/isValid`.
    pub async fn is_valid(&self, token: &str) -> (StatusCode, Value) {
        self.api(
            Method::POST,
            "/v2/link/token/isValid",
            Some(json!({ "token": token })),
        )
        .await
    }

    /// `POST /v2/link/connect/demo`.
    pub async fn connect_demo(&self, user_id: &str, provider: &str) -> (StatusCode, Value) {
        self.api(
            Method::POST,
            "/v2/link/connect/demo",
            Some(json!({ "user_id": user_id, "provider": provider })),
        )
        .await
    }

    pub async fn create_user(&self) -> String {
        let (s, b) = self
            .post_user(&format!("client-{}", uuid::Uuid::new_v4()))
            .await;
        assert_eq!(s, 200, "{b}");
        b["user_id"].as_str().unwrap().to_string()
    }

    /// A user and a link token with the given options (merged into `{user_id}`).
    pub async fn token_with(&self, options: Value) -> (String, String) {
        let user = self.create_user().await;
        let mut body = json!({ "user_id": user });
        if let Value::Object(m) = options {
            for (k, v) in m {
                body[k] = v;
            }
        }
        let (s, b) = self.post_token(body).await;
        assert_eq!(s, 200, "{b}");
        (user, b["link_token"].as_str().unwrap().to_string())
    }

    pub async fn token(&self) -> (String, String) {
        self.token_with(json!({})).await
    }

    pub async fn connections(&self, user: &str) -> Vec<Value> {
        let (s, b) = self
            .api(Method::GET, &format!("/v2/user/providers/{user}"), None)
            .await;
        assert_eq!(s, 200, "{b}");
        b["providers"].as_array().unwrap().clone()
    }

    // -- widget calls (link token) -----------------------------------------------------------

    pub async fn wget(&self, token: &str, path: &str) -> (StatusCode, Value) {
        send(self.http.get(self.u(path)).header(TOKEN_HEADER, token)).await
    }

    pub async fn wpost(&self, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
        send(
            self.http
                .post(self.u(path))
                .header(TOKEN_HEADER, token)
                .json(&body),
        )
        .await
    }

    /// A plain GET of `path` with these headers (no credential unless one is among them).
    pub async fn get(&self, path: &str, headers: &[(&str, &str)]) -> Response {
        let mut req = self.http.get(self.u(path));
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        req.send().await.unwrap()
    }

    /// A POST whose body is sent as is, with the given `Content-Type` if any and no credential
    /// (the caller adds the one it tests).
    pub fn raw_post(&self, path: &str, content_type: Option<&str>, body: &str) -> RequestBuilder {
        let req = self.http.post(self.u(path)).body(body.to_string());
        match content_type {
            Some(ct) => req.header("content-type", ct),
            None => req,
        }
    }

    /// A CORS preflight from `origin` asking for `method` with `headers`.
    pub async fn preflight(
        &self,
        path: &str,
        origin: &str,
        method: &str,
        headers: &str,
    ) -> Response {
        self.http
            .request(Method::OPTIONS, self.u(path))
            .header("origin", origin)
            .header("access-control-request-method", method)
            .header("access-control-request-headers", headers)
            .send()
            .await
            .unwrap()
    }

    pub async fn password(
        &self,
        token: &str,
        provider: &str,
        user: &str,
        pass: &str,
    ) -> (StatusCode, Value) {
        self.wpost(
            token,
            &format!("/v2/link/provider/password/{provider}"),
            json!({ "username": user, "password": pass }),
        )
        .await
    }

    pub async fn complete_mfa(
        &self,
        token: &str,
        provider: &str,
        mfa_code: &str,
    ) -> (StatusCode, Value) {
        self.wpost(
            token,
            &format!("/v2/link/provider/password/{provider}/complete_mfa"),
            json!({ "mfa_code": mfa_code }),
        )
        .await
    }

    /// `body` is `{email, region?}`.
    pub async fn email(&self, token: &str, provider: &str, body: Value) -> (StatusCode, Value) {
        self.wpost(token, &format!("/v2/link/provider/email/{provider}"), body)
            .await
    }

    pub async fn link_state(&self, token: &str) -> (StatusCode, Value) {
        self.wget(token, "/v2/link/state").await
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Status and JSON body (`Value::Null` when the body is not JSON).
pub async fn read(resp: Response) -> (StatusCode, Value) {
    let status = resp.status();
    let text = resp.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Sends a request; status and JSON body as `read` gives them.
pub async fn send(req: RequestBuilder) -> (StatusCode, Value) {
    read(req.send().await.unwrap()).await
}

/// A row of the contract's error table: (status, error_code, error_type).
pub type ErrorRow = (u16, &'static str, &'static str);

pub const MISSING_LINK_TOKEN: ErrorRow = (400, "MISSING_LINK_TOKEN", "invalid_token");
pub const INVALID_TOKEN: ErrorRow = (401, "INVALID_REQUEST", "invalid_token");
pub const TOKEN_EXPIRED: ErrorRow = (401, "INVALID_REQUEST", "token_expired");
pub const TOKEN_CONSUMED: ErrorRow = (401, "INVALID_REQUEST", "token_consumed");
pub const INVALID_PROVIDER: ErrorRow = (400, "INVALID_PROVIDER", "invalid_provider");
pub const INVALID_USER_ID: ErrorRow = (400, "INVALID_USER_ID", "invalid_user_id");
pub const DUPLICATE_USER: ErrorRow = (400, "INVALID_REQUEST", "duplicate_user");
pub const TOO_MANY_ATTEMPTS: ErrorRow = (429, "RATE_LIMIT_EXCEEDED", "too_many_attempts");
pub const NOT_FOUND: ErrorRow = (404, "NOT_FOUND", "not_found");

/// Asserts a `{"detail": {...}}` error body of that row.
#[track_caller]
pub fn assert_error(got: &(StatusCode, Value), (status, code, ty): ErrorRow) {
    assert_eq!(got.0.as_u16(), status, "body: {}", got.1);
    assert_eq!(got.1["detail"]["error_code"], code, "body: {}", got.1);
    assert_eq!(got.1["detail"]["error_type"], ty, "body: {}", got.1);
    assert!(
        got.1["detail"]["error_message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "body: {}",
        got.1
    );
}

/// Asserts a 422 `{"detail": [{loc, msg, type}]}` body whose first problem is at `loc`.
#[track_caller]
pub fn assert_422(got: &(StatusCode, Value), loc: &[&str]) {
    assert_eq!(got.0.as_u16(), 422, "body: {}", got.1);
    let items = got.1["detail"]
        .as_array()
        .unwrap_or_else(|| panic!("body: {}", got.1));
    assert!(!items.is_empty());
    for it in items {
        assert!(
            it["msg"].is_string() && it["type"].is_string() && it["loc"].is_array(),
            "{it}"
        );
    }
    let want: Vec<Value> = loc.iter().map(|s| json!(s)).collect();
    assert!(
        items
            .iter()
            .any(|it| it["loc"].as_array().unwrap().starts_with(&want)),
        "no problem at {loc:?}: {}",
        got.1
    );
}

pub fn header<'a>(h: &'a HeaderMap, name: &str) -> Option<&'a str> {
    h.get(name).and_then(|v| v.to_str().ok())
}

// -- HTML forms (the sandbox consent page) -------------------------------------------------

/// A parsed HTML form: its action and its controls.
#[derive(Debug, Clone)]
pub struct Form {
    pub action: String,
    pub method: String,
    /// (name, value) of hidden inputs.
    pub hidden: Vec<(String, String)>,
    /// (value, checked, label text) of checkboxes named `scope`.
    pub scopes: Vec<(String, bool, String)>,
    /// (name, value) of submit buttons.
    pub buttons: Vec<(String, String)>,
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let pat = format!(" {name}=\"");
    let start = tag.find(&pat)? + pat.len();
    let end = tag[start..].find('"')? + start;
    Some(unescape(&tag[start..end]))
}

fn has_flag(tag: &str, name: &str) -> bool {
    tag.split(|c: char| c.is_whitespace() || c == '>')
        .any(|w| w == name)
}

/// Reads the first `<form>` of a page, as a browser would see its controls.
pub fn parse_form(html: &str) -> Form {
    let fstart = html.find("<form").expect("a form");
    let fend = html[fstart..].find("</form>").expect("form end") + fstart;
    let form_html = &html[fstart..fend];
    let open_tag = &form_html[..form_html.find('>').unwrap() + 1];
    let mut form = Form {
        action: attr(open_tag, "action").unwrap_or_default(),
        method: attr(open_tag, "method").unwrap_or_default(),
        hidden: Vec::new(),
        scopes: Vec::new(),
        buttons: Vec::new(),
    };
    let mut rest = form_html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i..];
        let end = rest.find('>').unwrap() + 1;
        let tag = &rest[..end];
        if tag.starts_with("<input") {
            let ty = attr(tag, "type").unwrap_or_default();
            let name = attr(tag, "name").unwrap_or_default();
            let value = attr(tag, "value").unwrap_or_default();
            if ty == "hidden" {
                form.hidden.push((name, value));
            } else if ty == "checkbox" && name == "scope" {
                let label_end = rest.find("</label>").unwrap_or(end);
                let label = rest[end..label_end].trim().to_string();
                form.scopes.push((value, has_flag(tag, "checked"), label));
            }
        } else if tag.starts_with("<button") {
            form.buttons.push((
                attr(tag, "name").unwrap_or_default(),
                attr(tag, "value").unwrap_or_default(),
            ));
        }
        rest = &rest[end..];
    }
    form
}

impl Form {
    /// The urlencoded body a browser submits with `button` pressed and the given scopes ticked.
    pub fn submission(&self, button: &str, ticked: &[&str]) -> String {
        let mut ser = form_urlencoded::Serializer::new(String::new());
        for (k, v) in &self.hidden {
            ser.append_pair(k, v);
        }
        for (v, _, _) in &self.scopes {
            if ticked.contains(&v.as_str()) {
                ser.append_pair("scope", v);
            }
        }
        let (name, value) = self
            .buttons
            .iter()
            .find(|(_, v)| v == button)
            .unwrap_or_else(|| panic!("no button {button}"));
        ser.append_pair(name, value);
        ser.finish()
    }

    pub fn checked_scopes(&self) -> Vec<&str> {
        self.scopes
            .iter()
            .filter(|(_, c, _)| *c)
            .map(|(v, _, _)| v.as_str())
            .collect()
    }

    pub fn required_scopes(&self) -> Vec<&str> {
        self.scopes
            .iter()
            .filter(|(_, _, l)| l.contains("(required)"))
            .map(|(v, _, _)| v.as_str())
            .collect()
    }
}

/// Query parameters of a URL.
pub fn query_of(url: &str) -> Vec<(String, String)> {
    url::Url::parse(url)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect()
}

pub fn param(url: &str, key: &str) -> Option<String> {
    query_of(url)
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
}

pub fn write_file(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

// -- OAuth ----------------------------------------------------------------------------------

/// Starts an OAuth attempt and loads its consent page: (oauth_url, form).
pub async fn consent(s: &Server, token: &str, provider: &str) -> (String, Form) {
    let (st, p) = s
        .wget(token, &format!("/v2/link/provider/oauth/{provider}"))
        .await;
    assert_eq!(st, 200, "{p}");
    let oauth_url = p["oauth_url"].as_str().expect("oauth_url").to_string();
    let page = s.http.get(&oauth_url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(header(page.headers(), "cross-origin-opener-policy").is_none());
    let html = page.text().await.unwrap();
    (oauth_url, parse_form(&html))
}

/// Submits the consent form like a browser; returns the `Location` it redirects to.
/// Submits the consent form with Allow and every scope ticked by default.
pub async fn allow_all(s: &Server, form: &Form) -> String {
    submit(s, form, "allow", &form.checked_scopes()).await
}

pub async fn submit(s: &Server, form: &Form, button: &str, ticked: &[&str]) -> String {
    assert_eq!(form.method, "post");
    let resp = s
        .http
        .post(&form.action)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form.submission(button, ticked))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    header(resp.headers(), "location").unwrap().to_string()
}

/// Follows the provider's redirect to the callback (a top-level navigation: no token header).
pub async fn follow(s: &Server, url: &str) -> Response {
    let resp = s.http.get(url).send().await.unwrap();
    assert!(header(resp.headers(), "cross-origin-opener-policy").is_none());
    resp
}

/// `join_all` without the futures crate: polls every future concurrently on this task.
pub async fn futures_join_all<F: std::future::Future>(
    futs: impl IntoIterator<Item = F>,
) -> Vec<F::Output> {
    let mut set = Vec::new();
    for f in futs {
        set.push(Box::pin(f));
    }
    let mut out: Vec<Option<F::Output>> = (0..set.len()).map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (i, f) in set.iter_mut().enumerate() {
            if out[i].is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => out[i] = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    out.into_iter().map(Option::unwrap).collect()
}
