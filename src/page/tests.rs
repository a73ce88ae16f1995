use link_contract::{FormComponents, LinkTokenInfo, TeamLinkConfig};

use super::*;
use crate::flow::{InlineError, Retry};

fn provider(slug: &str, auth_type: AuthType) -> LinkProvider {
    LinkProvider {
        id: 1,
        name: slug.to_uppercase(),
        slug: slug.into(),
        description: "About".into(),
        logo: String::new(),
        auth_type,
        oauth_url: None,
        form_components: FormComponents::default(),
    }
}

fn flow_at(screen: Screen) -> Flow {
    let (mut flow, _) = Flow::start(false, Lang::En);
    flow.screen = screen;
    flow
}

fn inputs(page: &Page) -> Vec<&Input> {
    fn walk<'a>(blocks: &'a [Block], out: &mut Vec<&'a Input>) {
        for b in blocks {
            match b {
                Block::Form(f) => out.extend(f.fields.iter().filter_map(|f| match f {
                    Field::Input(i) => Some(i),
                    _ => None,
                })),
                Block::Group { blocks, .. } => walk(blocks, out),
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    walk(&page.blocks, &mut out);
    out
}

fn buttons(page: &Page) -> Vec<(&str, &Action, bool)> {
    fn walk<'a>(blocks: &'a [Block], out: &mut Vec<(&'a str, &'a Action, bool)>) {
        for b in blocks {
            match b {
                Block::Button {
                    label,
                    action,
                    autofocus,
                    ..
                } => out.push((label, action, *autofocus)),
                Block::Group { blocks, .. } => walk(blocks, out),
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    walk(&page.blocks, &mut out);
    out
}

fn title(page: &Page) -> String {
    fn walk(blocks: &[Block]) -> Option<String> {
        blocks.iter().find_map(|b| match b {
            Block::Title { text, .. } => Some(text.clone()),
            Block::Group { blocks, .. } => walk(blocks),
            _ => None,
        })
    }
    walk(&page.blocks).expect("every page has a title")
}

#[test]
fn every_screen_has_one_title_and_the_header_it_needs() {
    let p = provider("peloton", AuthType::Password);
    let screens = [
        (Screen::Loading, Some(false)),
        (Screen::Agreement, Some(false)),
        (Screen::Picker, Some(true)),
        (
            Screen::Password {
                provider: p.clone(),
                busy: false,
                error: None,
            },
            Some(true),
        ),
        (
            Screen::Success {
                provider: p.clone(),
            },
            None,
        ),
        (
            Screen::Error {
                error_type: "provider_api_error".into(),
                message: None,
                provider: None,
                retry: None,
            },
            Some(false),
        ),
    ];
    for (screen, header) in screens {
        let view = screen.view();
        let page = page(&flow_at(screen), Lang::En);
        assert_eq!(page.view, view);
        assert_eq!(page.header, header, "{view:?}");
        if view != View::ProviderPicker {
            assert!(!title(&page).is_empty(), "{view:?}");
        }
    }
}

#[test]
fn password_form_uses_form_components_and_keeps_no_password() {
    let mut p = provider("peloton", AuthType::Password);
    p.form_components.username_label = Some("Email or username".into());
    p.form_components.instructions = Some("Use your Peloton account.".into());
    let page = page(
        &flow_at(Screen::Password {
            provider: p.clone(),
            busy: false,
            error: None,
        }),
        Lang::En,
    );
    assert_eq!(title(&page), "Connect PELOTON");
    let fields = inputs(&page);
    assert_eq!(fields.len(), 2, "no regions, no region field");
    assert_eq!(fields[0].label, "Email or username");
    assert_eq!(fields[1].label, "Password");
    assert!(fields[1].secret && fields[1].retry_focus && !fields[0].secret);
    assert!(page
        .blocks
        .iter()
        .any(|b| matches!(b, Block::Text(t) if t.text == "Use your Peloton account.")));
}

#[test]
fn busy_and_inline_error_do_not_change_the_page() {
    let p = provider("peloton", AuthType::Password);
    let idle = flow_at(Screen::Password {
        provider: p.clone(),
        busy: false,
        error: None,
    });
    let failed = flow_at(Screen::Password {
        provider: p,
        busy: true,
        error: Some(InlineError {
            error_type: "provider_credential_error".into(),
            message: None,
        }),
    });
    assert_eq!(page(&idle, Lang::En), page(&failed, Lang::En));
}

#[test]
fn email_form_offers_regions_with_the_default() {
    let mut p = provider("freestyle_libre", AuthType::Email);
    p.form_components.regions = vec![
        Region {
            code: "us".into(),
            name: "United States".into(),
        },
        Region {
            code: "ca".into(),
            name: "Canada".into(),
        },
    ];
    p.form_components.default_region = Some("ca".into());
    let page = page(
        &flow_at(Screen::Email {
            provider: p,
            busy: false,
            error: None,
        }),
        Lang::Es,
    );
    let form = page
        .blocks
        .iter()
        .find_map(|b| match b {
            Block::Form(f) => Some(f),
            _ => None,
        })
        .unwrap();
    assert_eq!(form.kind, FormKind::Email);
    assert!(
        matches!(&form.fields[1], Field::Region { default, regions, .. }
        if default == "ca" && regions.len() == 2)
    );
    assert_eq!(form.submit, "Conectar");
}

#[test]
fn oauth_blocked_popup_offers_a_tab_and_this_window_only_with_a_redirect() {
    let p = provider("fitbit", AuthType::Oauth);
    let screen = Screen::Oauth {
        provider: p.clone(),
        phase: OauthPhase::Waiting {
            url: "http://127.0.0.1:1/authorize".into(),
            popup: false,
        },
    };
    let mut flow = flow_at(screen);
    let without = page(&flow, Lang::En);
    assert!(format!("{without:?}").contains("NewTab"));
    assert!(buttons(&without).is_empty());
    flow.info = LinkTokenInfo {
        redirect_url: Some("https://app.test/done".into()),
        ..Default::default()
    };
    let with = page(&flow, Lang::En);
    assert_eq!(
        buttons(&with),
        [(
            "Continue in this window",
            &Action::Navigate("http://127.0.0.1:1/authorize".into()),
            false
        )]
    );
    flow.screen = Screen::Oauth {
        provider: p,
        phase: OauthPhase::Ready,
    };
    let ready = page(&flow, Lang::En);
    assert_eq!(
        buttons(&ready),
        [("Continue to FITBIT", &Action::Oauth, true)]
    );
}

#[test]
fn error_screen_offers_retry_only_when_it_can_help() {
    let error = |retry| Screen::Error {
        error_type: "provider_api_error".into(),
        message: None,
        provider: None,
        retry,
    };
    let page_with = page(&flow_at(error(Some(Retry::Load))), Lang::En);
    assert_eq!(
        buttons(&page_with),
        [
            ("Try again", &Action::Retry, true),
            ("Close", &Action::Close, false)
        ]
    );
    let page_without = page(&flow_at(error(None)), Lang::En);
    assert_eq!(buttons(&page_without), [("Close", &Action::Close, true)]);
    assert!(page_without
        .blocks
        .iter()
        .any(|b| matches!(b, Block::Text(t)
        if t.role == Some("alert") && t.error_type.as_deref() == Some("provider_api_error"))));
}

#[test]
fn agreement_links_only_the_policies_the_team_has() {
    let mut flow = flow_at(Screen::Agreement);
    flow.team = Some(TeamLinkConfig {
        team_name: "Acme".into(),
        logo: None,
        privacy_policy_url: None,
        terms_url: Some("https://acme.test/terms".into()),
    });
    let page = page(&flow, Lang::En);
    assert!(title(&page).starts_with("Acme "));
    let legal = page.blocks.iter().find_map(|b| match b {
        Block::Legal { links, .. } => Some(links.clone()),
        _ => None,
    });
    assert_eq!(
        legal,
        Some(vec![("https://acme.test/terms".into(), "terms")])
    );
    assert_eq!(buttons(&page), [("Continue", &Action::Continue, true)]);
    flow.team.as_mut().unwrap().terms_url = None;
    assert!(!format!("{:?}", super::page(&flow, Lang::En)).contains("Legal"));
}

#[test]
fn forms_submit_the_values_they_hold() {
    let values = |pairs: &'static [(&'static str, &'static str)]| {
        move |name: &str| {
            pairs
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        }
    };
    let msg = submit(
        FormKind::Password,
        values(&[("username", " jo "), ("password", " p w "), ("region", "")]),
    );
    assert!(
        matches!(msg, Some(Msg::SubmitPassword { username, password, region: None })
        if username == "jo" && password == " p w ")
    );
    let msg = submit(FormKind::Mfa, values(&[("mfa_code", "12 34 56")]));
    assert!(matches!(msg, Some(Msg::SubmitMfa(code)) if code == "123456"));
    assert!(submit(FormKind::Mfa, values(&[("mfa_code", "  ")])).is_none());
    let msg = submit(
        FormKind::Email,
        values(&[("email", "jo@example.com "), ("region", "ca")]),
    );
    assert!(
        matches!(msg, Some(Msg::SubmitEmail { email, region: Some(r) })
        if email == "jo@example.com" && r == "ca")
    );
}

#[test]
fn links_keep_only_web_urls() {
    assert_eq!(
        web_url("https://a.test/x".into()).as_deref(),
        Some("https://a.test/x")
    );
    assert_eq!(
        web_url("HTTP://a.test".into()).as_deref(),
        Some("HTTP://a.test")
    );
    assert_eq!(web_url("javascript:alert(1)//://".into()), None);
    assert_eq!(web_url(" javascript://x".into()), None);
    assert_eq!(web_url("/relative".into()), None);
    let mut flow = flow_at(Screen::Agreement);
    flow.team = Some(TeamLinkConfig {
        team_name: "Acme".into(),
        logo: None,
        privacy_policy_url: Some("javascript:alert(document.domain)".into()),
        terms_url: None,
    });
    assert!(!format!("{:?}", page(&flow, Lang::En)).contains("Legal"));
}
