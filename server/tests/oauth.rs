//! The OAuth code flow end to end, driven like a browser: the widget's start call, the sandbox
//! consent page (form parsed and submitted), the callback (which exchanges the code at the
//! token endpoint over HTTP), the redirect, and `/v2/link/state`.

mod common;

use common::*;
use serde_json::json;

async fn round_trip_through_the_consent_page() {
    let s = Server::start().await;
    let (user, token) = s
        .token_with(json!({"redirect_url": "https://host.example/cb?x=1#top"}))
        .await;
    let (oauth_url, form) = consent(&s, &token, "fitbit").await;
    assert!(
        oauth_url.starts_with(&format!("{}/sandbox/oauth/authorize?", s.url)),
        "{oauth_url}"
    );
    assert_eq!(param(&oauth_url, "client_id").as_deref(), Some("fitbit"));
    assert_eq!(
        param(&oauth_url, "redirect_uri").unwrap(),
        format!("{}/v2/link/connect/fitbit", s.url)
    );
    assert_eq!(form.action, format!("{}/sandbox/oauth/authorize", s.url));
    // One checkbox per scope, all ticked, the required ones marked; Allow and Deny.
    let all: Vec<&str> = form.scopes.iter().map(|(v, _, _)| v.as_str()).collect();
    assert_eq!(form.checked_scopes(), all);
    assert!(all.len() >= 3 && all.contains(&"profile"));
    assert_eq!(form.required_scopes(), ["profile", "activity"]);
    let buttons: Vec<(&str, &str)> = form
        .buttons
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    assert!(buttons.contains(&("decision", "allow")) && buttons.contains(&("decision", "deny")));

    // While the user is on the consent page, the widget polls: pending.
    let (_, st) = s.link_state(&token).await;
    assert_eq!(
        (st["state"].as_str(), st["provider"].as_str()),
        (Some("pending"), Some("fitbit"))
    );

    let to_callback = submit(&s, &form, "allow", &all).await;
    assert!(
        to_callback.starts_with(&format!("{}/v2/link/connect/fitbit?", s.url)),
        "{to_callback}"
    );
    assert!(param(&to_callback, "code").is_some());
    let resp = follow(&s, &to_callback).await;
    assert_eq!(resp.status(), 307);
    let location = header(resp.headers(), "location").unwrap().to_string();
    assert_eq!(
        location,
        "https://host.example/cb?x=1&state=success&provider=fitbit#top"
    );

    let (_, st) = s.link_state(&token).await;
    assert_eq!(
        (st["state"].as_str(), st["provider"].as_str()),
        (Some("success"), Some("fitbit"))
    );
    let conns = s.connections(&user).await;
    assert_eq!(conns.len(), 1);
    assert_eq!(conns[0]["slug"], "fitbit");
    assert!(conns[0]["external_user_id"]
        .as_str()
        .unwrap()
        .starts_with("sbx_"));
    assert_error(&s.wget(&token, "/v2/link/providers").await, TOKEN_CONSUMED);

    // Replaying the callback records nothing.
    let replay = read(follow(&s, &to_callback).await).await;
    assert_error(&replay, INVALID_TOKEN);
    assert_eq!(s.connections(&user).await.len(), 1);
    assert_eq!(s.link_state(&token).await.1["state"], "success");
}

async fn without_redirect_url_a_page_says_close_the_window() {
    let s = Server::start().await;
    let (user, token) = s.token().await;
    let (_, form) = consent(&s, &token, "oura").await;
    let to_callback = allow_all(&s, &form).await;
    let resp = follow(&s, &to_callback).await;
    assert_eq!(resp.status(), 200);
    assert!(header(resp.headers(), "content-type")
        .unwrap()
        .starts_with("text/html"));
    let html = resp.text().await.unwrap();
    assert!(html.contains("Connected to Oura"), "{html}");
    assert!(html.contains("You can close this window"));
    assert!(!html.contains("<script"));
    assert_eq!(s.connections(&user).await[0]["slug"], "oura");
}

