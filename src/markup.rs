//! Pages as HTML text, set in one go as the `innerHTML` of the widget's dialog.
//!
//! A page is redrawn whole when it changes; the few parts that change in place (a form's busy
//! state and inline error, the picker's rows) are patched by `screens`. One string builder
//! costs the wasm far less than a view type per kind of block. Buttons carry
//! `data-action="<index>"` into [`Markup::actions`] and provider rows `data-slug`; one click
//! listener dispatches both. Every text and attribute value from the API is escaped, and links
//! keep only `http(s)` URLs (see [`crate::page`]), so text from the API cannot become markup.

use link_contract::LinkProvider;

use crate::{
    flow::View,
    i18n::{Key, Lang},
    page::{Action, Block, Field, Form, Page, Text},
};

/// HTML of a page (or some blocks) and the actions of its buttons.
#[derive(Debug, Default, PartialEq)]
pub struct Markup {
    pub html: String,
    pub actions: Vec<Action>,
}

/// Where a logo may be loaded from: its URL, or `None` to draw the initial instead.
pub type LogoSrc<'a> = &'a dyn Fn(&str) -> Option<String>;

/// What a page's markup reads besides the page.
pub struct Env<'a> {
    pub lang: Lang,
    pub logo: LogoSrc<'a>,
    /// The catalog the picker lists.
    pub providers: &'a [LinkProvider],
}

/// `s` escaped for HTML text and double-quoted attribute values.
pub fn escape(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// The initial drawn for a provider without a usable logo, and its tint (0–5) from the slug.
pub fn initial(provider: &LinkProvider) -> (String, u32) {
    // ASCII upper-casing: Rust's Unicode case tables cost more than they show here.
    let initial = provider
        .name
        .chars()
        .next()
        .unwrap_or('?')
        .to_ascii_uppercase()
        .to_string();
    let tint = provider
        .slug
        .bytes()
        .fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(b as u32))
        % 6;
    (initial, tint)
}

impl Markup {
    /// The HTML of `blocks`.
    pub fn of(blocks: &[Block], env: &Env) -> Markup {
        let mut m = Markup::default();
        for b in blocks {
            m.block(b, env);
        }
        m
    }

    /// A whole page: the header (Back where meaningful, and Close), then `<main>`.
    pub fn page(page: &Page, env: &Env) -> Markup {
        let mut m = Markup::default();
        let t = |k| env.lang.t(k);
        if let Some(back) = page.header {
            m.push(&["<header class=\"vl-header\">"]);
            if back {
                m.icon_button("vl-back", t(Key::Back), "‹", Action::Back);
            }
            m.push(&["<span class=\"vl-spacer\"></span>"]);
            m.icon_button("vl-close", t(Key::Close), "×", Action::Close);
            m.push(&["</header>"]);
        }
        let busy = if page.view == View::Loading {
            " aria-busy=\"true\""
        } else {
            ""
        };
        m.push(&["<main class=\"", page.class, "\"", busy, ">"]);
        for b in &page.blocks {
            m.block(b, env);
        }
        m.push(&["</main>"]);
        m
    }

    /// The form's inline error line, placed before its submit button while there is one.
    pub fn inline_error(message: &str) -> String {
        let mut m = Markup::default();
        m.push(&["<p class=\"vl-inline-error\" role=\"alert\" id=\"vl-form-error\">"]);
        m.text(message);
        m.push(&["</p>"]);
        m.html
    }

    /// The line shown when no provider matches the search.
    pub fn no_results(lang: Lang) -> String {
        [
            "<p class=\"vl-muted\" role=\"status\">",
            lang.t(Key::NoResults),
            "</p>",
        ]
        .concat()
    }

    fn action(&mut self, action: Action) {
        self.push(&[" data-action=\""]);
        // Digits by hand: `to_string` would pull in the integer formatting machinery.
        let mut n = self.actions.len();
        let at = self.html.len();
        loop {
            self.html.insert(at, char::from(b'0' + (n % 10) as u8));
            n /= 10;
            if n == 0 {
                break;
            }
        }
        self.html.push('"');
        self.actions.push(action);
    }

