//! Each screen rendered by the real components from a given flow state, in headless Chromium,
//! inside a shadow root as `initialize.js` mounts it.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use link_contract::{AuthType, FormComponents, LinkProvider, MfaMethod, Region, TeamLinkConfig};
use link_widget::{
    api::Api,
    ctrl::{Locale, Mode},
    flow::{Effect, Flow, InlineError, OauthPhase, Retry, Screen, View},
    host::Emitter,
    i18n::Lang,
    screens::picker::{LIST_MAX_HEIGHT, OVERSCAN, ROW_HEIGHT},
    Widget,
};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{
    Element, HtmlElement, HtmlInputElement, KeyboardEvent, KeyboardEventInit, ShadowRoot,
};

wasm_bindgen_test_configure!(run_in_browser);

fn provider(slug: &str, name: &str, auth_type: AuthType) -> LinkProvider {
    LinkProvider {
        id: 1,
        name: name.into(),
        slug: slug.into(),
        description: format!("{name} description"),
        logo: String::new(),
        auth_type,
        oauth_url: None,
        form_components: FormComponents::default(),
    }
}

fn catalog() -> Vec<LinkProvider> {
    let mut libre = provider("freestyle_libre", "Freestyle Libre", AuthType::Email);
    libre.form_components.regions = vec![
        Region {
            code: "us".into(),
            name: "United States".into(),
        },
        Region {
            code: "ca".into(),
            name: "Canada".into(),
        },
    ];
    libre.form_components.default_region = Some("ca".into());
    let mut peloton = provider("peloton", "Peloton", AuthType::Password);
    peloton.form_components.username_label = Some("Peloton email".into());
    vec![
        provider("fitbit", "Fitbit", AuthType::Oauth),
        provider("garmin", "Garmin", AuthType::Oauth),
        peloton,
        libre,
        provider("withings", "Withings", AuthType::Oauth),
    ]
}

struct Mounted {
    host: HtmlElement,
    root: ShadowRoot,
    frame: HtmlElement,
    widget: Widget,
    events: js_sys::Array,
}

impl Mounted {
    fn q(&self, selector: &str) -> Option<HtmlElement> {
        self.root
            .query_selector(selector)
            .unwrap()
            .map(|e| e.dyn_into().unwrap())
    }

    fn get(&self, selector: &str) -> HtmlElement {
        self.q(selector)
            .unwrap_or_else(|| panic!("no {selector} in {}", self.html()))
    }

    fn all(&self, selector: &str) -> Vec<HtmlElement> {
        let list = self.root.query_selector_all(selector).unwrap();
        (0..list.length())
            .map(|i| list.item(i).unwrap().dyn_into().unwrap())
            .collect()
    }

    /// The names of the provider rows drawn, in order.
    fn provider_names(&self) -> Vec<String> {
        self.all(".vl-provider-name")
            .iter()
            .map(|e| e.text_content().unwrap())
            .collect()
    }

    fn text(&self) -> String {
        self.root.text_content().unwrap_or_default()
    }

    fn html(&self) -> String {
        self.root.inner_html()
    }

    fn active(&self) -> Option<Element> {
        self.root.active_element()
    }

    /// Whether `el` is the focused element of the widget's shadow root.
    fn has_focus(&self, el: &HtmlElement) -> bool {
        self.active().is_some_and(|a| a.is_same_node(Some(el)))
    }

    /// The names of the reports sent to initialize.js, as "kind" or "event:NAME".
    fn reports(&self) -> Vec<String> {
        self.events
            .iter()
            .map(|e| {
                let pair: js_sys::Array = e.dyn_into().unwrap();
                let kind = pair.get(0).as_string().unwrap();
                let name = js_sys::Reflect::get(&pair.get(1), &"name".into()).unwrap();
                match name.as_string() {
                    Some(n) if kind == "event" => format!("event:{n}"),
                    _ => kind,
                }
            })
            .collect()
    }

    fn key(&self, target: &HtmlElement, key: &str, shift: bool) {
        let init = KeyboardEventInit::new();
        init.set_key(key);
        init.set_bubbles(true);
        init.set_composed(true);
        init.set_cancelable(true);
        init.set_shift_key(shift);
        let ev = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
        target.dispatch_event(&ev).unwrap();
    }
}

