//! Password form: username (the provider's own label when it has one), password, region.

use leptos::{html, prelude::*};

use crate::{
    components::{
        Body, Field, Header, InlineErrorLine, LiveState, Para, ProviderHead, RegionSelect,
        SubmitButton, Title,
    },
    ctrl::Ctrl,
    flow::Msg,
    i18n::Key,
};

#[component]
pub fn Password(ctrl: Ctrl) -> impl IntoView {
    let Some(provider) = ctrl
        .flow
        .with_untracked(|f| f.form().map(|(p, ..)| p.clone()))
    else {
        return ().into_any();
    };
    let form = LiveState::of(ctrl);
    let user_ref = NodeRef::<html::Input>::new();
    let pass_ref = NodeRef::<html::Input>::new();
    let region_ref = NodeRef::<html::Select>::new();
    // A failed attempt empties the password (it is never kept) and puts the cursor there.
    form.refocus_on_error(pass_ref, true);
    let on_submit = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        if form.busy_untracked() {
            return;
        }
        let (Some(user), Some(pass)) = (user_ref.get_untracked(), pass_ref.get_untracked()) else {
            return;
        };
        let region = region_ref
            .get_untracked()
            .map(|r| r.value())
            .unwrap_or_default();
        ctrl.send(Msg::password(&user.value(), pass.value(), region));
    };
    // The provider's own labels and instructions when it has them (translated when they are
    // the sandbox's, see `Lang::api_text`).
    let lang = ctrl.lang();
    let fc = &provider.form_components;
    let api_text = |text: &Option<String>, key: Key| match text {
        Some(text) => lang.api_text(text, &provider.name),
        None => lang.t(key).into(),
    };
    let user_label = api_text(&fc.username_label, Key::UsernameLabel);
    let pass_label = api_text(&fc.password_label, Key::PasswordLabel);
    let instructions = fc
        .instructions
        .as_deref()
        .map(|text| lang.api_text(text, &provider.name));
    let title = ctrl.fill(Key::ConnectTitle, &[("provider", &provider.name)]);
    view! {
        <Header ctrl back=true />
        <Body class="vl-body">
            <ProviderHead ctrl provider=provider.clone()>
                <Title text=title />
            </ProviderHead>
            {instructions.map(|i| view! { <Para class="vl-muted" text=i /> })}
            <form class="vl-form" novalidate on:submit=on_submit>
                <Field label=user_label>
                    <input class="vl-input" name="username" type="text" autocomplete="username"
                        required autocapitalize="none" spellcheck="false" data-autofocus=""
                        node_ref=user_ref aria-invalid=form.invalid()
                        aria-describedby=form.described_by() />
                </Field>
                <Field label=pass_label>
                    <input class="vl-input" name="password" type="password"
                        autocomplete="current-password" required node_ref=pass_ref
                        aria-invalid=form.invalid() aria-describedby=form.described_by() />
                </Field>
                <RegionSelect ctrl provider node_ref=region_ref />
                <InlineErrorLine ctrl form />
                <SubmitButton label=ctrl.t(Key::Connect) busy_label=ctrl.t(Key::Connecting) form />
            </form>
        </Body>
    }
    .into_any()
}
