//! Password, MFA and email flows: every sandbox outcome, consumption, lockout, expiry, and the
//! race of concurrent successes on one token.

mod common;

use common::*;
use serde_json::json;

async fn password_outcomes() {
    let s = Server::start().await;
    let (user, token) = s
        .token_with(json!({"redirect_url": "https://host.example/done?keep=1"}))
        .await;

    for (u, p, ty) in [
        ("user_expired", "pass_good", "provider_password_expired"),
        ("user_down", "pass_good", "provider_api_error"),
        ("user_good", "wrong", "provider_credential_error"),
        ("someone_else", "pass_good", "provider_credential_error"),
    ] {
        let (st, b) = s.password(&token, "peloton", u, p).await;
        assert_eq!(st, 200, "{b}");
        assert_eq!(b["state"], "error", "{u}");
        assert_eq!(b["error_type"], ty, "{u}");
        assert!(b["error"].as_str().is_some_and(|e| !e.is_empty()));
        assert!(
            !b.to_string().contains(p) || p == "pass_good",
            "the password is echoed: {b}"
        );
        assert!(b["provider_mfa"].is_null());
        let (_, st) = s.link_state(&token).await;
        assert_eq!(st["state"], "error");
        assert_eq!(st["provider"], "peloton");
        assert_eq!(st["error_type"], ty);
    }
    // Failures did not consume the token.
    let (st, b) = s
        .password(&token, "peloton", "user_good", "pass_good")
        .await;
    assert_eq!(st, 200, "{b}");
    assert_eq!(b["state"], "success");
    assert_eq!(b["redirect_url"], "https://host.example/done?keep=1");
    assert!(b["error_type"].is_null() && b["error"].is_null());

    let conns = s.connections(&user).await;
    assert_eq!(conns.len(), 1);
    assert_eq!(conns[0]["slug"], "peloton");
    assert_eq!(conns[0]["status"], "connected");

    // Consumed: every widget endpoint says so; the state keeps answering success.
    let got = s
        .password(&token, "peloton", "user_good", "pass_good")
        .await;
    assert_error(&got, TOKEN_CONSUMED);
    for path in [
        "/v2/link/providers",
        "/v2/link/token/info",
        "/v2/team/link/config",
        "/v2/link/provider/oauth/fitbit",
    ] {
        assert_error(&s.wget(&token, path).await, TOKEN_CONSUMED);
    }
    assert_error(
        &s.email(&token, "freestyle_libre", json!({"email": "a@b.co"}))
            .await,
        TOKEN_CONSUMED,
    );
    // Consumed beats a bad body and an unknown provider.
    assert_error(&s.password(&token, "nope", "a", "b").await, TOKEN_CONSUMED);
    let (st, state) = s.link_state(&token).await;
    assert_eq!(st, 200);
    assert_eq!(state["state"], "success");
    assert_eq!(state["provider"], "peloton");
    assert!(state["error_type"].is_null());
    let (_, v) = s.is_valid(&token).await;
    assert_eq!(v["valid"], false);
    assert_eq!(v["state"], "success");
    assert_eq!(s.connections(&user).await.len(), 1);
}

