//! The link session as a plain state machine: [`Flow::update`] takes what happened ([`Msg`]) and
//! returns what to do ([`Effect`]): API calls, callbacks and events for the host page. The
//! screens only render the [`Flow`] and send messages, so every rule here is tested natively.

use link_contract::{
    AuthType, FlowResponse, FlowState, LinkProvider, LinkState, LinkStateResponse, LinkTokenInfo,
    MfaMethod, RedirectPolicy, TeamLinkConfig,
};

use crate::{api::ApiError, i18n::Lang, meta::Meta, url::web_url};

/// The views of the contract (section 7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum View {
    Agreement,
    ProviderPicker,
    Password,
    Mfa,
    Email,
    Oauth,
    Loading,
    Success,
    Error,
}

impl View {
    /// The name reported in `TRANSITION_VIEW` and exit metadata.
    pub fn name(self) -> &'static str {
        match self {
            View::Agreement => "AGREEMENT",
            View::ProviderPicker => "PROVIDER_PICKER",
            View::Password => "PASSWORD",
            View::Mfa => "MFA",
            View::Email => "EMAIL",
            View::Oauth => "OAUTH",
            View::Loading => "LOADING",
            View::Success => "SUCCESS",
            View::Error => "ERROR",
        }
    }
}

/// Where the OAuth hand-off stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OauthPhase {
    /// "Continue to <provider>" not clicked yet.
    Ready,
    /// Clicked; waiting for `oauth_url`.
    Starting { popup: bool },
    /// The sign-in page is open (popup or tab); polling `/v2/link/state`.
    Waiting { url: String, popup: bool },
}

/// A fixable error shown beside the form (wrong password, wrong code, bad email, region).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlineError {
    pub error_type: String,
    pub message: Option<String>,
}

/// See [`Flow::live`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Live {
    pub busy: bool,
    pub error: Option<InlineError>,
    pub phase: Option<OauthPhase>,
}

/// What is on screen, with the data it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Screen {
    Loading,
    Agreement,
    Picker,
    Password {
        provider: LinkProvider,
        busy: bool,
        error: Option<InlineError>,
    },
    Mfa {
        provider: LinkProvider,
        method: MfaMethod,
        hint: Option<String>,
        busy: bool,
        error: Option<InlineError>,
    },
    Email {
        provider: LinkProvider,
        busy: bool,
        error: Option<InlineError>,
    },
    Oauth {
        provider: LinkProvider,
        phase: OauthPhase,
    },
    Success {
        provider: LinkProvider,
    },
    Error {
        error_type: String,
        message: Option<String>,
        provider: Option<String>,
        retry: Option<Retry>,
    },
}

impl Screen {
    pub fn view(&self) -> View {
        match self {
            Screen::Loading => View::Loading,
            Screen::Agreement => View::Agreement,
            Screen::Picker => View::ProviderPicker,
            Screen::Password { .. } => View::Password,
            Screen::Mfa { .. } => View::Mfa,
            Screen::Email { .. } => View::Email,
            Screen::Oauth { .. } => View::Oauth,
            Screen::Success { .. } => View::Success,
            Screen::Error { .. } => View::Error,
        }
    }

    /// A form screen's provider, busy flag and inline error.
    fn form(&self) -> Option<(&LinkProvider, bool, &Option<InlineError>)> {
        match self {
            Screen::Password {
                provider,
                busy,
                error,
            }
            | Screen::Mfa {
                provider,
                busy,
                error,
                ..
            }
            | Screen::Email {
                provider,
                busy,
                error,
            } => Some((provider, *busy, error)),
            _ => None,
        }
    }

    /// A form screen's provider, and its busy flag and inline error to change.
    fn form_mut(&mut self) -> Option<(&LinkProvider, &mut bool, &mut Option<InlineError>)> {
        match self {
            Screen::Password {
                provider,
                busy,
                error,
            }
            | Screen::Mfa {
                provider,
                busy,
                error,
                ..
            }
            | Screen::Email {
                provider,
                busy,
                error,
            } => Some((provider, busy, error)),
            _ => None,
        }
    }

    fn provider(&self) -> Option<&LinkProvider> {
        match self {
            Screen::Password { provider, .. }
            | Screen::Mfa { provider, .. }
            | Screen::Email { provider, .. }
            | Screen::Oauth { provider, .. }
            | Screen::Success { provider } => Some(provider),
            _ => None,
        }
    }
}

