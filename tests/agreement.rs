//! The agreement screen, mounted by Leptos in headless Chromium.
#![cfg(target_arch = "wasm32")]

use std::sync::{
    atomic::{AtomicUsize, Ordering},
    Arc,
};

use leptos::prelude::*;
use link_contract::TeamLinkConfig;
use link_widget::screens::agreement::AgreementView;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

wasm_bindgen_test_configure!(run_in_browser);

fn container() -> HtmlElement {
    let doc = web_sys::window().unwrap().document().unwrap();
    let el: HtmlElement = doc.create_element("div").unwrap().dyn_into().unwrap();
    doc.body().unwrap().append_child(&el).unwrap();
    el
}

fn find(root: &HtmlElement, selector: &str) -> HtmlElement {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no element matches {selector}"))
        .dyn_into()
        .unwrap()
}

#[wasm_bindgen_test]
async fn agreement_names_the_team_links_policies_and_continues() {
    let root = container();
    let continued = Arc::new(AtomicUsize::new(0));
    let closed = Arc::new(AtomicUsize::new(0));
    let config = TeamLinkConfig {
        team_name: "Acme Sleep".into(),
        logo: None,
        privacy_policy_url: Some("https://acme.test/privacy".into()),
        terms_url: Some("https://acme.test/terms".into()),
    };
    let (c, x) = (continued.clone(), closed.clone());
    let handle = leptos::mount::mount_to(root.clone(), move || {
        view! {
            <AgreementView
                config
                on_continue=move || { c.fetch_add(1, Ordering::SeqCst); }
                on_close=move || { x.fetch_add(1, Ordering::SeqCst); }
            />
        }
    });
    leptos::task::tick().await;

    let title = find(&root, "h1").text_content().unwrap();
    assert!(title.contains("Acme Sleep"), "title was {title:?}");
    let links: Vec<String> = {
        let list = root.query_selector_all("a").unwrap();
        (0..list.length())
            .map(|i| {
                list.item(i)
                    .unwrap()
                    .dyn_into::<web_sys::Element>()
                    .unwrap()
                    .get_attribute("href")
                    .unwrap()
            })
            .collect()
    };
    assert_eq!(links, ["https://acme.test/privacy", "https://acme.test/terms"]);

    let buttons = root.query_selector_all("button").unwrap();
    let labels: Vec<String> = (0..buttons.length())
        .map(|i| buttons.item(i).unwrap().text_content().unwrap().trim().to_owned())
        .collect();
    assert!(labels.iter().any(|l| l == "Continue"), "buttons: {labels:?}");
    find(&root, "button.vl-primary").click();
    leptos::task::tick().await;
    assert_eq!(continued.load(Ordering::SeqCst), 1);
    find(&root, "button[aria-label=Close]").click();
    assert_eq!(closed.load(Ordering::SeqCst), 1);

    drop(handle);
    assert!(root.query_selector("h1").unwrap().is_none(), "unmount leaves nothing");
    root.remove();
}
