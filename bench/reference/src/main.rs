//! The framework floor the widget is compared with: the smallest useful Leptos CSR app (a
//! counter), built by `scripts/bench.sh` with the same cargo profile and wasm-opt level.

use leptos::prelude::*;

#[component]
fn Counter() -> impl IntoView {
    let (count, set_count) = signal(0u32);
    view! {
        <button on:click=move |_| set_count.update(|n| *n += 1)>"Count: " {count}</button>
    }
}

fn main() {
    leptos::mount::mount_to_body(Counter);
}
