use link_contract::{FormComponents, ProviderMfa};

use super::*;
use crate::meta::MetaValue;

fn provider(slug: &str, auth_type: AuthType) -> LinkProvider {
    LinkProvider {
        id: 1,
        name: slug.to_uppercase(),
        slug: slug.into(),
        description: String::new(),
        logo: String::new(),
        auth_type,
        oauth_url: None,
        form_components: FormComponents::default(),
    }
}

fn catalog() -> Vec<LinkProvider> {
    vec![
        provider("fitbit", AuthType::Oauth),
        provider("peloton", AuthType::Password),
        provider("freestyle_libre", AuthType::Email),
    ]
}

fn team() -> TeamLinkConfig {
    TeamLinkConfig {
        team_name: "Acme".into(),
        logo: None,
        privacy_policy_url: None,
        terms_url: None,
    }
}

fn events(fx: &[Effect]) -> Vec<&'static str> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Event(name, _) => Some(*name),
            _ => None,
        })
        .collect()
}

fn event<'a>(fx: &'a [Effect], name: &str) -> &'a Meta {
    fx.iter()
        .find_map(|e| match e {
            Effect::Event(n, v) if *n == name => Some(v),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no {name} event in {fx:?}"))
}

fn callbacks(fx: &[Effect]) -> Vec<&Meta> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Success(v) | Effect::Error(v) | Effect::Exit(v) => Some(v),
            _ => None,
        })
        .collect()
}

fn loaded_with(info: LinkTokenInfo, hosted: bool) -> Flow {
    let (mut flow, _) = Flow::start(hosted, Lang::EN);
    flow.update(Msg::Loaded {
        info,
        team: team(),
        providers: catalog(),
    });
    flow
}

/// Loaded with `info`, then Continue, Peloton, and the password form sent.
fn password_sent(info: LinkTokenInfo, hosted: bool) -> Flow {
    let mut flow = loaded_with(info, hosted);
    flow.update(Msg::Continue);
    flow.update(Msg::Select("peloton".into()));
    submit_password(&mut flow);
    flow
}

fn at_picker() -> Flow {
    let mut flow = loaded_with(LinkTokenInfo::default(), false);
    flow.update(Msg::Continue);
    assert_eq!(flow.view(), View::ProviderPicker);
    flow
}

fn at(slug: &str) -> Flow {
    let mut flow = at_picker();
    flow.update(Msg::Select(slug.into()));
    flow
}

fn answer(state: FlowState, error_type: Option<&str>) -> Msg {
    Msg::Answer(Ok(FlowResponse {
        state,
        redirect_url: None,
        error_type: error_type.map(str::to_owned),
        error: error_type.map(|_| "developer text".to_owned()),
        provider_mfa: None,
    }))
}

fn submit_password(flow: &mut Flow) -> Vec<Effect> {
    flow.update(Msg::SubmitPassword {
        username: "user_good".into(),
        password: "pass_good".into(),
        region: None,
    })
}

/// Where the first effect matching `f` is in `fx` (effects' order is part of the contract:
/// callbacks fire before a redirect).
fn position(fx: &[Effect], f: impl Fn(&Effect) -> bool) -> usize {
    fx.iter()
        .position(f)
        .unwrap_or_else(|| panic!("no such effect in {fx:?}"))
}

#[test]
fn start_opens_and_loads() {
    let (flow, fx) = Flow::start(false, Lang::EN);
    assert_eq!(flow.view(), View::Loading);
    assert_eq!(events(&fx), ["OPEN", "TRANSITION_VIEW"]);
    assert!(fx.contains(&Effect::Call(Request::Load)));
}

#[test]
fn loaded_shows_agreement_then_picker() {
    let (mut flow, _) = Flow::start(false, Lang::EN);
    let fx = flow.update(Msg::Loaded {
        info: LinkTokenInfo::default(),
        team: team(),
        providers: catalog(),
    });
    assert_eq!(flow.view(), View::Agreement);
    assert_eq!(event(&fx, "TRANSITION_VIEW")["view"], "AGREEMENT");
    let fx = flow.update(Msg::Continue);
    assert_eq!(flow.view(), View::ProviderPicker);
    assert_eq!(event(&fx, "TRANSITION_VIEW")["view"], "PROVIDER_PICKER");
    flow.update(Msg::Back);
    assert_eq!(flow.view(), View::Agreement);
}