/// What Retry on the error screen does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Retry {
    /// Load token info, team config and providers again.
    Load,
    /// Go back to this screen (the form the failed request came from).
    Return(Box<Screen>),
}

/// An API call the flow asks for; its answer comes back as a [`Msg`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// Token info, team config and providers, in parallel → [`Msg::Loaded`] / [`Msg::LoadFailed`].
    Load,
    Password {
        provider: String,
        username: String,
        password: String,
        region: Option<String>,
    },
    Mfa {
        provider: String,
        code: String,
    },
    Email {
        provider: String,
        email: String,
        region: Option<String>,
    },
    /// `GET /v2/link/provider/oauth/{provider}` → [`Msg::OauthUrl`].
    OauthUrl {
        provider: String,
    },
}

/// What happened: a user action or an API answer.
#[derive(Debug, Clone)]
pub enum Msg {
    Loaded {
        info: LinkTokenInfo,
        team: TeamLinkConfig,
        providers: Vec<LinkProvider>,
    },
    LoadFailed(ApiError),
    Continue,
    Back,
    Close,
    /// The search query after typing paused.
    SearchSettled(String),
    Select(String),
    SubmitPassword {
        username: String,
        password: String,
        region: Option<String>,
    },
    SubmitMfa(String),
    SubmitEmail {
        email: String,
        region: Option<String>,
    },
    /// Answer of a password, MFA or email request.
    Answer(Result<FlowResponse, ApiError>),
    /// "Continue to <provider>" clicked; `popup` is false when the browser blocked it.
    StartOauth {
        popup: bool,
    },
    OauthUrl(Result<LinkProvider, ApiError>),
    /// A poll of `/v2/link/state` while the sign-in page is open.
    OauthState(LinkStateResponse),
    /// The popup closed; the answer of the one last poll.
    PopupClosed(Option<LinkStateResponse>),
    Retry,
    /// "Continue in this window" after a blocked popup: this window goes to the sign-in page
    /// (offered only when the token has a `redirect_url` to come back to).
    SameWindow,
}

impl Msg {
    /// The password form's message from its fields (the username without surrounding spaces;
    /// an empty region is none).
    pub fn password(username: &str, password: String, region: String) -> Msg {
        Msg::SubmitPassword {
            username: username.trim().to_owned(),
            password,
            region: non_empty(region),
        }
    }

    /// The MFA form's message: the code without spaces (people type "123 456"); `None` when
    /// nothing was typed.
    pub fn mfa(code: &str) -> Option<Msg> {
        let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        (!code.is_empty()).then_some(Msg::SubmitMfa(code))
    }

    /// The email form's message.
    pub fn email(email: &str, region: String) -> Msg {
        Msg::SubmitEmail {
            email: email.trim().to_owned(),
            region: non_empty(region),
        }
    }
}