impl Mounted {
    /// Changes the flow as an answer or a click would (tests set up a screen this way).
    fn update_flow(&self, f: impl FnOnce(&mut Flow)) {
        self.widget.ctrl.flow.update(f);
    }

    fn view(&self) -> View {
        self.widget.ctrl.flow.with_untracked(|f| f.view())
    }
}

impl Drop for Mounted {
    fn drop(&mut self) {
        self.widget.unmount();
        self.host.remove();
    }
}

/// Mounts the widget (modal) in a shadow root with its stylesheet, showing `screen`.
fn mount(screen: Screen, modal: bool) -> Mounted {
    mount_with(catalog(), screen, modal)
}

/// The same with the catalog `providers`.
fn mount_with(providers: Vec<LinkProvider>, screen: Screen, modal: bool) -> Mounted {
    mount_in(Locale::Ready(Lang::EN), providers, screen, modal).0
}

/// The same in `locale`; with the effects that start the session (the first load).
fn mount_in(
    locale: Locale,
    providers: Vec<LinkProvider>,
    screen: Screen,
    modal: bool,
) -> (Mounted, Vec<Effect>) {
    let doc = web_sys::window().unwrap().document().unwrap();
    // A custom element, as initialize.js uses: host rules on `div` do not match it.
    let host: HtmlElement = doc
        .create_element("vital-link-test")
        .unwrap()
        .dyn_into()
        .unwrap();
    doc.body().unwrap().append_child(&host).unwrap();
    let root = host
        .attach_shadow(&web_sys::ShadowRootInit::new(web_sys::ShadowRootMode::Open))
        .unwrap();
    let sheet = web_sys::CssStyleSheet::new().unwrap();
    sheet.replace_sync(&link_widget::widget_css()).unwrap();
    let sheets = js_sys::Array::of1(&sheet);
    js_sys::Reflect::set(&root, &"adoptedStyleSheets".into(), &sheets).unwrap();
    let frame: HtmlElement = doc.create_element("div").unwrap().dyn_into().unwrap();
    frame.set_class_name(if modal { "vl-overlay" } else { "vl-inline" });
    root.append_child(&frame).unwrap();

    let events = js_sys::Array::new();
    let sink = events.clone();
    let emit = wasm_bindgen::closure::Closure::<dyn Fn(JsValue, JsValue)>::new(move |k, m| {
        sink.push(&js_sys::Array::of2(&k, &m));
    })
    .into_js_value()
    .unchecked_into::<js_sys::Function>();

    // An API base nothing listens on: these tests make no requests.
    let api = Api::new("http://127.0.0.1:9".into(), "token".into());
    let (widget, initial_effects) = Widget::mount(
        frame.clone(),
        api,
        Emitter::new(emit),
        locale,
        Mode {
            modal,
            hosted: false,
        },
    );
    widget.ctrl.flow.update(|f| {
        f.team = Some(TeamLinkConfig {
            team_name: "Acme Sleep".into(),
            logo: None,
            privacy_policy_url: Some("https://acme.test/privacy".into()),
            terms_url: Some("https://acme.test/terms".into()),
        });
        f.providers = providers;
        f.screen = screen;
    });
    let mounted = Mounted {
        host,
        root,
        frame,
        widget,
        events,
    };
    (mounted, initial_effects)
}

/// An `input` event as typing fires it (it bubbles).
fn typed() -> web_sys::Event {
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    web_sys::Event::new_with_event_init_dict("input", &init).unwrap()
}

async fn settle() {
    // Let requests' answers and the requestAnimationFrame callbacks (focus, paint marks) run.
    for _ in 0..2 {
        let p = js_sys::Promise::new(&mut |resolve, _| {
            web_sys::window()
                .unwrap()
                .request_animation_frame(&resolve)
                .unwrap();
        });
        wasm_bindgen_futures::JsFuture::from(p).await.unwrap();
    }
}

#[wasm_bindgen_test]
async fn loading_shows_a_spinner_with_status() {
    let m = mount(Screen::Loading, true);
    settle().await;
    let spinner = m.q("[role=status] .vl-spinner").expect("a spinner");
    assert_eq!(
        spinner.get_attribute("aria-hidden").as_deref(),
        Some("true"),
        "the spinner is hidden from assistive technology; the status line speaks"
    );
    assert!(m.text().contains("Loading"));
    assert!(m.q("button.vl-close").is_some(), "Close is always there");
}

