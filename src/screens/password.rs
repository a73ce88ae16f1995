//! Password form: labels and instructions from `form_components`, region where given.

use leptos::{html, prelude::*};
use link_contract::LinkProvider;

use super::{Ctrl, Header, ProviderLogo};
use crate::{
    flow::{InlineError, Msg, Screen},
    i18n::{Key, Lang},
};

/// The provider, busy flag and inline error of a form screen (password, MFA, email).
fn form_fields(screen: &Screen) -> Option<(&LinkProvider, bool, &Option<InlineError>)> {
    match screen {
        Screen::Password {
            provider,
            busy,
            error,
        }
        | Screen::Email {
            provider,
            busy,
            error,
        }
        | Screen::Mfa {
            provider,
            busy,
            error,
            ..
        } => Some((provider, *busy, error)),
        _ => None,
    }
}

/// The provider of the form on screen, read once when the form is built.
pub fn form_provider(ctrl: &Ctrl) -> Option<LinkProvider> {
    ctrl.flow
        .with_untracked(|f| form_fields(&f.screen).map(|(p, _, _)| p.clone()))
}

/// The form's busy flag and inline error, each changing only when it changes.
pub fn form_signals(ctrl: &Ctrl) -> (Memo<bool>, Memo<Option<InlineError>>) {
    let flow = ctrl.flow;
    let busy = Memo::new(move |_| flow.with(|f| form_fields(&f.screen).is_some_and(|(_, b, _)| b)));
    let error =
        Memo::new(move |_| flow.with(|f| form_fields(&f.screen).and_then(|(_, _, e)| e.clone())));
    (busy, error)
}

/// The inline error line under a form.
#[component]
pub fn InlineErrorLine(lang: Lang, error: Memo<Option<InlineError>>) -> impl IntoView {
    move || {
        error.get().map(|e| {
            view! { <p class="vl-inline-error" role="alert" id="vl-form-error">{lang.error_message(&e.error_type)}</p> }
        })
    }
}

/// A region `<select>` when the provider lists regions.
#[component]
pub fn RegionSelect(
    lang: Lang,
    provider: LinkProvider,
    node_ref: NodeRef<html::Select>,
) -> impl IntoView {
    let fc = provider.form_components;
    (!fc.regions.is_empty()).then(|| {
        let default = fc.default_region.clone().unwrap_or_default();
        view! {
            <label class="vl-field">
                <span class="vl-label">{lang.t(Key::RegionLabel)}</span>
                <select class="vl-input" name="region" node_ref=node_ref>
                    {fc.regions.into_iter().map(|r| {
                        let selected = r.code == default;
                        view! { <option value=r.code.clone() selected=selected>{r.name}</option> }
                    }).collect_view()}
                </select>
            </label>
        }
    })
}

#[component]
pub fn Password(ctrl: Ctrl) -> impl IntoView {
    let Some(provider) = form_provider(&ctrl) else {
        return ().into_any();
    };
    let (busy, error) = form_signals(&ctrl);
    let user_ref = NodeRef::<html::Input>::new();
    let pass_ref = NodeRef::<html::Input>::new();
    let region_ref = NodeRef::<html::Select>::new();

    // A failed attempt keeps the username and region but never the password.
    Effect::new(move |_| {
        if error.get().is_some() {
            if let Some(p) = pass_ref.get_untracked() {
                p.set_value("");
                let _ = p.focus();
            }
        }
    });

    let c = ctrl.clone();
    let on_submit = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let (Some(u), Some(p)) = (user_ref.get_untracked(), pass_ref.get_untracked()) else {
            return;
        };
        c.send(Msg::SubmitPassword {
            username: u.value().trim().to_owned(),
            password: p.value(),
            region: region_ref
                .get_untracked()
                .map(|r| r.value())
                .filter(|r| !r.is_empty()),
        });
    };

    let lang = ctrl.lang;
    let fc = provider.form_components.clone();
    let user_label = fc
        .username_label
        .clone()
        .unwrap_or_else(|| lang.t(Key::UsernameLabel).into());
    let pass_label = fc
        .password_label
        .clone()
        .unwrap_or_else(|| lang.t(Key::PasswordLabel).into());
    view! {
        <Header ctrl=ctrl.clone() back=true />
        <main class="vl-body">
            <div class="vl-provider-head">
                <ProviderLogo provider=provider.clone() api=ctrl.api.clone() />
                <h1 id="vl-title" class="vl-title" tabindex="-1">{lang.t(Key::ConnectTitle)} " " {provider.name.clone()}</h1>
            </div>
            {fc.instructions.clone().map(|i| view! { <p class="vl-muted">{i}</p> })}
            <form class="vl-form" on:submit=on_submit novalidate>
                <label class="vl-field">
                    <span class="vl-label">{user_label}</span>
                    <input class="vl-input" name="username" autocomplete="username" required
                        autocapitalize="none" spellcheck="false" node_ref=user_ref data-autofocus
                        aria-describedby=move || error.get().map(|_| "vl-form-error") />
                </label>
                <label class="vl-field">
                    <span class="vl-label">{pass_label}</span>
                    <input class="vl-input" name="password" type="password" autocomplete="current-password"
                        required node_ref=pass_ref
                        aria-invalid=move || error.get().map(|_| "true")
                        aria-describedby=move || error.get().map(|_| "vl-form-error") />
                </label>
                <RegionSelect lang provider=provider.clone() node_ref=region_ref />
                <InlineErrorLine lang error />
                <button type="submit" class="vl-button vl-primary" disabled=move || busy.get() aria-busy=move || busy.get().then_some("true")>
                    {move || if busy.get() { lang.t(Key::Connecting) } else { lang.t(Key::Connect) }}
                </button>
            </form>
        </main>
    }
    .into_any()
}
