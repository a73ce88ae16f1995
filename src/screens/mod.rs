//! [`App`] owns the [`Flow`] in a signal, runs its effects through [`Ctrl`], and draws the
//! [`Page`] of the current screen: one view per kind of [`Block`], the form in `form`, the
//! provider picker in `picker`.

mod form;
pub mod picker;

use std::sync::{
    atomic::{AtomicU32, Ordering},
    Arc,
};

use leptos::{html, prelude::*, task::spawn_local};
use link_contract::{EmailRequest, LinkState, LinkStateResponse, PasswordRequest};
use wasm_bindgen::JsCast;

use crate::{
    api::{Api, ApiError},
    flow::{Effect, Flow, InlineError, Msg, Request, View},
    host::{self, Emitter, Popup},
    i18n::{Key, Lang},
    markup::Markup,
    meta::Meta,
    page::{self, Action, Block, Page},
};

/// How the widget was opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Mode {
    /// An overlay dialog (focus trap, Esc closes) rather than inline in a host container.
    pub modal: bool,
    /// Hosted page (`link_web_url`): the widget is the page.
    pub hosted: bool,
}

/// The widget's controller: sends messages to the flow and runs the effects it returns.
#[derive(Clone)]
pub struct Ctrl {
    pub flow: RwSignal<Flow>,
    pub api: Api,
    pub lang: Lang,
    pub mode: Mode,
    emitter: Emitter,
    popup: Popup,
    /// Bumped to stop the current poll loop.
    poll_generation: Arc<AtomicU32>,
}

impl Ctrl {
    pub fn new(api: Api, emitter: Emitter, lang: Lang, mode: Mode) -> (Self, Vec<Effect>) {
        let (flow, fx) = Flow::start(mode.hosted, lang);
        let ctrl = Ctrl {
            flow: RwSignal::new(flow),
            api,
            lang,
            mode,
            emitter,
            popup: Popup::default(),
            poll_generation: Arc::new(AtomicU32::new(0)),
        };
        (ctrl, fx)
    }

    pub fn t(&self, key: Key) -> &'static str {
        self.lang.t(key)
    }

    /// What a page's button does when clicked.
    fn act(&self, action: &Action) {
        match action {
            Action::Continue => self.send(Msg::Continue),
            Action::Close => self.send(Msg::Close),
            Action::Retry => self.send(Msg::Retry),
            Action::Oauth => {
                let popup = self.open_popup();
                self.send(Msg::StartOauth { popup });
            }
            Action::Navigate(url) => self.run(vec![Effect::Navigate(url.clone())]),
        }
    }

    /// Feeds `msg` to the flow and runs the resulting effects.
    pub fn send(&self, msg: Msg) {
        let fx = self.flow.try_update(|f| f.update(msg)).unwrap_or_default();
        self.run(fx);
    }

    pub fn run(&self, fx: Vec<Effect>) {
        for e in fx {
            match e {
                Effect::Call(req) => {
                    let c = self.clone();
                    spawn_local(async move {
                        let msg = c.call(req).await;
                        c.send(msg);
                    });
                }
                Effect::Event(name, mut meta) => {
                    meta.set("name", name);
                    if meta.get("view").is_none() {
                        let view = self.flow.try_with_untracked(|f| f.view().name());
                        meta.set("view", view);
                    }
                    self.emitter.emit("event", &meta);
                }
                Effect::Success(m) => self.emitter.emit("success", &m),
                Effect::Error(m) => self.emitter.emit("error", &m),
                Effect::Exit(m) => {
                    self.stop_polling();
                    self.emitter.emit("exit", &m)
                }
                // Through initialize.js, so the navigation follows the callbacks queued before it.
                Effect::Navigate(url) => {
                    self.emitter.emit("navigate", &Meta::new().with("url", url))
                }
                Effect::NavigatePopup(url) => self.popup.navigate(&url),
                Effect::ClosePopup => self.popup.close(),
                Effect::Poll => self.start_polling(),
                Effect::StopPoll => self.stop_polling(),
            }
        }
    }

    async fn call(&self, req: Request) -> Msg {
        let api = &self.api;
        match req {
            Request::Load => match api.initial().await {
                Ok(i) => Msg::Loaded {
                    info: i.info,
                    team: i.team,
                    providers: i.providers,
                },
                Err(e) => Msg::LoadFailed(e),
            },
            Request::Password {
                provider,
                username,
                password,
                region,
            } => Msg::Answer(
                api.password(
                    &provider,
                    &PasswordRequest {
                        username,
                        password,
                        region,
                    },
                )
                .await,
            ),
            Request::Mfa { provider, code } => Msg::Answer(api.complete_mfa(&provider, code).await),
            Request::Email {
                provider,
                email,
                region,
            } => Msg::Answer(api.email(&provider, &EmailRequest { email, region }).await),
            Request::OauthUrl { provider } => Msg::OauthUrl(api.oauth_provider(&provider).await),
        }
    }

    /// Opens the OAuth popup; call it synchronously in the click handler (popup blockers).
    pub fn open_popup(&self) -> bool {
        self.popup.open()
    }

    fn stop_polling(&self) {
        self.poll_generation.fetch_add(1, Ordering::SeqCst);
    }

    /// Polls `/v2/link/state` with backoff until a final state, the popup closing, or a stop.
    fn start_polling(&self) {
        let generation = self.poll_generation.fetch_add(1, Ordering::SeqCst) + 1;
        let c = self.clone();
        spawn_local(async move {
            let mut delay = 400;
            loop {
                host::sleep(delay).await;
                if c.poll_generation.load(Ordering::SeqCst) != generation {
                    return;
                }
                let closed = c.popup.is_closed();
                let state = match c.api.state().await {
                    Ok(s) => Some(s),
                    // The token died while the user was away: show it.
                    Err(e @ ApiError::Link { status: 401, .. }) => Some(LinkStateResponse {
                        state: LinkState::Error,
                        provider: None,
                        error_type: Some(e.error_type().to_owned()),
                        error: e.message().map(str::to_owned),
                    }),
                    Err(_) => None,
                };
                if c.poll_generation.load(Ordering::SeqCst) != generation {
                    return;
                }
                if closed {
                    c.send(Msg::PopupClosed(state));
                    return;
                }
                if let Some(s) = state {
                    c.send(Msg::OauthState(s));
                }
                delay = (delay * 3 / 2).min(2_500);
            }
        });
    }

    /// Stops everything this session started (polling, popup).
    pub fn dispose(&self) {
        self.stop_polling();
        self.popup.close();
    }
}

