//! Success: the provider is connected.

use leptos::prelude::*;

use crate::{
    components::{rich, Body, Button, ProviderHead, Title},
    ctrl::Ctrl,
    flow::{Msg, Screen},
    i18n::Key,
};

#[component]
pub fn Success(ctrl: Ctrl) -> impl IntoView {
    let Some(provider) = ctrl.flow.with_untracked(|f| match &f.screen {
        Screen::Success { provider } => Some(provider.clone()),
        _ => None,
    }) else {
        return ().into_any();
    };
    let name = provider.name.clone();
    view! {
        <Body class="vl-body vl-center vl-result">
            <span class="vl-check" aria-hidden="true">"✓"</span>
            <Title text=ctrl.t(Key::SuccessTitle) />
            <ProviderHead ctrl provider>
                <p>{rich(ctrl.t(Key::SuccessBody), move |_| {
                    view! { <strong dir="auto">{name.clone()}</strong> }.into_any()
                })}</p>
            </ProviderHead>
            <Button ctrl class="vl-button vl-primary" label=ctrl.t(Key::Done) press=Msg::Continue
                autofocus=true />
        </Body>
    }
    .into_any()
}
