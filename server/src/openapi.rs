//! The OpenAPI 3 document served at `/openapi.json`. Paths come from the `#[utoipa::path]`
//! attribute of each handler, registered together with its route (utoipa-axum `routes!`), so a
//! route cannot exist undocumented; `tests/openapi.rs` checks the document against the server.

use utoipa::{
    openapi::security::{ApiKey, ApiKeyValue, SecurityScheme},
    Modify, OpenApi,
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Link API (link-server)",
        description = "Vital Link v2 contract (shared/link-api.md) with sandbox providers. \
            Server-side endpoints take the team key in `x-vital-api-key` and send no CORS headers; \
            widget endpoints take a link token in `x-vital-link-token` and allow any origin. \
            Errors: `{\"detail\": {\"error_type\", \"error_code\", \"error_message\"}}`, or for 422 \
            `{\"detail\": [{\"loc\", \"msg\", \"type\"}]}`; outcome errors of the password, MFA and \
            email flows are 200 with `state: \"error\"`. Unknown routes: 404 JSON."
    ),
    modifiers(&SecuritySchemes),
    tags(
        (name = "users", description = "Users and connections (API key)"),
        (name = "tokens", description = "Link tokens (API key)"),
        (name = "providers", description = "Provider catalog and logos"),
        (name = "widget", description = "Widget endpoints (link token, CORS *)"),
        (name = "sandbox oauth", description = "The sandbox OAuth authorization server"),
        (name = "demo", description = "Demo host page and backend (only with --demo)"),
        (name = "server", description = "Health, this document, the hosted widget page"),
    )
)]
pub struct ApiDoc;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new(
                link_contract::API_KEY_HEADER,
            ))),
        );
        components.add_security_scheme(
            "link_token",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new(
                link_contract::LINK_TOKEN_HEADER,
            ))),
        );
    }
}