/// An image URL of the API (a logo) if it can load under the host's CSP, that is when it is on
/// the page's own origin; else `None` and the screens draw without it (a cross-origin image
/// would be a CSP violation under `img-src 'self'`).
pub fn logo_src(api: &Api, logo: &str) -> Option<String> {
    if logo.is_empty() {
        return None;
    }
    let absolute = if logo.starts_with('/') {
        [api.base(), logo].concat()
    } else {
        logo.to_owned()
    };
    let origin = web_sys::window()?.location().origin().ok()?;
    (absolute.starts_with(&origin) && absolute[origin.len()..].starts_with('/')).then_some(absolute)
}

/// Header with Back (where meaningful) and Close.
#[component]
pub fn Header(ctrl: Ctrl, #[prop(optional)] back: bool) -> impl IntoView {
    let (c1, c2) = (ctrl.clone(), ctrl.clone());
    view! {
        <header class="vl-header">
            {back.then(|| view! {
                <button type="button" class="vl-icon-button vl-back" aria-label=c1.t(Key::Back)
                    on:click=move |_| c1.send(Msg::Back)>"‹"</button>
            })}
            <span class="vl-spacer"></span>
            <button type="button" class="vl-icon-button vl-close" aria-label=c2.t(Key::Close)
                on:click=move |_| c2.send(Msg::Close)>"×"</button>
        </header>
    }
}

/// What the views of a page read: the controller, and the form's busy flag and inline error
/// (signals of their own, so a form is not redrawn when they change).
#[derive(Clone)]
struct Cx {
    ctrl: Ctrl,
    busy: Memo<bool>,
    error: Memo<Option<InlineError>>,
}

