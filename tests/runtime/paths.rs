//! Path parameters are percent-encoded so they can never change the path; invalid ones are
//! rejected before anything is sent.

use sdk_runtime::runtime::{path_param, ApiRequest, Client, Error, Method, Result};
use serde_json::json;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::{client, received};

/// What a generated operation does.
async fn get_thing(client: &Client, thing_id: &str) -> Result<serde_json::Value> {
    let request = ApiRequest::new(Method::GET, format!("/api/v1/things/{}/files", path_param("thing_id", thing_id)?));
    Ok(client.send_json(request).await?.into_data())
}

#[tokio::test]
async fn encoded_ids_reach_the_server_unchanged() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200).set_body_json(json!({}))).mount(&server).await;
    let client = client(&server);
    let cases = [
        ("a/b", "a%2Fb"),
        ("x?y#z", "x%3Fy%23z"),
        ("100%", "100%25"),
        ("with space", "with%20space"),
        ("..a", "..a"),
        ("a..", "a.."),
        ("...", "..."),
        ("%2e%2e", "%252e%252e"),
        ("../etc", "..%2Fetc"),
        ("é+&=;", "%C3%A9%2B%26%3D%3B"),
        ("safe-._~AZaz09", "safe-._~AZaz09"),
    ];
    for (id, _) in cases {
        get_thing(&client, id).await.unwrap();
    }
    let requests = received(&server).await;
    for ((id, encoded), request) in cases.iter().zip(&requests) {
        assert_eq!(request.url.path(), format!("/api/v1/things/{encoded}/files"), "id {id:?}");
        assert_eq!(request.url.query(), None, "id {id:?}");
        assert_eq!(request.url.fragment(), None, "id {id:?}");
    }
}

#[tokio::test]
async fn empty_and_dot_segments_are_rejected_before_sending() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200).set_body_json(json!({}))).mount(&server).await;
    let client = client(&server);
    for id in ["", ".", ".."] {
        let err = get_thing(&client, id).await.unwrap_err();
        match err {
            Error::InvalidRequest(message) => assert!(message.contains("thing_id"), "{message}"),
            other => panic!("{id:?}: {other:?}"),
        }
    }
    assert_eq!(received(&server).await.len(), 0);
}

#[test]
fn path_param_accepts_any_display_value() {
    assert_eq!(path_param("n", 42).unwrap(), "42");
    assert_eq!(path_param("s", String::from("a b")).unwrap(), "a%20b");
    assert!(matches!(path_param("x", ""), Err(Error::InvalidRequest(m)) if m.contains("`x`")));
}
