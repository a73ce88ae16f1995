//! The provider catalog (API key), the widget's provider list (link token) and the logos.

use std::io::Write;

use axum::{
    body::Bytes,
    extract::{Path, State},
    http::{header, HeaderMap, HeaderValue},
    response::{IntoResponse, Response},
    Json,
};
use link_contract::{AuthType, CatalogProvider, ErrorBody, LinkProvider};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    db::now_ms,
    error::{AppError, AppResult},
    extract::{ApiKey, WidgetToken},
    sandbox::{self, Provider},
    store::TokenRow,
    AppState,
};

pub fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(all_providers))
}

pub fn widget_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(link_providers))
}

pub fn public_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(logo))
}

/// Absolute URL of a provider's logo (served by this server).
pub fn logo_url(state: &AppState, slug: &str) -> String {
    logo_url_at(&state.public_url, slug)
}

fn logo_url_at(public_url: &str, slug: &str) -> String {
    format!("{public_url}/logos/{slug}.svg")
}

pub fn link_provider(state: &AppState, p: &Provider, oauth_url: Option<String>) -> LinkProvider {
    link_provider_at(&state.public_url, p, oauth_url)
}

fn link_provider_at(public_url: &str, p: &Provider, oauth_url: Option<String>) -> LinkProvider {
    LinkProvider {
        id: p.id,
        name: p.name.clone(),
        slug: p.slug.clone(),
        description: p.description.clone(),
        logo: logo_url_at(public_url, &p.slug),
        auth_type: p.auth_type,
        oauth_url,
        form_components: p.form_components.clone(),
    }
}

/// The provider checks of a flow endpoint, after the token checks: unknown slug → 422; not
/// linkable, not allowed by the token, or of another auth type → 400 `invalid_provider`.
pub fn flow_provider<'a>(
    state: &'a AppState,
    token: &TokenRow,
    slug: &str,
    expected: AuthType,
) -> AppResult<&'a Provider> {
    let Some(p) = state.catalog.get(slug) else {
        return Err(AppError::validation(
            &["path", "provider"],
            format!("unknown provider {slug:?}"),
            "enum",
        ));
    };
    if !p.is_linkable() {
        return Err(AppError::invalid_provider(format!(
            "{} is linked through the mobile SDK, not Link.",
            p.name
        )));
    }
    if !token.allows(slug) {
        return Err(AppError::invalid_provider(format!(
            "This link token does not allow {}.",
            p.name
        )));
    }
    if p.auth_type != expected {
        let kind = match p.auth_type {
            AuthType::Oauth => "an OAuth",
            AuthType::Password => "a password",
            _ => "an email",
        };
        return Err(AppError::invalid_provider(format!(
            "{} is {kind} provider; use its own endpoint.",
            p.name
        )));
    }
    Ok(p)
}

/// The whole catalog, linkable or not.
#[utoipa::path(
    get, path = "/v2/providers", tag = "providers",
    responses(
        (status = 200, description = "Every provider", body = [CatalogProvider]),
        (status = 401, description = "Missing or wrong API key", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
async fn all_providers(State(state): State<AppState>, _key: ApiKey) -> Json<Vec<CatalogProvider>> {
    Json(
        state
            .catalog
            .all()
            .iter()
            .map(|p| CatalogProvider {
                name: p.name.clone(),
                slug: p.slug.clone(),
                description: p.description.clone(),
                logo: logo_url(&state, &p.slug),
                auth_type: p.auth_type,
                supported_resources: p.supported_resources.clone(),
            })
            .collect(),
    )
}

/// The linkable providers the token allows (narrowed by `provider` and `filter_on_providers`).
#[utoipa::path(
    get, path = "/v2/link/providers", tag = "widget",
    responses(
        (status = 200, description = "Linkable providers allowed by the token", body = [LinkProvider]),
        (status = 400, description = "Missing link token", body = ErrorBody),
        (status = 401, description = "`invalid_token`, `token_expired` or `token_consumed`", body = ErrorBody),
    ),
    security(("link_token" = []))
)]
async fn link_providers(
    State(state): State<AppState>,
    WidgetToken(row): WidgetToken,
    headers: HeaderMap,
) -> AppResult<Response> {
    row.ensure_usable(now_ms())?;
    if row.provider.is_none() && row.filter_on_providers.is_none() {
        // The common case, the whole linkable catalog: serialised and compressed once.
        return Ok(state.all_link_providers.respond(&headers));
    }
    Ok(Json(
        state
            .catalog
            .all()
            .iter()
            .filter(|p| p.is_linkable() && row.allows(&p.slug))
            .map(|p| link_provider(&state, p, None))
            .collect::<Vec<_>>(),
    )
    .into_response())
}

