//! The pieces the screens share: the header with Back and Close, a provider's logo, the form
//! parts (labelled field, region select, inline error, submit button with its busy state) and
//! the spinner.

use leptos::{html, prelude::*};
use link_contract::{LinkProvider, Region};

use crate::{
    ctrl::Ctrl,
    flow::{Flow, Live, Msg, OauthPhase},
    i18n::{split, Key, Part},
};

/// A text whose `{placeholder}`s are elements (a link, a bold name): `slot` draws each by name.
pub fn rich(text: &'static str, slot: impl Fn(&str) -> AnyView) -> impl IntoView {
    split(text)
        .into_iter()
        .map(|part| match part {
            Part::Text(t) => t.into_any(),
            Part::Slot(name) => slot(name),
        })
        .collect_view()
}

/// A button of the screens. Every button is this one concrete component (its message is
/// data, not a closure), so its view code is in the wasm once.
#[component]
pub fn Button(
    ctrl: Ctrl,
    class: &'static str,
    #[prop(into)] label: String,
    press: Msg,
    #[prop(optional)] aria_label: Option<&'static str>,
    #[prop(optional)] autofocus: bool,
) -> impl IntoView {
    view! {
        <button type="button" class=class aria-label=aria_label
            data-autofocus=autofocus.then_some("") on:click=move |_| ctrl.press(press.clone())>
            {label}
        </button>
    }
}

/// The header: Back where it means something, Close always.
#[component]
pub fn Header(ctrl: Ctrl, #[prop(optional)] back: bool) -> impl IntoView {
    view! {
        <header class="vl-header">
            {back.then(|| view! {
                <Button ctrl class="vl-icon-button vl-back" label="‹" press=Msg::Back
                    aria_label=ctrl.t(Key::Back) />
            })}
            <Button ctrl class="vl-icon-button vl-close" label="×" press=Msg::Close
                aria_label=ctrl.t(Key::Close) />
        </header>
    }
}

/// A screen's `<main>`.
#[component]
pub fn Body(
    class: &'static str,
    #[prop(optional)] busy: bool,
    children: Children,
) -> impl IntoView {
    view! { <main class=class aria-busy=busy.then_some("true")>{children()}</main> }
}

/// A paragraph of text; `alert` ones are announced.
#[component]
pub fn Para(
    class: &'static str,
    #[prop(into)] text: String,
    #[prop(optional)] role: Option<&'static str>,
) -> impl IntoView {
    view! { <p class=class role=role>{text}</p> }
}

/// A provider's logo beside a heading or a line about it.
#[component]
pub fn ProviderHead(ctrl: Ctrl, provider: LinkProvider, children: Children) -> impl IntoView {
    view! {
        <div class="vl-provider-head">
            {provider_logo(ctrl, &provider)}
            {children()}
        </div>
    }
}

/// The tile classes of a provider drawn by its initial (no formatting in the wasm).
const TINTS: [&str; 6] = [
    "vl-logo vl-initial vl-tint-0",
    "vl-logo vl-initial vl-tint-1",
    "vl-logo vl-initial vl-tint-2",
    "vl-logo vl-initial vl-tint-3",
    "vl-logo vl-initial vl-tint-4",
    "vl-logo vl-initial vl-tint-5",
];

/// The initial drawn for a provider without a usable logo, and its tile class (a tint picked
/// by the slug, so a provider keeps its colour).
pub fn initial(provider: &LinkProvider) -> (char, &'static str) {
    // ASCII upper-casing: Rust's Unicode case tables cost more than they show here.
    let initial = provider
        .name
        .chars()
        .next()
        .unwrap_or('?')
        .to_ascii_uppercase();
    let tint = provider
        .slug
        .bytes()
        .fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(b as u32))
        % 6;
    (initial, TINTS[tint as usize])
}

/// A provider's logo when it can load under the host's CSP, else its initial on a tinted tile.
/// A plain function over a borrowed provider: a picker row draws it without copying the entry.
pub fn provider_logo(ctrl: Ctrl, provider: &LinkProvider) -> AnyView {
    match ctrl.logo_src(&provider.logo) {
        Some(src) => view! {
            <img class="vl-logo" src=src alt="" width="40" height="40" loading="lazy" />
        }
        .into_any(),
        None => {
            let (initial, class) = initial(provider);
            view! { <span class=class aria-hidden="true">{initial.to_string()}</span> }.into_any()
        }
    }
}

/// What changes while a screen stays on ([`Live`]: busy flag, inline error, OAuth phase), as
/// one memo: typed text survives its changes, and one memo type serves every screen.
#[derive(Clone, Copy)]
pub struct LiveState(Memo<Live>);