/// The whole widget for one session.
#[component]
pub fn App(ctrl: Ctrl) -> impl IntoView {
    let dialog = NodeRef::<html::Div>::new();
    let flow = ctrl.flow;
    let lang = ctrl.lang;
    let page = Memo::new(move |_| flow.with(|f| page::page(f, lang)));
    let cx = Cx {
        ctrl: ctrl.clone(),
        busy: Memo::new(move |_| flow.with(|f| f.form().is_some_and(|(_, busy, _)| busy))),
        error: Memo::new(move |_| flow.with(|f| f.form().and_then(|(_, _, e)| e.cloned()))),
    };

    // Marks each view's first paint for the benchmark; moves focus into each new page.
    let painted = StoredValue::new(Vec::<View>::new());
    leptos::prelude::Effect::new(move |_| {
        let v = page.with(|p| p.view);
        let first = painted.try_update_value(|seen| {
            let first = !seen.contains(&v);
            if first {
                seen.push(v);
            }
            first
        });
        request_animation_frame(move || {
            if first == Some(true) {
                host::mark("vital-link:paint:", v.name());
            }
            // The widget may have been destroyed before this frame.
            if let Some(el) = dialog.try_get_untracked().flatten() {
                if !host::focus_first(&el, "[data-autofocus]") {
                    host::focus_first(&el, "h1");
                }
            }
        });
    });

    let c = ctrl.clone();
    on_cleanup(move || c.dispose());

    let c = ctrl.clone();
    let on_keydown = move |ev: web_sys::KeyboardEvent| {
        if ev.key() == "Escape" && c.mode.modal {
            ev.prevent_default();
            c.send(Msg::Close);
        } else if ev.key() == "Tab" && c.mode.modal {
            if let Some(el) = dialog.get_untracked() {
                trap_focus(&el, &ev);
            }
        }
    };

    let modal = ctrl.mode.modal;
    view! {
        <div
            class="vl-dialog"
            class:vl-hosted=ctrl.mode.hosted
            role="dialog"
            aria-modal=modal.then_some("true")
            aria-labelledby="vl-title"
            lang=ctrl.lang.code()
            node_ref=dialog
            on:keydown=on_keydown
        >
            {move || render(page.get(), &cx)}
        </div>
    }
}

/// A page: the header, then its blocks in `<main>`: the static ones as one piece of markup,
/// the form and the picker as views of their own.
fn render(page: Page, cx: &Cx) -> impl IntoView {
    let Page {
        view,
        header,
        class,
        blocks,
    } = page;
    let mut parts = Vec::new();
    let mut run = Vec::new();
    for b in blocks {
        match b {
            Block::Form(f) => {
                parts.push(markup(std::mem::take(&mut run), cx));
                parts.push(form::form(f, cx));
            }
            Block::Picker => {
                parts.push(markup(std::mem::take(&mut run), cx));
                parts.push(view! { <picker::Picker ctrl=cx.ctrl.clone() /> }.into_any());
            }
            b => run.push(b),
        }
    }
    parts.push(markup(run, cx));
    view! {
        {header.map(|back| view! { <Header ctrl=cx.ctrl.clone() back /> })}
        <main class=class aria-busy=(view == View::Loading).then_some("true")>{parts}</main>
    }
}

/// Static blocks as markup in a `display: contents` element; one listener runs their buttons.
fn markup(blocks: Vec<Block>, cx: &Cx) -> AnyView {
    if blocks.is_empty() {
        return ().into_any();
    }
    let api = cx.ctrl.api.clone();
    let Markup { html, actions } = Markup::of(&blocks, &|logo| logo_src(&api, logo));
    let ctrl = cx.ctrl.clone();
    let on_click = move |ev: web_sys::MouseEvent| {
        let action = host::clicked(&ev, "data-action")
            .and_then(|i| i.parse::<usize>().ok())
            .and_then(|i| actions.get(i));
        if let Some(action) = action {
            ctrl.act(action);
        }
    };
    view! { <div class="vl-contents" inner_html=html on:click=on_click></div> }.into_any()
}

/// Keeps Tab and Shift+Tab inside the dialog.
fn trap_focus(dialog: &web_sys::HtmlDivElement, ev: &web_sys::KeyboardEvent) {
    let items = host::all(
        dialog,
        "button:not([disabled]), a[href], input:not([disabled]), select:not([disabled]), [tabindex]:not([tabindex='-1'])",
    );
    let (Some(first), Some(last)) = (items.first(), items.last()) else {
        ev.prevent_default();
        return;
    };
    let active = host::active_element(dialog);
    let active = active.as_ref().map(|a| a.unchecked_ref::<web_sys::Node>());
    let at_first = active.is_some_and(|a| a.is_same_node(Some(first)));
    let at_last = active.is_some_and(|a| a.is_same_node(Some(last)));
    let outside = !active.is_some_and(|a| dialog.contains(Some(a)));
    if ev.shift_key() && (at_first || outside) {
        ev.prevent_default();
        let _ = last.focus();
    } else if !ev.shift_key() && (at_last || outside) {
        ev.prevent_default();
        let _ = first.focus();
    }
}
