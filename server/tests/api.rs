//! Server-side and widget endpoints over real HTTP: shapes, every row of the error table,
//! precedence, CORS on both kinds of endpoint.

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const WIDGET_GETS: &[&str] = &[
    "/v2/link/token/info",
    "/v2/team/link/config",
    "/v2/link/providers",
    "/v2/link/provider/oauth/fitbit",
    "/v2/link/state",
];

const WIDGET_POSTS: &[(&str, &str)] = &[
    (
        "/v2/link/provider/password/renpho",
        r#"{"username":"user_good","password":"pass_good"}"#,
    ),
    (
        "/v2/link/provider/password/renpho/complete_mfa",
        r#"{"mfa_code":"123456"}"#,
    ),
    (
        "/v2/link/provider/email/freestyle_libre",
        r#"{"email":"a@example.org"}"#,
    ),
];

async fn users_and_tokens() {
    let s = Server::start().await;
    let (st, b) = s.post_user("alice").await;
    assert_eq!(st, 200, "{b}");
    assert_eq!(b["client_user_id"], "alice");
    let user = b["user_id"].as_str().unwrap().to_string();
    assert!(uuid::Uuid::parse_str(&user).is_ok());

    // Duplicate: 400 with the existing id.
    let dup = s.post_user("alice").await;
    assert_error(&dup, DUPLICATE_USER);
    assert_eq!(dup.1["detail"]["user_id"], user.as_str());

    // Text PostgreSQL cannot store (NUL) is refused alike on both databases, never a 500.
    assert_422(
        &s.post_user("nul\u{0}inside").await,
        &["body", "client_user_id"],
    );
    let nul_url = s
        .post_token(json!({"user_id": user, "redirect_url": "https://host.example/\u{0}"}))
        .await;
    assert_422(&nul_url, &["body", "redirect_url"]);

    let (st, b) = s
        .post_token(
            json!({"user_id": user, "redirect_url": "https://host.example/done?x=1",
            "filter_on_providers": ["renpho", "fitbit", "apple_health_kit"],
            "on_error": "redirect", "on_close": "redirect"}),
        )
        .await;
    assert_eq!(st, 200, "{b}");
    let token = b["link_token"].as_str().unwrap();
    // At least 128 bits of base64url.
    assert!(
        token.len() >= 22
            && token
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
    );
    let web = b["link_web_url"].as_str().unwrap();
    assert!(web.starts_with(&format!("{}/?", s.url)), "{web}");
    assert_eq!(param(web, "token").as_deref(), Some(token));
    assert_eq!(param(web, "env").as_deref(), Some("sandbox"));
    assert_eq!(param(web, "region").as_deref(), Some("us"));

    // Answers carrying tokens are never cached.
    let r = s
        .http
        .post(s.u("/v2/link/token"))
        .header(KEY_HEADER, &s.api_key)
        .json(&json!({"user_id": user}))
        .send()
        .await
        .unwrap();
    assert_eq!(header(r.headers(), "cache-control"), Some("no-store"));

    // Two tokens for one user differ.
    let (_, b2) = s.post_token(json!({"user_id": user})).await;
    assert_ne!(b2["link_token"], b["link_token"]);

    // Token info echoes the options.
    let (st, info) = s.wget(token, "/v2/link/token/info").await;
    assert_eq!(st, 200);
    assert_eq!(info["redirect_url"], "https://host.example/done?x=1");
    assert_eq!(
        info["filter_on_providers"],
        json!(["renpho", "fitbit", "apple_health_kit"])
    );
    assert_eq!(info["on_error"], "redirect");
    assert_eq!(info["on_close"], "redirect");
    assert!(info["provider"].is_null());
    assert!(info["expires_at"].as_str().unwrap().ends_with('Z'));

    // isValid (legacy).
    let (st, v) = s.is_valid(token).await;
    assert_eq!(st, 200);
    assert_eq!(v["valid"], true);
    assert_eq!(v["state"], "pending");
    assert_eq!(v["expires_at"], info["expires_at"]);
    let (_, v) = s.is_valid("nope").await;
    assert_eq!(v["valid"], false);
    assert!(v["state"].is_null());

    // The state before any attempt.
    let (st, state) = s.link_state(token).await;
    assert_eq!(st, 200);
    assert_eq!(state["state"], "pending");
    assert!(state["provider"].is_null());
}

