//! Loading: a spinner while the session's first requests run (they time out, see `api`).

use leptos::prelude::*;

use crate::{
    components::{Header, Spinner, Title},
    ctrl::Ctrl,
    i18n::Key,
};

#[component]
pub fn Loading(ctrl: Ctrl) -> impl IntoView {
    let label = ctrl.t(Key::Loading);
    view! {
        <Header ctrl />
        <main class="vl-body vl-center" aria-busy="true">
            <Title text=label hidden=true />
            <Spinner label />
        </main>
    }
}