    fn icon_button(&mut self, class: &str, label: &str, sign: &str, action: Action) {
        self.push(&[
            "<button type=\"button\" class=\"vl-icon-button ",
            class,
            "\"",
        ]);
        self.attr("aria-label", label);
        self.action(action);
        self.push(&[">", sign, "</button>"]);
    }

    fn form(&mut self, form: &Form) {
        self.push(&["<form class=\"vl-form\" novalidate>"]);
        for (i, field) in form.fields.iter().enumerate() {
            self.push(&["<label class=\"vl-field\"><span class=\"vl-label\">"]);
            match field {
                Field::Input(input) => {
                    self.text(&input.label);
                    self.push(&["</span><input class=\"vl-input"]);
                    if !input.class.is_empty() {
                        self.push(&[" ", input.class]);
                    }
                    self.push(&[
                        "\" name=\"",
                        input.name,
                        "\" type=\"",
                        input.kind,
                        "\" autocomplete=\"",
                        input.autocomplete,
                        "\" required",
                    ]);
                    if let Some(mode) = input.inputmode {
                        self.push(&[" inputmode=\"", mode, "\""]);
                    }
                    if input.verbatim {
                        self.push(&[" autocapitalize=\"none\" spellcheck=\"false\""]);
                    }
                    if i == 0 {
                        self.push(&[" data-autofocus=\"\""]);
                    }
                    self.html.push('>');
                }
                Field::Region {
                    label,
                    regions,
                    default,
                } => {
                    self.text(label);
                    self.push(&["</span><select class=\"vl-input\" name=\"region\">"]);
                    for r in regions {
                        self.push(&["<option"]);
                        self.attr("value", &r.code);
                        if r.code == *default {
                            self.push(&[" selected"]);
                        }
                        self.html.push('>');
                        self.text(&r.name);
                        self.push(&["</option>"]);
                    }
                    self.push(&["</select>"]);
                }
            }
            self.push(&["</label>"]);
        }
        self.push(&["<button type=\"submit\" class=\"vl-button vl-primary\">"]);
        self.text(form.submit);
        self.push(&["</button></form>"]);
    }

    /// The picker: its title, the search box and every provider (no query yet).
    fn picker(&mut self, env: &Env) {
        let t = |k| env.lang.t(k);
        self.push(&["<h1 id=\"vl-title\" class=\"vl-title\" tabindex=\"-1\">"]);
        self.text(t(Key::PickerTitle));
        self.push(&["</h1><input class=\"vl-input vl-search\" type=\"search\""]);
        self.attr("aria-label", t(Key::SearchLabel));
        self.attr("placeholder", t(Key::SearchPlaceholder));
        self.push(&[" autocomplete=\"off\" spellcheck=\"false\" data-autofocus=\"\"><ul class=\"vl-providers\""]);
        self.attr("aria-label", t(Key::PickerTitle));
        self.html.push('>');
        self.rows(env.providers.iter(), env.logo);
        self.push(&["</ul>"]);
        if env.providers.is_empty() {
            self.html.push_str(&Markup::no_results(env.lang));
        }
    }

    fn push(&mut self, parts: &[&str]) {
        for p in parts {
            self.html.push_str(p);
        }
    }

    fn text(&mut self, s: &str) {
        escape(&mut self.html, s);
    }

    /// ` name="value"`, escaped.
    fn attr(&mut self, name: &str, value: &str) {
        self.push(&[" ", name, "=\""]);
        self.text(value);
        self.html.push('"');
    }