async fn mfa_flow() {
    let s = Server::start().await;
    let (user, token) = s.token().await;
    // No challenge pending yet.
    let got = s.complete_mfa(&token, "zwift", "123456").await;
    assert_error(&got, INVALID_PROVIDER);

    let (st, b) = s.password(&token, "zwift", "user_mfa", "pass_good").await;
    assert_eq!(st, 200);
    assert_eq!(b["state"], "pending_provider_mfa");
    assert_eq!(b["provider_mfa"]["method"], "sms");
    assert_eq!(b["provider_mfa"]["hint"], "•••• 1234");
    assert_eq!(s.link_state(&token).await.1["state"], "pending");

    // The challenge belongs to zwift on this token only.
    let got = s.complete_mfa(&token, "renpho", "123456").await;
    assert_error(&got, INVALID_PROVIDER);
    let (_, other) = s.token().await;
    assert_error(
        &s.complete_mfa(&other, "zwift", "123456").await,
        INVALID_PROVIDER,
    );

    // A wrong code: error, retry allowed.
    let (st, b) = s.complete_mfa(&token, "zwift", "000000").await;
    assert_eq!(st, 200);
    assert_eq!(b["state"], "error");
    assert_eq!(b["error_type"], "incorrect_mfa_code");
    assert!(!b.to_string().contains("000000"));
    assert!(s.connections(&user).await.is_empty());
    let (_, b) = s.complete_mfa(&token, "zwift", "123456").await;
    assert_eq!(b["state"], "success", "{b}");
    assert_eq!(s.connections(&user).await[0]["slug"], "zwift");
    assert_error(
        &s.complete_mfa(&token, "zwift", "123456").await,
        TOKEN_CONSUMED,
    );

    // user_mfa with a wrong password never reaches MFA.
    let (_, t2) = s.token().await;
    let (_, b) = s.password(&t2, "zwift", "user_mfa", "nope").await;
    assert_eq!(b["error_type"], "provider_credential_error");
    // A new password attempt clears a pending challenge.
    s.password(&t2, "zwift", "user_mfa", "pass_good").await;
    s.password(&t2, "zwift", "x", "y").await;
    assert_error(
        &s.complete_mfa(&t2, "zwift", "123456").await,
        INVALID_PROVIDER,
    );
}

async fn email_outcomes_and_regions() {
    let s = Server::start().await;
    let (user, token) = s.token().await;
    let libre = "freestyle_libre";
    let (_, b) = s
        .email(&token, libre, json!({"email": "bad@example.com"}))
        .await;
    assert_eq!(b["state"], "error");
    assert_eq!(b["error_type"], "provider_credential_error");
    let (_, b) = s
        .email(
            &token,
            libre,
            json!({"email": "me@example.org", "region": "gb"}),
        )
        .await;
    assert_eq!(b["error_type"], "unsupported_region");
    assert_eq!(
        s.link_state(&token).await.1["error_type"],
        "unsupported_region"
    );
    let (st, b) = s
        .email(
            &token,
            libre,
            json!({"email": "me@example.org", "region": "kr"}),
        )
        .await;
    assert_eq!(st, 200);
    assert_eq!(b["state"], "success", "{b}");
    assert_eq!(s.connections(&user).await[0]["slug"], "freestyle_libre");

    // Without a region: the server's default.
    let (_, t) = s.token().await;
    assert_eq!(
        s.email(&t, libre, json!({"email": "x@y.io"})).await.1["state"],
        "success"
    );

    // An eu server has the eu list.
    let eu = Server::start_with(Opts::default().args(&["--region", "eu"])).await;
    let (_, t) = eu.token().await;
    assert_eq!(
        eu.email(&t, libre, json!({"email": "x@y.io", "region": "us"}))
            .await
            .1["error_type"],
        "unsupported_region"
    );
    assert_eq!(
        eu.email(&t, libre, json!({"email": "x@y.io", "region": "de"}))
            .await
            .1["state"],
        "success"
    );
}

