//! The password, MFA and email forms: fields from the page, the inline error line, and a
//! submit button that shows the request in flight.

use leptos::{html, prelude::*};

use super::Cx;
use crate::page::{self, Field, Form, Input};

pub(super) fn form(form: Form, cx: &Cx) -> AnyView {
    let Form {
        kind,
        fields,
        submit,
        busy: busy_label,
    } = form;
    let (busy, error, lang) = (cx.busy, cx.error, cx.ctrl.lang);
    let form_ref = NodeRef::<html::Form>::new();

    // A failed attempt empties the secret fields (a password is never kept) and puts the
    // cursor in the field to fix.
    let inputs = || {
        fields.iter().filter_map(|f| match f {
            Field::Input(i) => Some(i),
            Field::Region { .. } => None,
        })
    };
    let secrets: Vec<&'static str> = inputs().filter(|i| i.secret).map(|i| i.name).collect();
    let retry = inputs().find(|i| i.retry_focus).map(|i| i.name);
    Effect::new(move |_| {
        if error.get().is_none() {
            return;
        }
        let Some(form) = form_ref.get_untracked() else {
            return;
        };
        for name in &secrets {
            if let Some(i) = input(&form, name) {
                i.set_value("");
            }
        }
        if let Some(i) = retry.and_then(|name| input(&form, name)) {
            let _ = i.focus();
            i.select();
        }
    });

    let ctrl = cx.ctrl.clone();
    let on_submit = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let Some(form) = form_ref.get_untracked() else {
            return;
        };
        let Ok(data) = web_sys::FormData::new_with_form(&form) else {
            return;
        };
        if let Some(msg) = page::submit(kind, |name| data.get(name).as_string()) {
            ctrl.send(msg);
        }
    };

    let fields = fields
        .into_iter()
        .enumerate()
        .map(|(i, f)| field(f, i == 0, error))
        .collect_view();
    view! {
        <form class="vl-form" novalidate node_ref=form_ref on:submit=on_submit>
            {fields}
            {move || error.get().map(|e| view! {
                <p class="vl-inline-error" role="alert" id="vl-form-error">{lang.error_message(&e.error_type)}</p>
            })}
            <button type="submit" class="vl-button vl-primary" disabled=move || busy.get()
                aria-busy=move || busy.get().then_some("true")>
                {move || if busy.get() { busy_label } else { submit }}
            </button>
        </form>
    }
    .into_any()
}

fn input(form: &web_sys::HtmlFormElement, name: &str) -> Option<web_sys::HtmlInputElement> {
    use wasm_bindgen::JsCast;
    form.query_selector(&["[name=", name, "]"].concat())
        .ok()??
        .dyn_into()
        .ok()
}

fn field(f: Field, first: bool, error: Memo<Option<crate::flow::InlineError>>) -> AnyView {
    match f {
        Field::Input(Input {
            label,
            name,
            kind,
            autocomplete,
            inputmode,
            class,
            verbatim,
            ..
        }) => view! {
            <label class="vl-field">
                <span class="vl-label">{label}</span>
                <input class=["vl-input ", class].concat() name=name type=kind
                    autocomplete=autocomplete inputmode=inputmode required
                    autocapitalize=verbatim.then_some("none") spellcheck=verbatim.then_some("false")
                    data-autofocus=first.then_some("")
                    aria-invalid=move || error.get().map(|_| "true")
                    aria-describedby=move || error.get().map(|_| "vl-form-error") />
            </label>
        }
        .into_any(),
        Field::Region {
            label,
            regions,
            default,
        } => view! {
            <label class="vl-field">
                <span class="vl-label">{label}</span>
                <select class="vl-input" name="region">
                    {regions.into_iter().map(|r| {
                        let selected = r.code == default;
                        view! { <option value=r.code selected=selected>{r.name}</option> }
                    }).collect_view()}
                </select>
            </label>
        }
        .into_any(),
    }
}
