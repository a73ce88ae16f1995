//! Agreement: who asks for the data, what is shared, links to the team's policies.

use leptos::prelude::*;

use crate::{
    components::{rich, Body, Button, Header, Title},
    ctrl::Ctrl,
    flow::Msg,
    i18n::Key,
    url::web_url,
};

#[component]
pub fn Agreement(ctrl: Ctrl) -> impl IntoView {
    let team = ctrl
        .flow
        .with_untracked(|f| f.team.clone())
        .unwrap_or_default();
    let t = move |k| ctrl.t(k);
    let name = team.team_name;
    let logo = team.logo.as_deref().and_then(|l| ctrl.logo_src(l));
    // Only http(s) links: a `javascript:` policy URL from the API is dropped, not linked.
    let link = |url: Option<String>| web_url(url.as_deref()?).map(str::to_owned);
    let privacy = link(team.privacy_policy_url);
    let terms = link(team.terms_url);
    let sentence = match (&privacy, &terms) {
        (Some(_), Some(_)) => Some(Key::LegalBoth),
        (Some(_), None) => Some(Key::LegalPrivacy),
        (None, Some(_)) => Some(Key::LegalTerms),
        (None, None) => None,
    };
    let legal = sentence.map(|key| {
        let slot = move |name: &str| {
            let (href, label) = match name {
                "privacy_policy" => (privacy.clone(), t(Key::PrivacyPolicy)),
                "terms" => (terms.clone(), t(Key::Terms)),
                _ => (None, ""),
            };
            href.map(|href| {
                view! { <a href=href target="_blank" rel="noopener noreferrer">{label}</a> }
            })
            .into_any()
        };
        view! { <p class="vl-legal">{rich(t(key), slot)}</p> }
    });
    let title = ctrl.fill(Key::AgreementTitle, &[("team", &name)]);
    let share = ctrl.fill(Key::AgreementShare, &[("team", &name)]);
    view! {
        <Header ctrl />
        <Body class="vl-body vl-agreement">
            {logo.map(|src| view! { <img class="vl-team-logo" src=src alt="" /> })}
            <Title text=title />
            <ul class="vl-bullets">
                <li>{share}</li>
                <li>{t(Key::AgreementCredentials)}</li>
                <li>{t(Key::AgreementDisconnect)}</li>
            </ul>
            {legal}
            <Button ctrl class="vl-button vl-primary" label=t(Key::Continue) press=Msg::Continue
                autofocus=true />
        </Body>
    }
}
