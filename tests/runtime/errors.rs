//! Error mapping: status → variant, message extraction, raw body, headers, request id, and
//! decode errors naming the failing field.

use sdk_runtime::runtime::{ApiError, ApiRequest, Error, Method, StatusCode};
use serde::Deserialize;
use serde_json::json;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::{builder, received, TestClient, KEY};

async fn error_for(template: ResponseTemplate) -> Error {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(template).mount(&server).await;
    let TestClient(client) = builder(&server).max_retries(0).build().unwrap();
    client.send_empty(ApiRequest::new(Method::GET, "/x")).await.unwrap_err()
}

#[tokio::test]
async fn each_status_maps_to_its_variant() {
    type Check = fn(&Error) -> bool;
    let cases: [(u16, Check); 12] = [
        (400, |e| matches!(e, Error::BadRequest(_))),
        (401, |e| matches!(e, Error::Authentication(_))),
        (403, |e| matches!(e, Error::PermissionDenied(_))),
        (404, |e| matches!(e, Error::NotFound(_))),
        (409, |e| matches!(e, Error::Conflict(_))),
        (422, |e| matches!(e, Error::UnprocessableEntity(_))),
        (429, |e| matches!(e, Error::RateLimited(_))),
        (500, |e| matches!(e, Error::InternalServer(_))),
        (503, |e| matches!(e, Error::InternalServer(_))),
        (418, |e| matches!(e, Error::UnexpectedStatus(_))),
        (408, |e| matches!(e, Error::UnexpectedStatus(_))),
        (302, |e| matches!(e, Error::UnexpectedStatus(_))),
    ];
    for (status, check) in cases {
        let err = error_for(
            ResponseTemplate::new(status)
                .insert_header("x-request-id", format!("req-{status}").as_str())
                .insert_header("x-custom", "c")
                .set_body_json(json!({"detail": format!("failure {status}")})),
        )
        .await;
        assert!(check(&err), "{status}: {err:?}");
        assert_eq!(err.status(), Some(StatusCode::from_u16(status).unwrap()));
        let api = err.api_error().expect("API error");
        assert_eq!(api.message, format!("failure {status}"));
        assert_eq!(api.request_id.as_deref(), Some(format!("req-{status}").as_str()));
        assert_eq!(err.request_id(), Some(format!("req-{status}").as_str()));
        assert_eq!(api.headers.get("x-custom").unwrap(), "c");
        assert_eq!(api.json(), Some(json!({"detail": format!("failure {status}")})));
        let text = err.to_string();
        assert!(text.contains(&format!("failure {status}")) && text.contains(&format!("req-{status}")), "{text}");
        assert!(!text.contains(KEY) && !format!("{err:?}").contains(KEY));
    }
}

