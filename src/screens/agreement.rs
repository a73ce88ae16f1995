//! Agreement: who asks for the data, what is shared, links to the policies.

use leptos::prelude::*;
use link_contract::TeamLinkConfig;

use crate::flow::Session;

/// The agreement screen for a known team config (pure rendering, tested in the browser).
#[component]
pub fn AgreementView(
    config: TeamLinkConfig,
    on_continue: impl Fn() + 'static,
    on_close: impl Fn() + 'static,
) -> impl IntoView {
    let team = config.team_name.clone();
    view! {
        <header class="vl-header">
            <button type="button" class="vl-icon-button vl-close" aria-label="Close" on:click=move |_| on_close()>
                "×"
            </button>
        </header>
        <main class="vl-body vl-agreement">
            {config.logo.clone().map(|src| view! { <img class="vl-team-logo" src=src alt="" /> })}
            <h1 id="vl-title" class="vl-title">{team.clone()} " uses Vital to connect your health data"</h1>
            <ul class="vl-bullets">
                <li>"Your activity, sleep, body and vitals data from the device you choose is shared with " {team}"."</li>
                <li>"Your login details are sent to the provider only; they are never shared."</li>
                <li>"You can disconnect at any time."</li>
            </ul>
            <p class="vl-legal">
                "By continuing you agree to the "
                {config.privacy_policy_url.clone().map(|href| view! { <a href=href target="_blank" rel="noopener noreferrer">"privacy policy"</a> })}
                " and "
                {config.terms_url.clone().map(|href| view! { <a href=href target="_blank" rel="noopener noreferrer">"terms"</a> })}
                "."
            </p>
            <button type="button" class="vl-button vl-primary" on:click=move |_| on_continue()>
                "Continue"
            </button>
        </main>
    }
}

/// Loads the team config, then shows [`AgreementView`].
#[component]
pub fn Agreement(
    session: Session,
    on_continue: impl Fn() + Clone + Send + Sync + 'static,
    on_close: impl Fn() + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let api = session.api.clone();
    let config = LocalResource::new(move || {
        let api = api.clone();
        async move { api.team_config().await }
    });
    move || match config.get() {
        None => view! { <div class="vl-loading" role="status" aria-live="polite"><span class="vl-spinner"></span>"Loading…"</div> }.into_any(),
        Some(Ok(cfg)) => view! { <AgreementView config=cfg on_continue=on_continue.clone() on_close=on_close.clone() /> }.into_any(),
        Some(Err(e)) => view! { <div class="vl-error" role="alert">"Something went wrong (" {e.error_type().to_owned()} ")."</div> }.into_any(),
    }
}
