//! Loading: a spinner while the session's first requests run (they time out, see `api`).

use leptos::prelude::*;

use super::{Ctrl, Header};
use crate::i18n::Key;

#[component]
pub fn Loading(ctrl: Ctrl) -> impl IntoView {
    let label = ctrl.t(Key::Loading);
    view! {
        <Header ctrl=ctrl />
        <main class="vl-body vl-center" aria-busy="true">
            <h1 id="vl-title" class="vl-sr-only" tabindex="-1">{label}</h1>
            <div class="vl-loading" role="status"><span class="vl-spinner" aria-hidden="true"></span>{label}</div>
        </main>
    }
}
