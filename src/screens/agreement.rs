//! Agreement: who asks for the data, what is shared, links to the team's policies.

use leptos::prelude::*;

use crate::{
    components::{Body, Button, Header, Title},
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
    let links: Vec<(String, &'static str)> = [
        (team.privacy_policy_url, Key::PrivacyPolicy),
        (team.terms_url, Key::Terms),
    ]
    .into_iter()
    .filter_map(|(url, key)| Some((web_url(url.as_deref()?)?.to_owned(), t(key))))
    .collect();
    let legal = (!links.is_empty()).then(|| {
        let links = links
            .into_iter()
            .enumerate()
            .map(|(n, (href, label))| {
                let lead = if n > 0 {
                    [" ", t(Key::And), " "].concat()
                } else {
                    " ".into()
                };
                view! {
                    {lead}
                    <a href=href target="_blank" rel="noopener noreferrer">{label}</a>
                }
            })
            .collect_view();
        view! { <p class="vl-legal">{t(Key::AgreementLegal)}{links}"."</p> }
    });
    view! {
        <Header ctrl />
        <Body class="vl-body vl-agreement">
            {logo.map(|src| view! { <img class="vl-team-logo" src=src alt="" /> })}
            <Title text=[name.as_str(), " ", t(Key::AgreementTitle)].concat() />
            <ul class="vl-bullets">
                <li>{[t(Key::AgreementShare), " ", &name, "."].concat()}</li>
                <li>{t(Key::AgreementCredentials)}</li>
                <li>{t(Key::AgreementDisconnect)}</li>
            </ul>
            {legal}
            <Button ctrl class="vl-button vl-primary" label=t(Key::Continue) press=Msg::Continue
                autofocus=true />
        </Body>
    }
}