#[test]
fn load_failure_shows_error_with_retry_that_reloads() {
    let (mut flow, _) = Flow::start(false, Lang::EN);
    let fx = flow.update(Msg::LoadFailed(ApiError::Network));
    assert_eq!(flow.view(), View::Error);
    let cb = callbacks(&fx);
    assert_eq!(cb.len(), 1);
    assert_eq!(cb[0]["state"], "error");
    assert_eq!(cb[0]["error_type"], "network_error");
    let fx = flow.update(Msg::Retry);
    assert_eq!(flow.view(), View::Loading);
    assert!(fx.contains(&Effect::Call(Request::Load)));
}

#[test]
fn token_errors_show_error_without_retry() {
    for t in ["invalid_token", "token_expired", "token_consumed"] {
        let (mut flow, _) = Flow::start(false, Lang::EN);
        let fx = flow.update(Msg::LoadFailed(ApiError::Link {
            status: 401,
            error_type: t.into(),
            message: "m".into(),
        }));
        assert!(
            matches!(flow.screen, Screen::Error { retry: None, .. }),
            "{t}"
        );
        assert_eq!(callbacks(&fx)[0]["error_type"], t);
        assert_eq!(event(&fx, "ERROR")["error_type"], t);
        assert!(flow.update(Msg::Retry).is_empty());
    }
}

#[test]
fn selecting_a_provider_opens_its_form() {
    for (slug, view) in [
        ("peloton", View::Password),
        ("freestyle_libre", View::Email),
        ("fitbit", View::Oauth),
    ] {
        let mut flow = at_picker();
        let fx = flow.update(Msg::Select(slug.into()));
        assert_eq!(flow.view(), view);
        assert_eq!(events(&fx), ["SELECT_PROVIDER", "TRANSITION_VIEW"]);
        assert_eq!(event(&fx, "SELECT_PROVIDER")["provider"], slug);
        flow.update(Msg::Back);
        assert_eq!(flow.view(), View::ProviderPicker);
    }
    let mut flow = at_picker();
    assert!(flow.update(Msg::Select("unknown".into())).is_empty());
}

#[test]
fn search_event_only_in_picker() {
    let mut flow = at_picker();
    let fx = flow.update(Msg::SearchSettled("fit".into()));
    assert_eq!(event(&fx, "SEARCH_PROVIDER")["query"], "fit");
    let mut flow = at("peloton");
    assert!(flow.update(Msg::SearchSettled("x".into())).is_empty());
}

#[test]
fn password_success_reports_once() {
    let mut flow = at("peloton");
    let fx = submit_password(&mut flow);
    assert_eq!(events(&fx), ["SUBMIT_CREDENTIALS"]);
    assert!(matches!(fx[1], Effect::Call(Request::Password { .. })));
    // A double click sends one request.
    assert!(submit_password(&mut flow).is_empty());
    let fx = flow.update(answer(FlowState::Success, None));
    assert_eq!(flow.view(), View::Success);
    assert!(events(&fx).contains(&"HANDOFF"));
    let cb = callbacks(&fx);
    assert_eq!(cb.len(), 1);
    assert_eq!(cb[0]["state"], "success");
    assert_eq!(cb[0]["provider"], "peloton");
    assert_eq!(cb[0]["provider_name"], "PELOTON");
    assert_eq!(cb[0]["auth_type"], "password");
    // Done closes with error_type null.
    let fx = flow.update(Msg::Continue);
    let exit = callbacks(&fx)[0];
    assert_eq!(exit["state"], "exit");
    assert_eq!(exit["error_type"], MetaValue::Null);
    assert_eq!(exit["view"], "SUCCESS");
    assert!(flow.has_exited());
    assert!(flow.update(Msg::Close).is_empty(), "exit fires once");
}