async fn deny_and_missing_required_scope() {
    let s = Server::start().await;
    let (user, token) = s
        .token_with(json!({"redirect_url": "http://localhost:9/after"}))
        .await;

    // Deny.
    let (_, form) = consent(&s, &token, "strava").await;
    let to_callback = submit(&s, &form, "deny", &[]).await;
    assert_eq!(
        param(&to_callback, "error").as_deref(),
        Some("access_denied")
    );
    let resp = follow(&s, &to_callback).await;
    assert_eq!(resp.status(), 307);
    let loc = header(resp.headers(), "location").unwrap().to_string();
    assert!(loc.starts_with("http://localhost:9/after?"), "{loc}");
    assert_eq!(param(&loc, "state").as_deref(), Some("error"));
    assert_eq!(
        param(&loc, "error_type").as_deref(),
        Some("provider_credential_error")
    );
    assert_eq!(param(&loc, "provider").as_deref(), Some("strava"));
    assert!(param(&loc, "error").is_some_and(|e| !e.is_empty()));
    let (_, st) = s.link_state(&token).await;
    assert_eq!(
        (st["state"].as_str(), st["error_type"].as_str()),
        (Some("error"), Some("provider_credential_error"))
    );
    assert!(s.connections(&user).await.is_empty());

    // A required scope left unticked (a fresh attempt on the same, unconsumed token).
    let (_, form) = consent(&s, &token, "strava").await;
    assert_eq!(s.link_state(&token).await.1["state"], "pending");
    let required = form.required_scopes();
    let ticked: Vec<&str> = form
        .checked_scopes()
        .into_iter()
        .filter(|s| *s != required[1])
        .collect();
    let loc = header(
        follow(&s, &submit(&s, &form, "allow", &ticked).await)
            .await
            .headers(),
        "location",
    )
    .unwrap()
    .to_string();
    assert_eq!(
        param(&loc, "error_type").as_deref(),
        Some("required_scopes_not_granted")
    );
    assert_eq!(
        s.link_state(&token).await.1["error_type"],
        "required_scopes_not_granted"
    );
    assert!(s.connections(&user).await.is_empty());

    // Optional scopes may be left out.
    let (_, form) = consent(&s, &token, "strava").await;
    let loc = header(
        follow(
            &s,
            &submit(&s, &form, "allow", &form.required_scopes()).await,
        )
        .await
        .headers(),
        "location",
    )
    .unwrap()
    .to_string();
    assert_eq!(param(&loc, "state").as_deref(), Some("success"), "{loc}");
    assert_eq!(s.connections(&user).await.len(), 1);
}

async fn forged_superseded_and_foreign_states_record_nothing() {
    let s = Server::start().await;
    let (user, token) = s
        .token_with(json!({"redirect_url": "https://host.example/cb"}))
        .await;
    let (_, first) = consent(&s, &token, "garmin").await;
    let first_cb = allow_all(&s, &first).await;
    let state = param(&first_cb, "state").unwrap();
    let code = param(&first_cb, "code").unwrap();

    let cb = |provider: &str, code: &str, state: &str| {
        let mut u = url::Url::parse(&format!("{}/v2/link/connect/{provider}", s.url)).unwrap();
        u.query_pairs_mut()
            .append_pair("code", code)
            .append_pair("state", state);
        u.to_string()
    };
    // Forged: garbage, a made-up attempt, the real attempt with another MAC, no state at all.
    let (_, attempt, mac) = {
        let p: Vec<&str> = state.split('.').collect();
        (p[0].to_string(), p[1].to_string(), p[2].to_string())
    };
    let mut flipped = mac.clone().into_bytes();
    flipped[0] = if flipped[0] == b'A' { b'B' } else { b'A' };
    let flipped = String::from_utf8(flipped).unwrap();
    for bad in [
        "garbage".to_string(),
        format!("v1.{}.{mac}", "x".repeat(24)),
        format!("v1.{attempt}.{flipped}"),
        format!("v1.{attempt}.{}", "A".repeat(43)),
        format!("v1.{attempt}"),
    ] {
        let got = read(follow(&s, &cb("garmin", &code, &bad)).await).await;
        assert_error(&got, INVALID_TOKEN);
    }
    let got =
        read(follow(&s, &format!("{}/v2/link/connect/garmin?code={code}", s.url)).await).await;
    assert_error(&got, INVALID_TOKEN);
    // The real state on another provider's callback.
    let got = read(follow(&s, &cb("oura", &code, &state)).await).await;
    assert_error(&got, INVALID_TOKEN);

    // Superseded: a new attempt voids the first state.
    let (_, second) = consent(&s, &token, "garmin").await;
    let got = read(follow(&s, &first_cb).await).await;
    assert_error(&got, INVALID_TOKEN);
    assert!(s.connections(&user).await.is_empty());
    assert_eq!(s.link_state(&token).await.1["state"], "pending");

    // The current attempt still works; then its state is spent.
    let second_cb = allow_all(&s, &second).await;
    let resp = follow(&s, &second_cb).await;
    assert_eq!(resp.status(), 307);
    assert_eq!(
        param(header(resp.headers(), "location").unwrap(), "state").as_deref(),
        Some("success")
    );
    assert_eq!(s.connections(&user).await.len(), 1);
    let got = read(follow(&s, &second_cb).await).await;
    assert_error(&got, INVALID_TOKEN);
}

