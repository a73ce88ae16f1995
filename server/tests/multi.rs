//! Several instances on one PostgreSQL database behave as one service: users and tokens made
//! on one are known to all, the one-time token rule and the lockout hold across instances, an
//! OAuth attempt hops instances, and SIGKILL of one instance under write load loses nothing
//! acknowledged. PostgreSQL only (SQLite is one file on one machine).

mod common;

use std::time::Duration;

use common::*;
use serde_json::json;

const PUBLIC: &str = "http://link.invalid";

/// `n` instances started at once on one fresh database, with one `--public-url` (as behind a
/// load balancer): starting together also runs their migrations concurrently.
async fn instances(n: usize) -> Vec<Server> {
    let dir = tempfile::tempdir().unwrap();
    let url = database_url(dir.path()).await;
    let starts = (0..n).map(|_| {
        Server::start_with(
            Opts::default()
                .database_url(&url)
                .args(&["--public-url", PUBLIC]),
        )
    });
    futures_join_all(starts).await
}

/// `url` (under the shared public URL) as sent to instance `s`.
fn via(s: &Server, url: &str) -> String {
    url.replace(PUBLIC, &s.url)
}

async fn users_and_tokens_are_shared() {
    let all = instances(3).await;
    let (a, b, c) = (&all[0], &all[1], &all[2]);
    let user = a.create_user().await;
    let (st, t) = b.post_token(json!({"user_id": user})).await;
    assert_eq!(st, 200, "{t}");
    let token = t["link_token"].as_str().unwrap();
    assert!(t["link_web_url"].as_str().unwrap().starts_with(PUBLIC));
    assert_eq!(c.wget(token, "/v2/link/token/info").await.0, 200);
    assert_eq!(a.is_valid(token).await.1["valid"], true);
    // A duplicate made on another instance names the same user.
    let (_, b1) = a.post_user("shared-client").await;
    let dup = c.post_user("shared-client").await;
    assert_error(&dup, DUPLICATE_USER);
    assert_eq!(dup.1["detail"]["user_id"], b1["user_id"]);
    // A connection made through one instance is listed by the others.
    assert_eq!(
        c.password(token, "renpho", "user_good", "pass_good")
            .await
            .1["state"],
        "success"
    );
    assert_eq!(a.connections(&user).await.len(), 1);
    assert_eq!(b.link_state(token).await.1["state"], "success");
    assert_error(
        &a.password(token, "renpho", "user_good", "pass_good").await,
        TOKEN_CONSUMED,
    );
}

async fn one_token_raced_across_instances() {
    let all = instances(3).await;
    for round in 0..3 {
        let (user, token) = all[0].token().await;
        let attempts = (0..30).map(|i| {
            let s = &all[i % all.len()];
            let token = token.clone();
            async move {
                s.password(&token, "peloton", "user_good", "pass_good")
                    .await
            }
        });
        let results = futures_join_all(attempts).await;
        let ok = results
            .iter()
            .filter(|r| r.0 == 200 && r.1["state"] == "success")
            .count();
        assert_eq!(ok, 1, "round {round}: {results:?}");
        for r in results.iter().filter(|r| r.1["state"] != "success") {
            assert_error(r, TOKEN_CONSUMED);
        }
        assert_eq!(all[2].connections(&user).await.len(), 1);
    }
}

async fn failures_on_different_instances_add_up_to_the_lockout() {
    let all = instances(3).await;
    let (_, token) = all[0].token().await;
    for i in 0..5 {
        let r = all[i % 3]
            .password(&token, "renpho", "user_good", "wrong")
            .await;
        assert_eq!(r.0, 200, "{}", r.1);
        assert_eq!(r.1["error_type"], "provider_credential_error");
    }
    for s in &all {
        assert_error(
            &s.password(&token, "renpho", "user_good", "pass_good").await,
            TOO_MANY_ATTEMPTS,
        );
    }
    // Concurrent wrong attempts over the instances cannot pass the lockout either.
    let (_, token) = all[1].token().await;
    let attempts = (0..15).map(|i| {
        let s = &all[i % 3];
        let token = token.clone();
        async move { s.password(&token, "renpho", "user_good", "bad").await }
    });
    let results = futures_join_all(attempts).await;
    let counted = results.iter().filter(|r| r.0 == 200).count();
    let locked = results.iter().filter(|r| r.0 == 429).count();
    assert_eq!((counted, locked), (5, 10), "{results:?}");
}