async fn lockout_after_five_failures() {
    let s = Server::start().await;
    let (user, token) = s.token().await;
    // Outcomes that are not credential failures do not count.
    for _ in 0..6 {
        assert_eq!(
            s.password(&token, "renpho", "user_down", "x").await.1["error_type"],
            "provider_api_error"
        );
    }
    // Mixed credential and MFA failures count together, across providers.
    for i in 0..4 {
        let (st, b) = s
            .password(
                &token,
                if i % 2 == 0 { "renpho" } else { "kardia" },
                "user_good",
                "bad",
            )
            .await;
        assert_eq!(
            (st.as_u16(), b["error_type"].as_str()),
            (200, Some("provider_credential_error"))
        );
    }
    s.password(&token, "renpho", "user_mfa", "pass_good").await;
    let (st, b) = s.complete_mfa(&token, "renpho", "999999").await;
    assert_eq!(
        (st.as_u16(), b["error_type"].as_str()),
        (200, Some("incorrect_mfa_code"))
    );
    // That was the 5th: now everything is 429, even the right credentials, on every flow.
    let got = s.password(&token, "renpho", "user_good", "pass_good").await;
    assert_error(&got, TOO_MANY_ATTEMPTS);
    assert_error(
        &s.complete_mfa(&token, "renpho", "123456").await,
        TOO_MANY_ATTEMPTS,
    );
    assert_error(
        &s.email(&token, "freestyle_libre", json!({"email": "a@b.co"}))
            .await,
        TOO_MANY_ATTEMPTS,
    );
    // Locked comes before provider checks and body validation.
    assert_error(
        &s.password(&token, "fitbit", "a", "b").await,
        TOO_MANY_ATTEMPTS,
    );
    assert!(s.connections(&user).await.is_empty());
    // Other tokens are not affected.
    let (_, fresh) = s.token_with(json!({})).await;
    assert_eq!(
        s.password(&fresh, "renpho", "user_good", "pass_good")
            .await
            .1["state"],
        "success"
    );
}

async fn concurrent_wrong_attempts_cannot_pass_the_lockout() {
    let s = Server::start().await;
    let (_, token) = s.token().await;
    let attempts = (0..12).map(|_| s.password(&token, "renpho", "user_good", "bad"));
    let results = futures_join_all(attempts).await;
    let errors = results.iter().filter(|r| r.0 == 200).count();
    let locked = results.iter().filter(|r| r.0 == 429).count();
    assert_eq!((errors, locked), (5, 7), "{results:?}");
}

async fn concurrent_successes_record_exactly_one_connection() {
    let s = Server::start().await;
    let (user, token) = s.token().await;
    let attempts = (0..20).map(|_| s.password(&token, "peloton", "user_good", "pass_good"));
    let results = futures_join_all(attempts).await;
    let successes = results
        .iter()
        .filter(|r| r.0 == 200 && r.1["state"] == "success")
        .count();
    assert_eq!(successes, 1, "{results:?}");
    for r in results
        .iter()
        .filter(|r| !(r.0 == 200 && r.1["state"] == "success"))
    {
        assert_error(r, TOKEN_CONSUMED);
    }
    let conns = s.connections(&user).await;
    assert_eq!(conns.len(), 1, "{conns:?}");
    assert_eq!(conns[0]["slug"], "peloton");

    // The same race across providers and flows on one token.
    let (user, token) = s.token().await;
    let mut futs = Vec::new();
    for i in 0..20 {
        let s = &s;
        let token = token.clone();
        futs.push(async move {
            match i % 3 {
                0 => s.password(&token, "zwift", "user_good", "pass_good").await,
                1 => s.password(&token, "renpho", "user_good", "pass_good").await,
                _ => {
                    s.email(&token, "freestyle_libre", json!({"email": "a@b.co"}))
                        .await
                }
            }
        });
    }
    let results = futures_join_all(futs).await;
    assert_eq!(
        results.iter().filter(|r| r.1["state"] == "success").count(),
        1,
        "{results:?}"
    );
    assert_eq!(s.connections(&user).await.len(), 1);
}

/// Token creations arriving together are written as one batch (group commit): a request for an
/// unknown user among them gets its 400 and the others their tokens, each valid at once.
async fn concurrent_token_creations_with_unknown_users() {
    let s = Server::start().await;
    let user = s.create_user().await;
    let futs = (0..120).map(|i| {
        let s = &s;
        let user = if i % 7 == 3 {
            uuid::Uuid::new_v4().to_string()
        } else {
            user.clone()
        };
        async move { (i, s.post_token(json!({ "user_id": user })).await) }
    });
    for (i, r) in futures_join_all(futs).await {
        if i % 7 == 3 {
            assert_error(&r, INVALID_USER_ID);
        } else {
            assert_eq!(r.0, 200, "{}", r.1);
            let token = r.1["link_token"].as_str().unwrap();
            assert_eq!(s.is_valid(token).await.1["valid"], true);
        }
    }
}

