//! One module per screen; [`App`] picks the screen for the current view.

pub mod agreement;

use leptos::prelude::*;

use crate::flow::{Session, View};

#[component]
pub fn App(session: Session) -> impl IntoView {
    let view = RwSignal::new(View::Agreement);
    let on_close = {
        let session = session.clone();
        move || {
            session.emit(
                "exit",
                &serde_json::json!({"state": "exit", "error_type": "user_cancelled", "view": view.get_untracked().name()}),
            )
        }
    };
    view! {
        <div class="vl-dialog" role="dialog" aria-modal="true" aria-labelledby="vl-title">
            {move || match view.get() {
                View::Agreement => view! {
                    <agreement::Agreement
                        session=session.clone()
                        on_continue=move || view.set(View::ProviderPicker)
                        on_close=on_close.clone()
                    />
                }.into_any(),
                _ => view! { <p class="vl-muted">"Coming soon"</p> }.into_any(),
            }}
        </div>
    }
}