fn non_empty(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

/// What the widget must do.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Call(Request),
    /// `onEvent(name, metadata)` and `vital-link:event`.
    Event(&'static str, Meta),
    /// `onSuccess`.
    Success(Meta),
    /// `onError` (the error screen is shown).
    Error(Meta),
    /// `onExit`, then the widget is removed.
    Exit(Meta),
    /// Send the top page (or, hosted, this tab) to a URL.
    Navigate(String),
    /// Point the already opened popup at the sign-in page.
    NavigatePopup(String),
    ClosePopup,
    /// Start (or keep) polling `/v2/link/state`.
    Poll,
    StopPoll,
}

/// Error types the user can fix in the form: shown inline, reported as `ERROR` events only.
const INLINE_ERRORS: &[&str] = &[
    "provider_credential_error",
    "incorrect_mfa_code",
    "unsupported_region",
    "invalid_input",
];

/// Whether an error of `error_type` is one the user fixes in the form.
pub fn is_inline_error(error_type: &str) -> bool {
    INLINE_ERRORS.contains(&error_type)
}

/// `error_type` of a URL from the API that the widget refuses to navigate to (`javascript:`,
/// `data:`, ...).
pub const UNSAFE_URL: &str = "unsafe_url";

/// Error types a Retry cannot fix.
const FINAL_ERRORS: &[&str] = &[
    "invalid_token",
    "token_expired",
    "token_consumed",
    "too_many_attempts",
    "invalid_provider",
    "invalid_user_id",
];

/// The state of one link session.
#[derive(Debug, Clone, PartialEq)]
pub struct Flow {
    pub screen: Screen,
    pub info: LinkTokenInfo,
    pub team: Option<TeamLinkConfig>,
    pub providers: Vec<LinkProvider>,
    /// Hosted mode: the widget is the page; completion navigates this tab.
    pub hosted: bool,
    pub lang: Lang,
    /// A success or an error screen was reached: Close then reports `error_type: null`.
    finished: bool,
    succeeded: bool,
    exited: bool,
}

impl Flow {
    /// A new session: shows Loading and asks for the initial load.
    pub fn start(hosted: bool, lang: Lang) -> (Self, Vec<Effect>) {
        let flow = Flow {
            screen: Screen::Loading,
            info: LinkTokenInfo::default(),
            team: None,
            providers: Vec::new(),
            hosted,
            lang,
            finished: false,
            succeeded: false,
            exited: false,
        };
        let fx = vec![
            Effect::Event("OPEN", Meta::new()),
            Effect::Event("TRANSITION_VIEW", Meta::new().with("view", "LOADING")),
            Effect::Call(Request::Load),
        ];
        (flow, fx)
    }

    pub fn view(&self) -> View {
        self.screen.view()
    }

    /// The form on screen (password, MFA, email): provider, busy flag and inline error.
    pub fn form(&self) -> Option<(&LinkProvider, bool, Option<&InlineError>)> {
        let (provider, busy, error) = self.screen.form()?;
        Some((provider, busy, error.as_ref()))
    }

    /// What changes while a screen stays on: a form's busy flag and inline error, the OAuth
    /// phase. The screens watch this one value, so typed text survives its changes.
    pub fn live(&self) -> Live {
        let (busy, error) = self
            .screen
            .form()
            .map_or((false, None), |(_, busy, e)| (busy, e.clone()));
        let phase = match &self.screen {
            Screen::Oauth { phase, .. } => Some(phase.clone()),
            _ => None,
        };
        Live { busy, error, phase }
    }

    pub fn has_exited(&self) -> bool {
        self.exited
    }

    /// The provider the token is restricted to (`provider` option): the picker is skipped.
    pub fn fixed_provider(&self) -> Option<&LinkProvider> {
        let slug = self.info.provider.as_deref()?;
        self.providers.iter().find(|p| p.slug == slug)
    }

    /// Handles one message; returns the effects to run, in order.
    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        if self.exited {
            return Vec::new();
        }
        let mut fx = Vec::new();
        match msg {
            Msg::Loaded {
                info,
                team,
                providers,
            } => {
                if matches!(self.screen, Screen::Loading) {
                    // Only an http(s) redirect_url is ever navigated to; the server refuses
                    // others, so one here means the answer cannot be trusted.
                    let unsafe_redirect = info
                        .redirect_url
                        .as_deref()
                        .is_some_and(|u| web_url(u).is_none());
                    self.info = info;
                    self.team = Some(team);
                    self.providers = providers;
                    if unsafe_redirect {
                        self.info.redirect_url = None;
                        self.fail(&unsafe_url("redirect_url"), None, &mut fx);
                    } else {
                        self.go(Screen::Agreement, &mut fx);
                    }
                }
            }
            Msg::LoadFailed(e) => {
                if matches!(self.screen, Screen::Loading) {
                    let retry = (!FINAL_ERRORS.contains(&e.error_type())).then_some(Retry::Load);
                    self.fail(&e, retry, &mut fx);
                }
            }
            Msg::Continue => match &self.screen {
                Screen::Agreement => self.leave_agreement(&mut fx),
                Screen::Success { .. } => self.close(&mut fx),
                _ => {}
            },
            Msg::Back => self.back(&mut fx),
            Msg::Close => self.close(&mut fx),
            Msg::SearchSettled(query) => {
                if matches!(self.screen, Screen::Picker) {
                    fx.push(Effect::Event(
                        "SEARCH_PROVIDER",
                        Meta::new().with("query", query),
                    ));
                }
            }
            Msg::Select(slug) => {
                if matches!(self.screen, Screen::Picker) {
                    if let Some(p) = self.providers.iter().find(|p| p.slug == slug).cloned() {
                        fx.push(Effect::Event(
                            "SELECT_PROVIDER",
                            Meta::new().with("provider", p.slug.as_str()),
                        ));
                        self.go(form_for(p), &mut fx);
                    }
                }
            }
            Msg::SubmitPassword {
                username,
                password,
                region,
            } => {
                if let Some(provider) =
                    self.begin_submit(View::Password, "SUBMIT_CREDENTIALS", &mut fx)
                {
                    fx.push(Effect::Call(Request::Password {
                        provider,
                        username,
                        password,
                        region,
                    }));
                }
            }
            Msg::SubmitMfa(code) => {
                if let Some(provider) = self.begin_submit(View::Mfa, "SUBMIT_MFA", &mut fx) {
                    fx.push(Effect::Call(Request::Mfa { provider, code }));
                }
            }
            Msg::SubmitEmail { email, region } => {
                // A light check before sending; the server has the last word (422 → inline).
                if !looks_like_email(&email) {
                    if let Screen::Email {
                        busy: false, error, ..
                    } = &mut self.screen
                    {
                        *error = Some(InlineError {
                            error_type: "invalid_input".into(),
                            message: None,
                        });
                    }
                } else if let Some(provider) =
                    self.begin_submit(View::Email, "SUBMIT_CREDENTIALS", &mut fx)
                {
                    fx.push(Effect::Call(Request::Email {
                        provider,
                        email,
                        region,
                    }));
                }
            }
            Msg::Answer(answer) => self.answer(answer, &mut fx),
            Msg::StartOauth { popup } => {
                if let Screen::Oauth {
                    provider,
                    phase: phase @ OauthPhase::Ready,
                } = &mut self.screen
                {
                    *phase = OauthPhase::Starting { popup };
                    fx.push(Effect::Event(
                        "OPEN_OAUTH",
                        Meta::new().with("provider", provider.slug.as_str()),
                    ));
                    fx.push(Effect::Call(Request::OauthUrl {
                        provider: provider.slug.clone(),
                    }));
                }
            }
            Msg::OauthUrl(result) => self.oauth_url(result, &mut fx),
            Msg::OauthState(state) => self.oauth_state(state, &mut fx),
            Msg::PopupClosed(last) => {
                if let Screen::Oauth {
                    phase: OauthPhase::Waiting { popup: true, .. },
                    provider,
                } = &self.screen
                {
                    let slug = provider.slug.clone();
                    match last {
                        Some(s) if s.state != LinkState::Pending => self.oauth_state(s, &mut fx),
                        _ => {
                            fx.push(Effect::StopPoll);
                            fx.push(Effect::Event(
                                "CLOSE_OAUTH",
                                Meta::new().with("provider", slug),
                            ));
                            let back = if self.fixed_provider().is_some() {
                                Screen::Agreement
                            } else {
                                Screen::Picker
                            };
                            self.go(back, &mut fx);
                        }
                    }
                }
            }
            Msg::SameWindow => {
                if let Screen::Oauth {
                    phase: OauthPhase::Waiting { url, popup: false },
                    ..
                } = &self.screen
                {
                    if self.info.redirect_url.is_some() {
                        fx.push(Effect::Navigate(url.clone()));
                    }
                }
            }
            Msg::Retry => {
                if let Screen::Error {
                    retry: Some(retry), ..
                } = &self.screen
                {
                    match retry.clone() {
                        Retry::Load => {
                            self.go(Screen::Loading, &mut fx);
                            fx.push(Effect::Call(Request::Load));
                        }
                        Retry::Return(screen) => {
                            self.finished = false;
                            self.go(*screen, &mut fx);
                        }
                    }
                }
            }
        }
        fx
    }

    /// Starts a submission on the form of `view` unless one is in flight (a double click sends
    /// one request): marks it busy, clears its inline error, reports `event`. Returns the slug.
    fn begin_submit(
        &mut self,
        view: View,
        event: &'static str,
        fx: &mut Vec<Effect>,
    ) -> Option<String> {
        if self.view() != view {
            return None;
        }
        let (provider, busy, error) = self.screen.form_mut()?;
        if *busy {
            return None;
        }
        *busy = true;
        *error = None;
        let slug = provider.slug.clone();
        fx.push(Effect::Event(
            event,
            Meta::new().with("provider", slug.as_str()),
        ));
        Some(slug)
    }

    fn leave_agreement(&mut self, fx: &mut Vec<Effect>) {
        match self.fixed_provider().cloned() {
            // Hosted, one OAuth provider: straight to the provider's page in this tab.
            Some(p) if self.hosted && p.auth_type == AuthType::Oauth => {
                self.go(
                    Screen::Oauth {
                        provider: p.clone(),
                        phase: OauthPhase::Starting { popup: false },
                    },
                    fx,
                );
                fx.push(Effect::Event(
                    "OPEN_OAUTH",
                    Meta::new().with("provider", p.slug.as_str()),
                ));
                fx.push(Effect::Call(Request::OauthUrl { provider: p.slug }));
            }
            Some(p) => self.go(form_for(p), fx),
            None if self.info.provider.is_some() => {
                // The token names a provider the server does not offer (not linkable).
                let e = ApiError::Link {
                    status: 400,
                    error_type: "invalid_provider".into(),
                    message: String::new(),
                };
                self.fail(&e, None, fx);
            }
            None => self.go(Screen::Picker, fx),
        }
    }

    fn back(&mut self, fx: &mut Vec<Effect>) {
        let to = match &self.screen {
            Screen::Picker => Screen::Agreement,
            Screen::Password { busy: false, .. }
            | Screen::Email { busy: false, .. }
            | Screen::Oauth {
                phase: OauthPhase::Ready,
                ..
            } => {
                if self.fixed_provider().is_some() {
                    Screen::Agreement
                } else {
                    Screen::Picker
                }
            }
            Screen::Oauth { provider, .. } => {
                fx.push(Effect::StopPoll);
                fx.push(Effect::ClosePopup);
                fx.push(Effect::Event(
                    "CLOSE_OAUTH",
                    Meta::new().with("provider", provider.slug.as_str()),
                ));
                Screen::Oauth {
                    provider: provider.clone(),
                    phase: OauthPhase::Ready,
                }
            }
            Screen::Mfa {
                provider,
                busy: false,
                ..
            } => Screen::Password {
                provider: provider.clone(),
                busy: false,
                error: None,
            },
            _ => return,
        };
        self.go(to, fx);
    }

    fn close(&mut self, fx: &mut Vec<Effect>) {
        let provider = self.screen.provider().map(|p| p.slug.clone());
        let view = self.view().name();
        let error_type = (!self.finished).then_some("user_cancelled");
        fx.push(Effect::StopPoll);
        fx.push(Effect::ClosePopup);
        fx.push(Effect::Event(
            "EXIT",
            Meta::new()
                .with("view", view)
                .with("provider", provider.clone()),
        ));
        fx.push(Effect::Exit(
            Meta::new()
                .with("state", "exit")
                .with("error_type", error_type)
                .with("provider", provider.clone())
                .with("view", view),
        ));
        self.exited = true;
        if !self.succeeded && self.info.on_close == Some(RedirectPolicy::Redirect) {
            if let Some(url) = &self.info.redirect_url {
                let mut params = vec![
                    ("state", "error".to_owned()),
                    ("error_type", "user_cancelled".to_owned()),
                    ("error", "The user closed the widget.".to_owned()),
                ];
                if let Some(p) = &provider {
                    params.push(("provider", p.clone()));
                }
                fx.push(Effect::Navigate(with_query(url, &params)));
            }
        }
    }

    fn answer(&mut self, answer: Result<FlowResponse, ApiError>, fx: &mut Vec<Effect>) {
        let provider = match &mut self.screen {
            Screen::Password { provider, busy, .. }
            | Screen::Mfa { provider, busy, .. }
            | Screen::Email { provider, busy, .. }
                if *busy =>
            {
                *busy = false;
                provider.clone()
            }
            _ => return,
        };
        let resp = match answer {
            Ok(r) => r,
            Err(e) => {
                if e.is_inline() {
                    return self.inline_error(e.error_type().to_owned(), None, fx);
                }
                let retry = self.retry_for(&e);
                return self.fail(&e, retry, fx);
            }
        };
        match resp.state {
            FlowState::Success => self.succeed(provider, fx),
            FlowState::PendingProviderMfa => {
                let mfa = resp.provider_mfa.unwrap_or(link_contract::ProviderMfa {
                    method: MfaMethod::Sms,
                    hint: None,
                });
                self.go(
                    Screen::Mfa {
                        provider,
                        method: mfa.method,
                        hint: mfa.hint,
                        busy: false,
                        error: None,
                    },
                    fx,
                );
            }
            FlowState::Error => {
                let error_type = resp
                    .error_type
                    .unwrap_or_else(|| "provider_api_error".into());
                if INLINE_ERRORS.contains(&error_type.as_str()) {
                    self.inline_error(error_type, resp.error, fx);
                } else {
                    let e = ApiError::Link {
                        status: 200,
                        error_type,
                        message: resp.error.unwrap_or_default(),
                    };
                    let retry = self.retry_for(&e);
                    self.fail(&e, retry, fx);
                }
            }
        }
    }

    fn inline_error(&mut self, error_type: String, message: Option<String>, fx: &mut Vec<Effect>) {
        let provider = self.screen.provider().map(|p| p.slug.clone());
        fx.push(Effect::Event(
            "ERROR",
            Meta::new()
                .with("error_type", error_type.as_str())
                .with("provider", provider.clone()),
        ));
        if let Some((_, _, error)) = self.screen.form_mut() {
            *error = Some(InlineError {
                error_type,
                message,
            });
        }
    }

    fn retry_for(&self, e: &ApiError) -> Option<Retry> {
        if FINAL_ERRORS.contains(&e.error_type()) {
            return None;
        }
        let mut back = self.screen.clone();
        if let Some((_, _, error)) = back.form_mut() {
            *error = None;
        }
        if let Screen::Oauth { phase, .. } = &mut back {
            *phase = OauthPhase::Ready;
        }
        Some(Retry::Return(Box::new(back)))
    }

    fn succeed(&mut self, provider: LinkProvider, fx: &mut Vec<Effect>) {
        if self.succeeded {
            return;
        }
        self.succeeded = true;
        self.finished = true;
        fx.push(Effect::StopPoll);
        fx.push(Effect::ClosePopup);
        fx.push(Effect::Event(
            "HANDOFF",
            Meta::new().with("provider", provider.slug.as_str()),
        ));
        fx.push(Effect::Success(
            Meta::new()
                .with("state", "success")
                .with("provider", provider.slug.as_str())
                .with("provider_name", provider.name.as_str())
                .with("auth_type", provider.auth_type.as_str()),
        ));
        let slug = provider.slug.clone();
        self.go(Screen::Success { provider }, fx);
        if self.hosted {
            if let Some(url) = &self.info.redirect_url {
                fx.push(Effect::Navigate(with_query(
                    url,
                    &[("state", "success".into()), ("provider", slug)],
                )));
            }
        }
    }

    /// Shows the error screen, fires `onError` once for it, and honours `on_error=redirect`.
    fn fail(&mut self, e: &ApiError, retry: Option<Retry>, fx: &mut Vec<Effect>) {
        let provider = self.screen.provider().map(|p| p.slug.clone());
        let oauth = self
            .screen
            .provider()
            .is_some_and(|p| p.auth_type == AuthType::Oauth);
        let error_type = e.error_type().to_owned();
        let message = e.message().map(str::to_owned);
        self.finished = true;
        fx.push(Effect::StopPoll);
        fx.push(Effect::ClosePopup);
        fx.push(Effect::Event(
            "ERROR",
            Meta::new()
                .with("error_type", error_type.as_str())
                .with("provider", provider.clone()),
        ));
        fx.push(Effect::Error(
            Meta::new()
                .with("state", "error")
                .with("error_type", error_type.as_str())
                .with("error", message.clone().unwrap_or_default())
                .with(
                    "display_message",
                    self.lang.flow_error_message(&error_type, oauth),
                )
                .with("provider", provider.clone()),
        ));
        let redirect = self.redirect_on_error(&error_type, message.as_deref(), provider.as_deref());
        self.go(
            Screen::Error {
                error_type,
                message,
                provider,
                retry,
            },
            fx,
        );
        fx.extend(redirect);
    }

    fn redirect_on_error(
        &self,
        error_type: &str,
        message: Option<&str>,
        provider: Option<&str>,
    ) -> Option<Effect> {
        let url = self.info.redirect_url.as_ref()?;
        if self.info.on_error != Some(RedirectPolicy::Redirect) && !self.hosted {
            return None;
        }
        let mut params = vec![
            ("state", "error".to_owned()),
            ("error_type", error_type.to_owned()),
            ("error", message.unwrap_or(error_type).to_owned()),
        ];
        if let Some(p) = provider {
            params.push(("provider", p.to_owned()));
        }
        Some(Effect::Navigate(with_query(url, &params)))
    }

    fn oauth_url(&mut self, result: Result<LinkProvider, ApiError>, fx: &mut Vec<Effect>) {
        let Screen::Oauth {
            phase: OauthPhase::Starting { popup },
            ..
        } = self.screen
        else {
            return;
        };
        let url = match result {
            Ok(LinkProvider {
                oauth_url: Some(url),
                ..
            }) if web_url(&url).is_some() => url,
            Ok(LinkProvider {
                oauth_url: Some(_), ..
            }) => {
                let e = unsafe_url("oauth_url");
                let retry = self.retry_for(&e);
                return self.fail(&e, retry, fx);
            }
            Ok(_) => {
                let e = ApiError::BadResponse { status: 200 };
                let retry = self.retry_for(&e);
                return self.fail(&e, retry, fx);
            }
            Err(e) => {
                let retry = self.retry_for(&e);
                return self.fail(&e, retry, fx);
            }
        };
        if self.hosted && self.fixed_provider().is_some() {
            fx.push(Effect::Navigate(url));
            return;
        }
        if let Screen::Oauth { phase, .. } = &mut self.screen {
            *phase = OauthPhase::Waiting {
                url: url.clone(),
                popup,
            };
        }
        if popup {
            fx.push(Effect::NavigatePopup(url));
        }
        fx.push(Effect::Poll);
    }

    fn oauth_state(&mut self, state: LinkStateResponse, fx: &mut Vec<Effect>) {
        let Screen::Oauth {
            provider,
            phase: OauthPhase::Waiting { .. },
        } = &self.screen
        else {
            return;
        };
        if state
            .provider
            .as_deref()
            .is_some_and(|p| p != provider.slug)
        {
            return;
        }
        let provider = provider.clone();
        match state.state {
            LinkState::Pending => {}
            LinkState::Success => self.succeed(provider, fx),
            LinkState::Error => {
                let e = ApiError::Link {
                    status: 200,
                    error_type: state
                        .error_type
                        .unwrap_or_else(|| "provider_api_error".into()),
                    message: state.error.unwrap_or_default(),
                };
                let retry = self.retry_for(&e);
                self.fail(&e, retry, fx);
            }
        }
    }

    /// Moves to `screen`, reporting `TRANSITION_VIEW` when the view changes.
    fn go(&mut self, screen: Screen, fx: &mut Vec<Effect>) {
        let from = self.view();
        self.screen = screen;
        let to = self.view();
        if from != to {
            fx.push(Effect::Event(
                "TRANSITION_VIEW",
                Meta::new().with("view", to.name()),
            ));
        }
    }
}