#[test]
fn wrong_password_is_inline_and_keeps_the_token_usable() {
    let mut flow = at("peloton");
    submit_password(&mut flow);
    let fx = flow.update(answer(FlowState::Error, Some("provider_credential_error")));
    assert_eq!(flow.view(), View::Password);
    assert!(callbacks(&fx).is_empty(), "no onError for a fixable error");
    assert_eq!(
        event(&fx, "ERROR")["error_type"],
        "provider_credential_error"
    );
    match &flow.screen {
        Screen::Password {
            error: Some(e),
            busy: false,
            ..
        } => {
            assert_eq!(e.error_type, "provider_credential_error")
        }
        s => panic!("{s:?}"),
    }
    // Retry in the same form clears the error and succeeds.
    submit_password(&mut flow);
    assert!(matches!(
        flow.screen,
        Screen::Password {
            error: None,
            busy: true,
            ..
        }
    ));
    flow.update(answer(FlowState::Success, None));
    assert_eq!(flow.view(), View::Success);
}

#[test]
fn legacy_400_invalid_credentials_is_inline() {
    let mut flow = at("peloton");
    submit_password(&mut flow);
    let e = crate::api::map_error(
        400,
        r#"{"detail":{"error_code":"INVALID_CREDENTIALS","error_message":"bad"}}"#,
    );
    let fx = flow.update(Msg::Answer(Err(e)));
    assert_eq!(flow.view(), View::Password);
    assert!(callbacks(&fx).is_empty());
}

#[test]
fn mfa_wrong_then_right_code() {
    let mut flow = at("peloton");
    submit_password(&mut flow);
    let fx = flow.update(Msg::Answer(Ok(FlowResponse {
        state: FlowState::PendingProviderMfa,
        redirect_url: None,
        error_type: None,
        error: None,
        provider_mfa: Some(ProviderMfa {
            method: MfaMethod::Sms,
            hint: Some("•••• 1234".into()),
        }),
    })));
    assert_eq!(event(&fx, "TRANSITION_VIEW")["view"], "MFA");
    assert!(
        matches!(&flow.screen, Screen::Mfa { hint: Some(h), method: MfaMethod::Sms, .. } if h == "•••• 1234")
    );
    let fx = flow.update(Msg::SubmitMfa("000000".into()));
    assert_eq!(events(&fx), ["SUBMIT_MFA"]);
    assert!(fx.contains(&Effect::Call(Request::Mfa {
        provider: "peloton".into(),
        code: "000000".into()
    })));
    let fx = flow.update(answer(FlowState::Error, Some("incorrect_mfa_code")));
    assert_eq!(flow.view(), View::Mfa);
    assert!(callbacks(&fx).is_empty());
    flow.update(Msg::SubmitMfa("123456".into()));
    flow.update(answer(FlowState::Success, None));
    assert_eq!(flow.view(), View::Success);
}

#[test]
fn mfa_back_returns_to_password() {
    let mut flow = at("peloton");
    submit_password(&mut flow);
    flow.update(answer(FlowState::PendingProviderMfa, None));
    assert_eq!(flow.view(), View::Mfa);
    flow.update(Msg::Back);
    assert_eq!(flow.view(), View::Password);
}

#[test]
fn provider_outage_shows_error_screen_with_retry_back_to_form() {
    let mut flow = at("peloton");
    submit_password(&mut flow);
    let fx = flow.update(answer(FlowState::Error, Some("provider_api_error")));
    assert_eq!(flow.view(), View::Error);
    let cb = callbacks(&fx);
    assert_eq!(cb[0]["error_type"], "provider_api_error");
    assert_eq!(cb[0]["provider"], "peloton");
    assert!(cb[0]["display_message"]
        .as_str()
        .unwrap()
        .contains("not responding"));
    flow.update(Msg::Retry);
    assert!(matches!(
        flow.screen,
        Screen::Password {
            busy: false,
            error: None,
            ..
        }
    ));
}

