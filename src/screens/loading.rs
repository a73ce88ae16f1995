//! Loading: a spinner while the session's first requests run (they time out, see `api`).

use leptos::prelude::*;

use crate::{
    components::{Body, Header, Spinner, Title},
    ctrl::Ctrl,
    i18n::Key,
};

#[component]
pub fn Loading(ctrl: Ctrl) -> impl IntoView {
    // While the locale's file is on its way: the spinner alone, no English word first.
    let label = if ctrl.locale_pending() {
        ""
    } else {
        ctrl.t(Key::Loading)
    };
    view! {
        <Header ctrl />
        <Body class="vl-body vl-center" busy=true>
            <Title text=label hidden=true />
            <Spinner label />
        </Body>
    }
}
