//! OAuth hand-off: "Continue to <provider>" opens the sign-in popup inside the click handler
//! (so popup blockers allow it); while it is open the controller polls `/v2/link/state`. A
//! blocked popup gets a link that opens the sign-in in a new tab, and, where the token has a
//! `redirect_url`, a button that sends this window there.

use leptos::prelude::*;

use crate::{
    components::{Body, Button, Header, LiveState, Para, ProviderHead, Spinner, Title},
    ctrl::Ctrl,
    flow::{Msg, OauthPhase, Screen},
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
    let live = LiveState::of(ctrl);
    let t = move |k| ctrl.t(k);
    let continue_label = ctrl.fill(Key::OauthContinue, &[("provider", &provider.name)]);
    let actions = move || match live.phase() {
        Some(OauthPhase::Ready) | None => view! {
            <Button ctrl class="vl-button vl-primary" label=continue_label.clone()
                press=Msg::StartOauth { popup: true } autofocus=true />
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
                    <Button ctrl class="vl-button" label=t(Key::OauthSameWindow)
                        press=Msg::SameWindow />
                }
            });
            view! {
                <Para class="vl-muted" text=t(Key::OauthBlocked) role="alert" />
                {new_tab}
                {same_window}
                <Para class="vl-muted" text=t(Key::OauthWaiting) />
            }
            .into_any()
        }
    };
    let description = provider.description.clone();
    view! {
        <Header ctrl back=true />
        <Body class="vl-body">
            <ProviderHead ctrl provider>
                <Title text=t(Key::OauthTitle) />
            </ProviderHead>
            <Para class="vl-muted" text=description />
            <div class="vl-actions">{actions}</div>
        </Body>
    }
    .into_any()
}
