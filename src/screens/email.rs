//! Email form (Freestyle Libre): address and region.

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
pub fn Email(ctrl: Ctrl) -> impl IntoView {
    let Some(provider) = ctrl
        .flow
        .with_untracked(|f| f.form().map(|(p, ..)| p.clone()))
    else {
        return ().into_any();
    };
    let form = LiveState::of(ctrl);
    let email_ref = NodeRef::<html::Input>::new();
    let region_ref = NodeRef::<html::Select>::new();
    // A refused address stays, selected, with the cursor in it.
    form.refocus_on_error(email_ref, false);
    let on_submit = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        if form.busy_untracked() {
            return;
        }
        let Some(email) = email_ref.get_untracked() else {
            return;
        };
        let region = region_ref
            .get_untracked()
            .map(|r| r.value())
            .unwrap_or_default();
        ctrl.send(Msg::email(&email.value(), region));
    };
    let lang = ctrl.lang();
    let instructions = match &provider.form_components.instructions {
        Some(text) => lang.api_text(text, &provider.name),
        None => ctrl.t(Key::EmailInstructions).into(),
    };
    let title = ctrl.fill(Key::ConnectTitle, &[("provider", &provider.name)]);
    view! {
        <Header ctrl back=true />
        <Body class="vl-body">
            <ProviderHead ctrl provider=provider.clone()>
                <Title text=title />
            </ProviderHead>
            <Para class="vl-muted" text=instructions />
            <form class="vl-form" novalidate on:submit=on_submit>
                <Field label=ctrl.t(Key::EmailLabel)>
                    <input class="vl-input" name="email" type="email" autocomplete="email" dir="ltr" required
                        data-autofocus="" node_ref=email_ref aria-invalid=form.invalid()
                        aria-describedby=form.described_by() />
                </Field>
                <RegionSelect ctrl provider node_ref=region_ref />
                <InlineErrorLine ctrl form />
                <SubmitButton label=ctrl.t(Key::Connect) busy_label=ctrl.t(Key::Connecting) form />
            </form>
        </Body>
    }
    .into_any()
}
