//! Agreement: who asks for the data, what is shared, links to the policies.

use leptos::prelude::*;

use super::{logo_src, Ctrl, Header};
use crate::{flow::Msg, i18n::Key};

#[component]
pub fn Agreement(ctrl: Ctrl) -> impl IntoView {
    let team = ctrl
        .flow
        .with_untracked(|f| f.team.clone())
        .unwrap_or_else(|| link_contract::TeamLinkConfig {
            team_name: String::new(),
            logo: None,
            privacy_policy_url: None,
            terms_url: None,
        });
    let name = team.team_name.clone();
    let t = |k| ctrl.t(k);
    let privacy = team.privacy_policy_url.clone().map(|href| {
        view! { <a href=href target="_blank" rel="noopener noreferrer">{t(Key::PrivacyPolicy)}</a> }
    });
    let terms = team.terms_url.clone().map(|href| {
        view! { <a href=href target="_blank" rel="noopener noreferrer">{t(Key::Terms)}</a> }
    });
    let both = privacy.is_some() && terms.is_some();
    let legal = (privacy.is_some() || terms.is_some()).then(|| {
        view! {
            <p class="vl-legal">
                {t(Key::AgreementLegal)} " " {privacy} {both.then(|| [" ", t(Key::And), " "].concat())} {terms} "."
            </p>
        }
    });
    let c = ctrl.clone();
    view! {
        <Header ctrl=ctrl.clone() />
        <main class="vl-body vl-agreement">
            {team.logo.as_deref().and_then(|l| logo_src(&ctrl.api, l)).map(|src| view! { <img class="vl-team-logo" src=src alt="" /> })}
            <h1 id="vl-title" class="vl-title" tabindex="-1">{name.clone()} " " {t(Key::AgreementTitle)}</h1>
            <ul class="vl-bullets">
                <li>{t(Key::AgreementShare)} " " {name} "."</li>
                <li>{t(Key::AgreementCredentials)}</li>
                <li>{t(Key::AgreementDisconnect)}</li>
            </ul>
            {legal}
            <button type="button" class="vl-button vl-primary" data-autofocus on:click=move |_| c.send(Msg::Continue)>
                {t(Key::Continue)}
            </button>
        </main>
    }
}