    /// The picker's rows: one button per provider, `data-slug` naming it.
    pub fn provider_rows<'p>(
        providers: impl Iterator<Item = &'p LinkProvider>,
        logo: LogoSrc,
    ) -> String {
        let mut m = Markup::default();
        m.rows(providers, logo);
        m.html
    }

    fn rows<'p>(&mut self, providers: impl Iterator<Item = &'p LinkProvider>, logo: LogoSrc) {
        let m = self;
        for p in providers {
            m.push(&["<li><button type=\"button\" class=\"vl-provider\""]);
            m.attr("data-slug", &p.slug);
            m.html.push('>');
            m.logo(p, logo);
            m.push(&["<span class=\"vl-provider-text\"><span class=\"vl-provider-name\">"]);
            m.text(&p.name);
            m.push(&["</span><span class=\"vl-provider-desc\">"]);
            m.text(&p.description);
            m.push(&["</span></span></button></li>"]);
        }
    }

    fn logo(&mut self, provider: &LinkProvider, logo: LogoSrc) {
        match logo(&provider.logo) {
            Some(src) => {
                self.push(&["<img class=\"vl-logo\""]);
                self.attr("src", &src);
                self.push(&[" alt=\"\" width=\"40\" height=\"40\" loading=\"lazy\">"]);
            }
            None => {
                let (initial, tint) = initial(provider);
                self.push(&["<span class=\"vl-logo vl-initial vl-tint-"]);
                self.html.extend(char::from_digit(tint, 10));
                self.push(&["\" aria-hidden=\"true\">"]);
                self.text(&initial);
                self.push(&["</span>"]);
            }
        }
    }

    fn block(&mut self, b: &Block, env: &Env) {
        let logo = env.logo;
        match b {
            Block::Title { text, hidden } => {
                let class = if *hidden { "vl-sr-only" } else { "vl-title" };
                self.push(&["<h1 id=\"vl-title\" class=\"", class, "\" tabindex=\"-1\">"]);
                self.text(text);
                self.push(&["</h1>"]);
            }
            Block::Text(Text {
                class,
                text,
                strong,
                role,
                error_type,
            }) => {
                self.html.push_str("<p");
                if !class.is_empty() {
                    self.attr("class", class);
                }
                if let Some(role) = role {
                    self.attr("role", role);
                }
                if let Some(t) = error_type {
                    self.attr("data-error-type", t);
                }
                self.html.push('>');
                self.text(text);
                if let Some(s) = strong {
                    self.push(&[" <strong>"]);
                    self.text(s);
                    self.push(&["</strong>"]);
                }
                self.push(&["</p>"]);
            }
            Block::Bullets(items) => {
                self.push(&["<ul class=\"vl-bullets\">"]);
                for i in items {
                    self.push(&["<li>"]);
                    self.text(i);
                    self.push(&["</li>"]);
                }
                self.push(&["</ul>"]);
            }
            Block::Legal { lead, and, links } => {
                self.push(&["<p class=\"vl-legal\">"]);
                self.text(lead);
                for (i, (href, label)) in links.iter().enumerate() {
                    if i > 0 {
                        self.push(&[" ", and]);
                    }
                    self.push(&[" <a"]);
                    self.attr("href", href);
                    self.push(&[" target=\"_blank\" rel=\"noopener noreferrer\">"]);
                    self.text(label);
                    self.push(&["</a>"]);
                }
                self.push(&[".</p>"]);
            }
            Block::Mark { class, sign } => {
                self.push(&[
                    "<span class=\"",
                    class,
                    "\" aria-hidden=\"true\">",
                    sign,
                    "</span>",
                ]);
            }
            Block::TeamLogo(url) => {
                if let Some(src) = logo(url) {
                    self.push(&["<img class=\"vl-team-logo\""]);
                    self.attr("src", &src);
                    self.push(&[" alt=\"\">"]);
                }
            }
            Block::Logo(provider) => self.logo(provider, logo),
            Block::Group { class, blocks } => {
                self.push(&["<div class=\"", class, "\">"]);
                for b in blocks {
                    self.block(b, env);
                }
                self.push(&["</div>"]);
            }
            Block::Spinner(label) => {
                self.push(&["<div class=\"vl-loading\" role=\"status\"><span class=\"vl-spinner\" aria-hidden=\"true\"></span>"]);
                self.text(label);
                self.push(&["</div>"]);
            }
            Block::Button {
                label,
                action,
                primary,
                autofocus,
            } => {
                let class = if *primary {
                    "vl-button vl-primary"
                } else {
                    "vl-button"
                };
                self.push(&["<button type=\"button\" class=\"", class, "\""]);
                self.action(action.clone());
                self.push(&[
                    if *autofocus {
                        " data-autofocus=\"\""
                    } else {
                        ""
                    },
                    ">",
                ]);
                self.text(label);
                self.push(&["</button>"]);
            }
            Block::NewTab { href, label } => {
                self.push(&["<a class=\"vl-button vl-primary vl-link-button\""]);
                self.attr("href", href);
                self.push(&[" target=\"_blank\" data-autofocus=\"\">"]);
                self.text(label);
                self.push(&["</a>"]);
            }
            Block::Form(form) => self.form(form),
            Block::Picker => self.picker(env),
        }
    }
}