#[wasm_bindgen_test]
async fn agreement_names_the_team_links_policies_and_continues() {
    let m = mount(Screen::Agreement, true);
    settle().await;
    let dialog = m.get("[role=dialog]");
    assert_eq!(dialog.get_attribute("aria-modal").as_deref(), Some("true"));
    assert!(m.get("h1").text_content().unwrap().contains("Acme Sleep"));
    let links: Vec<String> = m
        .all("a")
        .iter()
        .map(|a| a.get_attribute("href").unwrap())
        .collect();
    assert_eq!(
        links,
        ["https://acme.test/privacy", "https://acme.test/terms"]
    );
    // Continue has focus and leads to the picker.
    let cont = m.get("button.vl-primary");
    assert_eq!(cont.text_content().unwrap(), "Continue");
    assert!(m.has_focus(&cont), "Continue is focused");
    cont.click();
    settle().await;
    assert!(m.q("input[type=search]").is_some());
    assert!(m.reports().contains(&"event:TRANSITION_VIEW".to_owned()));
}

#[wasm_bindgen_test]
async fn picker_searches_ignoring_case_and_accents() {
    let m = mount(Screen::Picker, true);
    settle().await;
    assert_eq!(m.all("button.vl-provider").len(), 5);
    let search: HtmlInputElement = m.get("input[type=search]").dyn_into().unwrap();
    search.set_value("WÍTH");
    search.dispatch_event(&typed()).unwrap();
    settle().await;
    let names = m.provider_names();
    assert_eq!(names, ["Withings"]);
    search.set_value("zzz");
    search.dispatch_event(&typed()).unwrap();
    settle().await;
    assert!(m.all("button.vl-provider").is_empty());
    assert!(m.text().contains("No provider matches"));
}

#[wasm_bindgen_test]
async fn picker_keyboard_arrows_slash_and_select() {
    let m = mount(Screen::Picker, true);
    settle().await;
    let search = m.get("input[type=search]");
    assert!(m.has_focus(&search), "search has focus");
    let buttons = m.all("button.vl-provider");
    m.key(&search, "ArrowDown", false);
    assert!(m.has_focus(&buttons[0]));
    m.key(&buttons[0], "ArrowDown", false);
    assert!(m.has_focus(&buttons[1]));
    m.key(&buttons[1], "ArrowUp", false);
    assert!(m.has_focus(&buttons[0]));
    m.key(&buttons[0], "ArrowUp", false);
    assert!(m.has_focus(&search));
    let _ = buttons[2].focus();
    m.key(&buttons[2], "/", false);
    assert!(m.has_focus(&search), "/ focuses search");
    // Enter on a focused button activates it (native); the click selects the provider.
    buttons[2].click();
    settle().await;
    assert_eq!(m.view(), View::Password);
    assert!(m.reports().contains(&"event:SELECT_PROVIDER".to_owned()));
}

#[wasm_bindgen_test]
async fn password_form_uses_form_components_and_shows_inline_error() {
    let peloton = catalog().remove(2);
    let m = mount(
        Screen::Password {
            provider: peloton.clone(),
            busy: false,
            error: Some(InlineError {
                error_type: "provider_credential_error".into(),
                message: None,
            }),
        },
        true,
    );
    settle().await;
    assert!(
        m.text().contains("Peloton email"),
        "username label from form_components"
    );
    assert!(m
        .q("input[type=password][autocomplete=current-password]")
        .is_some());
    assert!(m
        .get("[role=alert]")
        .text_content()
        .unwrap()
        .contains("not correct"));
    assert!(m.q("select").is_none(), "no regions, no select");
    // Busy: the submit button is disabled (a double click sends one request).
    m.update_flow(|f| {
        f.screen = Screen::Password {
            provider: peloton,
            busy: true,
            error: None,
        }
    });
    settle().await;
    let submit = m.get("button[type=submit]");
    assert!(submit.has_attribute("disabled"));
    assert!(m.q("[role=alert]").is_none());
}

#[wasm_bindgen_test]
async fn mfa_form_shows_method_hint_and_one_time_code_input() {
    let m = mount(
        Screen::Mfa {
            provider: catalog().remove(2),
            method: MfaMethod::Sms,
            hint: Some("•••• 1234".into()),
            busy: false,
            error: None,
        },
        true,
    );
    settle().await;
    assert!(m.text().contains("text message"));
    assert!(m.text().contains("•••• 1234"));
    assert!(m.q("input[autocomplete=one-time-code]").is_some());
}