/// The error for a URL from the API that is not `http(s)` (it is never navigated to).
fn unsafe_url(field: &str) -> ApiError {
    ApiError::Link {
        status: 200,
        error_type: UNSAFE_URL.into(),
        message: ["The API's ", field, " is not an http(s) URL."].concat(),
    }
}

/// The first screen of a provider's flow.
fn form_for(provider: LinkProvider) -> Screen {
    match provider.auth_type {
        AuthType::Email => Screen::Email {
            provider,
            busy: false,
            error: None,
        },
        AuthType::Oauth => Screen::Oauth {
            provider,
            phase: OauthPhase::Ready,
        },
        _ => Screen::Password {
            provider,
            busy: false,
            error: None,
        },
    }
}

/// `url` with `params` appended to whatever query it already has (fragment kept last).
/// An address worth sending: `local@domain.tld`, no spaces.
pub fn looks_like_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.contains(char::is_whitespace)
        && !domain.contains('@')
}

pub fn with_query(url: &str, params: &[(&str, String)]) -> String {
    let (base, fragment) = match url.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (url, None),
    };
    let mut out = String::from(base);
    let mut sep = if base.contains('?') {
        if base.ends_with('?') || base.ends_with('&') {
            ""
        } else {
            "&"
        }
    } else {
        "?"
    };
    for (k, v) in params {
        out.push_str(sep);
        out.push_str(k);
        out.push('=');
        out.push_str(&percent_encode(v));
        sep = "&";
    }
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    out
}

fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            out.push('%');
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 15) as usize] as char);
        }
    }
    out
}

#[cfg(test)]
mod tests;