impl LiveState {
    pub fn of(ctrl: Ctrl) -> Self {
        let flow = ctrl.flow;
        LiveState(Memo::new(move |_| flow.with(Flow::live)))
    }

    pub fn busy(self) -> bool {
        self.0.with(|l| l.busy)
    }

    pub fn busy_untracked(self) -> bool {
        self.0.with_untracked(|l| l.busy)
    }

    pub fn has_error(self) -> bool {
        self.0.with(|l| l.error.is_some())
    }

    pub fn phase(self) -> Option<OauthPhase> {
        self.0.with(|l| l.phase.clone())
    }

    /// After each failed attempt, puts the cursor in `field` with its text selected, or emptied
    /// when it is a secret (a password is never kept).
    pub fn refocus_on_error(self, field: NodeRef<html::Input>, secret: bool) {
        Effect::new(move |_| {
            if self.has_error() {
                if let Some(input) = field.get_untracked() {
                    if secret {
                        input.set_value("");
                    }
                    let _ = input.focus();
                    input.select();
                }
            }
        });
    }

    /// `aria-invalid` of the form's fields.
    pub fn invalid(self) -> impl Fn() -> Option<&'static str> + Copy {
        move || self.has_error().then_some("true")
    }

    /// `aria-describedby` of the form's fields: the inline error while there is one.
    pub fn described_by(self) -> impl Fn() -> Option<&'static str> + Copy {
        move || self.has_error().then_some("vl-form-error")
    }
}

/// A label above its control.
#[component]
pub fn Field(#[prop(into)] label: String, children: Children) -> impl IntoView {
    view! {
        <label class="vl-field">
            <span class="vl-label">{label}</span>
            {children()}
        </label>
    }
}

/// The region select of a provider that has regions (nothing otherwise), its default chosen.
#[component]
pub fn RegionSelect(
    ctrl: Ctrl,
    provider: LinkProvider,
    node_ref: NodeRef<html::Select>,
) -> impl IntoView {
    let fc = provider.form_components;
    if fc.regions.is_empty() {
        return ().into_any();
    }
    let default = fc.default_region.unwrap_or_default();
    let options = fc
        .regions
        .into_iter()
        .map(|Region { code, name }| {
            let selected = code == default;
            view! { <option value=code selected=selected>{name}</option> }
        })
        .collect_view();
    view! {
        <Field label=ctrl.t(Key::RegionLabel)>
            <select class="vl-input" name="region" node_ref=node_ref>{options}</select>
        </Field>
    }
    .into_any()
}

/// The inline error line, before the submit button while there is one (announced: `alert`).
#[component]
pub fn InlineErrorLine(ctrl: Ctrl, form: LiveState) -> impl IntoView {
    let lang = ctrl.lang();
    move || {
        form.0.with(|l| {
            l.error.as_ref().map(|e| {
                view! {
                    <p class="vl-inline-error" role="alert" id="vl-form-error">
                        {lang.error_message(&e.error_type)}
                    </p>
                }
            })
        })
    }
}

/// The form's submit button: disabled and relabelled while the request is in flight (a double
/// click sends one request).
#[component]
pub fn SubmitButton(
    label: &'static str,
    busy_label: &'static str,
    form: LiveState,
) -> impl IntoView {
    view! {
        <button type="submit" class="vl-button vl-primary" disabled=move || form.busy()
            aria-busy=move || form.busy().then_some("true")>
            {move || if form.busy() { busy_label } else { label }}
        </button>
        // A live region there from the start: the busy state is announced (the disabled
        // button's new label alone is not).
        <p class="vl-sr-only" role="status">{move || form.busy().then_some(busy_label)}</p>
    }
}

/// `aria-hidden`'s value as a constant, not a literal: an element made only of literals is built
/// by parsing its HTML (Leptos's "inert element"), and that parser and its cache cost the wasm
/// more than this one element's builder.
const ARIA_TRUE: &str = "true";

/// A spinner with its status line.
#[component]
pub fn Spinner(label: &'static str) -> impl IntoView {
    view! {
        <div class="vl-loading" role="status">
            <span class="vl-spinner" aria-hidden=ARIA_TRUE></span>
            {label}
        </div>
    }
}

/// The screen's heading (`vl-title`, which labels the dialog); focusable so a new screen can
/// move focus to it.
#[component]
pub fn Title(#[prop(into)] text: String, #[prop(optional)] hidden: bool) -> impl IntoView {
    let class = if hidden { "vl-sr-only" } else { "vl-title" };
    view! { <h1 id="vl-title" class=class tabindex="-1">{text}</h1> }
}
