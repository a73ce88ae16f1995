//! Success: the provider is connected.

use leptos::prelude::*;

use crate::{
    components::{ProviderLogo, Title},
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
        <main class="vl-body vl-center vl-result">
            <span class="vl-check" aria-hidden="true">"✓"</span>
            <Title text=ctrl.t(Key::SuccessTitle) />
            <div class="vl-provider-head">
                <ProviderLogo ctrl provider />
                <p>{ctrl.t(Key::SuccessBody)} " " <strong>{name}</strong></p>
            </div>
            <button type="button" class="vl-button vl-primary" data-autofocus=""
                on:click=move |_| ctrl.send(Msg::Continue)>
                {ctrl.t(Key::Done)}
            </button>
        </main>
    }
    .into_any()
}