#[test]
fn lockout_and_expired_password_are_error_screens() {
    for t in ["too_many_attempts", "provider_password_expired"] {
        let mut flow = at("peloton");
        submit_password(&mut flow);
        let e = if t == "too_many_attempts" {
            Err(ApiError::Link {
                status: 429,
                error_type: t.into(),
                message: String::new(),
            })
        } else {
            Ok(FlowResponse {
                state: FlowState::Error,
                redirect_url: None,
                error_type: Some(t.into()),
                error: None,
                provider_mfa: None,
            })
        };
        let fx = flow.update(Msg::Answer(e));
        assert_eq!(flow.view(), View::Error, "{t}");
        assert_eq!(callbacks(&fx)[0]["error_type"], t);
    }
}

#[test]
fn email_region_and_bad_address_are_inline() {
    let mut flow = at("freestyle_libre");
    flow.update(Msg::SubmitEmail {
        email: "a@b.co".into(),
        region: Some("zz".into()),
    });
    let fx = flow.update(answer(FlowState::Error, Some("unsupported_region")));
    assert_eq!(flow.view(), View::Email);
    assert!(callbacks(&fx).is_empty());
    // An address that cannot be right never leaves the widget.
    let fx = flow.update(Msg::SubmitEmail {
        email: "not-an-email".into(),
        region: None,
    });
    assert!(fx.is_empty(), "{fx:?}");
    assert!(
        matches!(&flow.screen, Screen::Email { error: Some(e), busy: false, .. } if e.error_type == "invalid_input")
    );
    // The server's 422 is inline too.
    flow.update(Msg::SubmitEmail {
        email: "jo@example.com".into(),
        region: None,
    });
    assert!(flow
        .form()
        .is_some_and(|(_, busy, error)| busy && error.is_none()));
    flow.update(Msg::Answer(Err(ApiError::Invalid)));
    assert!(
        matches!(&flow.screen, Screen::Email { error: Some(e), .. } if e.error_type == "invalid_input")
    );
}

#[test]
fn email_shape() {
    assert!(looks_like_email("jo@example.com"));
    assert!(!looks_like_email("jo@example"));
    assert!(!looks_like_email("@example.com"));
    assert!(!looks_like_email("jo example@x.com"));
    assert!(!looks_like_email("jo@@x.com"));
}

#[test]
fn close_reports_user_cancelled_with_view() {
    let mut flow = at("peloton");
    let fx = flow.update(Msg::Close);
    assert!(events(&fx).contains(&"EXIT"));
    let exit = callbacks(&fx)[0];
    assert_eq!(exit["error_type"], "user_cancelled");
    assert_eq!(exit["view"], "PASSWORD");
    assert_eq!(exit["provider"], "peloton");
    assert!(!fx.iter().any(|e| matches!(e, Effect::Navigate(_))));
}

#[test]
fn close_after_error_reports_null_error_type() {
    let (mut flow, _) = Flow::start(false, Lang::EN);
    flow.update(Msg::LoadFailed(ApiError::Network));
    let fx = flow.update(Msg::Close);
    assert_eq!(callbacks(&fx)[0]["error_type"], MetaValue::Null);
}

#[test]
fn on_close_redirect_navigates_after_exit() {
    let info = LinkTokenInfo {
        redirect_url: Some("https://app.test/done?x=1".into()),
        on_close: Some(RedirectPolicy::Redirect),
        ..Default::default()
    };
    let mut flow = loaded_with(info, false);
    let fx = flow.update(Msg::Close);
    let exit_at = position(&fx, |e| matches!(e, Effect::Exit(_)));
    let nav_at = position(&fx, |e| matches!(e, Effect::Navigate(_)));
    assert!(exit_at < nav_at, "callback fires before the redirect");
    assert_eq!(
        fx[nav_at],
        Effect::Navigate(
            "https://app.test/done?x=1&state=error&error_type=user_cancelled&error=The%20user%20closed%20the%20widget.".into()
        )
    );
}