async fn oauth_hops_instances() {
    let all = instances(3).await;
    let (a, b, c) = (&all[0], &all[1], &all[2]);
    let (user, token) = a
        .token_with(json!({"redirect_url": "https://host.example/cb"}))
        .await;
    // Started on A, consent page on B, form post on C, callback (and code exchange) on A.
    let (st, p) = a.wget(&token, "/v2/link/provider/oauth/fitbit").await;
    assert_eq!(st, 200, "{p}");
    let oauth_url = p["oauth_url"].as_str().unwrap();
    assert!(oauth_url.starts_with(PUBLIC), "{oauth_url}");
    let page = b.http.get(via(b, oauth_url)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let mut form = parse_form(&page.text().await.unwrap());
    form.action = via(c, &form.action);
    let to_callback = allow_all(c, &form).await;
    assert!(to_callback.starts_with(PUBLIC), "{to_callback}");
    let resp = follow(a, &via(a, &to_callback)).await;
    assert_eq!(resp.status(), 307);
    let loc = header(resp.headers(), "location").unwrap().to_string();
    assert_eq!(param(&loc, "state").as_deref(), Some("success"), "{loc}");
    assert_eq!(b.link_state(&token).await.1["state"], "success");
    assert_eq!(c.connections(&user).await.len(), 1);
    // The same callback replayed on another instance records nothing more.
    let replay = follow(b, &via(b, &to_callback)).await;
    assert_eq!(replay.status(), 401);
    assert_eq!(a.connections(&user).await.len(), 1);
}

async fn sigkill_of_one_instance_under_write_load() {
    let mut all = instances(3).await;
    let user = all[0].create_user().await;
    let urls: Vec<String> = all.iter().map(|s| s.url.clone()).collect();
    let key = all[0].api_key.clone();
    let http = client();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    // 24 writers (8 per instance) create tokens until told to stop; each keeps what was
    // acknowledged with a 200.
    let mut writers = Vec::new();
    for w in 0..24 {
        let url = urls[w % 3].clone();
        let (key, user, http, stop) = (key.clone(), user.clone(), http.clone(), stop.clone());
        writers.push(tokio::spawn(async move {
            let mut acked = Vec::new();
            let mut failed = 0usize;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let r = http
                    .post(format!("{url}/v2/link/token"))
                    .header(KEY_HEADER, &key)
                    .json(&json!({"user_id": user}))
                    .send()
                    .await;
                match r {
                    Ok(r) if r.status() == 200 => {
                        let v: serde_json::Value = r.json().await.unwrap();
                        acked.push(v["link_token"].as_str().unwrap().to_string());
                    }
                    Ok(r) => {
                        assert!(r.status().as_u16() < 500, "{}", r.status());
                        failed += 1;
                    }
                    // The killed instance: connection refused or reset.
                    Err(_) => {
                        failed += 1;
                        tokio::time::sleep(Duration::from_millis(20)).await;
                    }
                }
            }
            (w % 3, acked, failed)
        }));
    }
    tokio::time::sleep(Duration::from_millis(700)).await;
    all[1].kill();
    // The others keep answering while the load goes on.
    for s in [&all[0], &all[2]] {
        assert_eq!(s.get("/health", &[]).await.status(), 200);
    }
    tokio::time::sleep(Duration::from_millis(700)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut acked = Vec::new();
    let mut per_instance = [0usize; 3];
    for w in writers {
        let (i, tokens, _failed) = w.await.unwrap();
        per_instance[i] += tokens.len();
        acked.extend(tokens);
    }
    assert!(
        per_instance.iter().all(|&n| n > 0),
        "every instance acknowledged writes before the kill: {per_instance:?}"
    );
    // Every acknowledged token is valid on the survivors, whichever instance made it.
    for (i, t) in acked.iter().enumerate() {
        let s = if i % 2 == 0 { &all[0] } else { &all[2] };
        let (st, v) = s.is_valid(t).await;
        assert_eq!((st.as_u16(), &v["valid"]), (200, &json!(true)), "{t}: {v}");
    }
}

/// Every test here needs PostgreSQL: `on` skips (or fails, under `scripts/test.sh`) without it.
macro_rules! postgres_only {
    ($($name:ident),* $(,)?) => {
        mod postgres {
            $(#[tokio::test]
            async fn $name() {
                $crate::common::on($crate::common::Backend::Postgres, super::$name()).await
            })*
        }
    };
}

postgres_only!(
    users_and_tokens_are_shared,
    one_token_raced_across_instances,
    failures_on_different_instances_add_up_to_the_lockout,
    oauth_hops_instances,
    sigkill_of_one_instance_under_write_load,
);
