//! Success: the provider is connected.

use leptos::prelude::*;

use super::{Ctrl, ProviderLogo};
use crate::{
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
    let lang = ctrl.lang;
    let c = ctrl.clone();
    view! {
        <main class="vl-body vl-center vl-result">
            <span class="vl-check" aria-hidden="true">"✓"</span>
            <h1 id="vl-title" class="vl-title" tabindex="-1">{lang.t(Key::SuccessTitle)}</h1>
            <div class="vl-provider-head">
                <ProviderLogo provider=provider.clone() api=ctrl.api.clone() />
                <p>{lang.t(Key::SuccessBody)} " " <strong>{provider.name.clone()}</strong></p>
            </div>
            <button type="button" class="vl-button vl-primary" data-autofocus on:click=move |_| c.send(Msg::Continue)>
                {lang.t(Key::Done)}
            </button>
        </main>
    }
    .into_any()
}
