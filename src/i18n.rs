//! The widget's strings. English (`locales/en.json`) is compiled in (see `build.rs`); every other
//! locale is a file of the same keys, `locales/<code>.json`, which `initialize.js` fetches beside
//! itself while the session's first API request runs, and hands over as text ([`Lang::parse`]).
//! A key missing from a locale file falls back to English. Texts hold placeholders such as
//! `{provider}`; a key with a count has one form per CLDR plural category (`results_one`,
//! `results_few`, …, `results_other`), picked by the browser's `Intl.PluralRules`.

use std::{cell::RefCell, collections::BTreeMap};

include!(concat!(env!("OUT_DIR"), "/keys.rs"));

/// The right-to-left languages among the locales.
const RTL: [&str; 4] = ["ar", "he", "fa", "ur"];

/// One locale's strings (leaked once per locale and page, so texts are `&'static str`).
#[derive(Debug)]
pub struct Table {
    code: &'static str,
    /// In [`Key`] order.
    texts: &'static [&'static str],
    /// Plural forms of categories English lacks (`results_few`, …).
    extra: &'static [(&'static str, &'static str)],
}

const EN_TABLE: Table = Table {
    code: "en",
    texts: &EN_TEXTS,
    extra: &[],
};

/// A language of the widget: a handle to its table.
#[derive(Debug, Clone, Copy)]
pub struct Lang(&'static Table);

impl PartialEq for Lang {
    fn eq(&self, other: &Self) -> bool {
        self.0.code == other.0.code
    }
}

impl Default for Lang {
    fn default() -> Self {
        Lang::EN
    }
}

thread_local! {
    /// Tables already parsed on this page: a second session in the same locale reuses its table.
    static LOADED: RefCell<Vec<Lang>> = const { RefCell::new(Vec::new()) };
}

/// The plural categories of CLDR, as `Intl.PluralRules` names them.
pub const CATEGORIES: [&str; 6] = ["zero", "one", "two", "few", "many", "other"];

impl Lang {
    pub const EN: Lang = Lang(&EN_TABLE);

    /// The locale `code` from its file's text (a flat JSON object of keys to texts); `None` when
    /// the text is not such an object. Unknown keys are ignored; missing ones stay English.
    pub fn parse(code: &str, json: &str) -> Option<Lang> {
        if code == "en" {
            return Some(Lang::EN);
        }
        if let Some(l) = LOADED.with_borrow(|l| l.iter().find(|l| l.0.code == code).copied()) {
            return Some(l);
        }
        // (A `BTreeMap` measures 1.4 KB smaller in the wasm than reading a `serde_json::Value`.)
        let map: BTreeMap<String, String> = serde_json::from_str(json).ok()?;
        let mut texts = EN_TEXTS.to_vec();
        let mut extra = Vec::new();
        for (name, text) in map {
            let text: &'static str = Box::leak(text.into_boxed_str());
            if let Some(i) = NAMES.iter().position(|n| *n == name) {
                texts[i] = text;
            } else if plural_base(&name).is_some() {
                extra.push((&*Box::leak(name.into_boxed_str()), text));
            }
        }
        let table = Table {
            code: Box::leak(code.to_owned().into_boxed_str()),
            texts: texts.leak(),
            extra: extra.leak(),
        };
        let lang = Lang(Box::leak(Box::new(table)));
        LOADED.with_borrow_mut(|l| l.push(lang));
        Some(lang)
    }

    /// The BCP 47 code of the locale (the dialog's `lang`).
    pub fn code(self) -> &'static str {
        self.0.code
    }

    /// `"rtl"` for a right-to-left language, else `"ltr"` (the dialog's `dir`).
    pub fn dir(self) -> &'static str {
        if RTL.contains(&self.0.code) {
            "rtl"
        } else {
            "ltr"
        }
    }

    pub fn t(self, key: Key) -> &'static str {
        self.0.texts[key as usize]
    }

    /// The text of `key` with each `{name}` of `args` replaced by its value. In a right-to-left
    /// language each value is isolated (U+2068 … U+2069, as Fluent's `use_isolating` does), so a
    /// Latin team or provider name keeps its place, and the punctuation beside it stays beside it.
    pub fn fill(self, key: Key, args: &[(&str, &str)]) -> String {
        fill_in(self.t(key), args, self.dir() == "rtl")
    }

    /// The plural key whose `_other` form is `other` for the count `n`, `{count}` filled in:
    /// the form of `n`'s plural category in this language, else the `_other` form.
    pub fn count(self, other: Key, n: usize) -> String {
        let name = NAMES[other as usize];
        let base = plural_base(name).unwrap_or(name);
        let category = plural_category(self.0.code, n);
        let wanted = [base, "_", category].concat();
        let text = NAMES
            .iter()
            .position(|k| *k == wanted)
            .map(|i| self.0.texts[i])
            .or_else(|| {
                self.0
                    .extra
                    .iter()
                    .find(|(k, _)| *k == wanted)
                    .map(|(_, t)| *t)
            })
            .unwrap_or(self.t(other));
        fill(text, &[("count", &n.to_string())])
    }

    /// A human message for an error type; unknown types get a general one.
    pub fn error_message(self, error_type: &str) -> &'static str {
        self.t(error_key(error_type))
    }

    /// The message for an error of a provider flow: a refused OAuth consent is not a wrong
    /// password, though both are `provider_credential_error`.
    pub fn flow_error_message(self, error_type: &str, oauth: bool) -> &'static str {
        if oauth && error_type == "provider_credential_error" {
            self.t(Key::ErrorOauthDenied)
        } else {
            self.error_message(error_type)
        }
    }

    /// A text of the API in this language, when it is one of the widget's English texts (the
    /// sandbox's form instructions and labels; `provider` fills `{provider}`): in English, or
    /// for a text of the API the widget does not know, the text as it came.
    pub fn api_text(self, text: &str, provider: &str) -> String {
        if self != Lang::EN {
            let args = [("provider", provider)];
            for keys in API_TEXTS {
                let english = keys
                    .iter()
                    .map(|k| Lang::EN.fill(*k, &args))
                    .collect::<Vec<_>>()
                    .join(" ");
                if english == text {
                    return keys
                        .iter()
                        .map(|k| self.fill(*k, &args))
                        .collect::<Vec<_>>()
                        .join(" ");
                }
            }
        }
        text.to_owned()
    }
}

