//! The locale files (`locales/<code>.json`): each has every key of English (the source of truth),
//! no other key, the same placeholders, the plural forms its language needs (CLDR cardinal
//! categories), and stays within 2 KB brotli. Prints the table of locales, keys and sizes.
#![cfg(not(target_arch = "wasm32"))]

use std::{
    collections::{BTreeMap, BTreeSet},
    fs,
    io::Write,
    path::Path,
};

/// Brotli bytes a locale file may take.
const MAX_BROTLI: usize = 2048;

/// The plural categories of cardinal numbers in each language (CLDR 46, as `Intl.PluralRules`
/// reports them): a key with a `{count}` has one form per category of its language.
const PLURALS: [(&str, &[&str]); 20] = [
    ("en", &["one", "other"]),
    ("es", &["one", "many", "other"]),
    ("fr", &["one", "many", "other"]),
    ("de", &["one", "other"]),
    ("it", &["one", "many", "other"]),
    ("pt", &["one", "many", "other"]),
    ("nl", &["one", "other"]),
    ("da", &["one", "other"]),
    ("sv", &["one", "other"]),
    ("no", &["one", "other"]),
    ("pl", &["one", "few", "many", "other"]),
    ("ro", &["one", "few", "other"]),
    ("et", &["one", "other"]),
    ("lv", &["zero", "one", "other"]),
    ("lt", &["one", "few", "many", "other"]),
    ("vi", &["other"]),
    ("hi", &["one", "other"]),
    ("ja", &["other"]),
    ("ar", &["zero", "one", "two", "few", "many", "other"]),
    ("he", &["one", "two", "other"]),
];

const CATEGORIES: [&str; 6] = ["zero", "one", "two", "few", "many", "other"];

type Table = BTreeMap<String, String>;

fn read(path: &Path) -> Table {
    let text = fs::read_to_string(path).unwrap();
    serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{}: not a flat JSON object of strings: {e}", path.display()))
}

fn placeholders(text: &str) -> BTreeSet<&str> {
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let Some(len) = rest[open..].find('}') else {
            break;
        };
        out.insert(&rest[open + 1..open + len]);
        rest = &rest[open + len + 1..];
    }
    out
}

/// `(base, category)` of a plural form such as `results_few`.
fn plural(name: &str) -> Option<(&str, &str)> {
    let (base, category) = name.rsplit_once('_')?;
    CATEGORIES.contains(&category).then_some((base, category))
}

fn brotli_len(bytes: &[u8]) -> usize {
    let mut out = Vec::new();
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        w.write_all(bytes).unwrap();
    }
    out.len()
}

/// What is wrong with the locale `code`'s table, given English's.
fn problems(code: &str, table: &Table, en: &Table) -> Vec<String> {
    let Some((_, categories)) = PLURALS.iter().find(|(c, _)| *c == code) else {
        return vec![format!("{code} is not in the table of plural categories")];
    };
    // English keys with plural forms: their bases, from the `_other` form.
    let bases: BTreeSet<&str> = en
        .keys()
        .filter_map(|k| plural(k).filter(|(_, c)| *c == "other").map(|(b, _)| b))
        .collect();
    let mut wanted = BTreeMap::new();
    for (k, v) in en {
        match plural(k).filter(|(b, _)| bases.contains(b)) {
            Some((base, _)) => {
                for c in *categories {
                    wanted.insert(format!("{base}_{c}"), en[&format!("{base}_other")].clone());
                }
            }
            None => {
                wanted.insert(k.clone(), v.clone());
            }
        }
    }
    let mut out = Vec::new();
    for (k, english) in &wanted {
        match table.get(k) {
            None => out.push(format!("{code}: missing key {k}")),
            Some(text) if text.trim().is_empty() => out.push(format!("{code}: {k} is empty")),
            Some(text) if placeholders(text) != placeholders(english) => out.push(format!(
                "{code}: {k} has placeholders {:?}, English {:?}",
                placeholders(text),
                placeholders(english)
            )),
            Some(_) => {}
        }
    }
    for k in table.keys().filter(|k| !wanted.contains_key(*k)) {
        out.push(format!("{code}: extra key {k}"));
    }
    out
}

#[test]
fn every_locale_has_every_key_and_nothing_else() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
    let en = read(&dir.join("en.json"));
    let mut files: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let mut errors = Vec::new();
    let mut rows = Vec::new();
    let mut codes = BTreeSet::new();
    for path in &files {
        let code = path.file_stem().unwrap().to_str().unwrap().to_owned();
        let bytes = fs::read(path).unwrap();
        let table = read(path);
        errors.extend(problems(&code, &table, &en));
        let size = brotli_len(&bytes);
        if size > MAX_BROTLI {
            errors.push(format!("{code}: {size} bytes brotli, over {MAX_BROTLI}"));
        }
        rows.push(format!("| {code} | {} | {size} |", table.len()));
        codes.insert(code);
    }
    println!(
        "| locale | keys | brotli bytes |\n|---|---|---|\n{}",
        rows.join("\n")
    );
    let all: BTreeSet<String> = PLURALS.iter().map(|(c, _)| c.to_string()).collect();
    assert_eq!(codes, all, "one file per supported locale");
    // initialize.js negotiates among the same locales.
    let js =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("js/initialize.js")).unwrap();
    let listed = js
        .split("var LOCALES = \"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("initialize.js: var LOCALES = \"…\"");
    let listed: BTreeSet<String> = listed.split(' ').map(str::to_owned).collect();
    assert_eq!(listed, all, "initialize.js's LOCALES");
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

#[test]
fn the_check_finds_a_missing_key_an_extra_one_and_a_changed_placeholder() {
    let en: Table = serde_json::from_str(
        r#"{"a":"Hi {name}","b":"Bye","n_one":"{count} item","n_other":"{count} items"}"#,
    )
    .unwrap();
    let ok: Table = serde_json::from_str(
        r#"{"a":"Cześć {name}","b":"Pa","n_one":"{count} rzecz","n_few":"{count} rzeczy",
            "n_many":"{count} rzeczy","n_other":"{count} rzeczy"}"#,
    )
    .unwrap();
    assert_eq!(problems("pl", &ok, &en), Vec::<String>::new());
    let bad: Table = serde_json::from_str(
        r#"{"a":"Cześć {imie}","c":"?","n_one":"{count} rzecz","n_two":"{count} x",
            "n_many":"{count} rzeczy","n_other":"rzeczy"}"#,
    )
    .unwrap();
    let found = problems("pl", &bad, &en).join("\n");
    for wanted in [
        "pl: a has placeholders",
        "pl: missing key b",
        "pl: extra key c",
        "pl: missing key n_few",
        "pl: extra key n_two",
        "pl: n_other has placeholders",
    ] {
        assert!(found.contains(wanted), "{wanted} not in:\n{found}");
    }
}