async fn provider_lists_and_logos() {
    let s = Server::start_with(Opts::default().args(&[
        "--team-name",
        "Acme Health",
        "--privacy-url",
        "https://acme.example/p",
    ]))
    .await;
    let (st, all) = s.api(Method::GET, "/v2/providers", None).await;
    assert_eq!(st, 200);
    let all = all.as_array().unwrap();
    assert_eq!(all.len(), 38);
    let by_slug = |slug: &str| all.iter().find(|p| p["slug"] == slug).unwrap().clone();
    assert_eq!(by_slug("fitbit")["auth_type"], "oauth");
    assert_eq!(by_slug("peloton")["auth_type"], "password");
    assert_eq!(by_slug("freestyle_libre")["auth_type"], "email");
    assert_eq!(by_slug("apple_health_kit")["auth_type"], "sdk");
    assert_eq!(by_slug("omron_ble")["auth_type"], "ble");
    for p in all {
        for k in [
            "name",
            "slug",
            "description",
            "logo",
            "auth_type",
            "supported_resources",
        ] {
            assert!(!p[k].is_null(), "{k} missing in {p}");
        }
        assert!(
            p["logo"].as_str().unwrap().starts_with(&s.url),
            "external logo: {p}"
        );
    }

    // A logo is an SVG the server serves itself.
    let logo = by_slug("eight_sleep")["logo"].as_str().unwrap().to_string();
    let r = s.http.get(&logo).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(header(r.headers(), "content-type"), Some("image/svg+xml"));
    assert!(r.text().await.unwrap().starts_with("<svg"));
    let r = s.get("/logos/nope.svg", &[]).await;
    assert_eq!(r.status(), 404);

    // The widget's list: linkable only, ids, oauth_url null, form components.
    let (_, token) = s.token().await;
    let (st, list) = s.wget(&token, "/v2/link/providers").await;
    assert_eq!(st, 200);
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 29);
    assert!(list
        .iter()
        .all(|p| p["auth_type"] != "sdk" && p["auth_type"] != "ble"));
    assert!(list
        .iter()
        .all(|p| p["id"].is_i64() && p["oauth_url"].is_null()));
    let renpho = list.iter().find(|p| p["slug"] == "renpho").unwrap();
    assert!(renpho["form_components"]["username_label"].is_string());
    assert!(renpho["form_components"]["password_label"].is_string());
    let libre = list
        .iter()
        .find(|p| p["slug"] == "freestyle_libre")
        .unwrap();
    assert_eq!(libre["form_components"]["default_region"], "us");
    let codes: Vec<&str> = libre["form_components"]["regions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["us", "ca", "hk", "in", "kr", "ph", "sg", "tw"]);

    // Compressed as the client accepts; the same JSON in every encoding.
    for (enc, want) in [
        ("br", Some("br")),
        ("gzip, deflate", Some("gzip")),
        ("gzip;q=0", None),
        ("identity", None),
    ] {
        let r = s
            .get(
                "/v2/link/providers",
                &[(TOKEN_HEADER, &token), ("accept-encoding", enc)],
            )
            .await;
        assert_eq!(r.status(), 200);
        assert_eq!(header(r.headers(), "content-encoding"), want, "{enc}");
        assert_eq!(
            header(r.headers(), "content-type"),
            Some("application/json")
        );
        let bytes = r.bytes().await.unwrap().to_vec();
        let plain = match want {
            Some("br") => {
                let mut out = Vec::new();
                std::io::Read::read_to_end(
                    &mut brotli::Decompressor::new(&bytes[..], 4096),
                    &mut out,
                )
                .unwrap();
                out
            }
            Some(_) => {
                let mut out = Vec::new();
                std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut out)
                    .unwrap();
                out
            }
            None => bytes,
        };
        assert_eq!(
            serde_json::from_slice::<Value>(&plain).unwrap(),
            Value::Array(list.clone()),
            "{enc}"
        );
    }

    // Narrowed by filter_on_providers (non-linkable entries dropped) and by provider.
    let (_, t) = s
        .token_with(json!({"filter_on_providers": ["zwift", "oura", "apple_health_kit"]}))
        .await;
    let (_, list) = s.wget(&t, "/v2/link/providers").await;
    let slugs: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["slug"].as_str().unwrap())
        .collect();
    assert_eq!(slugs, ["oura", "zwift"]);
    let (_, t) = s.token_with(json!({"provider": "oura"})).await;
    let (_, list) = s.wget(&t, "/v2/link/providers").await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["slug"], "oura");

    // Team config from the flags; the default logo is served by the server.
    let (st, team) = s.wget(&token, "/v2/team/link/config").await;
    assert_eq!(st, 200);
    assert_eq!(team["team_name"], "Acme Health");
    assert_eq!(team["privacy_policy_url"], "https://acme.example/p");
    assert_eq!(team["terms_url"], "https://example.com/terms");
    let r = s
        .http
        .get(team["logo"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

async fn eu_region_and_synthetic_catalog() {
    let s = Server::start_with(Opts::default().args(&[
        "--region",
        "eu",
        "--synthetic-providers",
        "500",
    ]))
    .await;
    let (_, token) = s.token().await;
    let (st, b) = s
        .post_token(json!({"user_id": s.create_user().await}))
        .await;
    assert_eq!(st, 200);
    assert_eq!(
        param(b["link_web_url"].as_str().unwrap(), "region").as_deref(),
        Some("eu")
    );
    let (_, list) = s.wget(&token, "/v2/link/providers").await;
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 29 + 500);
    let libre = list
        .iter()
        .find(|p| p["slug"] == "freestyle_libre")
        .unwrap();
    assert_eq!(libre["form_components"]["default_region"], "gb");
    assert_eq!(
        libre["form_components"]["regions"]
            .as_array()
            .unwrap()
            .len(),
        46
    );
    // A synthetic provider is a working password provider.
    let (st, r) = s
        .password(&token, "synthetic_0500", "user_good", "pass_good")
        .await;
    assert_eq!(st, 200, "{r}");
    assert_eq!(r["state"], "success");
}

async fn api_key_errors() {
    // 21 failed key checks from one address: above the default burst of 20 (throttling has
    // its own test in hardening.rs).
    let s = Server::start_with(Opts::default().args(&["--api-key-failure-burst", "100"])).await;
    for (method, path, body) in [
        (
            Method::POST,
            "/v2/user",
            Some(json!({"client_user_id": "x"})),
        ),
        (
            Method::POST,
            "/v2/link/token",
            Some(json!({"user_id": uuid::Uuid::new_v4().to_string()})),
        ),
        (
            Method::POST,
            "/v2/link/token/isValid",
            Some(json!({"token": "x"})),
        ),
        (Method::GET, "/v2/providers", None),
        (
            Method::GET,
            &format!("/v2/user/providers/{}", uuid::Uuid::new_v4()),
            None,
        ),
        (
            Method::DELETE,
            &format!("/v2/user/{}/fitbit", uuid::Uuid::new_v4()),
            None,
        ),
        (
            Method::POST,
            "/v2/link/connect/demo",
            Some(json!({"user_id": uuid::Uuid::new_v4().to_string(), "provider": "oura"})),
        ),
    ] {
        for key in [None, Some("wrong"), Some("")] {
            let mut req = s.http.request(method.clone(), s.u(path));
            if let Some(k) = key {
                req = req.header(KEY_HEADER, k);
            }
            if let Some(b) = &body {
                req = req.json(b);
            }
            let got = send(req).await;
            assert_error(&got, INVALID_TOKEN);
            assert!(!got.1.to_string().contains(&s.api_key));
        }
        // A link token is not an API key.
        let (_, token) = s.token().await;
        let mut req = s
            .http
            .request(method.clone(), s.u(path))
            .header(TOKEN_HEADER, &token);
        if let Some(b) = &body {
            req = req.json(b);
        }
        assert_error(&send(req).await, INVALID_TOKEN);
    }
}

async fn link_token_errors_on_every_widget_endpoint() {
    let s = Server::start().await;
    let unknown = "A".repeat(43);
    for path in WIDGET_GETS {
        let missing = read(s.get(path, &[]).await).await;
        assert_error(&missing, MISSING_LINK_TOKEN);
        for bad in [unknown.as_str(), "malformed", "x y"] {
            assert_error(&s.wget(bad, path).await, INVALID_TOKEN);
        }
    }
    for (path, body) in WIDGET_POSTS {
        // Missing token wins over a bad body.
        let missing = send(s.raw_post(path, Some("application/json"), "{")).await;
        assert_error(&missing, MISSING_LINK_TOKEN);
        let got = send(
            s.raw_post(path, Some("application/json"), body)
                .header(TOKEN_HEADER, &unknown),
        )
        .await;
        assert_error(&got, INVALID_TOKEN);
    }
    // An API key is not a link token.
    let got = read(
        s.get("/v2/link/providers", &[(KEY_HEADER, &s.api_key)])
            .await,
    )
    .await;
    assert_error(&got, MISSING_LINK_TOKEN);
}

async fn provider_errors() {
    let s = Server::start().await;
    let (_, token) = s.token().await;
    // Not linkable.
    let got = s
        .password(&token, "apple_health_kit", "user_good", "pass_good")
        .await;
    assert_error(&got, INVALID_PROVIDER);
    assert_error(
        &s.wget(&token, "/v2/link/provider/oauth/contour_ble").await,
        INVALID_PROVIDER,
    );
    // Wrong auth type for the endpoint.
    assert_error(
        &s.password(&token, "fitbit", "user_good", "pass_good").await,
        INVALID_PROVIDER,
    );
    assert_error(
        &s.wget(&token, "/v2/link/provider/oauth/renpho").await,
        INVALID_PROVIDER,
    );
    assert_error(
        &s.email(&token, "renpho", json!({"email": "a@b.co"})).await,
        INVALID_PROVIDER,
    );
    assert_error(
        &s.password(&token, "freestyle_libre", "a", "b").await,
        INVALID_PROVIDER,
    );
    // Not allowed by the token's provider / filter_on_providers.
    let (_, only_renpho) = s.token_with(json!({"provider": "renpho"})).await;
    assert_error(
        &s.password(&only_renpho, "zwift", "user_good", "pass_good")
            .await,
        INVALID_PROVIDER,
    );
    assert_error(
        &s.wget(&only_renpho, "/v2/link/provider/oauth/fitbit").await,
        INVALID_PROVIDER,
    );
    let (_, filtered) = s
        .token_with(json!({"filter_on_providers": ["fitbit", "zwift"]}))
        .await;
    assert_error(
        &s.password(&filtered, "renpho", "user_good", "pass_good")
            .await,
        INVALID_PROVIDER,
    );
    assert_eq!(
        s.password(&filtered, "zwift", "nobody", "x").await.1["state"],
        "error"
    );
    // Unknown slug in the path: 422.
    assert_422(
        &s.password(&token, "no_such_provider", "a", "b").await,
        &["path", "provider"],
    );
    assert_422(
        &s.wget(&token, "/v2/link/provider/oauth/no_such").await,
        &["path", "provider"],
    );
    // Provider checks come before body validation.
    let got = send(
        s.raw_post(
            "/v2/link/provider/password/fitbit",
            Some("application/json"),
            "{",
        )
        .header(TOKEN_HEADER, &token),
    )
    .await;
    assert_error(&got, INVALID_PROVIDER);
    // Nothing of this counted as an attempt.
    assert_eq!(s.link_state(&token).await.1["state"], "pending");

    // A token cannot be created for a non-linkable provider.
    let user = s.create_user().await;
    let got = s
        .post_token(json!({"user_id": user, "provider": "apple_health_kit"}))
        .await;
    assert_error(&got, INVALID_PROVIDER);
}

async fn user_id_errors_and_connections() {
    let s = Server::start().await;
    let ghost = uuid::Uuid::new_v4().to_string();
    let got = s.post_token(json!({"user_id": ghost})).await;
    assert_error(&got, INVALID_USER_ID);
    let got = s
        .api(Method::GET, &format!("/v2/user/providers/{ghost}"), None)
        .await;
    assert_error(&got, INVALID_USER_ID);
    let got = s
        .api(Method::DELETE, &format!("/v2/user/{ghost}/oura"), None)
        .await;
    assert_error(&got, INVALID_USER_ID);
    let got = s.connect_demo(&ghost, "oura").await;
    assert_error(&got, INVALID_USER_ID);
    assert_422(
        &s.api(Method::GET, "/v2/user/providers/not-a-uuid", None)
            .await,
        &["path", "user_id"],
    );
    assert_422(
        &s.api(Method::DELETE, "/v2/user/not-a-uuid/oura", None)
            .await,
        &["path", "user_id"],
    );

    // Demo connections, listing, deleting.
    let user = s.create_user().await;
    assert!(s.connections(&user).await.is_empty());
    let (st, b) = s.connect_demo(&user, "oura").await;
    assert_eq!(st, 200, "{b}");
    assert_eq!(b["success"], true);
    assert!(b["detail"].is_string());
    let got = s.connect_demo(&user, "garmin").await;
    assert_error(&got, INVALID_PROVIDER);
    let conns = s.connections(&user).await;
    assert_eq!(conns.len(), 1);
    let c = &conns[0];
    assert_eq!(c["slug"], "oura");
    assert_eq!(c["name"], "Oura");
    assert_eq!(c["status"], "connected");
    assert!(c["external_user_id"].is_string());
    assert!(c["error_details"].is_null());
    assert!(c["created_on"].as_str().unwrap().ends_with('Z'));
    assert!(c["logo"].as_str().unwrap().starts_with(&s.url));

    let got = s
        .api(Method::DELETE, &format!("/v2/user/{user}/fitbit"), None)
        .await;
    assert_error(&got, NOT_FOUND);
    assert_422(
        &s.api(Method::DELETE, &format!("/v2/user/{user}/nope"), None)
            .await,
        &["path", "provider"],
    );
    let (st, b) = s
        .api(Method::DELETE, &format!("/v2/user/{user}/oura"), None)
        .await;
    assert_eq!((st, b), (StatusCode::OK, json!({"success": true})));
    assert!(s.connections(&user).await.is_empty());
    let got = s
        .api(Method::DELETE, &format!("/v2/user/{user}/oura"), None)
        .await;
    assert_error(&got, NOT_FOUND);
}

async fn body_validation_415_and_422() {
    let s = Server::start().await;
    let user = s.create_user().await;
    let raw = |path: &str, ct: Option<&str>, body: &str| {
        send(s.raw_post(path, ct, body).header(KEY_HEADER, &s.api_key))
    };
    // 415.
    for ct in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
    ] {
        let got = raw("/v2/user", ct, r#"{"client_user_id":"a"}"#).await;
        assert_eq!(got.0, 415, "{ct:?}: {}", got.1);
    }
    assert_eq!(
        raw(
            "/v2/user",
            Some("application/json; charset=utf-8"),
            r#"{"client_user_id":"cs"}"#
        )
        .await
        .0,
        200
    );
    // Malformed JSON, wrong types, missing fields.
    assert_422(
        &raw("/v2/user", Some("application/json"), "{").await,
        &["body"],
    );
    assert_422(
        &raw("/v2/user", Some("application/json"), "").await,
        &["body"],
    );
    assert_422(
        &raw("/v2/user", Some("application/json"), "[]").await,
        &["body"],
    );
    assert_422(
        &raw(
            "/v2/user",
            Some("application/json"),
            r#"{"client_user_id": 5}"#,
        )
        .await,
        &["body", "client_user_id"],
    );
    assert_422(
        &raw("/v2/user", Some("application/json"), "{}").await,
        &["body", "client_user_id"],
    );
    assert_422(
        &raw(
            "/v2/user",
            Some("application/json"),
            r#"{"client_user_id": ""}"#,
        )
        .await,
        &["body", "client_user_id"],
    );

    let s = &s;
    let token = |body: Value| s.post_token(body);
    assert_422(
        &token(json!({"user_id": "not-a-uuid"})).await,
        &["body", "user_id"],
    );
    assert_422(&token(json!({"user_id": 42})).await, &["body", "user_id"]);
    assert_422(&token(json!({})).await, &["body", "user_id"]);
    assert_422(
        &token(json!({"user_id": user, "provider": "nope"})).await,
        &["body", "provider"],
    );
    assert_422(
        &token(json!({"user_id": user, "filter_on_providers": []})).await,
        &["body", "filter_on_providers"],
    );
    assert_422(
        &token(json!({"user_id": user, "filter_on_providers": ["oura", "nope"]})).await,
        &["body", "filter_on_providers"],
    );
    assert_422(
        &token(json!({"user_id": user, "filter_on_providers": "oura"})).await,
        &["body", "filter_on_providers"],
    );
    assert_422(
        &token(json!({"user_id": user, "on_error": "redirect"})).await,
        &["body", "on_error"],
    );
    assert_422(
        &token(json!({"user_id": user, "on_close": "redirect"})).await,
        &["body", "on_close"],
    );
    assert_422(
        &token(json!({"user_id": user, "redirect_url": "https://a.example", "on_close": "close"}))
            .await,
        &["body", "on_close"],
    );
    for bad in [
        "javascript:alert(1)",
        "ftp://a.example/x",
        "/relative",
        "not a url",
        "data:text/html,x",
    ] {
        assert_422(
            &token(json!({"user_id": user, "redirect_url": bad})).await,
            &["body", "redirect_url"],
        );
    }
    // 422 beats 400: a non-existent but well-formed user with a bad option.
    assert_422(
        &token(json!({"user_id": uuid::Uuid::new_v4().to_string(), "provider": "nope"})).await,
        &["body", "provider"],
    );
    assert_eq!(
        token(json!({"user_id": user, "redirect_url": "http://localhost:3000/cb"}))
            .await
            .0,
        200
    );

    // Widget bodies.
    let (_, t) = s.token().await;
    let wraw = |path: &str, ct: Option<&str>, body: &str| {
        send(s.raw_post(path, ct, body).header(TOKEN_HEADER, &t))
    };
    let pw = "/v2/link/provider/password/renpho";
    assert_eq!(
        wraw(pw, None, r#"{"username":"a","password":"b"}"#).await.0,
        415
    );
    assert_422(&wraw(pw, Some("application/json"), "{").await, &["body"]);
    assert_422(
        &wraw(pw, Some("application/json"), r#"{"username":"a"}"#).await,
        &["body", "password"],
    );
    assert_422(
        &wraw(
            pw,
            Some("application/json"),
            r#"{"username":1,"password":"b"}"#,
        )
        .await,
        &["body", "username"],
    );
    assert_422(
        &wraw(
            &format!("{pw}/complete_mfa"),
            Some("application/json"),
            r#"{"mfa_code":123456}"#,
        )
        .await,
        &["body", "mfa_code"],
    );
    let em = "/v2/link/provider/email/freestyle_libre";
    for bad in ["not-an-email", "a@b", "", "a b@c.de"] {
        assert_422(
            &s.wpost(&t, em, json!({"email": bad})).await,
            &["body", "email"],
        );
    }
    assert_422(
        &wraw(em, Some("application/json"), r#"{"email":null}"#).await,
        &["body", "email"],
    );
    // None of it was an attempt.
    assert_eq!(s.link_state(&t).await.1["state"], "pending");
    let (_, v) = s.is_valid(&t).await;
    assert_eq!(v["valid"], true);
}

async fn unknown_routes_and_methods_are_json() {
    let s = Server::start().await;
    for (m, path) in [
        (Method::GET, "/v2/nope"),
        (Method::POST, "/v2/nope"),
        (Method::DELETE, "/nothing/here"),
        (Method::GET, "/v2/link/provider/password"),
        (Method::GET, "/demo"),
        (Method::POST, "/demo/token"),
    ] {
        let got = send(
            s.http
                .request(m.clone(), s.u(path))
                .header(KEY_HEADER, &s.api_key),
        )
        .await;
        assert_error(&got, NOT_FOUND);
    }
    let got = send(s.http.put(s.u("/v2/user")).header(KEY_HEADER, &s.api_key)).await;
    assert_eq!(got.0, 405);
    assert!(got.1["detail"]["error_message"].is_string());
}

async fn cors_on_widget_and_api_endpoints() {
    let s = Server::start().await;
    let origin = "https://host.example";
    let (_, token) = s.token().await;

    // Widget endpoints: preflight and actual requests from any origin.
    for (path, method) in [
        ("/v2/link/providers", "GET"),
        ("/v2/link/state", "GET"),
        ("/v2/link/provider/password/renpho", "POST"),
        ("/v2/link/provider/email/freestyle_libre", "POST"),
    ] {
        let pre = s
            .preflight(path, origin, method, "x-vital-link-token,content-type")
            .await;
        assert!(pre.status().is_success(), "{path}: {}", pre.status());
        let h = pre.headers();
        assert_eq!(
            header(h, "access-control-allow-origin"),
            Some("*"),
            "{path}"
        );
        let allowed = header(h, "access-control-allow-headers")
            .unwrap()
            .to_ascii_lowercase();
        assert!(
            allowed.contains("x-vital-link-token") && allowed.contains("content-type"),
            "{allowed}"
        );
        assert!(header(h, "access-control-allow-methods")
            .unwrap()
            .contains(method));
        assert!(header(h, "access-control-allow-credentials").is_none());
    }
    let r = s
        .get(
            "/v2/link/providers",
            &[("origin", origin), (TOKEN_HEADER, &token)],
        )
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        header(r.headers(), "access-control-allow-origin"),
        Some("*")
    );
    // Error answers of widget endpoints carry CORS too, so the widget can read them.
    let r = s.get("/v2/link/providers", &[("origin", origin)]).await;
    assert_eq!(r.status(), 400);
    assert_eq!(
        header(r.headers(), "access-control-allow-origin"),
        Some("*")
    );

    // API-key endpoints: no CORS header, on success, error or preflight.
    for (m, path) in [
        (Method::GET, "/v2/providers".to_string()),
        (Method::POST, "/v2/user".to_string()),
        (Method::POST, "/v2/link/token".to_string()),
        (Method::POST, "/v2/link/token/isValid".to_string()),
        (
            Method::GET,
            format!("/v2/user/providers/{}", uuid::Uuid::new_v4()),
        ),
    ] {
        for key in [Some(s.api_key.as_str()), None] {
            let mut req = s
                .http
                .request(m.clone(), s.u(&path))
                .header("origin", origin);
            if let Some(k) = key {
                req = req.header(KEY_HEADER, k);
            }
            let r = req.send().await.unwrap();
            let cors: Vec<_> = r
                .headers()
                .keys()
                .filter(|k| k.as_str().starts_with("access-control-"))
                .collect();
            assert!(cors.is_empty(), "{path}: {cors:?}");
        }
        let pre = s
            .preflight(&path, origin, m.as_str(), "x-vital-api-key,content-type")
            .await;
        assert!(!pre.status().is_success(), "{path}");
        assert!(
            pre.headers()
                .keys()
                .all(|k| !k.as_str().starts_with("access-control-")),
            "{path}"
        );
    }

    // Logos and static files: any origin.
    let r = s.get("/logos/fitbit.svg", &[("origin", origin)]).await;
    assert_eq!(
        header(r.headers(), "access-control-allow-origin"),
        Some("*")
    );
}

/// The OpenAPI document lists exactly the routes the server answers, with the contract's
/// endpoints, and its schemas describe what the server really sends.
async fn openapi_document_is_true() {
    let s = Server::start_with(Opts::default().arg("--demo")).await;
    let r = s.http.get(s.u("/openapi.json")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let doc: Value = r.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();

    // Every endpoint of the contract (sections 4) and the issue is documented.
    let expected = [
        ("post", "/v2/user"),
        ("post", "/v2/link/token"),
        ("post", "/v2/link/token/isValid"),
        ("get", "/v2/providers"),
        ("get", "/v2/user/providers/{user_id}"),
        ("delete", "/v2/user/{user_id}/{provider}"),
        ("post", "/v2/link/connect/demo"),
        ("get", "/v2/link/token/info"),
        ("get", "/v2/team/link/config"),
        ("get", "/v2/link/providers"),
        ("get", "/v2/link/provider/oauth/{provider}"),
        ("post", "/v2/link/provider/password/{provider}"),
        ("post", "/v2/link/provider/password/{provider}/complete_mfa"),
        ("post", "/v2/link/provider/email/{provider}"),
        ("get", "/v2/link/state"),
        ("get", "/v2/link/connect/{provider}"),
        ("get", "/sandbox/oauth/authorize"),
        ("post", "/sandbox/oauth/authorize"),
        ("post", "/sandbox/oauth/token"),
        ("get", "/openapi.json"),
        ("get", "/health"),
        ("get", "/"),
        ("get", "/logos/{file}"),
        ("get", "/demo"),
        ("get", "/demo/demo.js"),
        ("post", "/demo/token"),
    ];
    for (m, p) in expected {
        assert!(
            paths.get(p).and_then(|o| o.get(m)).is_some(),
            "{m} {p} not documented"
        );
    }

    // Every documented operation is routed: it never ends in the unknown-route 404 or a 405.
    let mut count = 0;
    for (path, ops) in paths {
        let concrete = path
            .replace("{user_id}", &uuid::Uuid::new_v4().to_string())
            .replace("{provider}", "fitbit")
            .replace("{file}", "fitbit.svg");
        for (method, op) in ops.as_object().unwrap() {
            let m = Method::from_bytes(method.to_ascii_uppercase().as_bytes()).unwrap();
            let r = s.http.request(m, s.u(&concrete)).send().await.unwrap();
            let status = r.status();
            let body: Value = r.json().await.unwrap_or(Value::Null);
            let unrouted = status == 405
                || (status == 404
                    && body["detail"]["error_message"]
                        .as_str()
                        .is_some_and(|m| m.starts_with("No route")));
            assert!(
                !unrouted,
                "{method} {path} is documented but not routed ({status})"
            );
            // The status we got is one the document lists.
            let responses = op["responses"].as_object().unwrap();
            assert!(
                responses.contains_key(status.as_str()),
                "{method} {path}: {status} undocumented"
            );
            count += 1;
        }
    }
    assert!(count >= 26);

    // Documented schemas match real bodies: every required property is present, and nothing
    // is sent that the schema does not name.
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    let check = |name: &str, v: &Value| {
        let sc = &schemas[name];
        let props = sc["properties"]
            .as_object()
            .unwrap_or_else(|| panic!("{name}"));
        for r in sc["required"].as_array().into_iter().flatten() {
            assert!(
                v.get(r.as_str().unwrap()).is_some(),
                "{name}: {r} missing in {v}"
            );
        }
        for k in v.as_object().unwrap().keys() {
            assert!(props.contains_key(k), "{name}: {k} undocumented");
        }
    };
    let (_, user) = s.post_user("doc").await;
    check("CreateUserResponse", &user);
    let (_, tok) = s.post_token(json!({"user_id": user["user_id"]})).await;
    check("CreateLinkTokenResponse", &tok);
    let t = tok["link_token"].as_str().unwrap();
    check("LinkTokenInfo", &s.wget(t, "/v2/link/token/info").await.1);
    check("TeamLinkConfig", &s.wget(t, "/v2/team/link/config").await.1);
    check("LinkStateResponse", &s.link_state(t).await.1);
    check("LinkProvider", &s.wget(t, "/v2/link/providers").await.1[0]);
    check(
        "LinkProvider",
        &s.wget(t, "/v2/link/provider/oauth/fitbit").await.1,
    );
    check(
        "CatalogProvider",
        &s.api(Method::GET, "/v2/providers", None).await.1[0],
    );
    check(
        "FlowResponse",
        &s.password(t, "renpho", "user_mfa", "pass_good").await.1,
    );
    check("ErrorBody", &s.wget("x", "/v2/link/state").await.1);
    check(
        "ErrorDetail",
        &s.wget("x", "/v2/link/state").await.1["detail"],
    );
    let v = s.post_token(json!({})).await.1;
    check("ValidationErrorBody", &v);
    check("ValidationIssue", &v["detail"][0]);
    let demo = send(s.http.post(s.u("/demo/token"))).await.1;
    check("DemoTokenResponse", &demo);
}

both!(
    users_and_tokens,
    provider_lists_and_logos,
    eu_region_and_synthetic_catalog,
    api_key_errors,
    link_token_errors_on_every_widget_endpoint,
    provider_errors,
    user_id_errors_and_connections,
    body_validation_415_and_422,
    unknown_routes_and_methods_are_json,
    cors_on_widget_and_api_endpoints,
    openapi_document_is_true,
);
