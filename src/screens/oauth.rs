//! OAuth hand-off: "Continue to <provider>" opens the sign-in popup in the click handler
//! (popup-blocker safe); while it is open the controller polls `/v2/link/state`.

use leptos::prelude::*;

use super::{Ctrl, Header, ProviderLogo};
use crate::{
    flow::{Effect, Msg, OauthPhase, Screen},
    i18n::Key,
};

#[component]
pub fn Oauth(ctrl: Ctrl) -> impl IntoView {
    let Some(provider) = ctrl.flow.with_untracked(|f| match &f.screen {
        Screen::Oauth { provider, .. } => Some(provider.clone()),
        _ => None,
    }) else {
        return ().into_any();
    };
    let phase = Memo::new({
        let c = ctrl.clone();
        move |_| {
            c.flow.with(|f| match &f.screen {
                Screen::Oauth { phase, .. } => Some(phase.clone()),
                _ => None,
            })
        }
    });
    let lang = ctrl.lang;
    let name = provider.name.clone();

    let c = ctrl.clone();
    let on_continue = move |_| {
        let popup = c.open_popup();
        c.send(Msg::StartOauth { popup });
    };
    let c = ctrl.clone();
    let body = move || {
        let c = c.clone();
        match phase.get() {
            Some(OauthPhase::Ready) | None => view! {
                <button type="button" class="vl-button vl-primary" data-autofocus on:click=on_continue.clone()>
                    {lang.t(Key::OauthContinue)} " " {name.clone()}
                </button>
            }
            .into_any(),
            Some(OauthPhase::Starting { .. }) => view! {
                <div class="vl-loading" role="status"><span class="vl-spinner" aria-hidden="true"></span>{lang.t(Key::Loading)}</div>
            }
            .into_any(),
            Some(OauthPhase::Waiting { popup: true, .. }) => view! {
                <div class="vl-loading" role="status"><span class="vl-spinner" aria-hidden="true"></span>{lang.t(Key::OauthWaiting)}</div>
            }
            .into_any(),
            Some(OauthPhase::Waiting { url, popup: false }) => {
                let has_redirect = c.flow.with_untracked(|f| f.info.redirect_url.is_some());
                let same_window = has_redirect.then(|| {
                    let url = url.clone();
                    let c = c.clone();
                    view! {
                        <button type="button" class="vl-button" on:click=move |_| c.run(vec![Effect::Navigate(url.clone())])>
                            {lang.t(Key::OauthSameWindow)}
                        </button>
                    }
                });
                view! {
                    <p class="vl-muted" role="alert">{lang.t(Key::OauthBlocked)}</p>
                    <a class="vl-button vl-primary vl-link-button" href=url target="_blank" data-autofocus>
                        {lang.t(Key::OauthOpenTab)}
                    </a>
                    {same_window}
                    <p class="vl-muted">{lang.t(Key::OauthWaiting)}</p>
                }
                .into_any()
            }
        }
    };
    view! {
        <Header ctrl=ctrl.clone() back=true />
        <main class="vl-body">
            <div class="vl-provider-head">
                <ProviderLogo provider=provider.clone() api=ctrl.api.clone() />
                <h1 id="vl-title" class="vl-title" tabindex="-1">{lang.t(Key::OauthTitle)}</h1>
            </div>
            <p class="vl-muted">{provider.description.clone()}</p>
            <div class="vl-actions">{body}</div>
        </main>
    }
    .into_any()
}
