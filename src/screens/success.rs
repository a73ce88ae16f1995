//! Success: the provider is connected.

use leptos::prelude::*;

use crate::{
    components::{Body, Button, ProviderHead, Title},
    ctrl::Ctrl,
    flow::{Msg, Screen},
    i18n::{pieces, Key},
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
                <p>{pieces(ctrl.t(Key::SuccessBody)).into_iter().map(|(words, slot)| view! {
                    {words}{slot.map(|_| view! { <strong>{name.clone()}</strong> })}
                }).collect_view()}</p>
            </ProviderHead>
            <Button ctrl class="vl-button vl-primary" label=ctrl.t(Key::Done) press=Msg::Continue
                autofocus=true />
        </Body>
    }
    .into_any()
}
