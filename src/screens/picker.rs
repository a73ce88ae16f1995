//! Provider picker: search as you type, arrow keys move, Enter selects, `/` focuses search.

use leptos::{html, prelude::*};
use wasm_bindgen::JsCast;

use super::{logo_src, Ctrl};
use crate::{flow::Msg, host, i18n::Key, markup::Markup, search};

#[component]
pub fn Picker(ctrl: Ctrl) -> impl IntoView {
    let providers = ctrl.flow.with_untracked(|f| f.providers.clone());
    let query = RwSignal::new(String::new());
    let list_ref = NodeRef::<html::Ul>::new();
    let search_ref = NodeRef::<html::Input>::new();
    let all = StoredValue::new(providers);
    let visible = Memo::new(move |_| {
        let q = query.get();
        all.with_value(|p| search::filter(p, &q))
    });

    // SEARCH_PROVIDER once typing pauses for 300 ms.
    let pending = StoredValue::new(None::<TimeoutHandle>);
    let c = ctrl.clone();
    let on_input = move |ev: web_sys::Event| {
        let value = event_target_value(&ev);
        query.set(value.clone());
        if let Some(h) = pending.get_value() {
            h.clear();
        }
        let c = c.clone();
        let handle = set_timeout_with_handle(
            move || {
                if !value.trim().is_empty() {
                    c.send(Msg::SearchSettled(value));
                }
            },
            std::time::Duration::from_millis(300),
        )
        .ok();
        pending.set_value(handle);
    };
    on_cleanup(move || {
        if let Some(h) = pending.try_get_value().flatten() {
            h.clear();
        }
    });

    let on_keydown = move |ev: web_sys::KeyboardEvent| {
        let key = ev.key();
        let in_search = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .is_some();
        match key.as_str() {
            "/" if !in_search => {
                ev.prevent_default();
                if let Some(s) = search_ref.get_untracked() {
                    let _ = s.focus();
                }
            }
            "ArrowDown" | "ArrowUp" => {
                ev.prevent_default();
                move_focus(list_ref, search_ref, key == "ArrowDown", in_search);
            }
            _ => {}
        }
    };

    // The rows are markup rebuilt as the query changes; one listener picks.
    let api = ctrl.api.clone();
    let rows = move || {
        visible.with(|v| {
            all.with_value(|p| {
                Markup::provider_rows(v.iter().map(|&i| &p[i]), &|l| logo_src(&api, l))
            })
        })
    };
    let c = ctrl.clone();
    let on_pick = move |ev: web_sys::MouseEvent| {
        if let Some(slug) = host::clicked(&ev, "data-slug") {
            c.send(Msg::Select(slug));
        }
    };

    let lang = ctrl.lang;
    let t = move |k| lang.t(k);
    // `display: contents`: the picker's parts lay out as children of `<main>`.
    view! {
        <div class="vl-contents" on:keydown=on_keydown>
            <h1 id="vl-title" class="vl-title" tabindex="-1">{t(Key::PickerTitle)}</h1>
            <input
                class="vl-input vl-search"
                type="search"
                node_ref=search_ref
                aria-label=t(Key::SearchLabel)
                placeholder=t(Key::SearchPlaceholder)
                autocomplete="off"
                spellcheck="false"
                data-autofocus
                on:input=on_input
            />
            <ul class="vl-providers" node_ref=list_ref aria-label=t(Key::PickerTitle)
                inner_html=rows on:click=on_pick></ul>
            <Show when=move || visible.with(|v| v.is_empty())>
                <p class="vl-muted" role="status">{t(Key::NoResults)}</p>
            </Show>
        </div>
    }
}

/// Arrow keys: from the search box to the first provider, then along the list.
fn move_focus(list: NodeRef<html::Ul>, search: NodeRef<html::Input>, down: bool, in_search: bool) {
    let Some(list) = list.get_untracked() else {
        return;
    };
    let items = host::all(&list, "button.vl-provider");
    if items.is_empty() {
        return;
    }
    if in_search {
        if down {
            let _ = items[0].focus();
        }
        return;
    }
    let active = host::active_element(&list);
    let pos = active.and_then(|a| {
        items
            .iter()
            .position(|b| b.is_same_node(Some(a.unchecked_ref::<web_sys::Node>())))
    });
    match (pos, down) {
        (Some(i), true) if i + 1 < items.len() => {
            let _ = items[i + 1].focus();
        }
        (Some(0), false) => {
            if let Some(s) = search.get_untracked() {
                let _ = s.focus();
            }
        }
        (Some(i), false) => {
            let _ = items[i - 1].focus();
        }
        _ => {}
    }
}
