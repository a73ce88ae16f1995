//! The controller: owns the [`Flow`] in a signal, feeds it messages and runs the effects it
//! returns (API calls, polling, the popup, reports to `initialize.js`). Components read the
//! flow through [`Ctrl::flow`] and send it messages with [`Ctrl::send`].

use std::{
    cell::{Cell, RefCell},
    rc::Rc,
};

use leptos::{prelude::*, task::spawn_local};
use link_contract::{LinkState, LinkStateResponse};

use crate::{
    api::{self, Api, ApiError},
    flow::{Effect, Flow, Msg, Request},
    host::{self, Emitter, Popup},
    i18n::{Key, Lang},
    meta::Meta,
    url,
};

/// How the widget was opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Mode {
    /// An overlay dialog (focus trap, Esc closes) rather than inline in a host container.
    pub modal: bool,
    /// Hosted page (`link_web_url`): the widget is the page.
    pub hosted: bool,
}

/// The session's language: ready, or its file on the way (`initialize.js` fetches it while the
/// wasm loads and the first API request runs).
#[derive(Debug, Clone)]
pub enum Locale {
    Ready(Lang),
    /// `text` resolves to the text of `locales/<code>.json`, or to `null` when it could not be
    /// loaded (then the widget stays English).
    Fetching {
        code: String,
        text: js_sys::Promise,
    },
}

/// A handle to the session's flow and services; `Copy`, so every handler can hold one.
/// Created inside the widget's reactive owner, it is disposed with it on unmount.
#[derive(Clone, Copy)]
pub struct Ctrl {
    pub flow: RwSignal<Flow, LocalStorage>,
    /// English until the locale's file is in.
    pub lang: RwSignal<Lang, LocalStorage>,
    inner: StoredValue<Rc<Inner>, LocalStorage>,
}

struct Inner {
    api: Api,
    /// The locale file on its way, until the first load awaits it.
    locale: RefCell<Option<(String, js_sys::Promise)>>,
    /// Whether a locale file is awaited: the loading screen then shows no English text.
    pending: Cell<bool>,
    mode: Mode,
    emitter: Emitter,
    popup: Popup,
    /// The page's origin: logos load only from there.
    origin: String,
    /// Bumped to stop the current poll loop; `u32::MAX` once disposed.
    poll_generation: Cell<u32>,
}

impl Ctrl {
    /// A new session at its first screen, and the effects to start it with ([`Ctrl::run`]).
    pub fn new(api: Api, emitter: Emitter, locale: Locale, mode: Mode) -> (Self, Vec<Effect>) {
        let (lang, fetching) = match locale {
            Locale::Ready(lang) => (lang, None),
            Locale::Fetching { code, text } => (Lang::EN, Some((code, text))),
        };
        let (flow, fx) = Flow::start(mode.hosted, lang);
        let inner = Inner {
            api,
            pending: Cell::new(fetching.is_some()),
            locale: RefCell::new(fetching),
            mode,
            emitter,
            popup: Popup::default(),
            origin: host::origin(),
            poll_generation: Cell::new(0),
        };
        let ctrl = Ctrl {
            flow: RwSignal::new_local(flow),
            lang: RwSignal::new_local(lang),
            inner: StoredValue::new_local(Rc::new(inner)),
        };
        (ctrl, fx)
    }

    fn inner(&self) -> Option<Rc<Inner>> {
        self.inner.try_get_value()
    }

    pub fn lang(&self) -> Lang {
        self.lang.try_get_untracked().unwrap_or_default()
    }