/// The API's texts the widget translates: the sandbox's form instructions (with and without
/// their sandbox hint) and field labels.
const API_TEXTS: [&[Key]; 7] = [
    &[Key::PasswordInstructions, Key::SandboxPasswordHint],
    &[Key::PasswordInstructions],
    &[Key::EmailInstructionsProvider, Key::SandboxEmailHint],
    &[Key::EmailInstructionsProvider],
    &[Key::UsernameLabel],
    &[Key::PasswordLabel],
    &[Key::EmailLabel],
];

fn error_key(error_type: &str) -> Key {
    match error_type {
        "invalid_token" => Key::ErrorInvalidToken,
        "token_expired" => Key::ErrorTokenExpired,
        "token_consumed" => Key::ErrorTokenConsumed,
        "too_many_attempts" => Key::ErrorTooManyAttempts,
        "invalid_provider" => Key::ErrorInvalidProvider,
        "invalid_user_id" => Key::ErrorInvalidUserId,
        "provider_credential_error" => Key::ErrorProviderCredentialError,
        "provider_password_expired" => Key::ErrorProviderPasswordExpired,
        "provider_api_error" => Key::ErrorProviderApiError,
        "unsupported_region" => Key::ErrorUnsupportedRegion,
        "duplicate_connection" => Key::ErrorDuplicateConnection,
        "required_scopes_not_granted" => Key::ErrorRequiredScopesNotGranted,
        "incorrect_mfa_code" => Key::ErrorIncorrectMfaCode,
        "user_cancelled" => Key::ErrorUserCancelled,
        "invalid_input" => Key::ErrorInvalidInput,
        "network_error" => Key::ErrorNetworkError,
        _ => Key::ErrorGeneric,
    }
}