#[wasm_bindgen_test]
async fn email_form_has_regions_with_default_and_checks_address() {
    let m = mount(
        Screen::Email {
            provider: catalog().remove(3),
            busy: false,
            error: None,
        },
        true,
    );
    settle().await;
    let select: web_sys::HtmlSelectElement = m.get("select").dyn_into().unwrap();
    assert_eq!(select.value(), "ca", "default_region is preselected");
    assert_eq!(select.length(), 2);
    let input: HtmlInputElement = m.get("input[type=email]").dyn_into().unwrap();
    input.set_value("not an email");
    m.get("button[type=submit]").click();
    settle().await;
    assert!(m
        .get("[role=alert]")
        .text_content()
        .unwrap()
        .contains("check"));
    assert!(
        !m.reports().iter().any(|r| r == "event:SUBMIT_CREDENTIALS"),
        "nothing sent"
    );
}

#[wasm_bindgen_test]
async fn oauth_screen_offers_continue_then_blocked_popup_fallbacks() {
    let fitbit = catalog().remove(0);
    let m = mount(
        Screen::Oauth {
            provider: fitbit.clone(),
            phase: OauthPhase::Ready,
        },
        true,
    );
    settle().await;
    assert_eq!(
        m.get("button.vl-primary").text_content().unwrap(),
        "Continue to Fitbit"
    );
    m.update_flow(|f| {
        f.info.redirect_url = Some("https://app.test/done".into());
        f.screen = Screen::Oauth {
            provider: fitbit,
            phase: OauthPhase::Waiting {
                url: "http://127.0.0.1:9/authorize".into(),
                popup: false,
            },
        };
    });
    settle().await;
    let link = m.get("a.vl-link-button");
    assert_eq!(
        link.get_attribute("href").as_deref(),
        Some("http://127.0.0.1:9/authorize")
    );
    assert_eq!(link.get_attribute("target").as_deref(), Some("_blank"));
    assert!(m.text().contains("Continue in this window"));
}

#[wasm_bindgen_test]
async fn success_and_error_screens() {
    let m = mount(
        Screen::Success {
            provider: catalog().remove(2),
        },
        true,
    );
    settle().await;
    assert!(m.text().contains("Connected"));
    assert!(m.text().contains("Peloton"));
    drop(m);

    let m = mount(
        Screen::Error {
            error_type: "token_expired".into(),
            message: None,
            provider: None,
            retry: None,
        },
        true,
    );
    settle().await;
    assert!(m
        .get("[role=alert]")
        .text_content()
        .unwrap()
        .contains("expired"));
    assert!(
        !m.text().contains("Try again"),
        "no retry for an expired token"
    );
    drop(m);

    let m = mount(
        Screen::Error {
            error_type: "a_brand_new_error".into(),
            message: None,
            provider: None,
            retry: Some(Retry::Load),
        },
        true,
    );
    settle().await;
    assert!(m
        .get("[role=alert]")
        .text_content()
        .unwrap()
        .contains("Something went wrong"));
    assert!(m.text().contains("Try again"));
}

#[wasm_bindgen_test]
async fn focus_is_trapped_in_the_modal_and_escape_closes() {
    let m = mount(Screen::Agreement, true);
    settle().await;
    let dialog = m.get("[role=dialog]");
    let focusable = m.all("button, a[href]");
    let (first, last) = (focusable.first().unwrap(), focusable.last().unwrap());
    let _ = last.focus();
    m.key(last, "Tab", false);
    assert!(m.has_focus(first), "Tab wraps to the first");
    m.key(first, "Tab", true);
    assert!(m.has_focus(last), "Shift+Tab wraps to the last");
    m.key(&dialog, "Escape", false);
    settle().await;
    assert!(
        m.reports().contains(&"exit".to_owned()),
        "Esc closes: {:?}",
        m.reports()
    );
}

