//! MFA: the code the provider sent, by SMS or email.

use leptos::{html, prelude::*};
use link_contract::MfaMethod;

use super::{
    password::{form_signals, InlineErrorLine},
    Ctrl, Header,
};
use crate::{
    flow::{Msg, Screen},
    i18n::Key,
};

#[component]
pub fn Mfa(ctrl: Ctrl) -> impl IntoView {
    let (method, hint) = ctrl.flow.with_untracked(|f| match &f.screen {
        Screen::Mfa { method, hint, .. } => (*method, hint.clone()),
        _ => (MfaMethod::Sms, None),
    });
    let (busy, error) = form_signals(&ctrl);
    let code_ref = NodeRef::<html::Input>::new();
    Effect::new(move |_| {
        if error.get().is_some() {
            if let Some(i) = code_ref.get_untracked() {
                i.select();
            }
        }
    });
    let c = ctrl.clone();
    let on_submit = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        if let Some(i) = code_ref.get_untracked() {
            let code: String = i.value().chars().filter(|c| !c.is_whitespace()).collect();
            if !code.is_empty() {
                c.send(Msg::SubmitMfa(code));
            }
        }
    };
    let lang = ctrl.lang;
    let sent = match method {
        MfaMethod::Sms => lang.t(Key::MfaSentSms),
        MfaMethod::Email => lang.t(Key::MfaSentEmail),
    };
    view! {
        <Header ctrl=ctrl.clone() back=true />
        <main class="vl-body">
            <h1 id="vl-title" class="vl-title" tabindex="-1">{lang.t(Key::MfaTitle)}</h1>
            <p class="vl-muted">{sent} " " <strong class="vl-hint">{hint}</strong></p>
            <form class="vl-form" on:submit=on_submit novalidate>
                <label class="vl-field">
                    <span class="vl-label">{lang.t(Key::MfaCodeLabel)}</span>
                    <input class="vl-input vl-code" name="mfa_code" inputmode="numeric"
                        autocomplete="one-time-code" required node_ref=code_ref data-autofocus
                        aria-invalid=move || error.get().map(|_| "true")
                        aria-describedby=move || error.get().map(|_| "vl-form-error") />
                </label>
                <InlineErrorLine lang error />
                <button type="submit" class="vl-button vl-primary" disabled=move || busy.get()>
                    {move || if busy.get() { lang.t(Key::Connecting) } else { lang.t(Key::Verify) }}
                </button>
            </form>
        </main>
    }
}
