//! The floor of the widget's own stack, the second app the widget is compared with: one Leptos
//! CSR screen that fetches JSON with gloo-net and reads it with serde + serde_json (a list of
//! `{name, slug}` items shown as a `<ul>`, with a loading and an error state). Built by
//! `scripts/bench.sh` with the same cargo profile and wasm-opt level as the widget.
//!
//! The JSON (`items.json`, beside the page) is not part of the build: the benchmark only
//! measures the transfer size, and without it the screen shows its error state.

use gloo_net::http::Request;
use leptos::prelude::*;
use serde::Deserialize;

const ITEMS_URL: &str = "items.json";

#[derive(Clone, Debug, PartialEq, Deserialize)]
struct Item {
    name: String,
    slug: String,
}

async fn fetch_items() -> Result<Vec<Item>, String> {
    let response = Request::get(ITEMS_URL)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if !response.ok() {
        return Err(format!("HTTP {}", response.status()));
    }
    let body = response.text().await.map_err(|e| e.to_string())?;
    serde_json::from_str(&body).map_err(|e| e.to_string())
}

#[component]
fn Items() -> impl IntoView {
    let items = LocalResource::new(fetch_items);
    move || match items.get() {
        None => view! { <p>"Loading…"</p> }.into_any(),
        Some(Err(error)) => {
            view! { <p role="alert">"Could not load the items: " {error}</p> }.into_any()
        }
        Some(Ok(list)) => view! {
            <ul>
                {list
                    .into_iter()
                    .map(|item| view! { <li data-slug=item.slug>{item.name}</li> })
                    .collect_view()}
            </ul>
        }
        .into_any(),
    }
}

fn main() {
    leptos::mount::mount_to_body(Items);
}
