//! Compiles the English strings (`locales/en.json`, the source of truth of every key) into the
//! wasm: one `Key` variant per key, their names (to read the other locales' files, fetched at run
//! time) and the English texts. No JSON parsing for English at run time.
//! Also minifies `style/widget.css` (comments and spaces out) for the wasm to carry.

use std::{
    env, fs,
    path::{Path, PathBuf},
};

fn main() {
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("OUT_DIR is set by cargo"));
    keys(&out);
    stylesheet(&out);
}

fn stylesheet(out: &Path) {
    println!("cargo:rerun-if-changed=style/widget.css");
    let css = fs::read_to_string("style/widget.css").expect("style/widget.css");
    let min = minifier::css::minify(&css)
        .unwrap_or_else(|e| panic!("style/widget.css: {e}"))
        .to_string();
    fs::write(out.join("widget.min.css"), min.trim()).unwrap();
}

fn keys(out_dir: &Path) {
    println!("cargo:rerun-if-changed=locales/en.json");
    let text = fs::read_to_string("locales/en.json").expect("locales/en.json");
    let table: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&text).expect("locales/en.json: a flat JSON object");
    let mut variants = String::new();
    let mut names = String::new();
    let mut texts = String::new();
    for (name, value) in &table {
        let value = value
            .as_str()
            .unwrap_or_else(|| panic!("locales/en.json: {name} is not a string"));
        assert!(
            !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
            "locales/en.json: key {name:?} is not snake_case"
        );
        let variant: String = name
            .split('_')
            .map(|w| {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                    .unwrap_or_default()
            })
            .collect();
        variants += &format!("    {variant},\n");
        names += &format!("    {name:?},\n");
        texts += &format!("    {value:?},\n");
    }
    let n = table.len();
    let out = format!(
        "/// A string of the interface: one per key of `locales/en.json`.\n\
         #[derive(Debug, Clone, Copy, PartialEq, Eq)]\n\
         pub enum Key {{\n{variants}}}\n\n\
         /// The keys' names in the locale files, in `Key` order.\n\
         pub const NAMES: [&str; {n}] = [\n{names}];\n\n\
         /// The English texts, in `Key` order.\n\
         pub const EN_TEXTS: [&str; {n}] = [\n{texts}];\n"
    );
    fs::write(out_dir.join("keys.rs"), out).unwrap();
}
