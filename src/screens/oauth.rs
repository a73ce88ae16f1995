//! OAuth hand-off: "Continue to <provider>" opens the sign-in popup inside the click handler
//! (so popup blockers allow it); while it is open the controller polls `/v2/link/state`. A
//! blocked popup gets a link that opens the sign-in in a new tab, and, where the token has a
//! `redirect_url`, a button that sends this window there.

use leptos::prelude::*;

use crate::{
    components::{Header, ProviderLogo, Spinner, Title},
    ctrl::Ctrl,
    flow::{Effect, OauthPhase, Screen},
    i18n::Key,
    url::web_url,
};

#[component]
pub fn Oauth(ctrl: Ctrl) -> impl IntoView {
    let Some(provider) = ctrl.flow.with_untracked(|f| match &f.screen {
        Screen::Oauth { provider, .. } => Some(provider.clone()),
        _ => None,
    }) else {
        return ().into_any();
    };
    let flow = ctrl.flow;
    let phase = Memo::new(move |_| {
        flow.with(|f| match &f.screen {
            Screen::Oauth { phase, .. } => Some(phase.clone()),
            _ => None,
        })
    });
    let t = move |k| ctrl.t(k);
    let continue_label = [t(Key::OauthContinue), " ", &provider.name].concat();
    let actions = move || match phase.get() {
        Some(OauthPhase::Ready) | None => view! {
            <button type="button" class="vl-button vl-primary" data-autofocus=""
                on:click=move |_| ctrl.start_oauth()>
                {continue_label.clone()}
            </button>
        }
        .into_any(),
        Some(OauthPhase::Starting { .. }) => view! { <Spinner label=t(Key::Loading) /> }.into_any(),
        Some(OauthPhase::Waiting { popup: true, .. }) => {
            view! { <Spinner label=t(Key::OauthWaiting) /> }.into_any()
        }
        Some(OauthPhase::Waiting { url, popup: false }) => {
            let has_redirect = flow.with_untracked(|f| f.info.redirect_url.is_some());
            let new_tab = web_url(&url).map(|href| {
                view! {
                    <a class="vl-button vl-primary vl-link-button" href=href.to_owned()
                        target="_blank" data-autofocus="">
                        {t(Key::OauthOpenTab)}
                    </a>
                }
            });
            let same_window = has_redirect.then(|| {
                view! {
                    <button type="button" class="vl-button"
                        on:click=move |_| ctrl.run(vec![Effect::Navigate(url.clone())])>
                        {t(Key::OauthSameWindow)}
                    </button>
                }
            });
            view! {
                <p class="vl-muted" role="alert">{t(Key::OauthBlocked)}</p>
                {new_tab}
                {same_window}
                <p class="vl-muted">{t(Key::OauthWaiting)}</p>
            }
            .into_any()
        }
    };
    let description = provider.description.clone();
    view! {
        <Header ctrl back=true />
        <main class="vl-body">
            <div class="vl-provider-head">
                <ProviderLogo ctrl provider />
                <Title text=t(Key::OauthTitle) />
            </div>
            <p class="vl-muted">{description}</p>
            <div class="vl-actions">{actions}</div>
        </main>
    }
    .into_any()
}
