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
    components::{provider_logo, Header, Title},
    ctrl::Ctrl,
    flow::Msg,
    i18n::Key,
    search,
};

/// The height of a row in CSS px: `.vl-providers > li` in `style/widget.css`.
pub const ROW_HEIGHT: usize = 58;
/// Rows kept in the DOM beyond each edge of the view: about one list height (348 of 360 px),
/// so a scroll of up to a screenful between two frames shows no gap. The window is redrawn
/// in the scroll event's own frame. More rows cost the first paint and every keystroke.
pub const OVERSCAN: usize = 6;
/// Rows in view before the list could be measured (`max-height: 360px`).
const ROWS_IN_VIEW: usize = 7;
/// `.vl-list`'s `max-height` in `style/widget.css`, in CSS px.
pub const LIST_MAX_HEIGHT: usize = 360;

/// The list as a window over the filtered catalog: plain data, so its arithmetic is tested
/// natively; the component keeps one signal of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListWindow {
    /// Indices into the catalog of the providers that match the search, in catalog order.
    pub matches: Vec<usize>,
    /// The first row in view.
    pub first: usize,
    /// How many rows the list shows at once.
    pub rows: usize,
}

impl ListWindow {
    pub fn new(count: usize) -> Self {
        ListWindow {
            matches: (0..count).collect(),
            first: 0,
            rows: ROWS_IN_VIEW,
        }
    }

    pub fn total(&self) -> usize {
        self.matches.len()
    }

    /// The rows drawn: those in view and `OVERSCAN` beyond each edge.
    pub fn range(&self) -> (usize, usize) {
        let start = self.first.saturating_sub(OVERSCAN).min(self.total());
        let end = self.total().min(self.first + self.rows + OVERSCAN);
        (start, end.max(start))
    }

    /// The drawn rows as (place in the list, index in the catalog, length of the list).
    pub fn drawn(&self) -> Vec<(usize, usize, usize)> {
        let (start, end) = self.range();
        let total = self.total();
        self.matches
            .get(start..end)
            .unwrap_or_default()
            .iter()
            .enumerate()
            .map(|(k, &i)| (start + k, i, total))
            .collect()
    }

    /// After a scroll to `scroll_top` of a list `height` px tall; whether anything changed.
    pub fn scrolled(&mut self, scroll_top: i32, height: i32) -> bool {
        let first = scroll_top.max(0) as usize / ROW_HEIGHT;
        let rows = (height.max(0) as usize).div_ceil(ROW_HEIGHT);
        let rows = if rows == 0 { self.rows } else { rows };
        let changed = (first, rows) != (self.first, self.rows);
        self.first = first;
        self.rows = rows;
        changed
    }
}

/// What the picker keeps outside the reactive graph.
#[derive(Default)]
struct Local {
    /// The catalog folded for search: built after the first paint, or at the first keystroke.
    index: Option<search::Index>,
    /// The pending SEARCH_PROVIDER timer.
    timer: Option<TimeoutHandle>,
    /// The list's `scrollTop` as last seen or set: a keystroke scrolls back to the top only when
    /// it is not there, because setting `scrollTop` makes the browser lay the page out at once.
    scroll_top: i32,
}

impl Local {
    fn clear_timer(&mut self) {
        if let Some(t) = self.timer.take() {
            t.clear();
        }
    }
}

