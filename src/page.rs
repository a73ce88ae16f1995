//! What each screen shows, as plain data: [`page`] turns the [`Flow`] into a [`Page`] of
//! [`Block`]s, [`crate::markup`] writes any page as HTML, and `screens` puts it on screen.
//! Keeping the screens as data keeps their rules testable natively, and the wasm small.

use link_contract::{AuthType, LinkProvider, MfaMethod, Region};

use crate::{
    flow::{Flow, Msg, OauthPhase, Screen, View},
    i18n::{Key, Lang},
};

/// One screen. Equal pages are not redrawn, so a form keeps what was typed while its busy flag
/// and inline error (read separately, see [`Flow::form`]) change.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub view: View,
    /// Header buttons: `None` for no header, else whether Back is offered (Close always is).
    pub header: Option<bool>,
    /// Classes of `<main>`.
    pub class: &'static str,
    pub blocks: Vec<Block>,
}

/// A part of a screen.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// The screen's `<h1>`; `hidden` ones are read by screen readers only.
    Title {
        text: String,
        hidden: bool,
    },
    /// A paragraph, optionally ending in a `<strong>` part.
    Text(Text),
    Bullets(Vec<String>),
    /// "By continuing you agree to the privacy policy and terms." with links.
    Legal {
        lead: &'static str,
        and: &'static str,
        links: Vec<(String, &'static str)>,
    },
    /// A decorative sign (✓, !).
    Mark {
        class: &'static str,
        sign: &'static str,
    },
    /// The team's logo (a URL of the API).
    TeamLogo(String),
    /// A provider's logo, or its initial on a tinted tile.
    Logo(LinkProvider),
    /// A `<div>` of more blocks.
    Group {
        class: &'static str,
        blocks: Vec<Block>,
    },
    /// A spinner with a status line.
    Spinner(&'static str),
    Button {
        label: String,
        action: Action,
        primary: bool,
        autofocus: bool,
    },
    /// A link styled as the main button that opens the sign-in page in a new tab.
    NewTab {
        href: String,
        label: &'static str,
    },
    Form(Form),
    /// Search and the provider list (its rows are redrawn as the user types).
    Picker,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Text {
    pub class: &'static str,
    pub text: String,
    pub strong: Option<String>,
    /// `alert` for messages that must be announced.
    pub role: Option<&'static str>,
    /// `data-error-type` of the error screen's message.
    pub error_type: Option<String>,
}

impl Text {
    fn muted(text: impl Into<String>) -> Block {
        Block::Text(Text {
            class: "vl-muted",
            text: text.into(),
            strong: None,
            role: None,
            error_type: None,
        })
    }
}

/// What a button does.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Continue,
    /// The header's Back.
    Back,
    Close,
    Retry,
    /// Opens the sign-in popup (in the click handler, for popup blockers) and starts OAuth.
    Oauth,
    /// Sends this tab to the sign-in page.
    Navigate(String),
}

/// Which message a form sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKind {
    Password,
    Mfa,
    Email,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    pub kind: FormKind,
    pub fields: Vec<Field>,
    pub submit: &'static str,
    pub busy: &'static str,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Field {
    Input(Input),
    Region {
        label: &'static str,
        regions: Vec<Region>,
        default: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    pub label: String,
    pub name: &'static str,
    pub kind: &'static str,
    pub autocomplete: &'static str,
    pub inputmode: Option<&'static str>,
    /// Extra class (the one-time code's wide letter spacing).
    pub class: &'static str,
    /// An identifier or code: no auto-capitals, no spell check.
    pub verbatim: bool,
    /// Emptied when the attempt fails (a password is never kept).
    pub secret: bool,
    /// Focused (and its text selected) when the attempt fails.
    pub retry_focus: bool,
}

impl Input {
    fn new(label: impl Into<String>, name: &'static str, kind: &'static str) -> Self {
        Input {
            label: label.into(),
            name,
            kind,
            autocomplete: name,
            inputmode: None,
            class: "",
            verbatim: false,
            secret: false,
            retry_focus: false,
        }
    }
}

fn title(text: impl Into<String>) -> Block {
    Block::Title {
        text: text.into(),
        hidden: false,
    }
}

fn head(provider: &LinkProvider, inner: Block) -> Block {
    Block::Group {
        class: "vl-provider-head",
        blocks: vec![Block::Logo(provider.clone()), inner],
    }
}

fn primary(label: impl Into<String>, action: Action) -> Block {
    Block::Button {
        label: label.into(),
        action,
        primary: true,
        autofocus: true,
    }
}

fn region(lang: Lang, provider: &LinkProvider) -> Option<Field> {
    let fc = &provider.form_components;
    (!fc.regions.is_empty()).then(|| Field::Region {
        label: lang.t(Key::RegionLabel),
        regions: fc.regions.clone(),
        default: fc.default_region.clone().unwrap_or_default(),
    })
}

/// `url` if it is an `http(s)` URL: a link never runs script (`javascript:`) from the API.
pub fn web_url(url: String) -> Option<String> {
    let (scheme, rest) = url.split_once(':')?;
    let web = scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https");
    (web && rest.starts_with("//")).then_some(url)
}

/// The page for what the flow has on screen.
pub fn page(flow: &Flow, lang: Lang) -> Page {
    let t = |k| lang.t(k);
    let connect = |p: &LinkProvider| title([t(Key::ConnectTitle), " ", &p.name].concat());
    let (header, class, blocks) = match &flow.screen {
        Screen::Loading => (
            Some(false),
            "vl-body vl-center",
            vec![
                Block::Title {
                    text: t(Key::Loading).into(),
                    hidden: true,
                },
                Block::Spinner(t(Key::Loading)),
            ],
        ),
        Screen::Agreement => {
            let team = flow.team.as_ref();
            let name = team.map_or("", |t| t.team_name.as_str());
            let mut blocks = Vec::new();
            if let Some(logo) = team.and_then(|t| t.logo.clone()) {
                blocks.push(Block::TeamLogo(logo));
            }
            blocks.push(title([name, " ", t(Key::AgreementTitle)].concat()));
            blocks.push(Block::Bullets(vec![
                [t(Key::AgreementShare), " ", name, "."].concat(),
                t(Key::AgreementCredentials).into(),
                t(Key::AgreementDisconnect).into(),
            ]));
            let links: Vec<_> = team
                .into_iter()
                .flat_map(|t| {
                    [
                        (t.privacy_policy_url.clone(), Key::PrivacyPolicy),
                        (t.terms_url.clone(), Key::Terms),
                    ]
                })
                .filter_map(|(url, key)| Some((web_url(url?)?, lang.t(key))))
                .collect();
            if !links.is_empty() {
                blocks.push(Block::Legal {
                    lead: t(Key::AgreementLegal),
                    and: t(Key::And),
                    links,
                });
            }
            blocks.push(primary(t(Key::Continue), Action::Continue));
            (Some(false), "vl-body vl-agreement", blocks)
        }
        Screen::Picker => (Some(true), "vl-body vl-picker", vec![Block::Picker]),
        Screen::Password { provider, .. } => {
            let fc = &provider.form_components;
            let mut user = Input::new(
                fc.username_label
                    .as_deref()
                    .unwrap_or(t(Key::UsernameLabel)),
                "username",
                "text",
            );
            user.verbatim = true;
            let mut pass = Input::new(
                fc.password_label
                    .as_deref()
                    .unwrap_or(t(Key::PasswordLabel)),
                "password",
                "password",
            );
            pass.autocomplete = "current-password";
            pass.secret = true;
            pass.retry_focus = true;
            let mut blocks = vec![head(provider, connect(provider))];
            blocks.extend(fc.instructions.clone().map(Text::muted));
            blocks.push(Block::Form(Form {
                kind: FormKind::Password,
                fields: [
                    Some(Field::Input(user)),
                    Some(Field::Input(pass)),
                    region(lang, provider),
                ]
                .into_iter()
                .flatten()
                .collect(),
                submit: t(Key::Connect),
                busy: t(Key::Connecting),
            }));
            (Some(true), "vl-body", blocks)
        }
        Screen::Mfa { method, hint, .. } => {
            let mut code = Input::new(t(Key::MfaCodeLabel), "mfa_code", "text");
            code.autocomplete = "one-time-code";
            code.inputmode = Some("numeric");
            code.class = "vl-code";
            code.verbatim = true;
            code.retry_focus = true;
            let sent = match method {
                MfaMethod::Sms => t(Key::MfaSentSms),
                MfaMethod::Email => t(Key::MfaSentEmail),
            };
            let blocks = vec![
                title(t(Key::MfaTitle)),
                Block::Text(Text {
                    class: "vl-muted",
                    text: sent.into(),
                    strong: hint.clone(),
                    role: None,
                    error_type: None,
                }),
                Block::Form(Form {
                    kind: FormKind::Mfa,
                    fields: vec![Field::Input(code)],
                    submit: t(Key::Verify),
                    busy: t(Key::Connecting),
                }),
            ];
            (Some(true), "vl-body", blocks)
        }
        Screen::Email { provider, .. } => {
            let mut email = Input::new(t(Key::EmailLabel), "email", "email");
            email.retry_focus = true;
            let instructions = provider.form_components.instructions.as_deref();
            let blocks = vec![
                head(provider, connect(provider)),
                Text::muted(instructions.unwrap_or(t(Key::EmailInstructions))),
                Block::Form(Form {
                    kind: FormKind::Email,
                    fields: [Some(Field::Input(email)), region(lang, provider)]
                        .into_iter()
                        .flatten()
                        .collect(),
                    submit: t(Key::Connect),
                    busy: t(Key::Connecting),
                }),
            ];
            (Some(true), "vl-body", blocks)
        }
        Screen::Oauth { provider, phase } => {
            let actions = match phase {
                OauthPhase::Ready => vec![primary(
                    [t(Key::OauthContinue), " ", &provider.name].concat(),
                    Action::Oauth,
                )],
                OauthPhase::Starting { .. } => vec![Block::Spinner(t(Key::Loading))],
                OauthPhase::Waiting { popup: true, .. } => {
                    vec![Block::Spinner(t(Key::OauthWaiting))]
                }
                // The popup was blocked: a link opens a tab (a user click, so it is allowed);
                // with a redirect_url this window may go there instead.
                OauthPhase::Waiting { url, popup: false } => {
                    let mut blocks = vec![Block::Text(Text {
                        class: "vl-muted",
                        text: t(Key::OauthBlocked).into(),
                        strong: None,
                        role: Some("alert"),
                        error_type: None,
                    })];
                    blocks.extend(web_url(url.clone()).map(|href| Block::NewTab {
                        href,
                        label: t(Key::OauthOpenTab),
                    }));
                    if flow.info.redirect_url.is_some() {
                        blocks.push(Block::Button {
                            label: t(Key::OauthSameWindow).into(),
                            action: Action::Navigate(url.clone()),
                            primary: false,
                            autofocus: false,
                        });
                    }
                    blocks.push(Text::muted(t(Key::OauthWaiting)));
                    blocks
                }
            };
            let blocks = vec![
                head(provider, title(t(Key::OauthTitle))),
                Text::muted(provider.description.clone()),
                Block::Group {
                    class: "vl-actions",
                    blocks: actions,
                },
            ];
            (Some(true), "vl-body", blocks)
        }
        Screen::Success { provider } => {
            let body = Block::Text(Text {
                class: "",
                text: t(Key::SuccessBody).into(),
                strong: Some(provider.name.clone()),
                role: None,
                error_type: None,
            });
            let blocks = vec![
                Block::Mark {
                    class: "vl-check",
                    sign: "✓",
                },
                title(t(Key::SuccessTitle)),
                head(provider, body),
                primary(t(Key::Done), Action::Continue),
            ];
            (None, "vl-body vl-center vl-result", blocks)
        }
        Screen::Error {
            error_type,
            retry,
            provider,
            ..
        } => {
            let oauth = flow
                .providers
                .iter()
                .any(|p| Some(&p.slug) == provider.as_ref() && p.auth_type == AuthType::Oauth);
            let mut blocks = vec![
                Block::Mark {
                    class: "vl-cross",
                    sign: "!",
                },
                title(t(Key::ErrorTitle)),
                Block::Text(Text {
                    class: "vl-message",
                    text: lang.flow_error_message(error_type, oauth).into(),
                    strong: None,
                    role: Some("alert"),
                    error_type: Some(error_type.clone()),
                }),
            ];
            if retry.is_some() {
                blocks.push(primary(t(Key::Retry), Action::Retry));
            }
            blocks.push(Block::Button {
                label: t(Key::Close).into(),
                action: Action::Close,
                primary: false,
                autofocus: retry.is_none(),
            });
            (Some(false), "vl-body vl-center vl-result", blocks)
        }
    };
    Page {
        view: flow.view(),
        header,
        class,
        blocks,
    }
}

/// The message a submitted form sends, from its fields' values by name; `None` when there is
/// nothing to send (an empty code).
pub fn submit(kind: FormKind, value: impl Fn(&str) -> Option<String>) -> Option<Msg> {
    let region = value("region").filter(|r| !r.is_empty());
    match kind {
        FormKind::Password => Some(Msg::SubmitPassword {
            username: value("username")?.trim().to_owned(),
            password: value("password")?,
            region,
        }),
        FormKind::Mfa => {
            let code: String = value("mfa_code")?
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            (!code.is_empty()).then_some(Msg::SubmitMfa(code))
        }
        FormKind::Email => Some(Msg::SubmitEmail {
            email: value("email")?.trim().to_owned(),
            region,
        }),
    }
}

#[cfg(test)]
mod tests;