#[tokio::test]
async fn message_comes_from_detail_message_or_error_else_status_text() {
    let cases = [
        (json!({"detail": "Index not found"}), "Index not found"),
        (json!({"message": "bad things", "error": "ignored"}), "bad things"),
        (json!({"error": "nope"}), "nope"),
        (json!({"error": {"message": "nested", "type": "x"}}), "nested"),
        (json!({"detail": [{"loc": ["body", "name"], "msg": "field required"}]}), ""),
        (json!({"detail": {"code": 7}}), r#"{"code":7}"#),
        (json!({"other": 1}), "Unprocessable Entity"),
        (json!({"detail": null, "message": "fallback"}), "fallback"),
        // Found by fuzzing: an empty nested message left the message empty.
        (json!({"error": {"message": ""}}), "Unprocessable Entity"),
        (json!({"detail": "", "error": {"message": ""}, "message": "third"}), "third"),
    ];
    for (body, expected) in cases {
        let err = error_for(ResponseTemplate::new(422).set_body_json(body.clone())).await;
        let api = err.api_error().unwrap();
        if expected.is_empty() {
            // A list is kept as JSON.
            let parsed: serde_json::Value = serde_json::from_str(&api.message).unwrap();
            assert_eq!(parsed, body["detail"]);
        } else {
            assert_eq!(api.message, expected, "{body}");
        }
        assert_eq!(serde_json::from_str::<serde_json::Value>(&api.body).unwrap(), body);
    }

    let err = error_for(ResponseTemplate::new(502).set_body_string("<html>Bad gateway</html>")).await;
    let api = err.api_error().unwrap();
    assert_eq!(api.message, "Bad Gateway");
    assert_eq!(api.body, "<html>Bad gateway</html>");
    assert_eq!(api.request_id, None);

    let err = error_for(ResponseTemplate::new(404)).await;
    assert_eq!(err.api_error().unwrap().message, "Not Found");
    assert_eq!(err.api_error().unwrap().body, "");
}

#[test]
fn debug_of_errors_is_short_and_display_one_line() {
    let mut headers = sdk_runtime::runtime::HeaderMap::new();
    for (name, value) in [("content-type", "application/json"), ("x-request-id", "req-9"), ("set-cookie", "session=abc"), ("server", "nginx"), ("x-ratelimit-remaining", "41")] {
        headers.insert(name, value.parse().unwrap());
    }
    let detail = "line one\n  line two\r\nline three";
    let body = json!({"detail": detail, "padding": "x".repeat(5_000)}).to_string();
    let err = Error::from_response(StatusCode::BAD_REQUEST, headers, body.as_bytes());

    assert_eq!(err.to_string(), "API error 400 Bad Request: line one line two line three (request id req-9)");
    let debug = format!("{err:?}");
    assert!(debug.starts_with("BadRequest(ApiError { status: 400,"), "{debug}");
    assert!(debug.contains(r#"request_id: Some("req-9")"#) && debug.contains(r#"content_type: Some("application/json")"#), "{debug}");
    for header in ["set-cookie", "session=abc", "nginx", "x-ratelimit-remaining"] {
        assert!(!debug.contains(header), "other headers stay out of Debug: {debug}");
    }
    assert!(debug.contains(&format!("({} bytes in all)", body.len())) && debug.len() < 1_600, "the body is cut short: {debug}");
    // The error still holds everything.
    let api = err.api_error().unwrap();
    assert_eq!((api.body.len(), api.headers.len()), (body.len(), 5));

    // A decode error's body is cut short in Debug too; short bodies are shown whole.
    let long = Error::Decode { message: "expected a string".into(), path: Some("items[0].id".into()), body: "é".repeat(3_000) };
    let debug = format!("{long:?}");
    assert!(debug.contains("(6000 bytes in all)") && debug.chars().count() < 1_200, "{debug}");
    let short = Error::Decode { message: "m".into(), path: None, body: "{}".into() };
    assert_eq!(format!("{short:?}"), r#"Decode { message: "m", path: None, body: "{}" }"#);
}

#[test]
fn api_error_can_be_built_and_displayed() {
    let api = ApiError::new(StatusCode::NOT_FOUND, Default::default(), br#"{"detail":"gone"}"#);
    assert_eq!(api.to_string(), "API error 404 Not Found: gone");
    let err = Error::from_response(StatusCode::CONFLICT, Default::default(), b"{}");
    assert!(matches!(err, Error::Conflict(_)));
    assert_eq!(err.to_string(), "API error 409 Conflict: Conflict");
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Listing {
    items: Vec<Item>,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Item {
    id: String,
    count: u32,
}

#[tokio::test]
async fn decode_error_names_the_failing_field_and_keeps_the_body() {
    let server = MockServer::start().await;
    let body = r#"{"items":[{"id":"a","count":1},{"id":"b","count":"many"}]}"#;
    Mock::given(any()).respond_with(ResponseTemplate::new(200).set_body_string(body)).mount(&server).await;
    let TestClient(client) = builder(&server).build().unwrap();
    let err = client.send_json::<Listing>(ApiRequest::new(Method::GET, "/x")).await.unwrap_err();
    match &err {
        Error::Decode { message, path, body: raw } => {
            assert_eq!(path.as_deref(), Some("items[1].count"));
            assert!(message.contains("invalid type"), "{message}");
            assert_eq!(raw, body);
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("items[1].count"), "{err}");
    // Decode errors are not retried.
    assert_eq!(received(&server).await.len(), 1);

    // Not JSON at all, and labelled so: the error says what arrived instead.
    let server = MockServer::start().await;
    let page = "<html><body>502 Bad Gateway</body></html>";
    Mock::given(any()).respond_with(ResponseTemplate::new(200).set_body_raw(page, "text/html; charset=utf-8")).mount(&server).await;
    let TestClient(client) = builder(&server).build().unwrap();
    let err = client.send_json::<Listing>(ApiRequest::new(Method::GET, "/x")).await.unwrap_err();
    match &err {
        Error::Decode { message, path: None, body } => {
            assert_eq!(message, "expected a JSON response, got `text/html; charset=utf-8` (status 200 OK)");
            assert_eq!(body, page);
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("text/html"), "{err}");

    // Broken JSON labelled as JSON keeps the parser's own message.
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200).set_body_raw("{\"items\": [", "application/json")).mount(&server).await;
    let TestClient(client) = builder(&server).build().unwrap();
    let err = client.send_json::<Listing>(ApiRequest::new(Method::GET, "/x")).await.unwrap_err();
    assert!(matches!(&err, Error::Decode { message, .. } if message.contains("EOF")), "{err:?}");

    // Missing field.
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"items":[{"id":"a"}]}"#))
        .mount(&server)
        .await;
    let TestClient(client) = builder(&server).build().unwrap();
    let err = client.send_json::<Listing>(ApiRequest::new(Method::GET, "/x")).await.unwrap_err();
    match err {
        Error::Decode { message, path, .. } => {
            assert_eq!(path.as_deref(), Some("items[0]"));
            assert!(message.contains("missing field `count`"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn execute_returns_the_raw_response() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).insert_header("x-request-id", "r-1").set_body_string(r#"{"a":1}"#))
        .mount(&server)
        .await;
    let TestClient(client) = builder(&server).build().unwrap();
    let raw = client.execute(ApiRequest::new(Method::GET, "/x")).await.unwrap();
    assert_eq!(raw.status, 200);
    assert_eq!(raw.request_id(), Some("r-1"));
    assert_eq!(raw.text(), r#"{"a":1}"#);
    assert_eq!(raw.json::<serde_json::Value>().unwrap(), json!({"a": 1}));
    let response = client.send_json::<serde_json::Value>(ApiRequest::new(Method::GET, "/x")).await.unwrap();
    assert_eq!(response.request_id(), Some("r-1"));
    let mapped = response.map(|v| v["a"].as_i64());
    assert_eq!(mapped.data, Some(1));
    assert_eq!(mapped.status, StatusCode::OK);
}
