//! The static blocks of a page as HTML text, set in one go as the `innerHTML` of one element.
//!
//! Most of a page never changes once drawn (titles, texts, logos, buttons), and one string
//! builder here costs the wasm far less than a view type per kind of block. Buttons carry
//! `data-action="<index>"` into [`Markup::actions`]; one click listener dispatches them. Every
//! text and attribute value is escaped, and links keep only `http(s)` URLs (see
//! [`crate::page`]), so text from the API cannot become markup.

use link_contract::LinkProvider;

use crate::page::{Action, Block, Text};

/// HTML of some blocks and the actions of their buttons.
#[derive(Debug, Default, PartialEq)]
pub struct Markup {
    pub html: String,
    pub actions: Vec<Action>,
}

/// Where a logo may be loaded from: its URL, or `None` to draw the initial instead.
pub type LogoSrc<'a> = &'a dyn Fn(&str) -> Option<String>;

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
    /// The HTML of `blocks`; [`Block::Form`] and [`Block::Picker`] are drawn elsewhere.
    pub fn of(blocks: &[Block], logo: LogoSrc) -> Markup {
        let mut m = Markup::default();
        for b in blocks {
            m.block(b, logo);
        }
        m
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
        m.html
    }

    fn logo(&mut self, provider: &LinkProvider, logo: LogoSrc) {
        match logo(&provider.logo) {
            Some(src) => {
                self.push(&["<img class=\"vl-logo\""]);
                self.attr("src", &src);
                self.push(&[" alt=\"\" width=\"40\" height=\"40\">"]);
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

    fn block(&mut self, b: &Block, logo: LogoSrc) {
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
                    self.block(b, logo);
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
                let index = self.actions.len().to_string();
                self.actions.push(action.clone());
                self.push(&[
                    "<button type=\"button\" class=\"",
                    class,
                    "\" data-action=\"",
                ]);
                self.push(&[
                    &index,
                    "\"",
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
            Block::Form(_) | Block::Picker => {}
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
            &no_logos,
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
            &no_logos,
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
        let m = Markup::of(&[Block::Logo(p.clone())], &allowed);
        assert_eq!(
            m.html,
            r#"<img class="vl-logo" src="http://127.0.0.1:1/logos/oura.svg" alt="" width="40" height="40">"#
        );
        let m = Markup::of(&[Block::Logo(p.clone())], &no_logos);
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
            &no_logos,
        );
        assert_eq!(
            m.html,
            r#"<p class="vl-legal">By continuing you agree to the <a href="https://a.test/p" target="_blank" rel="noopener noreferrer">privacy policy</a> and <a href="https://a.test/t?x=1&amp;y=2" target="_blank" rel="noopener noreferrer">terms</a>.</p>"#
        );
    }
}
