//! Puts the [`Flow`] on screen and runs its effects. [`Ctrl`] owns the flow; after each
//! message it redraws the dialog from the [`Page`] when the page changed (as markup, see
//! [`crate::markup`]), and patches in place what changes while a page stays: the form's busy
//! state and inline error, and the picker's rows as the user types. Five listeners on the
//! dialog (click, submit, input, keydown, and the search's pause timer) serve every page.

use std::{
    cell::{Cell, RefCell},
    rc::Rc,
};

use link_contract::{LinkState, LinkStateResponse};
use wasm_bindgen::{prelude::*, JsCast};
use wasm_bindgen_futures::spawn_local;
use web_sys::{Element, HtmlElement, HtmlInputElement};

use crate::{
    api::{self, Api, ApiError},
    flow::{Effect, Flow, InlineError, Msg, Request, View},
    host::{self, Emitter, Popup},
    i18n::Lang,
    markup::{Env, Markup},
    meta::Meta,
    page::{self, Action, Block, Field, Form, Page},
    search,
};

/// How the widget was opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Mode {
    /// An overlay dialog (focus trap, Esc closes) rather than inline in a host container.
    pub modal: bool,
    /// Hosted page (`link_web_url`): the widget is the page.
    pub hosted: bool,
}

/// The widget's controller: sends messages to the flow, draws it and runs its effects.
#[derive(Clone)]
pub struct Ctrl(Rc<Inner>);

struct Inner {
    flow: RefCell<Flow>,
    api: Api,
    lang: Lang,
    mode: Mode,
    emitter: Emitter,
    popup: Popup,
    /// Bumped to stop the current poll loop.
    poll_generation: Cell<u32>,
    dialog: HtmlElement,
    drawn: RefCell<Drawn>,
    /// The dialog's listeners and the search timer's callback; dropped on unmount (they hold
    /// the controller, so keeping them would keep it alive).
    listeners: RefCell<Vec<(&'static str, Listener)>>,
    /// The search query, and its pending SEARCH_PROVIDER timer.
    query: RefCell<String>,
    search_timer: Cell<Option<i32>>,
    /// Views painted once already (the benchmark marks each view's first paint).
    painted: RefCell<Vec<View>>,
    disposed: Cell<bool>,
}

type Listener = Closure<dyn FnMut(JsValue)>;

/// What is on screen: the page, its buttons' actions and the form state last drawn.
#[derive(Default)]
struct Drawn {
    page: Option<Page>,
    actions: Vec<Action>,
    busy: bool,
    error: Option<InlineError>,
}

const FOCUSABLE: &str = "button:not([disabled]), a[href], input:not([disabled]), select:not([disabled]), [tabindex]:not([tabindex='-1'])";

impl Ctrl {
    /// Creates the dialog in `container`, draws the first page and returns the effects to
    /// start with ([`Ctrl::run`] them).
    pub fn new(
        container: &Element,
        api: Api,
        emitter: Emitter,
        lang: Lang,
        mode: Mode,
    ) -> (Self, Vec<Effect>) {
        let (flow, fx) = Flow::start(mode.hosted, lang);
        let dialog: HtmlElement = host::element("div");
        let class = if mode.hosted {
            "vl-dialog vl-hosted"
        } else {
            "vl-dialog"
        };
        for (name, value) in [
            ("class", class),
            ("role", "dialog"),
            ("aria-labelledby", "vl-title"),
            ("lang", lang.code()),
        ] {
            let _ = dialog.set_attribute(name, value);
        }
        if mode.modal {
            let _ = dialog.set_attribute("aria-modal", "true");
        }
        let _ = container.append_child(&dialog);
        let ctrl = Ctrl(Rc::new(Inner {
            flow: RefCell::new(flow),
            api,
            lang,
            mode,
            emitter,
            popup: Popup::default(),
            poll_generation: Cell::new(0),
            dialog,
            drawn: RefCell::default(),
            listeners: RefCell::default(),
            query: RefCell::default(),
            search_timer: Cell::new(None),
            painted: RefCell::default(),
            disposed: Cell::new(false),
        }));
        ctrl.listen();
        ctrl.draw();
        (ctrl, fx)
    }

    /// Reads the flow.
    pub fn with_flow<R>(&self, f: impl FnOnce(&Flow) -> R) -> R {
        f(&self.0.flow.borrow())
    }

    /// Changes the flow directly (tests set up a screen this way) and redraws.
    pub fn update_flow(&self, f: impl FnOnce(&mut Flow)) {
        f(&mut self.0.flow.borrow_mut());
        self.draw();
    }