#[cfg(test)]
mod tests {
    use link_contract::{AuthType, FormComponents};

    use super::*;

    fn provider(name: &str, logo: &str) -> LinkProvider {
        LinkProvider {
            id: 1,
            name: name.into(),
            slug: "oura".into(),
            description: String::new(),
            logo: logo.into(),
            auth_type: AuthType::Oauth,
            oauth_url: None,
            form_components: FormComponents::default(),
        }
    }

    fn no_logos(_: &str) -> Option<String> {
        None
    }

    fn env(logo: LogoSrc) -> Env {
        Env {
            lang: Lang::En,
            logo,
            providers: &[],
        }
    }

    #[test]
    fn text_from_the_api_cannot_become_markup() {
        let hostile = r#"<img src=x onerror="alert(1)">'&"#;
        let m = Markup::of(
            &[
                Block::Title {
                    text: hostile.into(),
                    hidden: false,
                },
                Block::Text(Text {
                    class: "vl-message",
                    text: hostile.into(),
                    strong: Some(hostile.into()),
                    role: Some("alert"),
                    error_type: Some(hostile.into()),
                }),
                Block::Logo(provider(hostile, "")),
            ],
            &env(&no_logos),
        );
        assert!(!m.html.contains("<img"), "{}", m.html);
        assert!(!m.html.contains("onerror=\""), "{}", m.html);
        assert!(m
            .html
            .contains("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&#39;&amp;"));
        assert!(m.html.contains("data-error-type=\"&lt;img"));
    }

    #[test]
    fn buttons_point_at_their_actions() {
        let m = Markup::of(
            &[
                Block::Button {
                    label: "Try again".into(),
                    action: Action::Retry,
                    primary: true,
                    autofocus: true,
                },
                Block::Group {
                    class: "vl-actions",
                    blocks: vec![Block::Button {
                        label: "Close".into(),
                        action: Action::Close,
                        primary: false,
                        autofocus: false,
                    }],
                },
            ],
            &env(&no_logos),
        );
        assert_eq!(m.actions, [Action::Retry, Action::Close]);
        assert!(m.html.contains(
            r#"<button type="button" class="vl-button vl-primary" data-action="0" data-autofocus="">Try again</button>"#
        ));
        assert!(m.html.contains(
            r#"<div class="vl-actions"><button type="button" class="vl-button" data-action="1">Close</button></div>"#
        ));
    }

    #[test]
    fn logos_load_only_where_allowed_else_an_initial() {
        let p = provider("ōura", "/logos/oura.svg");
        let allowed = |l: &str| Some(["http://127.0.0.1:1", l].concat());
        let m = Markup::of(&[Block::Logo(p.clone())], &env(&allowed));
        assert_eq!(
            m.html,
            r#"<img class="vl-logo" src="http://127.0.0.1:1/logos/oura.svg" alt="" width="40" height="40" loading="lazy">"#
        );
        let m = Markup::of(&[Block::Logo(p.clone())], &env(&no_logos));
        let (_, tint) = initial(&p);
        assert_eq!(
            m.html,
            format!(
                r#"<span class="vl-logo vl-initial vl-tint-{tint}" aria-hidden="true">ō</span>"#
            )
        );
    }

