//! Link tokens, the API key check and the signed OAuth `state`.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

type HmacSha256 = Hmac<Sha256>;

/// Bytes of randomness in a link token (256 bits).
const TOKEN_BYTES: usize = 32;

/// `n` random bytes, base64url without padding.
pub fn random_id(n: usize) -> String {
    let mut buf = vec![0u8; n];
    rand::rngs::OsRng.fill_bytes(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
}

/// A new opaque link token.
pub fn new_token() -> String {
    random_id(TOKEN_BYTES)
}

/// Whether `s` has the shape of a token this server issues (anything else is `invalid_token`
/// without a lookup).
pub fn looks_like_token(s: &str) -> bool {
    s.len() == 43
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Hex SHA-256: the only form in which tokens and codes are stored.
pub fn sha256_hex(s: &str) -> String {
    Sha256::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Constant-time API key check (digests first, so the length does not leak either).
pub fn api_key_matches(given: &str, expected: &str) -> bool {
    let a = Sha256::digest(given.as_bytes());
    let b = Sha256::digest(expected.as_bytes());
    a.ct_eq(&b).into()
}

fn mac(key: &[u8], parts: &[&str]) -> HmacSha256 {
    let mut m = HmacSha256::new_from_slice(key).expect("HMAC takes keys of any length");
    for p in parts {
        m.update(&(p.len() as u64).to_be_bytes());
        m.update(p.as_bytes());
    }
    m
}

/// The OAuth `state` of an attempt: `v1.<attempt id>.<HMAC(token hash, provider, attempt)>`.
/// The token itself is not in it; the attempt id finds the token, the MAC binds both.
pub fn sign_state(key: &[u8], token_hash: &str, provider: &str, attempt: &str) -> String {
    let tag = mac(key, &["oauth_state", token_hash, provider, attempt])
        .finalize()
        .into_bytes();
    format!("v1.{attempt}.{}", URL_SAFE_NO_PAD.encode(tag))
}

/// Splits a `state` into (attempt id, MAC), or None when malformed.
pub fn parse_state(state: &str) -> Option<(&str, Vec<u8>)> {
    let mut it = state.split('.');
    let (Some("v1"), Some(attempt), Some(tag), None) = (it.next(), it.next(), it.next(), it.next())
    else {
        return None;
    };
    if attempt.is_empty()
        || attempt.len() > 64
        || !attempt
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return None;
    }
    let tag = URL_SAFE_NO_PAD.decode(tag).ok()?;
    Some((attempt, tag))
}

/// Constant-time check of a `state`'s MAC against the token and provider it must belong to.
pub fn verify_state(
    key: &[u8],
    token_hash: &str,
    provider: &str,
    attempt: &str,
    tag: &[u8],
) -> bool {
    mac(key, &["oauth_state", token_hash, provider, attempt])
        .verify_slice(tag)
        .is_ok()
}

/// The PKCE `code_verifier` of an OAuth attempt (RFC 7636): 43 base64url characters derived
/// from the server key and the attempt id, so every instance finds it again without storing it.
pub fn pkce_verifier(key: &[u8], attempt: &str) -> String {
    URL_SAFE_NO_PAD.encode(
        mac(key, &["pkce_verifier", attempt])
            .finalize()
            .into_bytes(),
    )
}

/// The S256 `code_challenge` of a verifier: base64url(SHA-256(verifier)).
pub fn pkce_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// Whether `s` is a well-formed S256 challenge (43 base64url characters).
pub fn looks_like_challenge(s: &str) -> bool {
    s.len() == 43
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The client secret of a sandbox OAuth client (one per provider), derived from the server key.
pub fn client_secret(key: &[u8], provider: &str) -> String {
    URL_SAFE_NO_PAD.encode(
        mac(key, &["client_secret", provider])
            .finalize()
            .into_bytes(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_recognisable() {
        let a = new_token();
        let b = new_token();
        assert_ne!(a, b);
        assert!(looks_like_token(&a));
        assert!(!looks_like_token("short"));
        assert!(!looks_like_token(&format!("{}!", &a[..42])));
        assert_eq!(sha256_hex(&a).len(), 64);
        assert_ne!(sha256_hex(&a), a);
    }

    #[test]
    fn api_key_comparison() {
        assert!(api_key_matches("k1", "k1"));
        assert!(!api_key_matches("k1", "k2"));
        assert!(!api_key_matches("", "k1"));
    }

    #[test]
    fn pkce_s256() {
        // RFC 7636 appendix B.
        assert_eq!(
            pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        let v = pkce_verifier(&[1u8; 32], "att");
        assert_eq!(v.len(), 43);
        assert_ne!(v, pkce_verifier(&[1u8; 32], "att2"));
        assert!(looks_like_challenge(&pkce_challenge(&v)));
    }

    #[test]
    fn state_round_trip_and_binding() {
        let key = [7u8; 32];
        let s = sign_state(&key, "hash", "fitbit", "att1");
        let (att, tag) = parse_state(&s).unwrap();
        assert_eq!(att, "att1");
        assert!(verify_state(&key, "hash", "fitbit", att, &tag));
        assert!(!verify_state(&key, "other", "fitbit", att, &tag));
        assert!(!verify_state(&key, "hash", "oura", att, &tag));
        assert!(!verify_state(&key, "hash", "fitbit", "att2", &tag));
        assert!(!verify_state(&[8u8; 32], "hash", "fitbit", att, &tag));
        assert!(parse_state("v1.x").is_none());
        assert!(parse_state("v2.a.b").is_none());
        assert!(parse_state("v1.a.b.c").is_none());
        assert!(parse_state("v1.a.***").is_none());
    }
}