#[test]
fn on_error_redirect_navigates_after_on_error() {
    let info = LinkTokenInfo {
        redirect_url: Some("https://app.test/cb".into()),
        on_error: Some(RedirectPolicy::Redirect),
        ..Default::default()
    };
    let mut flow = password_sent(info, false);
    let fx = flow.update(answer(FlowState::Error, Some("provider_api_error")));
    let err_at = position(&fx, |e| matches!(e, Effect::Error(_)));
    let nav = position(&fx, |e| matches!(e, Effect::Navigate(_)));
    assert!(err_at < nav);
    assert_eq!(
        fx[nav],
        Effect::Navigate(
            "https://app.test/cb?state=error&error_type=provider_api_error&error=developer%20text&provider=peloton".into()
        )
    );
}

#[test]
fn without_on_error_there_is_no_redirect() {
    let info = LinkTokenInfo {
        redirect_url: Some("https://app.test/cb".into()),
        ..Default::default()
    };
    let mut flow = password_sent(info, false);
    let fx = flow.update(answer(FlowState::Error, Some("provider_api_error")));
    assert!(!fx.iter().any(|e| matches!(e, Effect::Navigate(_))));
}

#[test]
fn token_for_one_provider_skips_the_picker() {
    let info = LinkTokenInfo {
        provider: Some("peloton".into()),
        ..Default::default()
    };
    let mut flow = loaded_with(info, false);
    flow.update(Msg::Continue);
    assert_eq!(flow.view(), View::Password);
    flow.update(Msg::Back);
    assert_eq!(flow.view(), View::Agreement);
}

#[test]
fn token_for_unlisted_provider_is_an_error() {
    let info = LinkTokenInfo {
        provider: Some("apple_health_kit".into()),
        ..Default::default()
    };
    let mut flow = loaded_with(info, false);
    let fx = flow.update(Msg::Continue);
    assert_eq!(flow.view(), View::Error);
    assert_eq!(callbacks(&fx)[0]["error_type"], "invalid_provider");
}

fn oauth_waiting(popup: bool) -> Flow {
    let mut flow = at("fitbit");
    let fx = flow.update(Msg::StartOauth { popup });
    assert_eq!(events(&fx), ["OPEN_OAUTH"]);
    assert!(fx.contains(&Effect::Call(Request::OauthUrl {
        provider: "fitbit".into()
    })));
    let mut p = provider("fitbit", AuthType::Oauth);
    p.oauth_url = Some("http://127.0.0.1:1/oauth/authorize?state=s".into());
    let fx = flow.update(Msg::OauthUrl(Ok(p)));
    assert_eq!(
        fx.contains(&Effect::NavigatePopup(
            "http://127.0.0.1:1/oauth/authorize?state=s".into()
        )),
        popup
    );
    assert!(fx.contains(&Effect::Poll));
    flow
}

fn link_state(state: LinkState, error_type: Option<&str>) -> LinkStateResponse {
    LinkStateResponse {
        state,
        provider: Some("fitbit".into()),
        error_type: error_type.map(str::to_owned),
        error: None,
    }
}

#[test]
fn oauth_success_closes_popup_and_reports() {
    let mut flow = oauth_waiting(true);
    assert!(flow
        .update(Msg::OauthState(link_state(LinkState::Pending, None)))
        .is_empty());
    let fx = flow.update(Msg::OauthState(link_state(LinkState::Success, None)));
    assert!(fx.contains(&Effect::ClosePopup));
    assert!(fx.contains(&Effect::StopPoll));
    assert_eq!(callbacks(&fx)[0]["auth_type"], "oauth");
    assert_eq!(flow.view(), View::Success);
    // A late poll answer changes nothing.
    assert!(flow
        .update(Msg::OauthState(link_state(LinkState::Success, None)))
        .is_empty());
}

#[test]
fn oauth_denied_is_an_error_screen() {
    let mut flow = oauth_waiting(true);
    let fx = flow.update(Msg::OauthState(link_state(
        LinkState::Error,
        Some("required_scopes_not_granted"),
    )));
    assert_eq!(flow.view(), View::Error);
    assert_eq!(
        callbacks(&fx)[0]["error_type"],
        "required_scopes_not_granted"
    );
    flow.update(Msg::Retry);
    assert!(matches!(
        flow.screen,
        Screen::Oauth {
            phase: OauthPhase::Ready,
            ..
        }
    ));
}

