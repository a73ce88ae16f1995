//! The OpenAPI 3 document served at `/openapi.json`. Paths come from the `#[utoipa::path]`
//! attribute of each handler, registered together with its route (utoipa-axum `routes!`), so a
//! route cannot exist undocumented; `tests/openapi.rs` checks the document against the server.

use serde_json::{json, Value};
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

/// A change to one property schema.
type Edit = Box<dyn Fn(&mut Value)>;

/// The document as served: `ApiDoc` plus what only the running server knows or what utoipa's
/// attributes cannot say, so that a schema-valid request is one the server accepts:
/// `format: uuid` on user ids, the provider slugs (per auth type) as enums, the lengths and
/// patterns the handlers enforce, and a 429 on every API-key route (failed-key throttling).
pub fn refine(doc: &utoipa::openapi::OpenApi, catalog: &crate::sandbox::Catalog) -> Value {
    use link_contract::AuthType;
    let mut v = serde_json::to_value(doc).unwrap_or(Value::Null);
    // Enums only for a catalog of a readable size (not a 100,000-provider benchmark one).
    let small = catalog.all().len() <= 500;
    let slugs = |f: &dyn Fn(&crate::sandbox::Provider) -> bool| -> Option<Vec<Value>> {
        small.then(|| {
            catalog
                .all()
                .iter()
                .filter(|p| f(p))
                .map(|p| json!(p.slug))
                .collect()
        })
    };
    let linkable = slugs(&|p| p.is_linkable());
    let of_type = |t: AuthType| slugs(&move |p| p.auth_type == t && p.is_linkable());
    let all = slugs(&|_| true);
    let demo: Vec<Value> = crate::sandbox::DEMO_PROVIDERS
        .iter()
        .map(|s| json!(s))
        .collect();
    let set_enum = |schema: &mut Value, values: &Option<Vec<Value>>| {
        if let Some(values) = values {
            schema["enum"] = json!(values);
        }
    };

    if let Some(paths) = v.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            let Some(ops) = item.as_object_mut() else {
                continue;
            };
            for (method, op) in ops.iter_mut() {
                if let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) {
                    for p in params {
                        let name = p["name"].as_str().unwrap_or("").to_string();
                        let schema = &mut p["schema"];
                        match name.as_str() {
                            "user_id" => schema["format"] = json!("uuid"),
                            "provider" if path.contains("/password/") => {
                                set_enum(schema, &of_type(AuthType::Password))
                            }
                            "provider" if path.contains("/email/") => {
                                set_enum(schema, &of_type(AuthType::Email))
                            }
                            "provider" if path.contains("/oauth/") => {
                                set_enum(schema, &of_type(AuthType::Oauth))
                            }
                            "provider" => set_enum(schema, &all),
                            "client_id" if path.starts_with("/sandbox/") => {
                                set_enum(schema, &of_type(AuthType::Oauth))
                            }
                            "response_type" => schema["enum"] = json!(["code"]),
                            "code_challenge_method" => schema["enum"] = json!(["S256"]),
                            "code_challenge" => {
                                schema["pattern"] = json!("^[A-Za-z0-9_-]{43}$");
                            }
                            "state" if path.starts_with("/sandbox/") => {
                                schema["minLength"] = json!(1)
                            }
                            _ => {}
                        }
                    }
                }
                let api_key = op
                    .get("security")
                    .and_then(Value::as_array)
                    .is_some_and(|s| s.iter().any(|r| r.get("api_key").is_some()));
                if api_key && method != "parameters" {
                    op["responses"]["429"] = json!({
                        "description": "`too_many_attempts`: too many failed API-key checks \
                            from this address (`--api-key-failure-burst`); `Retry-After` says when to retry",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
                    });
                }
            }
        }
    }

    let schemas = &mut v["components"]["schemas"];
    // (schema, property, edit)
    let edits: Vec<(&str, &str, Edit)> = vec![
        (
            "CreateLinkTokenRequest",
            "user_id",
            Box::new(|s| s["format"] = json!("uuid")),
        ),
        (
            "DemoConnectRequest",
            "user_id",
            Box::new(|s| s["format"] = json!("uuid")),
        ),
        (
            "DemoConnectRequest",
            "provider",
            Box::new(move |s| s["enum"] = json!(demo)),
        ),
        (
            "*LinkOptions",
            "provider",
            Box::new({
                let l = linkable.clone();
                move |s| {
                    if let Some(l) = &l {
                        let mut e = l.clone();
                        e.push(Value::Null);
                        s["enum"] = json!(e);
                    }
                }
            }),
        ),
        (
            "*LinkOptions",
            "filter_on_providers",
            Box::new({
                let l = linkable.clone();
                move |s| {
                    s["minItems"] = json!(1);
                    if let Some(l) = &l {
                        s["items"]["enum"] = json!(l);
                    }
                }
            }),
        ),
        (
            "*LinkOptions",
            "redirect_url",
            Box::new(|s| {
                s["format"] = json!("uri");
                s["pattern"] =
                    json!("^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~/-]*)?$");
            }),
        ),
        (
            "CreateUserRequest",
            "client_user_id",
            Box::new(|s| {
                s["minLength"] = json!(1);
                s["maxLength"] = json!(256);
                s["pattern"] = json!("^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$");
            }),
        ),
        (
            "EmailRequest",
            "email",
            Box::new(|s| {
                // `sandbox::is_valid_email` after trimming: one `@`, something before it, a
                // dotted domain without empty labels, no whitespace or control characters.
                const W: &str = "\\t\\n\\u000b\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
                const C: &str = "\\u0000-\\u001f\\u007f-\\u009f";
                s["maxLength"] = json!(254);
                s["pattern"] = json!(format!(
                    "^[{W}]*[^{W}{C}@]+@[^{W}{C}@.]+(\\.[^{W}{C}@.]+)+[{W}]*$"
                ));
            }),
        ),
    ];
    // `on_error` / `on_close` = "redirect" need a `redirect_url` (422 otherwise).
    // The link-token options, in `POST /v2/link/token` and `POST /demo/token` alike.
    const LINK_OPTIONS: [&str; 2] = ["CreateLinkTokenRequest", "DemoTokenRequest"];
    let needs_url = |field: &str| {
        json!({
            "if": {"properties": {field: {"const": "redirect"}}, "required": [field]},
            "then": {"properties": {"redirect_url": {"type": "string"}}, "required": ["redirect_url"]}
        })
    };
    for name in LINK_OPTIONS {
        if let Some(req) = schemas.get_mut(name) {
            req["allOf"] = json!([needs_url("on_error"), needs_url("on_close")]);
        }
    }
    for (schema, property, edit) in &edits {
        let targets: &[&str] = if *schema == "*LinkOptions" {
            &LINK_OPTIONS
        } else {
            std::slice::from_ref(schema)
        };
        for target in targets {
            if let Some(p) = schemas
                .get_mut(*target)
                .and_then(|s| s.get_mut("properties"))
                .and_then(|ps| ps.get_mut(*property))
            {
                edit(p);
            }
        }
    }
    v
}
