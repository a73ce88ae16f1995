//! Error: a human message for the error type, Retry where it can help, Close.

use leptos::prelude::*;
use link_contract::AuthType;

use crate::{
    components::{Body, Button, Header, Title},
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
        <Body class="vl-body vl-center vl-result">
            <span class="vl-cross" aria-hidden="true">"!"</span>
            <Title text=lang.t(Key::ErrorTitle) />
            <p class="vl-message" role="alert" data-error-type=error_type>{message}</p>
            {can_retry.then(|| view! {
                <Button ctrl class="vl-button vl-primary" label=lang.t(Key::Retry) press=Msg::Retry
                    autofocus=true />
            })}
            <Button ctrl class="vl-button" label=lang.t(Key::Close) press=Msg::Close
                autofocus=!can_retry />
        </Body>
    }
}