#[test]
fn popup_closed_without_result_goes_back_with_close_oauth() {
    let mut flow = oauth_waiting(true);
    let fx = flow.update(Msg::PopupClosed(Some(link_state(LinkState::Pending, None))));
    assert_eq!(flow.view(), View::ProviderPicker);
    assert!(events(&fx).contains(&"CLOSE_OAUTH"));
    assert!(callbacks(&fx).is_empty());
}

#[test]
fn popup_closed_after_success_still_succeeds() {
    let mut flow = oauth_waiting(true);
    flow.update(Msg::PopupClosed(Some(link_state(LinkState::Success, None))));
    assert_eq!(flow.view(), View::Success);
}

#[test]
fn blocked_popup_waits_without_navigating_a_popup() {
    let flow = oauth_waiting(false);
    assert!(matches!(
        flow.screen,
        Screen::Oauth {
            phase: OauthPhase::Waiting { popup: false, .. },
            ..
        }
    ));
}

#[test]
fn hosted_single_oauth_provider_goes_straight_to_the_provider() {
    let info = LinkTokenInfo {
        provider: Some("fitbit".into()),
        redirect_url: Some("https://app.test/done".into()),
        ..Default::default()
    };
    let mut flow = loaded_with(info, true);
    let fx = flow.update(Msg::Continue);
    assert!(fx.contains(&Effect::Call(Request::OauthUrl {
        provider: "fitbit".into()
    })));
    let mut p = provider("fitbit", AuthType::Oauth);
    p.oauth_url = Some("http://127.0.0.1:1/authorize".into());
    let fx = flow.update(Msg::OauthUrl(Ok(p)));
    assert_eq!(
        fx,
        vec![Effect::Navigate("http://127.0.0.1:1/authorize".into())]
    );
}

#[test]
fn hosted_success_redirects_with_state_and_provider() {
    let info = LinkTokenInfo {
        redirect_url: Some("https://app.test/done#frag".into()),
        ..Default::default()
    };
    let mut flow = password_sent(info, true);
    let fx = flow.update(answer(FlowState::Success, None));
    assert_eq!(
        fx.last(),
        Some(&Effect::Navigate(
            "https://app.test/done?state=success&provider=peloton#frag".into()
        ))
    );
}

#[test]
fn query_is_appended_and_encoded() {
    assert_eq!(
        with_query("https://a.test/x?", &[("e", "a b&c".into())]),
        "https://a.test/x?e=a%20b%26c"
    );
    assert_eq!(
        with_query("https://a.test/x?y=1", &[("s", "é".into())]),
        "https://a.test/x?y=1&s=%C3%A9"
    );
}

#[test]
fn oauth_denied_says_access_was_not_granted() {
    let mut flow = oauth_waiting(true);
    let fx = flow.update(Msg::OauthState(link_state(
        LinkState::Error,
        Some("provider_credential_error"),
    )));
    let err = callbacks(&fx)[0];
    assert_eq!(err["error_type"], "provider_credential_error");
    assert!(err["display_message"]
        .as_str()
        .unwrap()
        .contains("not granted"));
}