/// `results` for `results_few`: the key a plural form belongs to.
pub fn plural_base(name: &str) -> Option<&str> {
    let (base, category) = name.rsplit_once('_')?;
    CATEGORIES.contains(&category).then_some(base)
}

/// The CLDR plural category of `n` in the language `code`.
#[cfg(target_arch = "wasm32")]
fn plural_category(code: &'static str, n: usize) -> &'static str {
    thread_local! {
        // The last language's rules: making them costs more than a keystroke's search, and
        // the picker's status line asks at every keystroke.
        static RULES: RefCell<Option<(&'static str, js_sys::Intl::PluralRules)>> =
            const { RefCell::new(None) };
    }
    let category = RULES.with_borrow_mut(|rules| {
        let rules = match rules {
            Some((c, r)) if *c == code => r,
            _ => {
                let locales = js_sys::Array::of1(&code.into());
                let made = js_sys::Intl::PluralRules::new(&locales, &js_sys::Object::new());
                &rules.insert((code, made)).1
            }
        };
        String::from(rules.select(n as f64))
    });
    CATEGORIES
        .into_iter()
        .find(|c| *c == category)
        .unwrap_or("other")
}

/// Native builds (tests) have no `Intl`: English's rule.
#[cfg(not(target_arch = "wasm32"))]
fn plural_category(_code: &'static str, n: usize) -> &'static str {
    if n == 1 {
        "one"
    } else {
        "other"
    }
}

/// `text` with each `{name}` of `args` replaced by its value.
pub fn fill(text: &str, args: &[(&str, &str)]) -> String {
    fill_in(text, args, false)
}

/// [`fill`], each value between U+2068 and U+2069 (first strong isolate, pop directional
/// isolate) when `isolate`.
fn fill_in(text: &str, args: &[(&str, &str)], isolate: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for part in split(text) {
        match part {
            Part::Text(t) => out.push_str(t),
            Part::Slot(name) => match args.iter().find(|(n, _)| *n == name) {
                Some((_, v)) if isolate => out.extend(["\u{2068}", v, "\u{2069}"]),
                Some((_, v)) => out.push_str(v),
                None => out.extend(["{", name, "}"]),
            },
        }
    }
    out
}

/// A piece of a text: words, or a `{placeholder}`'s name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part<'a> {
    Text(&'a str),
    Slot(&'a str),
}

/// `text` cut at its placeholders, for texts whose placeholders become elements (a link, a
/// bold name).
pub fn split(text: &str) -> Vec<Part<'_>> {
    let mut parts = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            break;
        };
        if open > 0 {
            parts.push(Part::Text(&rest[..open]));
        }
        parts.push(Part::Slot(&rest[open + 1..close]));
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        parts.push(Part::Text(rest));
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_is_built_in() {
        assert_eq!(Lang::EN.t(Key::Continue), "Continue");
        assert_eq!(Lang::default(), Lang::EN);
        assert_eq!(Lang::EN.code(), "en");
        assert_eq!(Lang::EN.dir(), "ltr");
        assert_eq!(
            Lang::EN.fill(Key::ConnectTitle, &[("provider", "Peloton")]),
            "Connect Peloton"
        );
    }

    #[test]
    fn a_locale_file_is_read_and_missing_keys_stay_english() {
        let fr = Lang::parse(
            "xx-test",
            r#"{"continue":"Weiter","results_few":"{count} few","nonsense":"x"}"#,
        )
        .unwrap();
        assert_eq!(fr.t(Key::Continue), "Weiter");
        assert_eq!(fr.t(Key::Close), "Close");
        assert_eq!(fr.code(), "xx-test");
        assert_eq!(fr.0.extra, &[("results_few", "{count} few")]);
        assert!(Lang::parse("yy-test", "[1, 2]").is_none());
        assert!(Lang::parse("yy-test", "not json").is_none());
        // Parsed once per page.
        let again = Lang::parse("xx-test", "{}").unwrap();
        assert!(std::ptr::eq(again.0, fr.0));
    }

    #[test]
    fn rtl_languages() {
        let ar = Lang::parse("ar", "{}").unwrap();
        assert_eq!(ar.dir(), "rtl");
        assert_eq!(ar.code(), "ar");
    }

    #[test]
    fn names_in_right_to_left_texts_are_isolated() {
        let he = Lang::parse("he", r#"{"connect_title":"התחברות ל-{provider}"}"#).unwrap();
        assert_eq!(
            he.fill(Key::ConnectTitle, &[("provider", "Oura (Gen 3)")]),
            "התחברות ל-\u{2068}Oura (Gen 3)\u{2069}"
        );
        // The sandbox's English instructions are still recognised, and come back isolated.
        // (Another right-to-left code: a table is parsed once per code.)
        let fa = Lang::parse(
            "fa",
            r#"{"password_instructions":"היכנסו עם חשבון {provider}."}"#,
        )
        .unwrap();
        let english = Lang::EN.fill(Key::PasswordInstructions, &[("provider", "Fitbit")]);
        assert_eq!(
            fa.api_text(&english, "Fitbit"),
            "היכנסו עם חשבון \u{2068}Fitbit\u{2069}."
        );
        // Left-to-right languages and counts are left as they are.
        assert_eq!(
            Lang::EN.fill(Key::ConnectTitle, &[("provider", "Oura")]),
            "Connect Oura"
        );
    }

    #[test]
    fn counts_pick_a_plural_form() {
        assert_eq!(Lang::EN.count(Key::ResultsOther, 1), "1 provider found");
        assert_eq!(Lang::EN.count(Key::ResultsOther, 12), "12 providers found");
        assert_eq!(plural_base("results_few"), Some("results"));
        assert_eq!(plural_base("legal_terms"), None);
    }

    #[test]
    fn placeholders() {
        assert_eq!(
            split("a {x} b{y}"),
            [
                Part::Text("a "),
                Part::Slot("x"),
                Part::Text(" b"),
                Part::Slot("y")
            ]
        );
        assert_eq!(fill("{a} and {b}", &[("a", "1")]), "1 and {b}");
        assert_eq!(split("no slot {"), [Part::Text("no slot {")]);
    }

    #[test]
    fn oauth_refusal_is_not_a_wrong_password() {
        assert!(Lang::EN
            .flow_error_message("provider_credential_error", true)
            .contains("not granted"));
        assert!(Lang::EN
            .flow_error_message("provider_credential_error", false)
            .contains("password"));
    }

    #[test]
    fn unknown_error_types_get_a_sensible_message() {
        let m = Lang::EN.error_message("something_new_2027");
        assert!(m.contains("try again"), "{m}");
    }

    #[test]
    fn the_sandbox_texts_of_the_api_are_translated() {
        let es = Lang::parse(
            "es-test",
            r#"{"password_instructions":"Inicia sesión con tu cuenta de {provider}.",
                "sandbox_password_hint":"Sandbox: pista.","username_label":"Correo o usuario"}"#,
        )
        .unwrap();
        let api = "Sign in with your Peloton account. Sandbox: user_good / pass_good succeeds, \
                   user_mfa / pass_good asks for the code 123456.";
        assert_eq!(
            es.api_text(api, "Peloton"),
            "Inicia sesión con tu cuenta de Peloton. Sandbox: pista."
        );
        assert_eq!(Lang::EN.api_text(api, "Peloton"), api);
        assert_eq!(
            es.api_text("Sign in with your Peloton account.", "Peloton"),
            "Inicia sesión con tu cuenta de Peloton."
        );
        assert_eq!(es.api_text("Email or username", "x"), "Correo o usuario");
        assert_eq!(es.api_text("Member number", "x"), "Member number");
    }
}