#[component]
pub fn Picker(ctrl: Ctrl) -> impl IntoView {
    let flow = ctrl.flow;
    let count = flow.with_untracked(|f| f.providers.len());
    let list = RwSignal::new_local(ListWindow::new(count));
    // A search is typed: the status line says how many providers match.
    let searching = RwSignal::new(false);
    let local = StoredValue::new_local(Local::default());
    let total = move || list.with(ListWindow::total);
    let list_ref = NodeRef::<html::Div>::new();
    let search_ref = NodeRef::<html::Input>::new();
    on_cleanup(move || {
        local.try_update_value(Local::clear_timer);
    });

    let build_index = move || {
        local.update_value(|l| {
            if l.index.is_none() {
                l.index = Some(flow.with_untracked(|f| search::Index::new(&f.providers)));
            }
        })
    };
    request_animation_frame(move || set_timeout(build_index, Duration::ZERO));

    let on_scroll = move |_| {
        if let Some(el) = list_ref.get_untracked() {
            let (top, height) = (el.scroll_top(), el.client_height());
            local.update_value(|l| l.scroll_top = top);
            list.maybe_update(|l| l.scrolled(top, height));
        }
    };

    let on_input = move |ev: web_sys::Event| {
        let query = event_target_value(&ev);
        searching.set(!query.trim().is_empty());
        build_index();
        let found = local.with_value(|l| l.index.as_ref().map(|i| i.filter(&query)));
        if local.with_value(|l| l.scroll_top != 0) {
            if let Some(el) = list_ref.get_untracked() {
                el.set_scroll_top(0);
            }
            local.update_value(|l| l.scroll_top = 0);
        }
        list.update(|l| {
            l.matches = found.unwrap_or_default();
            l.first = 0;
        });
        // SEARCH_PROVIDER once typing pauses for 300 ms.
        local.update_value(Local::clear_timer);
        if !query.trim().is_empty() {
            let settled = set_timeout_with_handle(
                move || ctrl.send(Msg::SearchSettled(query)),
                Duration::from_millis(300),
            );
            local.update_value(|l| l.timer = settled.ok());
        }
    };

    // Focuses the row at `pos` of the filtered list, scrolling it into the window first when
    // it is not drawn yet.
    let focus_row = move |pos: usize| {
        let Some(el) = list_ref.get_untracked() else {
            return;
        };
        if focus_drawn_row(&el, pos) {
            return;
        }
        let top = (pos * ROW_HEIGHT) as i32;
        el.set_scroll_top(top);
        local.update_value(|l| l.scroll_top = top);
        list.update(|l| l.first = pos);
        spawn_local(async move {
            leptos::task::tick().await;
            if let Some(el) = list_ref.get_untracked() {
                focus_drawn_row(&el, pos);
            }
        });
    };

    let on_keydown = move |ev: web_sys::KeyboardEvent| {
        // Looked up only by the keys that need them: most keys here are typed characters.
        let target = || {
            ev.target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        };
        // The search box is the picker's only input.
        let in_search = || target().is_some_and(|t| t.tag_name() == "INPUT");
        // The row the focus is on: its `aria-posinset` is its place in the list, from 1.
        let at = || {
            target()
                .and_then(|t| t.closest("li[aria-posinset]").ok().flatten())
                .and_then(|li| li.get_attribute("aria-posinset"))
                .and_then(|n| n.parse::<usize>().ok())
                .and_then(|n| n.checked_sub(1))
        };
        let focus_search = move || {
            if let Some(s) = search_ref.get_untracked() {
                let _ = s.focus();
            }
        };
        match ev.key().as_str() {
            "/" if !in_search() => {
                ev.prevent_default();
                focus_search();
            }
            "ArrowDown" if in_search() && list.with_untracked(ListWindow::total) > 0 => {
                ev.prevent_default();
                focus_row(0);
            }
            "ArrowDown" => {
                if let Some(n) = at().filter(|n| n + 1 < list.with_untracked(ListWindow::total)) {
                    ev.prevent_default();
                    focus_row(n + 1);
                }
            }
            "ArrowUp" => match at() {
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

    // A click on a row (or Enter / Space on it) bubbles here.
    let on_pick = move |ev: web_sys::MouseEvent| {
        let slug = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|t| t.closest("button[data-slug]").ok().flatten())
            .and_then(|b| b.get_attribute("data-slug"));
        if let Some(slug) = slug {
            ctrl.send(Msg::Select(slug));
        }
    };

    // A row is keyed by its place, its provider and the list's length: a row the window keeps
    // stays (with the focus in it), and `aria-setsize` needs no effect of its own.
    let rows = move || list.with(ListWindow::drawn);
    let row = move |(pos, i, size): (usize, usize, usize)| {
        flow.with_untracked(|f| {
            f.providers.get(i).map(|p| {
                view! { <li aria-setsize=size aria-posinset=pos + 1>{provider_row(ctrl, p)}</li> }
            })
        })
    };
    let px = |n: usize| [(n * ROW_HEIGHT).to_string(), "px".into()].concat();
    // The list keeps the height of the whole catalog's (up to its maximum) while a search
    // narrows it: the dialog does not shrink, and the search box does not move, as one types.
    let list_height = [
        (count * ROW_HEIGHT).min(LIST_MAX_HEIGHT).to_string(),
        "px".into(),
    ]
    .concat();
    let title = ctrl.t(Key::PickerTitle);
    view! {
        <Header ctrl back=true />
        <main class="vl-body vl-picker" on:keydown=on_keydown>
            <Title text=title />
            <input class="vl-input vl-search" type="search" aria-label=ctrl.t(Key::SearchLabel)
                placeholder=ctrl.t(Key::SearchPlaceholder) autocomplete="off" spellcheck="false"
                data-autofocus="" node_ref=search_ref on:input=on_input />
            <div class="vl-list" node_ref=list_ref on:scroll=on_scroll style:min-height=list_height>
                <ul class="vl-providers" aria-label=title on:click=on_pick
                    style:height=move || px(total())
                    style:padding-top=move || px(list.with(|l| l.range().0))>
                    <For each=rows key=|pair| *pair children=row />
                </ul>
            </div>
            // One live region, there from the start, so that each change is announced: "No
            // provider matches" shown, or how many match for screen readers only.
            <p class=move || if total() == 0 { "vl-muted" } else { "vl-sr-only" } role="status">
                {move || match total() {
                    0 => ctrl.t(Key::NoResults).to_owned(),
                    n if searching.get() => ctrl.lang().count(Key::ResultsOther, n),
                    _ => String::new(),
                }}
            </p>
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
/// The list's one click handler picks the row's provider (see `on_pick`): a row has no listener
/// of its own to attach when drawn and drop when the window or the search moves on.
fn provider_row(ctrl: Ctrl, provider: &LinkProvider) -> impl IntoView {
    let (name, description) = (provider.name.clone(), provider.description.clone());
    view! {
        <button type="button" class="vl-provider" data-slug=provider.slug.clone()>
            {provider_logo(ctrl, provider)}
            <span class="vl-provider-text">
                // The API's names and descriptions keep their own direction (an English one
                // in an Arabic dialog is cut at its end, not its start).
                <span class="vl-provider-name" dir="auto">{name}</span>
                <span class="vl-provider-desc" dir="auto">{description}</span>
            </span>
        </button>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_covers_the_view_and_its_overscan() {
        let mut w = ListWindow::new(300);
        assert_eq!(w.range(), (0, ROWS_IN_VIEW + OVERSCAN));
        assert!(w.scrolled((100 * ROW_HEIGHT) as i32 + 10, 360));
        assert_eq!((w.first, w.rows), (100, 7));
        assert_eq!(w.range(), (100 - OVERSCAN, 107 + OVERSCAN));
        assert!(
            !w.scrolled((100 * ROW_HEIGHT) as i32 + 20, 360),
            "same row: no change"
        );
        // At the end, the window stops at the last row.
        w.scrolled((300 * ROW_HEIGHT) as i32, 360);
        assert_eq!(w.range().1, 300);
        let drawn = w.drawn();
        assert_eq!(drawn.last(), Some(&(299, 299, 300)));
        assert!(drawn.iter().all(|&(_, _, total)| total == 300));
        // A list not measured yet (height 0) keeps its row count.
        let mut w = ListWindow::new(5);
        w.scrolled(0, 0);
        assert_eq!(w.rows, ROWS_IN_VIEW);
        assert_eq!(
            w.drawn(),
            [(0, 0, 5), (1, 1, 5), (2, 2, 5), (3, 3, 5), (4, 4, 5)]
        );
    }

    #[test]
    fn a_search_shows_places_in_the_filtered_list() {
        let mut w = ListWindow::new(300);
        w.scrolled((250 * ROW_HEIGHT) as i32, 360);
        w.matches = vec![7, 42, 199];
        w.first = 0;
        assert_eq!(w.drawn(), [(0, 7, 3), (1, 42, 3), (2, 199, 3)]);
        w.matches.clear();
        assert_eq!(w.range(), (0, 0));
        assert!(w.drawn().is_empty());
    }
}
