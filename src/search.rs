//! Provider search: case- and accent-insensitive, by name and slug.

use link_contract::LinkProvider;

/// Lower-cases and strips accents, so "Withíngs" matches "withings". In the browser the
/// browser's own Unicode tables do it (NFD, then the combining marks dropped): Rust's case
/// tables would add some 25 KB to the wasm.
#[cfg(target_arch = "wasm32")]
pub fn fold(s: &str) -> String {
    // Most names are ASCII: folded here, without a round trip to JavaScript per string
    // (which made building the index of a 329-provider catalog cost some 5 ms).
    if s.is_ascii() {
        return fold_ascii(s);
    }
    let folded: String = js_sys::JsString::from(s)
        .normalize("NFD")
        .to_lower_case()
        .into();
    folded
        .chars()
        .filter(|c| !('\u{300}'..='\u{36f}').contains(c))
        .map(|c| if c == '_' || c == '-' { ' ' } else { c })
        .collect()
}

/// [`fold`] of an ASCII text.
pub fn fold_ascii(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'_' | b'-' => ' ',
            b => b.to_ascii_lowercase() as char,
        })
        .collect()
}

/// The same folding natively (tests), for the Latin letters providers' names use.
#[cfg(not(target_arch = "wasm32"))]
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().flat_map(char::to_lowercase) {
        out.push(match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' => 'a',
            'ç' | 'ć' | 'č' => 'c',
            'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' => 'e',
            'ì' | 'í' | 'î' | 'ï' | 'ī' => 'i',
            'ñ' | 'ń' => 'n',
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' => 'o',
            'ù' | 'ú' | 'û' | 'ü' | 'ū' => 'u',
            'ý' | 'ÿ' => 'y',
            'ś' | 'š' => 's',
            'ź' | 'ż' | 'ž' => 'z',
            'ł' => 'l',
            '_' | '-' => ' ',
            c => c,
        });
    }
    out
}

/// The catalog folded once, so a keystroke only compares bytes.
pub struct Index {
    /// Per provider: its folded name and slug, and the same without spaces.
    entries: Vec<(String, String)>,
}

impl Index {
    pub fn new(providers: &[LinkProvider]) -> Self {
        let entries = providers
            .iter()
            .map(|p| {
                let hay = [fold(&p.name), " ".into(), fold(&p.slug)].concat();
                let compact = hay.chars().filter(|c| !c.is_whitespace()).collect();
                (hay, compact)
            })
            .collect();
        Index { entries }
    }

    /// Indices of the providers matching `query`, in catalog order: every word of the query
    /// appears in the name or slug, or the query without spaces appears in them without
    /// spaces ("googlefit").
    pub fn filter(&self, query: &str) -> Vec<usize> {
        let q = fold(query);
        let q = q.trim();
        let words: Vec<&str> = q.split_whitespace().collect();
        let compact: String = q.chars().filter(|c| !c.is_whitespace()).collect();
        // A query of one word needs only the second test: a word (no spaces) found in a text is
        // found in that text without its spaces.
        let several = words.len() > 1;
        self.entries
            .iter()
            .enumerate()
            .filter(|(_, (hay, hay_compact))| {
                (several && words.iter().all(|w| contains(hay, w)))
                    || contains(hay_compact, &compact)
            })
            .map(|(i, _)| i)
            .collect()
    }
}

/// Whether `needle` occurs in `hay`. Byte windows, each compared whole only where its first
/// byte matches, are enough for names this short, and cost the wasm far less than
/// `str::contains`'s two-way searcher.
fn contains(hay: &str, needle: &str) -> bool {
    let needle = needle.as_bytes();
    needle.is_empty()
        || hay
            .as_bytes()
            .windows(needle.len())
            .any(|w| w.first() == needle.first() && w == needle)
}

/// Indices of the providers matching `query`, in catalog order (see [`Index::filter`]).
pub fn filter(providers: &[LinkProvider], query: &str) -> Vec<usize> {
    Index::new(providers).filter(query)
}

#[cfg(test)]
mod tests {
    use super::*;
    use link_contract::{AuthType, FormComponents};

    fn p(name: &str, slug: &str) -> LinkProvider {
        LinkProvider {
            id: 1,
            name: name.into(),
            slug: slug.into(),
            description: String::new(),
            logo: String::new(),
            auth_type: AuthType::Oauth,
            oauth_url: None,
            form_components: FormComponents::default(),
        }
    }

    fn names(list: &[LinkProvider], q: &str) -> Vec<String> {
        filter(list, q)
            .into_iter()
            .map(|i| list[i].name.clone())
            .collect()
    }

    #[test]
    fn matches_name_and_slug_ignoring_case_and_accents() {
        let list = [
            p("Fitbit", "fitbit"),
            p("Freestyle Libre", "freestyle_libre"),
            p("Withings", "withings"),
            p("Google Fit", "google_fit"),
        ];
        assert_eq!(names(&list, "FIT"), ["Fitbit", "Google Fit"]);
        assert_eq!(names(&list, "wíthíngs"), ["Withings"]);
        assert_eq!(names(&list, "freestyle_libre"), ["Freestyle Libre"]);
        assert_eq!(names(&list, "libre free"), ["Freestyle Libre"]);
        assert_eq!(names(&list, "googlefit"), ["Google Fit"]);
        assert_eq!(
            names(&list, "  "),
            ["Fitbit", "Freestyle Libre", "Withings", "Google Fit"]
        );
        assert!(names(&list, "garmin").is_empty());
        // A query longer than every name, one that ends a name, and a first byte found early
        // without the rest after it.
        assert!(names(&list, "freestyle libre freestyle_libre!").is_empty());
        assert_eq!(names(&list, "ings"), ["Withings"]);
        assert_eq!(names(&list, "fitx"), Vec::<String>::new());
        assert_eq!(
            names(&list, "f"),
            ["Fitbit", "Freestyle Libre", "Google Fit"]
        );
    }

    #[test]
    fn the_ascii_path_folds_as_the_general_one() {
        for s in [
            "Google_Fit",
            "FREESTYLE-libre",
            "Oura Ring 3",
            "a.b/c@D",
            "",
        ] {
            assert_eq!(fold_ascii(s), fold(s), "{s}");
        }
    }

    #[test]
    fn accented_names_match_plain_queries() {
        let list = [p("Équilibre Santé", "equilibre")];
        assert_eq!(names(&list, "sante"), ["Équilibre Santé"]);
        assert_eq!(names(&list, "ÉQUI"), ["Équilibre Santé"]);
    }
}
