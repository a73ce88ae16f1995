//! Loading: a spinner while the session's first requests run (they time out, see `api`).

use leptos::prelude::*;

use crate::{
    components::{Body, Header},
    ctrl::Ctrl,
    i18n::Key,
};

#[component]
pub fn Loading(ctrl: Ctrl) -> impl IntoView {
    // While the locale's file is on its way: the spinner alone, no English word first; its
    // words when the file is in (the status line is one live region throughout, so the change
    // is announced).
    let lang = ctrl.lang;
    let label = move || {
        let lang = lang.get();
        if ctrl.locale_pending() {
            ""
        } else {
            lang.t(Key::Loading)
        }
    };
    view! {
        <Header ctrl />
        <Body class="vl-body vl-center" busy=true>
            <h1 id="vl-title" class="vl-sr-only" tabindex="-1">{label}</h1>
            <div class="vl-loading" role="status">
                <span class="vl-spinner" aria-hidden="true"></span>
                {label}
            </div>
        </Body>
    }
}
