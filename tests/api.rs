//! The API module's JSON reading as it runs in the browser (serde_json in the wasm).
#![cfg(target_arch = "wasm32")]

use link_contract::{AuthType, FlowResponse, FlowState, MfaMethod};
use link_widget::api::{map_error, read, read_providers, ApiError};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn error_bodies_map_to_typed_errors() {
    let e = map_error(
        401,
        r#"{"detail":{"error_type":"token_expired","error_code":"INVALID_REQUEST","error_message":"expired","extra":1}}"#,
    );
    assert_eq!(e.error_type(), "token_expired");
    assert_eq!(e.message(), Some("expired"));
    let legacy = map_error(
        400,
        r#"{"detail":{"error_code":"INVALID_CREDENTIALS","error_message":"bad"}}"#,
    );
    assert_eq!(legacy.error_type(), "provider_credential_error");
    assert_eq!(
        map_error(502, "<html>"),
        ApiError::BadResponse { status: 502 }
    );
    assert_eq!(map_error(422, r#"{"detail":[]}"#), ApiError::Invalid);
}

#[wasm_bindgen_test]
fn responses_parse_with_defaults_nulls_and_unknown_fields() {
    let list = read_providers(Ok((
        200,
        r#"[{"id":7,"name":"Peloton","slug":"peloton","auth_type":"password","oauth_url":null,
             "form_components":{"username_label":"Email","regions":[{"code":"us","name":"US"}]},
             "new_field":true},
            {"id":8,"name":"Future","slug":"future","auth_type":"telepathy"}]"#
            .into(),
    )))
    .expect("provider list parses");
    assert_eq!(
        list.len(),
        1,
        "an entry with an unknown auth_type is left out"
    );
    assert_eq!(list[0].id, 7);
    assert_eq!(list[0].auth_type, AuthType::Password);
    assert_eq!(list[0].description, "");
    assert_eq!(list[0].form_components.regions[0].code, "us");
    let mfa: FlowResponse = read(Ok((
        200,
        r#"{"state":"pending_provider_mfa","redirect_url":null,"error_type":null,"error":null,
            "provider_mfa":{"method":"sms","hint":"•••• 1234"}}"#
            .into(),
    )))
    .unwrap();
    assert_eq!(mfa.state, FlowState::PendingProviderMfa);
    assert_eq!(mfa.provider_mfa.unwrap().method, MfaMethod::Sms);
    for bad in [
        r#"{"state":"nonsense"}"#,
        "not json",
        r#"{"state":"error","error":{"text":"x"}}"#,
    ] {
        assert_eq!(
            read::<FlowResponse>(Ok((200, bad.into()))),
            Err(ApiError::BadResponse { status: 200 })
        );
    }
}