    /// Feeds `msg` to the flow, redraws and runs the resulting effects.
    pub fn send(&self, msg: Msg) {
        if self.0.disposed.get() {
            return;
        }
        let fx = self.0.flow.borrow_mut().update(msg);
        self.draw();
        self.run(fx);
    }

    /// What a page's button does when clicked.
    fn act(&self, action: Action) {
        match action {
            Action::Continue => self.send(Msg::Continue),
            Action::Back => self.send(Msg::Back),
            Action::Close => self.send(Msg::Close),
            Action::Retry => self.send(Msg::Retry),
            Action::Oauth => {
                // Synchronously in the click handler, or popup blockers step in.
                let popup = self.0.popup.open();
                self.send(Msg::StartOauth { popup });
            }
            Action::Navigate(url) => self.run(vec![Effect::Navigate(url)]),
        }
    }

    pub fn run(&self, fx: Vec<Effect>) {
        let i = &self.0;
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
                        meta.set("view", self.with_flow(|f| f.view().name()));
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

    async fn call(&self, req: Request) -> Msg {
        let api = &self.0.api;
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

    fn stop_polling(&self) {
        let g = &self.0.poll_generation;
        g.set(g.get() + 1);
    }

    /// Polls `/v2/link/state` with backoff until a final state, the popup closing, or a stop.
    fn start_polling(&self) {
        self.stop_polling();
        let generation = self.0.poll_generation.get();
        let c = self.clone();
        spawn_local(async move {
            let i = &c.0;
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

    /// Stops everything this session started (polling, popup, timers, listeners) and removes
    /// the dialog.
    pub fn unmount(&self) {
        let i = &self.0;
        i.disposed.set(true);
        self.stop_polling();
        i.popup.close();
        self.clear_search_timer();
        for (kind, l) in i.listeners.take() {
            let _ = i
                .dialog
                .remove_event_listener_with_callback(kind, l.as_ref().unchecked_ref());
        }
        i.dialog.remove();
    }

    // ---- drawing ---------------------------------------------------------------------

    /// Redraws the dialog if the page changed, then brings the form state up to date.
    fn draw(&self) {
        let i = &self.0;
        let (page, form_state) = {
            let f = i.flow.borrow();
            let state = f.form().map(|(_, busy, e)| (busy, e.cloned()));
            (page::page(&f, i.lang), state)
        };
        let mut drawn = i.drawn.borrow_mut();
        if drawn.page.as_ref() != Some(&page) {
            let logo = self.logos();
            let markup = {
                let f = i.flow.borrow();
                Markup::page(
                    &page,
                    &Env {
                        lang: i.lang,
                        logo: &logo,
                        providers: &f.providers,
                    },
                )
            };
            i.dialog.set_inner_html(&markup.html);
            self.clear_search_timer();
            i.query.borrow_mut().clear();
            let view = page.view;
            *drawn = Drawn {
                page: Some(page),
                actions: markup.actions,
                ..Drawn::default()
            };
            self.after_paint(view);
        }
        let Some((busy, error)) = form_state else {
            return;
        };
        let Some(form) = drawn.page.as_ref().and_then(form_of).cloned() else {
            return;
        };
        let dialog = &i.dialog;
        let button = dialog
            .query_selector(".vl-form [type=submit]")
            .ok()
            .flatten();
        if busy != drawn.busy {
            if let Some(b) = &button {
                let _ = b.toggle_attribute_with_force("disabled", busy);
                set_or_remove(b, "aria-busy", busy.then_some("true"));
                b.set_text_content(Some(if busy { form.busy } else { form.submit }));
            }
            drawn.busy = busy;
        }
        if error != drawn.error {
            if let Ok(Some(old)) = dialog.query_selector("#vl-form-error") {
                old.remove();
            }
            let inputs = host::all(dialog, ".vl-form input");
            for input in &inputs {
                set_or_remove(input, "aria-invalid", error.as_ref().map(|_| "true"));
                set_or_remove(
                    input,
                    "aria-describedby",
                    error.as_ref().map(|_| "vl-form-error"),
                );
            }
            if let (Some(e), Some(b)) = (&error, &button) {
                let message = i.lang.error_message(&e.error_type);
                let _ = b.insert_adjacent_html("beforebegin", &Markup::inline_error(message));
                // A failed attempt empties the secret fields (a password is never kept) and
                // puts the cursor in the field to fix.
                for field in &form.fields {
                    let Field::Input(input) = field else { continue };
                    let Some(el) = inputs
                        .iter()
                        .find(|el| el.get_attribute("name").as_deref() == Some(input.name))
                    else {
                        continue;
                    };
                    let el = el.unchecked_ref::<HtmlInputElement>();
                    if input.secret {
                        el.set_value("");
                    }
                    if input.retry_focus {
                        let _ = el.focus();
                        el.select();
                    }
                }
            }
            drawn.error = error;
        }
    }

    /// On the next frame: marks the view's first paint and moves focus into the new page.
    fn after_paint(&self, view: View) {
        let c = self.clone();
        let frame = Closure::once_into_js(move || {
            let i = &c.0;
            if i.disposed.get() {
                return;
            }
            let first = !i.painted.borrow().contains(&view);
            if first {
                i.painted.borrow_mut().push(view);
                host::mark("vital-link:paint:", view.name());
            }
            if !host::focus_first(&i.dialog, "[data-autofocus]") {
                host::focus_first(&i.dialog, "h1");
            }
        });
        if let Some(w) = web_sys::window() {
            let _ = w.request_animation_frame(frame.unchecked_ref());
        }
    }

    /// Where the logos of a drawing load from (the page's origin read once per drawing).
    fn logos(&self) -> impl Fn(&str) -> Option<String> + '_ {
        let origin = host::origin();
        move |l| logo_src(&self.0.api, &origin, l)
    }

    /// The picker's rows for the current query, and the no-results line.
    fn filter(&self) {
        let i = &self.0;
        let Ok(Some(list)) = i.dialog.query_selector(".vl-providers") else {
            return;
        };
        let f = i.flow.borrow();
        let visible = search::filter(&f.providers, &i.query.borrow());
        let logo = self.logos();
        list.set_inner_html(&Markup::provider_rows(
            visible.iter().map(|&n| &f.providers[n]),
            &logo,
        ));
        if let Ok(Some(p)) = i.dialog.query_selector(".vl-providers + p") {
            p.remove();
        }
        if visible.is_empty() {
            let _ = list.insert_adjacent_html("afterend", &Markup::no_results(i.lang));
        }
    }

    // ---- events ----------------------------------------------------------------------

    fn listen(&self) {
        let mut listeners = Vec::new();
        for kind in ["click", "submit", "input", "keydown", "tick"] {
            let c = self.clone();
            let l = Listener::new(move |ev: JsValue| match kind {
                "click" => c.on_click(ev.unchecked_ref()),
                "submit" => c.on_submit(ev.unchecked_ref()),
                "input" => c.on_input(ev.unchecked_ref()),
                "keydown" => c.on_keydown(ev.unchecked_ref()),
                _ => c.search_settled(),
            });
            if kind != "tick" {
                let _ = self
                    .0
                    .dialog
                    .add_event_listener_with_callback(kind, l.as_ref().unchecked_ref());
            }
            listeners.push((kind, l));
        }
        *self.0.listeners.borrow_mut() = listeners;
    }

    fn on_click(&self, ev: &web_sys::Event) {
        if let Some(slug) = host::clicked(ev, "data-slug") {
            return self.send(Msg::Select(slug));
        }
        let action = host::clicked(ev, "data-action")
            .and_then(|n| n.parse::<usize>().ok())
            .and_then(|n| self.0.drawn.borrow().actions.get(n).cloned());
        if let Some(action) = action {
            self.act(action);
        }
    }

    fn on_submit(&self, ev: &web_sys::Event) {
        ev.prevent_default();
        let i = &self.0;
        let kind = {
            let drawn = i.drawn.borrow();
            match drawn.page.as_ref().and_then(form_of) {
                Some(form) if !drawn.busy => form.kind,
                _ => return,
            }
        };
        let Some(form) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok())
        else {
            return;
        };
        let Ok(data) = web_sys::FormData::new_with_form(&form) else {
            return;
        };
        if let Some(msg) = page::submit(kind, |name| data.get(name).as_string()) {
            self.send(msg);
        }
    }

    /// Search as you type; SEARCH_PROVIDER once typing pauses for 300 ms.
    fn on_input(&self, ev: &web_sys::Event) {
        let Some(search) = ev
            .target()
            .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            .filter(|t| t.type_() == "search")
        else {
            return;
        };
        *self.0.query.borrow_mut() = search.value();
        self.filter();
        self.clear_search_timer();
        let listeners = self.0.listeners.borrow();
        let tick = listeners.iter().find(|(k, _)| *k == "tick");
        let id = tick.and_then(|(_, l)| {
            web_sys::window()?
                .set_timeout_with_callback_and_timeout_and_arguments_0(
                    l.as_ref().unchecked_ref(),
                    300,
                )
                .ok()
        });
        self.0.search_timer.set(id);
    }

    fn search_settled(&self) {
        self.0.search_timer.set(None);
        let query = self.0.query.borrow().clone();
        if !query.trim().is_empty() {
            self.send(Msg::SearchSettled(query));
        }
    }

    fn clear_search_timer(&self) {
        if let (Some(id), Some(w)) = (self.0.search_timer.take(), web_sys::window()) {
            w.clear_timeout_with_handle(id);
        }
    }

    fn on_keydown(&self, ev: &web_sys::KeyboardEvent) {
        let i = &self.0;
        let key = ev.key();
        let modal = i.mode.modal;
        if key == "Escape" && modal {
            ev.prevent_default();
            return self.send(Msg::Close);
        }
        if key == "Tab" && modal {
            return trap_focus(&i.dialog, ev);
        }
        // The picker: `/` focuses the search, the arrow keys move along the list.
        let Ok(Some(search)) = i.dialog.query_selector(".vl-search") else {
            return;
        };
        let search: HtmlElement = search.unchecked_into();
        let in_search = ev
            .target()
            .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            .is_some();
        let down = key == "ArrowDown";
        if key == "/" && !in_search {
            ev.prevent_default();
            let _ = search.focus();
        } else if down || key == "ArrowUp" {
            ev.prevent_default();
            let items = host::all(&i.dialog, "button.vl-provider");
            let pos = host::active_element(&i.dialog).and_then(|a| {
                items
                    .iter()
                    .position(|b| b.is_same_node(Some(a.unchecked_ref::<web_sys::Node>())))
            });
            let next = match (in_search, pos) {
                (true, _) if down => items.first(),
                (false, Some(0)) if !down => Some(&search),
                (false, Some(n)) if down => items.get(n + 1),
                (false, Some(n)) => items.get(n - 1),
                _ => None,
            };
            if let Some(el) = next {
                let _ = el.focus();
            }
        }
    }
}

/// The page's form, if it has one.
fn form_of(page: &Page) -> Option<&Form> {
    page.blocks.iter().find_map(|b| match b {
        Block::Form(f) => Some(f),
        _ => None,
    })
}

fn set_or_remove(el: &Element, name: &str, value: Option<&str>) {
    let _ = match value {
        Some(v) => el.set_attribute(name, v),
        None => el.remove_attribute(name),
    };
}

/// An image URL of the API (a logo) if it can load under the host's CSP, that is when it is on
/// the page's `origin`; else `None` and the screens draw without it (a cross-origin image
/// would be a CSP violation under `img-src 'self'`).
pub fn logo_src(api: &Api, origin: &str, logo: &str) -> Option<String> {
    if logo.is_empty() || origin.is_empty() {
        return None;
    }
    let absolute = if logo.starts_with('/') {
        [api.base(), logo].concat()
    } else {
        logo.to_owned()
    };
    let same_origin = absolute
        .strip_prefix(origin)
        .is_some_and(|path| path.starts_with('/'));
    same_origin.then_some(absolute)
}

/// Keeps Tab and Shift+Tab inside the dialog.
fn trap_focus(dialog: &HtmlElement, ev: &web_sys::KeyboardEvent) {
    let items = host::all(dialog, FOCUSABLE);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logos_load_only_from_the_page_origin() {
        let api = Api::new("http://127.0.0.1:8080/".into(), "t".into());
        let origin = "http://127.0.0.1:8080";
        assert_eq!(
            logo_src(&api, origin, "/logos/oura.svg").as_deref(),
            Some("http://127.0.0.1:8080/logos/oura.svg")
        );
        assert_eq!(
            logo_src(&api, origin, "http://127.0.0.1:8080/l.svg").as_deref(),
            Some("http://127.0.0.1:8080/l.svg")
        );
        // Another origin, including one that merely starts with the page's.
        assert_eq!(logo_src(&api, origin, "https://cdn.test/l.svg"), None);
        assert_eq!(logo_src(&api, origin, "http://127.0.0.1:80801/l.svg"), None);
        assert_eq!(logo_src(&api, origin, "http://127.0.0.1:8080.evil/l"), None);
        assert_eq!(logo_src(&api, origin, ""), None);
        assert_eq!(logo_src(&api, "", "/logos/oura.svg"), None);
    }
}