#[wasm_bindgen_test]
async fn host_page_css_cannot_reach_inside() {
    let doc = web_sys::window().unwrap().document().unwrap();
    let style = doc.create_element("link").unwrap();
    // A hostile host stylesheet (a data: URL: the test page has no CSP).
    style.set_attribute("rel", "stylesheet").unwrap();
    style
        .set_attribute(
            "href",
            "data:text/css,button,input,div{display:none!important;color:red!important}",
        )
        .unwrap();
    doc.head().unwrap().append_child(&style).unwrap();
    let loaded = js_sys::Promise::new(&mut |resolve, _| {
        style
            .add_event_listener_with_callback("load", &resolve)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(loaded).await.unwrap();

    let m = mount(Screen::Picker, true);
    settle().await;
    let window = web_sys::window().unwrap();
    let seen: Vec<(&str, String, String, f64)> =
        ["button.vl-provider", "input[type=search]", "div.vl-dialog"]
            .into_iter()
            .map(|sel| {
                let el = m.get(sel);
                let cs = window.get_computed_style(&el).unwrap().unwrap();
                (
                    sel,
                    cs.get_property_value("display").unwrap(),
                    cs.get_property_value("color").unwrap(),
                    el.get_bounding_client_rect().height(),
                )
            })
            .collect();
    // Remove the hostile sheet before asserting, so a failure cannot leak into other tests.
    style.remove();
    for (sel, display, color, height) in seen {
        assert_ne!(display, "none", "{sel} hidden by host CSS");
        assert_ne!(color, "rgb(255, 0, 0)", "{sel} recoloured by host CSS");
        assert!(height > 0.0, "{sel} has no size");
    }
}

fn long_catalog(n: usize) -> Vec<LinkProvider> {
    (0..n)
        .map(|i| {
            let mut p = provider(
                &format!("p{i:03}"),
                &format!("Provider {i:03}"),
                AuthType::Password,
            );
            p.id = i as i64;
            p
        })
        .collect()
}

fn posinsets(m: &Mounted) -> Vec<usize> {
    m.all("li[aria-posinset]")
        .iter()
        .map(|li| li.get_attribute("aria-posinset").unwrap().parse().unwrap())
        .collect()
}

fn scroll_list(m: &Mounted, top: i32) {
    let list = m.get(".vl-list");
    list.set_scroll_top(top);
    list.dispatch_event(&web_sys::Event::new("scroll").unwrap())
        .unwrap();
}

#[wasm_bindgen_test]
async fn a_long_catalog_draws_only_a_window_of_rows() {
    let m = mount_with(long_catalog(300), Screen::Picker, true);
    settle().await;
    let drawn = posinsets(&m);
    assert!(
        drawn.len() >= 7 && drawn.len() <= 7 + 2 * OVERSCAN,
        "{} rows drawn of 300",
        drawn.len()
    );
    assert_eq!(drawn, (1..=drawn.len()).collect::<Vec<_>>());
    for li in m.all("li[aria-posinset]") {
        assert_eq!(li.get_attribute("aria-setsize").as_deref(), Some("300"));
    }
    // The list is as tall as the whole catalog, so the scroll bar tells the truth.
    let height = m.get("ul.vl-providers").get_bounding_client_rect().height();
    assert_eq!(height as usize, 300 * ROW_HEIGHT);

    scroll_list(&m, (300 * ROW_HEIGHT) as i32);
    settle().await;
    let names = m.provider_names();
    assert!(names.contains(&"Provider 299".to_owned()), "{names:?}");
    assert!(!names.contains(&"Provider 000".to_owned()), "{names:?}");
    let last = m.get("li[aria-posinset='300']");
    let list = m.get(".vl-list").get_bounding_client_rect();
    let rect = last.get_bounding_client_rect();
    assert!(
        rect.bottom() <= list.bottom() + 1.0 && rect.top() >= list.top() - 1.0,
        "the last row is in view"
    );

    // Search narrows the whole catalog, not the window; the set size follows.
    let search: HtmlInputElement = m.get("input[type=search]").dyn_into().unwrap();
    search.set_value("provider 29");
    search.dispatch_event(&typed()).unwrap();
    settle().await;
    let expected = [
        "029", "129", "229", "290", "291", "292", "293", "294", "295", "296", "297", "298", "299",
    ];
    let names = m.provider_names();
    assert_eq!(
        names,
        expected
            .iter()
            .map(|n| format!("Provider {n}"))
            .collect::<Vec<_>>()
    );
    for li in m.all("li[aria-posinset]") {
        assert_eq!(li.get_attribute("aria-setsize").as_deref(), Some("13"));
    }
    // It starts at the top again (the list had been scrolled to its end).
    assert_eq!(m.get(".vl-list").scroll_top(), 0);

    // Narrowed to one row, the list keeps its height: the dialog does not shrink and the
    // search box stays where it was under the user's typing.
    let input_top = search.get_bounding_client_rect().top();
    let list_height = m.get(".vl-list").get_bounding_client_rect().height();
    search.set_value("provider 299");
    search.dispatch_event(&typed()).unwrap();
    settle().await;
    assert_eq!(m.provider_names(), ["Provider 299"]);
    assert_eq!(search.get_bounding_client_rect().top(), input_top);
    assert_eq!(
        m.get(".vl-list").get_bounding_client_rect().height(),
        list_height
    );
    assert_eq!(list_height as usize, LIST_MAX_HEIGHT);
}

#[wasm_bindgen_test]
async fn arrow_keys_walk_a_long_list_past_its_window() {
    let m = mount_with(long_catalog(300), Screen::Picker, true);
    settle().await;
    let search = m.get("input[type=search]");
    m.key(&search, "ArrowDown", false);
    for _ in 0..60 {
        let active: HtmlElement = m.active().unwrap().dyn_into().unwrap();
        m.key(&active, "ArrowDown", false);
        settle().await;
    }
    let active: HtmlElement = m.active().unwrap().dyn_into().unwrap();
    assert_eq!(
        active
            .query_selector(".vl-provider-name")
            .unwrap()
            .unwrap()
            .text_content()
            .unwrap(),
        "Provider 060"
    );
    let li = active.parent_element().unwrap();
    assert_eq!(li.get_attribute("aria-posinset").as_deref(), Some("61"));
    assert!(
        !posinsets(&m).contains(&1),
        "the window moved along: {:?}",
        posinsets(&m)
    );
    m.key(&active, "ArrowUp", false);
    settle().await;
    let active = m.active().unwrap();
    assert_eq!(
        active
            .parent_element()
            .unwrap()
            .get_attribute("aria-posinset")
            .as_deref(),
        Some("60")
    );
    // Back at the top of the list, ArrowUp returns to the search box.
    scroll_list(&m, 0);
    settle().await;
    let first = m.get("li[aria-posinset='1'] button");
    let _ = first.focus();
    m.key(&first, "ArrowUp", false);
    assert!(m.has_focus(&search));
}

#[wasm_bindgen_test]
async fn hostile_api_strings_render_as_text_and_bad_urls_are_dropped() {
    let evil = "<img src=x onerror=\"window.__pwned=1\"><b>bold</b>&amp;";
    let mut p = provider("evil", evil, AuthType::Password);
    p.description = evil.into();
    p.logo = "javascript:window.__pwned=1".into();
    p.form_components.instructions = Some(evil.into());
    p.form_components.username_label = Some(evil.into());
    let m = mount_with(vec![p.clone()], Screen::Picker, true);
    m.update_flow(|f| {
        f.team = Some(TeamLinkConfig {
            team_name: evil.into(),
            logo: Some("data:image/svg+xml,<svg onload='window.__pwned=1'/>".into()),
            privacy_policy_url: Some("JaVaScRiPt:window.__pwned=1".into()),
            terms_url: Some(" \u{1}javascript:window.__pwned=1".into()),
        });
        f.screen = Screen::Agreement;
    });
    settle().await;
    assert!(m.q("img, b, a").is_none(), "{}", m.html());
    assert!(m.get("h1").text_content().unwrap().starts_with(evil));
    m.update_flow(|f| {
        f.team.as_mut().unwrap().privacy_policy_url =
            Some("javascript&#58;window.__pwned=1".into());
        f.team.as_mut().unwrap().terms_url = Some("https://acme.test/terms".into());
        f.screen = Screen::Picker;
    });
    settle().await;
    assert_eq!(m.get(".vl-provider-name").text_content().unwrap(), evil);
    assert_eq!(m.get(".vl-provider-desc").text_content().unwrap(), evil);
    assert!(m.q("img, b").is_none(), "{}", m.html());
    m.update_flow(|f| {
        f.screen = Screen::Password {
            provider: p,
            busy: false,
            error: None,
        }
    });
    settle().await;
    assert!(m.text().contains(evil), "{}", m.text());
    assert!(m.q("img, b").is_none(), "{}", m.html());
    m.update_flow(|f| f.screen = Screen::Agreement);
    settle().await;
    let links: Vec<String> = m
        .all("a")
        .iter()
        .map(|a| a.get_attribute("href").unwrap())
        .collect();
    assert_eq!(
        links,
        ["https://acme.test/terms"],
        "only the http(s) link is kept"
    );
    let pwned = js_sys::Reflect::get(&web_sys::window().unwrap(), &"__pwned".into()).unwrap();
    assert!(pwned.is_undefined(), "no script from the API ran");
}

#[wasm_bindgen_test]
async fn unmount_leaves_no_node_timer_or_reaction() {
    let mut m = mount(Screen::Picker, true);
    settle().await;
    assert!(m.frame.child_element_count() > 0);
    // A pending SEARCH_PROVIDER timer must not fire after unmount.
    let search: HtmlInputElement = m.get("input[type=search]").dyn_into().unwrap();
    search.set_value("fit");
    search.dispatch_event(&typed()).unwrap();
    m.widget.unmount();
    assert_eq!(m.frame.child_element_count(), 0, "{}", m.frame.inner_html());
    let before = m.reports().len();
    link_widget::host::sleep(450).await;
    m.widget.ctrl.send(link_widget::flow::Msg::Close);
    assert_eq!(m.reports().len(), before, "{:?}", m.reports());
    // Unmounting twice is harmless.
    m.widget.unmount();
}

#[wasm_bindgen_test]
async fn inline_mode_does_not_trap_focus_or_close_on_escape() {
    let m = mount(Screen::Agreement, false);
    settle().await;
    let dialog = m.get("[role=dialog]");
    assert!(dialog.get_attribute("aria-modal").is_none());
    m.key(&dialog, "Escape", false);
    settle().await;
    assert!(!m.reports().contains(&"exit".to_owned()));
}

// ---- locales ----------------------------------------------------------------------------------

fn locale(code: &str, text: &str) -> Lang {
    Lang::parse(code, text).unwrap()
}

const FR: &str = include_str!("../locales/fr.json");

#[wasm_bindgen_test]
async fn a_locale_file_gives_its_strings_lang_and_dir() {
    let fr = locale("fr", FR);
    let (m, _) = mount_in(Locale::Ready(fr), catalog(), Screen::Agreement, true);
    settle().await;
    let dialog = m.get("[role=dialog]");
    assert_eq!(dialog.get_attribute("lang").as_deref(), Some("fr"));
    assert_eq!(dialog.get_attribute("dir").as_deref(), Some("ltr"));
    let text = m.text();
    assert!(
        text.contains("Acme Sleep utilise Vital pour connecter vos données de santé"),
        "{text}"
    );
    assert_eq!(
        m.get(".vl-legal").text_content().unwrap(),
        "En continuant, vous acceptez la politique de confidentialité et les conditions d’utilisation."
    );
    let links = m.all(".vl-legal a");
    assert_eq!(links.len(), 2);
    assert_eq!(
        links[1].get_attribute("href").as_deref(),
        Some("https://acme.test/terms")
    );
    assert_eq!(
        m.get("button.vl-primary").text_content().unwrap(),
        "Continuer"
    );
    assert_eq!(
        m.get("button.vl-close")
            .get_attribute("aria-label")
            .as_deref(),
        Some("Fermer")
    );
    drop(m);

    let ar = locale("ar", include_str!("../locales/ar.json"));
    let (m, _) = mount_in(Locale::Ready(ar), catalog(), Screen::Agreement, true);
    settle().await;
    let dialog = m.get("[role=dialog]");
    assert_eq!(dialog.get_attribute("lang").as_deref(), Some("ar"));
    assert_eq!(dialog.get_attribute("dir").as_deref(), Some("rtl"));
}

#[wasm_bindgen_test]
async fn the_sandbox_hints_of_the_api_are_translated() {
    let de = locale("de", include_str!("../locales/de.json"));
    let mut peloton = provider("peloton", "Peloton", AuthType::Password);
    peloton.form_components.username_label = Some("Email or username".into());
    peloton.form_components.password_label = Some("Password".into());
    peloton.form_components.instructions = Some(
        "Sign in with your Peloton account. Sandbox: user_good / pass_good succeeds, \
         user_mfa / pass_good asks for the code 123456."
            .into(),
    );
    let screen = Screen::Password {
        provider: peloton.clone(),
        busy: false,
        error: None,
    };
    let (m, _) = mount_in(Locale::Ready(de), vec![peloton], screen, true);
    settle().await;
    let text = m.text();
    for wanted in [
        "Peloton verbinden",
        "Melden Sie sich mit Ihrem Peloton-Konto an. Sandbox: user_good / pass_good funktioniert",
        "E-Mail oder Benutzername",
        "Passwort",
    ] {
        assert!(text.contains(wanted), "{wanted} not in {text}");
    }
    assert!(!text.contains("Sign in"), "{text}");
}

#[wasm_bindgen_test]
async fn search_counts_use_the_plural_rules_of_the_language() {
    let catalog = || {
        vec![
            provider("fit_a", "Fit A", AuthType::Oauth),
            provider("fit_b", "Fit B", AuthType::Oauth),
            provider("zed", "Zed", AuthType::Oauth),
        ]
    };
    for (code, text, two, one) in [
        (
            "pl",
            include_str!("../locales/pl.json"),
            "2 wyniki",
            "1 wynik",
        ),
        (
            "ar",
            include_str!("../locales/ar.json"),
            "2 نتيجتان",
            "1 نتيجة",
        ),
        ("en", "{}", "2 providers found", "1 provider found"),
    ] {
        let (m, _) = mount_in(
            Locale::Ready(locale(code, text)),
            catalog(),
            Screen::Picker,
            true,
        );
        settle().await;
        let status = m.get(".vl-picker [role=status]");
        assert_eq!(
            status.text_content().unwrap(),
            "",
            "no count before a search"
        );
        let search: HtmlInputElement = m.get("input[type=search]").dyn_into().unwrap();
        for (query, wanted) in [("fit", two), ("zed", one)] {
            search.set_value(query);
            search.dispatch_event(&typed()).unwrap();
            settle().await;
            assert_eq!(status.text_content().unwrap(), wanted, "{code} {query}");
        }
    }
}

/// Runs the first load (its request fails: nothing listens) until the error screen shows.
async fn load_until_error(m: &Mounted, fx: Vec<Effect>) {
    m.widget.ctrl.run(fx);
    for _ in 0..100 {
        if m.view() == View::Error {
            settle().await;
            return;
        }
        settle().await;
    }
    panic!("no error screen: {}", m.html());
}

#[wasm_bindgen_test]
async fn the_loading_screen_waits_for_the_locale_file_then_shows_no_english() {
    // The file arrives while the first request runs: the next screen is French.
    let (text, resolve) = {
        let mut resolve = None;
        let p = js_sys::Promise::new(&mut |r, _| resolve = Some(r));
        (p, resolve.unwrap())
    };
    let fetching = Locale::Fetching {
        code: "fr".into(),
        text,
    };
    let (m, fx) = mount_in(fetching, catalog(), Screen::Loading, true);
    settle().await;
    let status = m.get("[role=status]");
    assert_eq!(
        status.text_content().unwrap(),
        "",
        "no English word while the file loads"
    );
    resolve.call1(&JsValue::NULL, &FR.into()).unwrap();
    load_until_error(&m, fx).await;
    let dialog = m.get("[role=dialog]");
    assert_eq!(dialog.get_attribute("lang").as_deref(), Some("fr"));
    assert!(
        m.text().contains("Une erreur s’est produite"),
        "{}",
        m.text()
    );
    drop(m);

    // A file that could not be loaded (initialize.js resolves null): English, no error about it.
    let fetching = Locale::Fetching {
        code: "fr".into(),
        text: js_sys::Promise::resolve(&JsValue::NULL),
    };
    let (m, fx) = mount_in(fetching, catalog(), Screen::Loading, true);
    load_until_error(&m, fx).await;
    let dialog = m.get("[role=dialog]");
    assert_eq!(dialog.get_attribute("lang").as_deref(), Some("en"));
    assert!(m.text().contains("Something went wrong"), "{}", m.text());
    assert_eq!(
        m.get("[role=alert]")
            .get_attribute("data-error-type")
            .as_deref(),
        Some("network_error")
    );
}