    pub fn t(&self, key: Key) -> &'static str {
        self.lang().t(key)
    }

    /// The text of `key` with its placeholders filled.
    pub fn fill(&self, key: Key, args: &[(&str, &str)]) -> String {
        self.lang().fill(key, args)
    }

    /// Whether the locale's file is still awaited (nothing English is shown meanwhile).
    pub fn locale_pending(&self) -> bool {
        self.inner().is_some_and(|i| i.pending.get())
    }

    /// The locale's file is in (`None`: it failed, English stays).
    fn set_lang(&self, lang: Option<Lang>) {
        if let Some(i) = self.inner() {
            i.pending.set(false);
        }
        match lang {
            Some(lang) => {
                self.lang.try_set(lang);
                self.flow.try_update(|f| f.lang = lang);
            }
            // English stays; the loading screen, drawn without words so far, gets them.
            None => {
                self.lang.try_update(|_| ());
            }
        }
    }

    pub fn mode(&self) -> Mode {
        self.inner().map(|i| i.mode).unwrap_or_default()
    }

    /// Where a logo of the API may load from, or `None` to draw the initial instead.
    pub fn logo_src(&self, logo: &str) -> Option<String> {
        let i = self.inner()?;
        url::logo_src(i.api.base(), &i.origin, logo)
    }

    /// Feeds `msg` to the flow and runs the resulting effects (nothing once unmounted).
    pub fn send(&self, msg: Msg) {
        if let Some(fx) = self.flow.try_update(|f| f.update(msg)) {
            self.run(fx);
        }
    }

    /// What a button sends when pressed. "Continue to <provider>" (`StartOauth`) first opens
    /// the popup, synchronously inside the click handler, or popup blockers step in.
    pub fn press(&self, msg: Msg) {
        match msg {
            Msg::StartOauth { .. } => {
                let popup = self.inner().is_some_and(|i| i.popup.open());
                self.send(Msg::StartOauth { popup });
            }
            msg => self.send(msg),
        }
    }

    pub fn run(&self, fx: Vec<Effect>) {
        let Some(i) = self.inner() else { return };
        for e in fx {
            match e {
                Effect::Call(req) => {
                    let c = *self;
                    let api = i.api.clone();
                    // The first load also waits for the locale's file, fetched in parallel: the
                    // loading screen stays until both are in, so nothing shows in English first.
                    // The locale applies as soon as its file is in, so the loading screen already
                    // has the locale's direction (right-to-left) while the API answers.
                    let locale = i.locale.take();
                    spawn_local(async move {
                        let apply = async {
                            if let Some(lang) = locale_text(locale).await {
                                c.set_lang(lang);
                            }
                        };
                        let (msg, ()) = futures::join!(call(&api, req), apply);
                        c.send(msg);
                    });
                }
                Effect::Event(name, mut meta) => {
                    meta.set("name", name);
                    if meta.get("view").is_none() {
                        let view = self.flow.try_with_untracked(|f| f.view().name());
                        meta.set("view", view);
                    }
                    i.emitter.emit("event", &meta);
                }
                Effect::Success(m) => i.emitter.emit("success", &m),
                Effect::Error(m) => i.emitter.emit("error", &m),
                Effect::Exit(m) => {
                    self.stop_polling();
                    i.emitter.emit("exit", &m)
                }
                // Through initialize.js, so the navigation follows the callbacks queued before it.
                Effect::Navigate(url) => i.emitter.emit("navigate", &Meta::new().with("url", url)),
                Effect::NavigatePopup(url) => i.popup.navigate(&url),
                Effect::ClosePopup => i.popup.close(),
                Effect::Poll => self.start_polling(),
                Effect::StopPoll => self.stop_polling(),
            }
        }
    }

    fn stop_polling(&self) {
        if let Some(i) = self.inner() {
            let g = &i.poll_generation;
            if g.get() != u32::MAX {
                g.set(g.get() + 1);
            }
        }
    }

    /// Polls `/v2/link/state` with backoff until a final state, the popup closing, or a stop.
    fn start_polling(&self) {
        self.stop_polling();
        let Some(i) = self.inner() else { return };
        let generation = i.poll_generation.get();
        if generation == u32::MAX {
            return;
        }
        let c = *self;
        spawn_local(async move {
            let mut delay = 400;
            loop {
                host::sleep(delay).await;
                if i.poll_generation.get() != generation {
                    return;
                }
                let closed = i.popup.is_closed();
                let state = match i.api.state().await {
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
                if i.poll_generation.get() != generation {
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

    /// Stops everything this session started: polling, the popup, requests in flight.
    pub fn dispose(&self) {
        if let Some(i) = self.inner() {
            i.poll_generation.set(u32::MAX);
            i.popup.close();
            i.api.abort_all();
        }
    }
}

/// The locale of `fetching` once its file is in: `Some(None)` when it failed (English stays),
/// `None` when no file was awaited.
async fn locale_text(fetching: Option<(String, js_sys::Promise)>) -> Option<Option<Lang>> {
    let (code, text) = fetching?;
    let text = wasm_bindgen_futures::JsFuture::from(text).await.ok();
    Some(
        text.and_then(|t| t.as_string())
            .and_then(|t| Lang::parse(&code, &t)),
    )
}

/// Runs one request of the flow; its answer as the message the flow expects.
async fn call(api: &Api, req: Request) -> Msg {
    let Some((path, body)) = api::route(&req) else {
        return match api.initial().await {
            Ok(i) => Msg::Loaded {
                info: i.info,
                team: i.team,
                providers: i.providers,
            },
            Err(e) => Msg::LoadFailed(e),
        };
    };
    let answer = api.send(&path, body).await;
    match req {
        Request::OauthUrl { .. } => Msg::OauthUrl(api::read(answer)),
        _ => Msg::Answer(api::read(answer)),
    }
}