async fn bad_code_fails_the_exchange() {
    let s = Server::start().await;
    let (user, token) = s
        .token_with(json!({"redirect_url": "https://host.example/cb"}))
        .await;
    let (_, form) = consent(&s, &token, "withings").await;
    let cb = allow_all(&s, &form).await;
    let code = param(&cb, "code").unwrap();
    let forged = cb.replace(&code, "not-the-code");
    let resp = follow(&s, &forged).await;
    assert_eq!(resp.status(), 307);
    let loc = header(resp.headers(), "location").unwrap();
    assert_eq!(
        param(loc, "error_type").as_deref(),
        Some("provider_api_error")
    );
    assert!(
        param(loc, "error").unwrap().contains("invalid_grant"),
        "{loc}"
    );
    assert!(s.connections(&user).await.is_empty());
    // The attempt is over: its real code is of no use now.
    let got = read(follow(&s, &cb).await).await;
    assert_error(&got, INVALID_TOKEN);
    assert!(s.connections(&user).await.is_empty());

    // The token endpoint itself authenticates its clients.
    let r = s
        .http
        .post(s.u("/sandbox/oauth/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("client_id", "withings"),
            ("client_secret", "guess"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(
        r.json::<serde_json::Value>().await.unwrap()["error"],
        "invalid_client"
    );
}

async fn token_expiring_during_consent() {
    let s = Server::start_with(Opts::default().args(&["--token-ttl-secs", "2"])).await;
    let (user, token) = s
        .token_with(json!({"redirect_url": "https://host.example/cb"}))
        .await;
    let (_, form) = consent(&s, &token, "polar").await;
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let resp = follow(&s, &allow_all(&s, &form).await).await;
    assert_eq!(resp.status(), 307);
    let loc = header(resp.headers(), "location").unwrap();
    assert_eq!(param(loc, "state").as_deref(), Some("error"));
    assert_eq!(param(loc, "error_type").as_deref(), Some("token_expired"));
    assert_eq!(param(loc, "provider").as_deref(), Some("polar"));
    assert!(s.connections(&user).await.is_empty());
    assert_error(&s.link_state(&token).await, TOKEN_EXPIRED);
}

async fn consent_page_checks_its_client() {
    let s = Server::start().await;
    let (_, token) = s.token().await;
    let (oauth_url, _) = consent(&s, &token, "wahoo").await;
    let with = |k: &str, v: &str| {
        let mut u = url::Url::parse(&oauth_url).unwrap();
        let pairs: Vec<(String, String)> = u
            .query_pairs()
            .into_owned()
            .map(|(a, b)| if a == k { (a, v.to_string()) } else { (a, b) })
            .collect();
        u.query_pairs_mut().clear().extend_pairs(pairs);
        u.to_string()
    };
    for (k, v) in [
        ("redirect_uri", "https://evil.example/steal"),
        ("client_id", "nope"),
        ("client_id", "renpho"),
        ("response_type", "token"),
        ("state", ""),
        ("code_challenge_method", "plain"),
        ("code_challenge", "short"),
    ] {
        let r = s.http.get(with(k, v)).send().await.unwrap();
        assert_eq!(r.status(), 400, "{k}={v}");
        assert!(!r.text().await.unwrap().contains("<form"));
    }
    // The page escapes what it echoes.
    let r = s
        .http
        .get(with("state", "\"><script>alert(1)</script>"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let csp = header(r.headers(), "content-security-policy")
        .unwrap()
        .to_string();
    assert!(csp.contains("default-src 'none'"));
    let html = r.text().await.unwrap();
    assert!(!html.contains("<script>alert"));
    assert_eq!(
        parse_form(&html)
            .hidden
            .iter()
            .find(|(k, _)| k == "state")
            .unwrap()
            .1,
        "\"><script>alert(1)</script>"
    );
}

/// Issue 15 item 7: a code obtained under one attempt's `state` (an attacker's) and replayed
/// at the callback with another attempt's `state` (the victim's) records nothing: the code is
/// bound to its `state` and to the PKCE S256 challenge of its attempt, and the Link server
/// redeems it with that attempt's verifier.
async fn a_code_replayed_under_another_state_records_nothing() {
    let s = Server::start().await;
    // The attacker runs an attempt of their own and stops at the callback URL.
    let (_, attacker_token) = s
        .token_with(json!({"redirect_url": "https://attacker.example/cb"}))
        .await;
    let (attacker_url, form) = consent(&s, &attacker_token, "fitbit").await;
    assert_eq!(
        param(&attacker_url, "code_challenge_method").as_deref(),
        Some("S256")
    );
    assert_eq!(param(&attacker_url, "code_challenge").unwrap().len(), 43);
    assert!(form
        .hidden
        .iter()
        .any(|(k, v)| k == "code_challenge" && v.len() == 43));
    let attacker_cb = allow_all(&s, &form).await;
    let code = param(&attacker_cb, "code").unwrap();
    // The victim starts an attempt: its state is what the attacker plants the code under.
    let (victim, victim_token) = s
        .token_with(json!({"redirect_url": "https://host.example/cb"}))
        .await;
    let (st, p) = s
        .wget(&victim_token, "/v2/link/provider/oauth/fitbit")
        .await;
    assert_eq!(st, 200, "{p}");
    let victim_state = param(p["oauth_url"].as_str().unwrap(), "state").unwrap();
    let mut planted = url::Url::parse(&s.u("/v2/link/connect/fitbit")).unwrap();
    planted
        .query_pairs_mut()
        .append_pair("code", &code)
        .append_pair("state", &victim_state);
    let got = read(follow(&s, planted.as_str()).await).await;
    assert_eq!(got.0, 400, "{}", got.1);
    assert_eq!(got.1["detail"]["error_type"], "invalid_grant", "{}", got.1);
    assert!(
        got.1["detail"]["error_message"]
            .as_str()
            .unwrap()
            .contains("not issued for this sign-in attempt"),
        "{}",
        got.1
    );
    // Nothing recorded for the victim: no connection, the attempt still pending.
    assert!(s.connections(&victim).await.is_empty());
    let (_, st) = s.link_state(&victim_token).await;
    assert_eq!(
        (st["state"].as_str(), st["provider"].as_str()),
        (Some("pending"), Some("fitbit"))
    );
    // The victim can still finish their own attempt.
    let (st, p) = s
        .wget(&victim_token, "/v2/link/provider/oauth/fitbit")
        .await;
    assert_eq!(st, 200);
    let page = s
        .http
        .get(p["oauth_url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    let form = parse_form(&page.text().await.unwrap());
    let resp = follow(&s, &allow_all(&s, &form).await).await;
    assert_eq!(resp.status(), 307);
    assert_eq!(s.connections(&victim).await.len(), 1);

    // The token endpoint itself: PKCE is required and checked, and a mismatch burns the code.
    let (_, other) = s.token().await;
    let (_, form) = consent(&s, &other, "oura").await;
    let cb = allow_all(&s, &form).await;
    let code = param(&cb, "code").unwrap();
    let secret_less = s
        .http
        .post(s.u("/sandbox/oauth/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", &s.u("/v2/link/connect/oura")),
            ("client_id", "oura"),
            ("client_secret", "guess"),
            ("code_verifier", &"v".repeat(43)),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        secret_less.status(),
        401,
        "client authentication comes first"
    );
    // Without a challenge the consent page refuses the request.
    let (oauth_url, _) = consent(&s, &other, "oura").await;
    let mut u = url::Url::parse(&oauth_url).unwrap();
    let pairs: Vec<(String, String)> = u
        .query_pairs()
        .into_owned()
        .filter(|(k, _)| !k.starts_with("code_challenge"))
        .collect();
    u.query_pairs_mut().clear().extend_pairs(pairs);
    let r = s.http.get(u.as_str()).send().await.unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("PKCE"));
}

both!(
    a_code_replayed_under_another_state_records_nothing,
    round_trip_through_the_consent_page,
    without_redirect_url_a_page_says_close_the_window,
    deny_and_missing_required_scope,
    forged_superseded_and_foreign_states_record_nothing,
    bad_code_fails_the_exchange,
    token_expiring_during_consent,
    consent_page_checks_its_client,
);