/// Many writers at once (users, tokens, attempts, connections): queued, never "database is
/// locked", never a 500.
async fn write_contention_is_never_an_error() {
    let s = Server::start().await;
    let mut tokens = Vec::new();
    for _ in 0..10 {
        tokens.push(s.token().await.1);
    }
    let user = s.create_user().await;
    let mut futs = Vec::new();
    for i in 0..240usize {
        let s = &s;
        let user = user.clone();
        let token = tokens[(i / 4) % tokens.len()].clone();
        futs.push(async move {
            let kind = i % 4;
            let status = match kind {
                0 => s.post_user(&format!("c{i}")).await.0,
                1 => s.post_token(json!({"user_id": user})).await.0,
                2 => s.password(&token, "renpho", "user_down", "x").await.0,
                _ => {
                    s.email(&token, "freestyle_libre", json!({"email": "a@b.co"}))
                        .await
                        .0
                }
            };
            (kind, status.as_u16())
        });
    }
    let results = futures_join_all(futs).await;
    for (kind, status) in &results {
        match kind {
            0 | 1 => assert_eq!(*status, 200, "{results:?}"),
            // An attempt after the token was consumed by an email success: token_consumed.
            _ => assert!(*status == 200 || *status == 401, "{results:?}"),
        }
    }
    assert!(!s.logs().contains("database is locked"));
    // Each of the 10 tokens got exactly one email success.
    let email_ok = results
        .iter()
        .filter(|(k, st)| *k == 3 && *st == 200)
        .count();
    assert_eq!(email_ok, 10, "{results:?}");
}

async fn tokens_expire() {
    let s = Server::start_with(Opts::default().args(&["--token-ttl-secs", "2"])).await;
    let (user, token) = s.token().await;
    let (_, failing) = s.token().await;
    assert_eq!(s.wget(&token, "/v2/link/token/info").await.0, 200);
    assert_eq!(
        s.password(&failing, "renpho", "x", "y").await.1["state"],
        "error"
    );
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    for path in [
        "/v2/link/token/info",
        "/v2/team/link/config",
        "/v2/link/providers",
        "/v2/link/state",
        "/v2/link/provider/oauth/oura",
    ] {
        assert_error(&s.wget(&token, path).await, TOKEN_EXPIRED);
    }
    assert_error(
        &s.password(&token, "renpho", "user_good", "pass_good").await,
        TOKEN_EXPIRED,
    );
    assert_error(&s.link_state(&failing).await, TOKEN_EXPIRED);
    let (_, v) = s.is_valid(&token).await;
    assert_eq!(v["valid"], false);
    assert!(s.connections(&user).await.is_empty());

    // TTL from the environment variable too.
    let s = Server::start_with(Opts::default().env("LINK_TOKEN_TTL_SECS", "1")).await;
    let (_, token) = s.token().await;
    tokio::time::sleep(std::time::Duration::from_millis(1300)).await;
    assert_error(&s.wget(&token, "/v2/link/providers").await, TOKEN_EXPIRED);
}

async fn default_lifetime_is_ten_minutes() {
    let s = Server::start().await;
    let (_, token) = s.token().await;
    let (_, info) = s.wget(&token, "/v2/link/token/info").await;
    let expires = time::OffsetDateTime::parse(
        info["expires_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let left = (expires - time::OffsetDateTime::now_utc()).whole_seconds();
    assert!((590..=600).contains(&left), "{left}");
}

both!(
    password_outcomes,
    mfa_flow,
    email_outcomes_and_regions,
    lockout_after_five_failures,
    concurrent_wrong_attempts_cannot_pass_the_lockout,
    concurrent_successes_record_exactly_one_connection,
    write_contention_is_never_an_error,
    concurrent_token_creations_with_unknown_users,
    tokens_expire,
    default_lifetime_is_ten_minutes,
);
