//! MFA: the code the provider sent, by text message or email.

use leptos::{html, prelude::*};
use link_contract::MfaMethod;

use crate::{
    components::{rich, Body, Field, Header, InlineErrorLine, LiveState, SubmitButton, Title},
    ctrl::Ctrl,
    flow::{Msg, Screen},
    i18n::Key,
};

#[component]
pub fn Mfa(ctrl: Ctrl) -> impl IntoView {
    let (method, hint) = ctrl.flow.with_untracked(|f| match &f.screen {
        Screen::Mfa { method, hint, .. } => (*method, hint.clone()),
        _ => (MfaMethod::Sms, None),
    });
    let form = LiveState::of(ctrl);
    let code_ref = NodeRef::<html::Input>::new();
    // A wrong code stays in the field, selected, so typing replaces it.
    form.refocus_on_error(code_ref, false);
    let on_submit = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        if form.busy_untracked() {
            return;
        }
        if let Some(msg) = code_ref.get_untracked().and_then(|i| Msg::mfa(&i.value())) {
            ctrl.send(msg);
        }
    };
    let (sent, sent_to) = match method {
        MfaMethod::Sms => (Key::MfaSentSms, Key::MfaSentSmsTo),
        MfaMethod::Email => (Key::MfaSentEmail, Key::MfaSentEmailTo),
    };
    // "We sent a code to <strong>•••• 1234</strong>.", or without the hint.
    let text = ctrl.t(if hint.is_some() { sent_to } else { sent });
    let sent = rich(text, move |_| {
        view! { <strong dir="ltr">{hint.clone()}</strong> }.into_any()
    });
    view! {
        <Header ctrl back=true />
        <Body class="vl-body">
            <Title text=ctrl.t(Key::MfaTitle) />
            <p class="vl-muted">{sent}</p>
            <form class="vl-form" novalidate on:submit=on_submit>
                <Field label=ctrl.t(Key::MfaCodeLabel)>
                    <input class="vl-input vl-code" name="mfa_code" type="text" inputmode="numeric" dir="ltr"
                        autocomplete="one-time-code" required autocapitalize="none"
                        spellcheck="false" data-autofocus="" node_ref=code_ref
                        aria-invalid=form.invalid() aria-describedby=form.described_by() />
                </Field>
                <InlineErrorLine ctrl form />
                <SubmitButton label=ctrl.t(Key::Verify) busy_label=ctrl.t(Key::Connecting) form />
            </form>
        </Body>
    }
}
