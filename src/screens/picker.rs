//! Provider picker: search as you type (case- and accent-insensitive), and the list as a
//! window: only the rows in view, plus an overscan, are in the DOM, so a catalog of hundreds
//! opens within a frame. Rows have a fixed height; `aria-setsize`/`aria-posinset` tell
//! assistive technology where a row sits in the whole list. `/` focuses the search, the arrow
//! keys move along the list (scrolling it as needed).

use std::time::Duration;

use leptos::{html, prelude::*, task::spawn_local};
use link_contract::LinkProvider;
use wasm_bindgen::JsCast;

use crate::{
    components::{Header, ProviderLogo, Title},
    ctrl::Ctrl,
    flow::Msg,
    i18n::Key,
    search,
};

/// The height of a row in CSS px: `.vl-providers > li` in `style/widget.css`.
pub const ROW_HEIGHT: usize = 58;
/// Rows kept in the DOM beyond each edge of the view, so that a fast scroll shows no gap
/// before the window catches up (and a short catalog is drawn whole).
pub const OVERSCAN: usize = 24;
/// Rows in view before the list could be measured (`max-height: 360px`).
const ROWS_IN_VIEW: usize = 7;

#[component]
pub fn Picker(ctrl: Ctrl) -> impl IntoView {
    let flow = ctrl.flow;
    let count = flow.with_untracked(|f| f.providers.len());
    // The catalog is folded for search after the first paint (or at the first keystroke).
    let index = StoredValue::new_local(None::<search::Index>);
    let matches = RwSignal::new((0..count).collect::<Vec<usize>>());
    let total = Memo::new(move |_| matches.with(Vec::len));
    let first_in_view = RwSignal::new(0usize);
    let rows_in_view = RwSignal::new(ROWS_IN_VIEW);
    let window = Memo::new(move |_| {
        let first = first_in_view.get();
        let start = first.saturating_sub(OVERSCAN);
        let end = total.get().min(first + rows_in_view.get() + OVERSCAN);
        (start, end.max(start))
    });
    let list_ref = NodeRef::<html::Div>::new();
    let search_ref = NodeRef::<html::Input>::new();
    let timer = StoredValue::new_local(None::<TimeoutHandle>);
    on_cleanup(move || {
        if let Some(Some(t)) = timer.try_update_value(Option::take) {
            t.clear();
        }
    });

    let build_index = move || {
        if index.with_value(Option::is_none) {
            let built = flow.with_untracked(|f| search::Index::new(&f.providers));
            index.set_value(Some(built));
        }
    };
    request_animation_frame(move || set_timeout(build_index, Duration::ZERO));

    let on_scroll = move |_| {
        if let Some(list) = list_ref.get_untracked() {
            let first = list.scroll_top().max(0) as usize / ROW_HEIGHT;
            let rows = (list.client_height().max(0) as usize).div_ceil(ROW_HEIGHT);
            if first != first_in_view.get_untracked() {
                first_in_view.set(first);
            }
            if rows > 0 && rows != rows_in_view.get_untracked() {
                rows_in_view.set(rows);
            }
        }
    };

    let on_input = move |ev: web_sys::Event| {
        let query = event_target_value(&ev);
        build_index();
        let found = index.with_value(|i| i.as_ref().map(|i| i.filter(&query)));
        matches.set(found.unwrap_or_default());
        if let Some(list) = list_ref.get_untracked() {
            list.set_scroll_top(0);
        }
        first_in_view.set(0);
        // SEARCH_PROVIDER once typing pauses for 300 ms.
        if let Some(Some(t)) = timer.try_update_value(Option::take) {
            t.clear();
        }
        if !query.trim().is_empty() {
            let settled = set_timeout_with_handle(
                move || ctrl.send(Msg::SearchSettled(query)),
                Duration::from_millis(300),
            );
            timer.set_value(settled.ok());
        }
    };

    // Focuses the row at `pos` of the filtered list, scrolling it into the window first when
    // it is not drawn yet.
    let focus_row = move |pos: usize| {
        let Some(list) = list_ref.get_untracked() else {
            return;
        };
        if focus_drawn_row(&list, pos) {
            return;
        }
        list.set_scroll_top((pos * ROW_HEIGHT) as i32);
        first_in_view.set(pos);
        spawn_local(async move {
            leptos::task::tick().await;
            if let Some(list) = list_ref.get_untracked() {
                focus_drawn_row(&list, pos);
            }
        });
    };

    let on_keydown = move |ev: web_sys::KeyboardEvent| {
        let key = ev.key();
        let target = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok());
        // The search box is the picker's only input.
        let in_search = target.as_ref().is_some_and(|t| t.tag_name() == "INPUT");
        // The row the focus is on: its `aria-posinset` is its place in the list, from 1.
        let at = target
            .as_ref()
            .and_then(|t| t.closest("li[aria-posinset]").ok().flatten())
            .and_then(|li| li.get_attribute("aria-posinset"))
            .and_then(|n| n.parse::<usize>().ok())
            .and_then(|n| n.checked_sub(1));
        let focus_search = move || {
            if let Some(s) = search_ref.get_untracked() {
                let _ = s.focus();
            }
        };
        match key.as_str() {
            "/" if !in_search => {
                ev.prevent_default();
                focus_search();
            }
            "ArrowDown" if in_search && total.get_untracked() > 0 => {
                ev.prevent_default();
                focus_row(0);
            }
            "ArrowDown" => {
                if let Some(n) = at.filter(|n| n + 1 < total.get_untracked()) {
                    ev.prevent_default();
                    focus_row(n + 1);
                }
            }
            "ArrowUp" => match at {
                Some(0) => {
                    ev.prevent_default();
                    focus_search();
                }
                Some(n) => {
                    ev.prevent_default();
                    focus_row(n - 1);
                }
                None => {}
            },
            _ => {}
        }
    };

    // A row is keyed by its place, its provider and the list's length: a row the window keeps
    // stays (with the focus in it), and `aria-setsize` needs no effect of its own.
    let rows = move || {
        let (start, end) = window.get();
        let size = total.get();
        matches.with(|m| {
            m.get(start..end)
                .unwrap_or_default()
                .iter()
                .enumerate()
                .map(|(k, &i)| (start + k, i, size))
                .collect::<Vec<_>>()
        })
    };
    let row = move |(pos, i, size): (usize, usize, usize)| {
        let Some(p) = flow.with_untracked(|f| f.providers.get(i).cloned()) else {
            return ().into_any();
        };
        view! {
            <li aria-setsize=size aria-posinset=pos + 1>
                <ProviderRow ctrl provider=p />
            </li>
        }
        .into_any()
    };
    let px = |n: usize| [(n * ROW_HEIGHT).to_string(), "px".into()].concat();
    let title = ctrl.t(Key::PickerTitle);
    view! {
        <Header ctrl back=true />
        <main class="vl-body vl-picker" on:keydown=on_keydown>
            <Title text=title />
            <input class="vl-input vl-search" type="search" aria-label=ctrl.t(Key::SearchLabel)
                placeholder=ctrl.t(Key::SearchPlaceholder) autocomplete="off" spellcheck="false"
                data-autofocus="" node_ref=search_ref on:input=on_input />
            <div class="vl-list" node_ref=list_ref on:scroll=on_scroll>
                <ul class="vl-providers" aria-label=title
                    style:height=move || px(total.get())
                    style:padding-top=move || px(window.get().0)>
                    <For each=rows key=|pair| *pair children=row />
                </ul>
            </div>
            {move || (total.get() == 0).then(|| view! {
                <p class="vl-muted" role="status">{ctrl.t(Key::NoResults)}</p>
            })}
        </main>
    }
}

/// Focuses the drawn row at `pos` (from 0); false when it is not in the window.
fn focus_drawn_row(list: &web_sys::HtmlDivElement, pos: usize) -> bool {
    let selector = ["li[aria-posinset=\"", &(pos + 1).to_string(), "\"] button"].concat();
    match list.query_selector(&selector) {
        Ok(Some(b)) => b
            .dyn_into::<web_sys::HtmlElement>()
            .is_ok_and(|b| b.focus().is_ok()),
        _ => false,
    }
}

/// A row of the picker: the provider's logo, name and description; a click picks it.
#[component]
fn ProviderRow(ctrl: Ctrl, provider: LinkProvider) -> impl IntoView {
    let slug = provider.slug.clone();
    let (name, description) = (provider.name.clone(), provider.description.clone());
    view! {
        <button type="button" class="vl-provider" data-slug=slug.clone()
            on:click=move |_| ctrl.send(Msg::Select(slug.clone()))>
            <ProviderLogo ctrl provider />
            <span class="vl-provider-text">
                <span class="vl-provider-name">{name}</span>
                <span class="vl-provider-desc">{description}</span>
            </span>
        </button>
    }
}