#[test]
fn a_non_web_oauth_url_is_never_opened() {
    for hostile in [
        "javascript:(window.opener||window).x=1//",
        " JaVaScRiPt:alert(1)",
        "data:text/html,<script>alert(1)</script>",
    ] {
        for popup in [true, false] {
            let mut flow = at("fitbit");
            flow.update(Msg::StartOauth { popup });
            let mut p = provider("fitbit", AuthType::Oauth);
            p.oauth_url = Some(hostile.into());
            let fx = flow.update(Msg::OauthUrl(Ok(p)));
            assert_eq!(flow.view(), View::Error, "{hostile}");
            assert!(
                !fx.iter().any(|e| matches!(
                    e,
                    Effect::Navigate(_) | Effect::NavigatePopup(_) | Effect::Poll
                )),
                "{hostile}: {fx:?}"
            );
            assert!(fx.contains(&Effect::ClosePopup));
            assert_eq!(callbacks(&fx)[0]["error_type"], UNSAFE_URL);
        }
    }
    // Hosted with one OAuth provider goes to the sign-in page in this tab: checked the same.
    let info = LinkTokenInfo {
        provider: Some("fitbit".into()),
        ..LinkTokenInfo::default()
    };
    let mut flow = loaded_with(info, true);
    flow.update(Msg::Continue);
    let mut p = provider("fitbit", AuthType::Oauth);
    p.oauth_url = Some("javascript:alert(1)".into());
    let fx = flow.update(Msg::OauthUrl(Ok(p)));
    assert!(
        !fx.iter().any(|e| matches!(e, Effect::Navigate(_))),
        "{fx:?}"
    );
    assert_eq!(flow.view(), View::Error);
}

#[test]
fn a_non_web_redirect_url_fails_the_load_and_is_never_navigated_to() {
    for hosted in [false, true] {
        let info = LinkTokenInfo {
            redirect_url: Some("javascript:(window.opener||window).x=1//".into()),
            on_error: Some(RedirectPolicy::Redirect),
            on_close: Some(RedirectPolicy::Redirect),
            ..LinkTokenInfo::default()
        };
        let (mut flow, _) = Flow::start(hosted, Lang::EN);
        let fx = flow.update(Msg::Loaded {
            info,
            team: team(),
            providers: catalog(),
        });
        assert_eq!(flow.view(), View::Error);
        assert_eq!(callbacks(&fx)[0]["error_type"], UNSAFE_URL);
        assert!(
            !fx.iter().any(|e| matches!(e, Effect::Navigate(_))),
            "{fx:?}"
        );
        let fx = flow.update(Msg::Close);
        assert!(
            !fx.iter().any(|e| matches!(e, Effect::Navigate(_))),
            "{fx:?}"
        );
        assert_eq!(callbacks(&fx)[0]["state"], "exit");
    }
}

#[test]
fn form_messages_are_cleaned_as_users_type_them() {
    assert_eq!(
        Msg::password("  user_good ", " pass ".into(), String::new()).to_request_fields(),
        ("user_good".to_owned(), Some(" pass ".to_owned()), None)
    );
    assert_eq!(
        Msg::email(" jo@example.com ", "ca".into()).to_request_fields(),
        ("jo@example.com".to_owned(), None, Some("ca".to_owned()))
    );
    assert!(matches!(Msg::mfa(" 123 456 "), Some(Msg::SubmitMfa(c)) if c == "123456"));
    assert!(Msg::mfa("  ").is_none(), "an empty code sends nothing");
}

impl Msg {
    /// (username or email, password, region) of a form message.
    fn to_request_fields(&self) -> (String, Option<String>, Option<String>) {
        match self {
            Msg::SubmitPassword {
                username,
                password,
                region,
            } => (username.clone(), Some(password.clone()), region.clone()),
            Msg::SubmitEmail { email, region } => (email.clone(), None, region.clone()),
            other => panic!("not a form message: {other:?}"),
        }
    }
}

#[test]
fn same_window_goes_to_the_sign_in_page_only_after_a_blocked_popup_with_a_way_back() {
    let mut flow = oauth_waiting(false);
    assert!(
        flow.update(Msg::SameWindow).is_empty(),
        "no redirect_url: not offered"
    );
    flow.info.redirect_url = Some("https://app.test/done".into());
    let fx = flow.update(Msg::SameWindow);
    assert_eq!(
        fx.last(),
        Some(&Effect::Navigate(
            "http://127.0.0.1:1/oauth/authorize?state=s".into()
        ))
    );
    let mut flow = oauth_waiting(true);
    flow.info.redirect_url = Some("https://app.test/done".into());
    assert!(flow.update(Msg::SameWindow).is_empty(), "the popup is open");
}
