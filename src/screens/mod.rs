//! One module per screen. [`App`] is the dialog: it shows the screen of the flow's current
//! view (rebuilt only when the view changes), moves focus into each new screen, keeps Tab
//! inside a modal and closes it on Esc.

pub mod agreement;
pub mod email;
pub mod error;
pub mod loading;
pub mod mfa;
pub mod oauth;
pub mod password;
pub mod picker;
pub mod success;

use leptos::{html, prelude::*};
use wasm_bindgen::JsCast;

use crate::{
    ctrl::Ctrl,
    flow::{Msg, View},
    host,
};

const FOCUSABLE: &str = "button:not([disabled]), a[href], input:not([disabled]), select:not([disabled]), [tabindex]:not([tabindex='-1'])";

/// The whole widget for one session.
#[component]
pub fn App(ctrl: Ctrl) -> impl IntoView {
    let dialog = NodeRef::<html::Div>::new();
    let flow = ctrl.flow;
    let view = Memo::new(move |_| flow.with(|f| f.view()));
    let mode = ctrl.mode();

    // After each new screen is painted: mark its first paint (the benchmark reads the marks)
    // and move focus into it.
    let painted = StoredValue::new_local(Vec::<View>::new());
    Effect::new(move |_| {
        let v = view.get();
        request_animation_frame(move || {
            // The widget may have been destroyed before this frame.
            let Some(el) = dialog.try_get_untracked().flatten() else {
                return;
            };
            let first = painted
                .try_update_value(|seen| {
                    let first = !seen.contains(&v);
                    if first {
                        seen.push(v);
                    }
                    first
                })
                .unwrap_or(false);
            if first {
                host::mark("vital-link:paint:", v.name());
            }
            if !host::focus_first(&el, "[data-autofocus]") {
                host::focus_first(&el, "h1");
            }
        });
    });

    let on_keydown = move |ev: web_sys::KeyboardEvent| {
        if !mode.modal {
            return;
        }
        let key = ev.key();
        if key == "Escape" {
            ev.prevent_default();
            ctrl.send(Msg::Close);
        } else if key == "Tab" {
            if let Some(el) = dialog.get_untracked() {
                trap_focus(&el, &ev);
            }
        }
    };

    let lang = ctrl.lang;
    let screen = move || match view.get() {
        // Drawn again when the locale's file comes in, still loading: its words and its
        // Close label then are the locale's (none are shown before, English or other).
        View::Loading => {
            lang.track();
            view! { <loading::Loading ctrl /> }.into_any()
        }
        View::Agreement => view! { <agreement::Agreement ctrl /> }.into_any(),
        View::ProviderPicker => view! { <picker::Picker ctrl /> }.into_any(),
        View::Password => view! { <password::Password ctrl /> }.into_any(),
        View::Mfa => view! { <mfa::Mfa ctrl /> }.into_any(),
        View::Email => view! { <email::Email ctrl /> }.into_any(),
        View::Oauth => view! { <oauth::Oauth ctrl /> }.into_any(),
        View::Success => view! { <success::Success ctrl /> }.into_any(),
        View::Error => view! { <error::Error ctrl /> }.into_any(),
    };
    let class = if mode.hosted {
        "vl-dialog vl-hosted"
    } else {
        "vl-dialog"
    };
    view! {
        <div class=class role="dialog" aria-modal=mode.modal.then_some("true")
            aria-labelledby="vl-title" lang=move || lang.get().code()
            dir=move || lang.get().dir() node_ref=dialog
            on:keydown=on_keydown>
            {screen}
        </div>
    }
}

/// Keeps Tab and Shift+Tab inside the dialog.
fn trap_focus(dialog: &web_sys::HtmlDivElement, ev: &web_sys::KeyboardEvent) {
    let items = host::all(dialog, FOCUSABLE);
    let (Some(first), Some(last)) = (items.first(), items.last()) else {
        ev.prevent_default();
        return;
    };
    let active = host::active_element(dialog);
    let active = active.as_ref().map(|a| a.unchecked_ref::<web_sys::Node>());
    let at_first = active.is_some_and(|a| a.is_same_node(Some(first)));
    let at_last = active.is_some_and(|a| a.is_same_node(Some(last)));
    let outside = !active.is_some_and(|a| dialog.contains(Some(a)));
    if ev.shift_key() && (at_first || outside) {
        ev.prevent_default();
        let _ = last.focus();
    } else if !ev.shift_key() && (at_last || outside) {
        ev.prevent_default();
        let _ = first.focus();
    }
}
