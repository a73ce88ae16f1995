//! URLs that come from the API. A link or a navigation keeps only an absolute `http(s)` URL (a
//! `javascript:` or `data:` one would run script in the host page); an image loads only from
//! the page's own origin (the host's `img-src` CSP).

/// `url` if it is an absolute `http(s)` URL as written: no leading space or control character
/// (browsers strip those, which would let `" javascript:"` through a looser check), nothing
/// entity-encoded standing in for the scheme, and `//` right after the colon.
pub fn web_url(url: &str) -> Option<&str> {
    if url.bytes().any(|b| b <= b' ' || b == 0x7f) {
        return None;
    }
    let (scheme, rest) = url.split_once(':')?;
    let web = scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https");
    (web && rest.starts_with("//") && rest.len() > 2).then_some(url)
}

/// A logo's URL if it may load: an `http(s)` URL (or a path of the API at `api_base`) on the
/// page's `origin`; else `None` and the screens draw the initial instead.
pub fn logo_src(api_base: &str, origin: &str, logo: &str) -> Option<String> {
    if logo.is_empty() || origin.is_empty() {
        return None;
    }
    let absolute = if logo.starts_with('/') && !logo.starts_with("//") {
        [api_base, logo].concat()
    } else {
        logo.to_owned()
    };
    web_url(&absolute)?;
    let same_origin = absolute
        .strip_prefix(origin)
        .is_some_and(|path| path.starts_with('/'));
    same_origin.then_some(absolute)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_absolute_web_urls_pass() {
        for ok in [
            "https://acme.test/privacy",
            "HTTP://a.test",
            "hTtPs://a.test/x?y#z",
        ] {
            assert_eq!(web_url(ok), Some(ok));
        }
        for bad in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            " javascript:alert(1)",
            "\u{1}javascript:alert(1)",
            "\tjavascript:alert(1)",
            "java\tscript:alert(1)",
            "javascript&#58;alert(1)",
            "javascript&colon;alert(1)",
            "&#106;avascript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox(1)",
            " https://a.test",
            "https://a.test/\n",
            "https:/a.test",
            "https:\\\\a.test",
            "https://",
            "//a.test/x",
            "/privacy",
            "",
        ] {
            assert_eq!(web_url(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn logos_load_only_from_the_page_origin() {
        let base = "http://127.0.0.1:8080";
        let origin = "http://127.0.0.1:8080";
        assert_eq!(
            logo_src(base, origin, "/logos/oura.svg").as_deref(),
            Some("http://127.0.0.1:8080/logos/oura.svg")
        );
        assert_eq!(
            logo_src(base, origin, "http://127.0.0.1:8080/l.svg").as_deref(),
            Some("http://127.0.0.1:8080/l.svg")
        );
        // Another origin, including one that merely starts with the page's.
        assert_eq!(logo_src(base, origin, "https://cdn.test/l.svg"), None);
        assert_eq!(logo_src(base, origin, "http://127.0.0.1:80801/l.svg"), None);
        assert_eq!(logo_src(base, origin, "http://127.0.0.1:8080.evil/l"), None);
        assert_eq!(logo_src(base, origin, "//127.0.0.1:8080/l.svg"), None);
        assert_eq!(logo_src(base, origin, "javascript:alert(1)"), None);
        assert_eq!(logo_src(base, origin, "data:image/svg+xml,<svg/>"), None);
        assert_eq!(logo_src(base, origin, ""), None);
        assert_eq!(logo_src(base, "", "/logos/oura.svg"), None);
    }
}
