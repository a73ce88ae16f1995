//! Error: a human message for the error type, Retry where it can help, Close.

use leptos::prelude::*;
use link_contract::AuthType;

use crate::{
    components::{Header, Title},
    ctrl::Ctrl,
    flow::{Msg, Screen},
    i18n::Key,
};

#[component]
pub fn Error(ctrl: Ctrl) -> impl IntoView {
    let (error_type, can_retry, oauth) = ctrl.flow.with_untracked(|f| match &f.screen {
        Screen::Error {
            error_type,
            retry,
            provider,
            ..
        } => {
            let oauth = f
                .providers
                .iter()
                .any(|p| Some(&p.slug) == provider.as_ref() && p.auth_type == AuthType::Oauth);
            (error_type.clone(), retry.is_some(), oauth)
        }
        _ => (String::new(), false, false),
    });
    let lang = ctrl.lang();
    let message = lang.flow_error_message(&error_type, oauth);
    view! {
        <Header ctrl />
        <main class="vl-body vl-center vl-result">
            <span class="vl-cross" aria-hidden="true">"!"</span>
            <Title text=lang.t(Key::ErrorTitle) />
            <p class="vl-message" role="alert" data-error-type=error_type>{message}</p>
            {can_retry.then(|| view! {
                <button type="button" class="vl-button vl-primary" data-autofocus=""
                    on:click=move |_| ctrl.send(Msg::Retry)>
                    {lang.t(Key::Retry)}
                </button>
            })}
            <button type="button" class="vl-button" data-autofocus=(!can_retry).then_some("")
                on:click=move |_| ctrl.send(Msg::Close)>
                {lang.t(Key::Close)}
            </button>
        </main>
    }
}