/// A JSON body serialised and compressed (gzip, brotli) once, served in the encoding the client
/// accepts.
pub struct PrecompressedJson {
    identity: Bytes,
    gzip: Bytes,
    br: Bytes,
}

impl PrecompressedJson {
    pub fn new(json: Vec<u8>) -> Self {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(9));
        gz.write_all(&json).expect("writing to memory");
        let gzip = gz.finish().expect("writing to memory");
        let mut br = Vec::new();
        {
            let mut w = brotli::CompressorWriter::new(&mut br, 64 * 1024, 9, 22);
            w.write_all(&json).expect("writing to memory");
        }
        PrecompressedJson {
            identity: json.into(),
            gzip: gzip.into(),
            br: br.into(),
        }
    }

    /// The linkable catalog as `GET /v2/link/providers` sends it for a token without filters.
    pub fn all_link_providers(catalog: &crate::sandbox::Catalog, public_url: &str) -> Self {
        let list: Vec<LinkProvider> = catalog
            .all()
            .iter()
            .filter(|p| p.is_linkable())
            .map(|p| link_provider_at(public_url, p, None))
            .collect();
        Self::new(serde_json::to_vec(&list).expect("providers serialise"))
    }

    pub fn respond(&self, headers: &HeaderMap) -> Response {
        let (body, encoding) = if accepts(headers, "br") {
            (self.br.clone(), Some("br"))
        } else if accepts(headers, "gzip") {
            (self.gzip.clone(), Some("gzip"))
        } else {
            (self.identity.clone(), None)
        };
        let mut res = (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                ),
                (header::VARY, HeaderValue::from_static("accept-encoding")),
            ],
            body,
        )
            .into_response();
        if let Some(e) = encoding {
            res.headers_mut()
                .insert(header::CONTENT_ENCODING, HeaderValue::from_static(e));
        }
        res
    }
}

/// Whether `Accept-Encoding` accepts `coding` (`q=0` refuses it; `*` accepts it).
fn accepts(headers: &HeaderMap, coding: &str) -> bool {
    let mut star = false;
    for value in headers.get_all(header::ACCEPT_ENCODING) {
        let Ok(value) = value.to_str() else { continue };
        for item in value.split(',') {
            let mut parts = item.split(';');
            let name = parts.next().unwrap_or("").trim();
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .filter_map(|q| q.trim().parse::<f32>().ok())
                .next()
                .unwrap_or(1.0);
            if name.eq_ignore_ascii_case(coding) {
                return q > 0.0;
            }
            if name == "*" && q > 0.0 {
                star = true;
            }
        }
    }
    star
}

/// A provider's logo (generated SVG), or the team's default logo as `team.svg`.
#[utoipa::path(
    get, path = "/logos/{file}", tag = "providers",
    params(("file" = String, Path, description = "`<slug>.svg`, or `team.svg`")),
    responses(
        (status = 200, description = "SVG logo", content_type = "image/svg+xml", body = String),
        (status = 404, description = "No such logo", body = ErrorBody),
    )
)]
async fn logo(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let svg = match file.strip_suffix(".svg") {
        Some("team") => Some(sandbox::logo_svg(
            &state.config.team_name,
            "hsl(226, 71%, 40%)",
        )),
        Some(slug) => state
            .catalog
            .get(slug)
            .map(|p| sandbox::logo_svg(&p.name, &p.color)),
        None => None,
    };
    match svg {
        Some(svg) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("image/svg+xml"),
                ),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=86400"),
                ),
                (
                    header::CONTENT_SECURITY_POLICY,
                    HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'"),
                ),
            ],
            svg,
        )
            .into_response(),
        None => AppError::not_found(format!("No logo {file:?}.")).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn h(v: &str) -> HeaderMap {
        let mut m = HeaderMap::new();
        m.insert(header::ACCEPT_ENCODING, v.parse().unwrap());
        m
    }

    #[test]
    fn accept_encoding() {
        assert!(accepts(&h("gzip, deflate, br, zstd"), "br"));
        assert!(accepts(&h("gzip;q=0.5"), "gzip"));
        assert!(!accepts(&h("gzip;q=0, br"), "gzip"));
        assert!(!accepts(&h("identity"), "gzip"));
        assert!(accepts(&h("*"), "br"));
        assert!(!accepts(&h("*, br;q=0"), "br"));
        assert!(!accepts(&HeaderMap::new(), "gzip"));
    }

    #[test]
    fn precompressed_bodies_decode_to_the_json() {
        let json = br#"[{"a":1},{"a":2},{"a":3}]"#.repeat(50);
        let p = PrecompressedJson::new(json.clone());
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&p.gzip[..])
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(out, json);
        let mut out = Vec::new();
        brotli::Decompressor::new(&p.br[..], 4096)
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(out, json);
        assert!(p.br.len() < json.len() / 4 && p.gzip.len() < json.len() / 4);
    }
}