    #[test]
    fn provider_rows_name_their_slugs() {
        let rows = Markup::provider_rows([provider("Oura & <Co>", "")].iter(), &no_logos);
        assert!(rows.starts_with(r#"<li><button type="button" class="vl-provider" data-slug="oura"><span class="vl-logo vl-initial"#));
        assert!(rows.contains(r#"<span class="vl-provider-name">Oura &amp; &lt;Co&gt;</span>"#));
        assert!(rows.ends_with("</span></span></button></li>"));
        assert_eq!(Markup::provider_rows([].iter(), &no_logos), "");
    }

    #[test]
    fn legal_line_joins_its_links() {
        let m = Markup::of(
            &[Block::Legal {
                lead: "By continuing you agree to the",
                and: "and",
                links: vec![
                    ("https://a.test/p".into(), "privacy policy"),
                    ("https://a.test/t?x=1&y=2".into(), "terms"),
                ],
            }],
            &env(&no_logos),
        );
        assert_eq!(
            m.html,
            r#"<p class="vl-legal">By continuing you agree to the <a href="https://a.test/p" target="_blank" rel="noopener noreferrer">privacy policy</a> and <a href="https://a.test/t?x=1&amp;y=2" target="_blank" rel="noopener noreferrer">terms</a>.</p>"#
        );
    }

    #[test]
    fn page_has_its_header_buttons_as_actions() {
        let page = Page {
            view: View::Loading,
            header: Some(true),
            class: "vl-body",
            blocks: vec![Block::Spinner("Loading")],
        };
        let m = Markup::page(&page, &env(&no_logos));
        assert_eq!(m.actions, [Action::Back, Action::Close]);
        assert!(m.html.starts_with(
            r#"<header class="vl-header"><button type="button" class="vl-icon-button vl-back" aria-label="Back" data-action="0">‹</button><span class="vl-spacer"></span><button type="button" class="vl-icon-button vl-close" aria-label="Close" data-action="1">×</button></header><main class="vl-body" aria-busy="true">"#
        ), "{}", m.html);
        let page = Page {
            view: View::Success,
            header: None,
            ..page
        };
        let m = Markup::page(&page, &env(&no_logos));
        assert!(m
            .html
            .starts_with(r#"<main class="vl-body"><div class="vl-loading""#));
        assert!(m.actions.is_empty());
    }

    #[test]
    fn form_fields_escape_labels_and_mark_the_first_for_focus() {
        use crate::page::{FormKind, Input};
        use link_contract::Region;
        let form = Form {
            kind: FormKind::Email,
            fields: vec![
                Field::Input(Input {
                    label: "E-mail <b>".into(),
                    name: "email",
                    kind: "email",
                    autocomplete: "email",
                    inputmode: Some("email"),
                    class: "vl-code",
                    verbatim: true,
                    secret: false,
                    retry_focus: true,
                }),
                Field::Region {
                    label: "Region",
                    regions: vec![
                        Region {
                            code: "us".into(),
                            name: "United States".into(),
                        },
                        Region {
                            code: "c\"a".into(),
                            name: "Canada & co".into(),
                        },
                    ],
                    default: "c\"a".into(),
                },
            ],
            submit: "Connect",
            busy: "Connecting…",
        };
        let m = Markup::of(&[Block::Form(form)], &env(&no_logos));
        assert_eq!(
            m.html,
            concat!(
                r#"<form class="vl-form" novalidate>"#,
                r#"<label class="vl-field"><span class="vl-label">E-mail &lt;b&gt;</span>"#,
                r#"<input class="vl-input vl-code" name="email" type="email" autocomplete="email" required inputmode="email" autocapitalize="none" spellcheck="false" data-autofocus=""></label>"#,
                r#"<label class="vl-field"><span class="vl-label">Region</span><select class="vl-input" name="region">"#,
                r#"<option value="us">United States</option><option value="c&quot;a" selected>Canada &amp; co</option></select></label>"#,
                r#"<button type="submit" class="vl-button vl-primary">Connect</button></form>"#,
            )
        );
        assert_eq!(
            Markup::inline_error("<x>"),
            r#"<p class="vl-inline-error" role="alert" id="vl-form-error">&lt;x&gt;</p>"#
        );
    }

    #[test]
    fn picker_lists_every_provider_or_says_none_match() {
        let providers = [provider("Oura", "")];
        let with = Env {
            providers: &providers,
            ..env(&no_logos)
        };
        let m = Markup::of(&[Block::Picker], &with);
        assert!(m
            .html
            .starts_with(r#"<h1 id="vl-title" class="vl-title" tabindex="-1">"#));
        assert!(m
            .html
            .contains(r#"<input class="vl-input vl-search" type="search""#));
        assert!(m.html.contains(r#"data-slug="oura""#));
        assert!(!m.html.contains("role=\"status\""));
        let m = Markup::of(&[Block::Picker], &env(&no_logos));
        assert!(m
            .html
            .ends_with(&["</ul>", &Markup::no_results(Lang::En)].concat()));
    }
}
