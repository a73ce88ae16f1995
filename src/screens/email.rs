//! Email form (Freestyle Libre): address and region.

use leptos::{html, prelude::*};

use super::{
    password::{form_provider, form_signals, InlineErrorLine, RegionSelect},
    Ctrl, Header, ProviderLogo,
};
use crate::{
    flow::{InlineError, Msg},
    i18n::Key,
};

/// A light check before sending; the server has the last word (422 → inline error).
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

#[component]
pub fn Email(ctrl: Ctrl) -> impl IntoView {
    let Some(provider) = form_provider(&ctrl) else {
        return ().into_any();
    };
    let local_error = RwSignal::new(None::<InlineError>);
    let (busy, server_error) = form_signals(&ctrl);
    let error = Memo::new(move |_| local_error.get().or_else(|| server_error.get()));
    let email_ref = NodeRef::<html::Input>::new();
    let region_ref = NodeRef::<html::Select>::new();
    let c = ctrl.clone();
    let on_submit = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let Some(input) = email_ref.get_untracked() else {
            return;
        };
        let email = input.value().trim().to_owned();
        if !looks_like_email(&email) {
            local_error.set(Some(InlineError {
                error_type: "invalid_input".into(),
                message: None,
            }));
            let _ = input.focus();
            return;
        }
        local_error.set(None);
        c.send(Msg::SubmitEmail {
            email,
            region: region_ref
                .get_untracked()
                .map(|r| r.value())
                .filter(|r| !r.is_empty()),
        });
    };
    let lang = ctrl.lang;
    let instructions = provider
        .form_components
        .instructions
        .clone()
        .unwrap_or_else(|| lang.t(Key::EmailInstructions).into());
    view! {
        <Header ctrl=ctrl.clone() back=true />
        <main class="vl-body">
            <div class="vl-provider-head">
                <ProviderLogo provider=provider.clone() api=ctrl.api.clone() />
                <h1 id="vl-title" class="vl-title" tabindex="-1">{lang.t(Key::ConnectTitle)} " " {provider.name.clone()}</h1>
            </div>
            <p class="vl-muted">{instructions}</p>
            <form class="vl-form" on:submit=on_submit novalidate>
                <label class="vl-field">
                    <span class="vl-label">{lang.t(Key::EmailLabel)}</span>
                    <input class="vl-input" name="email" type="email" autocomplete="email" required
                        node_ref=email_ref data-autofocus
                        aria-invalid=move || error.get().map(|_| "true")
                        aria-describedby=move || error.get().map(|_| "vl-form-error") />
                </label>
                <RegionSelect lang provider=provider.clone() node_ref=region_ref />
                <InlineErrorLine lang error />
                <button type="submit" class="vl-button vl-primary" disabled=move || busy.get()>
                    {move || if busy.get() { lang.t(Key::Connecting) } else { lang.t(Key::Connect) }}
                </button>
            </form>
        </main>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::looks_like_email;

    #[test]
    fn email_shape() {
        assert!(looks_like_email("jo@example.com"));
        assert!(!looks_like_email("jo@example"));
        assert!(!looks_like_email("@example.com"));
        assert!(!looks_like_email("jo example@x.com"));
        assert!(!looks_like_email("jo@@x.com"));
    }
}
