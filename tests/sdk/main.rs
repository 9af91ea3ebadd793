//! Behaviour of the generated LlamaCloud SDK through its public API, against a local wiremock server:
//! what reaches the wire, and what comes back typed.

mod jobs;
mod quality;
mod readme;

use futures::TryStreamExt;
use llama_cloud::types::{BatchJobStatus, ChatEvent};
use llama_cloud::{Error, LlamaCloud, Upload};
use serde_json::{json, Value};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn client(server: &MockServer) -> LlamaCloud {
    LlamaCloud::builder().api_key("sk-sdk-test").base_url(server.uri()).max_retries(0).build().expect("client builds")
}

async fn received(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.expect("recording on")
}

#[tokio::test]
async fn ids_are_percent_encoded_into_one_path_segment() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    let files = client(&server).beta().directories().files();
    files.delete("dir/1", "x?y#z").await.expect("deleted");
    let request = &received(&server).await[0];
    assert_eq!(request.url.path(), "/api/v1/beta/directories/dir%2F1/files/x%3Fy%23z");
    assert_eq!(request.url.query(), None);

    let error = files.delete("dir-1", "..").await.expect_err("`..` cannot be a path segment");
    assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
    let error = files.delete("", "file").await.expect_err("empty ids are rejected");
    assert!(error.to_string().contains("directory_id"), "{error}");
    assert_eq!(received(&server).await.len(), 1, "invalid requests are never sent");
}

#[tokio::test]
async fn required_arguments_optional_setters_and_scoping_reach_the_wire() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/indexes"))
        .and(query_param("project_id", "prj-1"))
        .and(header("authorization", "Bearer sk-sdk-test"))
        .and(body_json(json!({"source_directory_id": "dir-abc", "description": "docs"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "idx-1", "export_config_id": "e", "name": "docs", "project_id": "prj-1",
            "source_directory_id": "dir-abc", "sync_config_id": "s", "created_at": "2024-05-01T10:00:00"
        })))
        .mount(&server)
        .await;
    let index = client(&server).beta().indexes().create("dir-abc").description("docs").project_id("prj-1").await.expect("created");
    assert_eq!(index.id, "idx-1");
    let created = index.created_at.expect("timestamp without offset decodes as UTC");
    assert_eq!(created.to_string(), "2024-05-01T10:00:00Z");
}

#[tokio::test]
async fn patch_bodies_tell_absent_from_null() {
    let server = MockServer::start().await;
    let file = json!({"id": "dfl-1", "directory_id": "dir-2", "display_name": "a.pdf", "file_id": "f", "project_id": "p", "unique_id": "u"});
    Mock::given(method("PATCH")).respond_with(ResponseTemplate::new(200).set_body_json(file)).mount(&server).await;
    let files = client(&server).beta().directories().files();
    files.update("dir-1", "dfl-1", "dir-2").display_name_null().await.expect("updated");
    files.update("dir-1", "dfl-1", "dir-2").unique_id("u-2").await.expect("updated");
    let bodies: Vec<Value> = received(&server).await.iter().map(|r| serde_json::from_slice(&r.body).expect("JSON body")).collect();
    assert_eq!(bodies[0], json!({"directory_id": "dir-2", "display_name": null}));
    assert_eq!(bodies[1], json!({"directory_id": "dir-2", "unique_id": "u-2"}));
}

#[tokio::test]
async fn chat_stream_yields_typed_events_and_keeps_unknown_ones() {
    let server = MockServer::start().await;
    let sse = concat!(
        ": keep-alive\n\n",
        "event: message\ndata: {\"type\":\"text_delta\",\"content\":\"Hel\"}\n\n",
        "data: {\"type\":\"text_delta\",\r\ndata: \"content\":\"lo\"}\r\n\r\n",
        "data: {\"type\":\"brand_new\",\"x\":1}\n\n",
        "data: {\"type\":\"stop\",\"is_error\":false,\"usage\":{}}\n\n",
    );
    Mock::given(method("POST"))
        .and(path("/api/v1/chat/ses-1/messages/stream"))
        .and(body_json(json!({"index_ids": ["idx-1"], "prompt": "What changed?"})))
        .respond_with(ResponseTemplate::new(200).insert_header("content-type", "text/event-stream").set_body_string(sse))
        .mount(&server)
        .await;
    let events: Vec<ChatEvent> = client(&server).beta().chat().stream("ses-1", ["idx-1"], "What changed?").await.expect("stream opens").try_collect().await.expect("every event decodes");
    let text: String = events.iter().filter_map(|e| match e { ChatEvent::TextDelta(d) => Some(d.content.as_str()), _ => None }).collect();
    assert_eq!(text, "Hello");
    assert!(matches!(&events[2], ChatEvent::Unknown(raw) if raw["type"] == "brand_new"), "{:?}", events[2]);
    assert!(matches!(events[3], ChatEvent::Stop(_)));
    assert_eq!(events.len(), 4);
    // Known variants re-encode with their tag, unknown ones exactly as received.
    assert_eq!(serde_json::to_value(&events[0]).expect("encodes"), json!({"type": "text_delta", "content": "Hel"}));
    assert_eq!(serde_json::to_value(&events[2]).expect("encodes"), json!({"type": "brand_new", "x": 1}));
    // The union holds the tag: a variant's payload on its own is just its data.
    let ChatEvent::Stop(stop) = &events[3] else { unreachable!("checked above") };
    assert_eq!(serde_json::to_value(stop).expect("encodes"), json!({"is_error": false, "usage": {}}));
    assert_eq!(serde_json::to_value(&events[3]).expect("encodes"), json!({"type": "stop", "is_error": false, "usage": {}}));
}

#[tokio::test]
async fn offset_pagination_streams_every_item_across_pages() {
    let server = MockServer::start().await;
    let job = |id: usize, status: &str| json!({"id": format!("job-{id}"), "job_type": "parse", "project_id": "p", "status": status, "total_items": 1});
    for (offset, ids) in [(0usize, 0..2usize), (2, 2..4), (4, 4..5)] {
        let items: Vec<Value> = ids.map(|i| job(i, if i == 4 { "brand_new_status" } else { "completed" })).collect();
        Mock::given(method("GET"))
            .and(path("/api/v1/beta/batch-processing"))
            .and(query_param("offset", offset.to_string()))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"items": items, "total_size": 5})))
            .expect(1)
            .mount(&server)
            .await;
    }
    let jobs: Vec<_> = client(&server).beta().batch().list().offset(0).limit(2).items().try_collect().await.expect("all pages");
    let ids: Vec<&str> = jobs.iter().map(|j| j.id.as_str()).collect();
    assert_eq!(ids, ["job-0", "job-1", "job-2", "job-3", "job-4"]);
    assert_eq!(jobs[4].status, BatchJobStatus::Unknown("brand_new_status".into()), "unknown enum values are kept");
    assert_eq!(serde_json::to_value(&jobs[4].status).expect("encodes"), json!("brand_new_status"));
}

#[tokio::test]
async fn uploads_send_the_file_and_form_fields_as_multipart() {
    let server = MockServer::start().await;
    let file = json!({"id": "dfl-1", "directory_id": "dir-1", "display_name": "r.txt", "file_id": "f", "project_id": "p", "unique_id": "u"});
    Mock::given(method("POST")).and(path("/api/v1/beta/directories/dir-1/files/upload")).respond_with(ResponseTemplate::new(200).set_body_json(file)).mount(&server).await;
    let upload = Upload::from_bytes(b"quarterly numbers".to_vec(), "r.txt").content_type("text/plain");
    let created = client(&server).beta().directories().files().upload("dir-1", upload).display_name("Report").await.expect("uploaded");
    assert_eq!(created.id, "dfl-1");
    let request = &received(&server).await[0];
    let content_type = request.headers.get("content-type").expect("content type").to_str().expect("ascii");
    assert!(content_type.starts_with("multipart/form-data; boundary="), "{content_type}");
    let body = String::from_utf8_lossy(&request.body);
    assert!(body.contains("name=\"upload_file\"; filename=\"r.txt\"") && body.contains("quarterly numbers"), "{body}");
    assert!(body.contains("name=\"display_name\"\r\n\r\nReport\r\n"), "{body}");
}

#[tokio::test]
async fn upload_metadata_is_typed_like_the_rest_and_sent_as_json_text() {
    let server = MockServer::start().await;
    let file = json!({"id": "dfl-1", "directory_id": "dir-1", "display_name": "r.txt", "file_id": "f", "project_id": "p", "unique_id": "u"});
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(200).set_body_json(file)).mount(&server).await;
    let metadata = std::collections::BTreeMap::from([
        ("year".to_owned(), llama_cloud::types::MetadataValue::from(2024.0)),
        ("tags".to_owned(), llama_cloud::types::MetadataValue::from(vec!["q3".to_owned()])),
    ]);
    let upload = Upload::from_bytes(b"x".to_vec(), "r.txt");
    // The same map type `files().add(..).metadata(..)` takes.
    client(&server).beta().directories().files().upload("dir-1", upload).metadata(metadata.clone()).await.expect("uploaded");
    client(&server).beta().directories().files().add("dir-1", "file-1").metadata(metadata).await.expect("added");
    let requests = received(&server).await;
    let body = String::from_utf8_lossy(&requests[0].body);
    assert!(body.contains("name=\"metadata\"\r\n\r\n{\"tags\":[\"q3\"],\"year\":2024.0}\r\n"), "{body}");
    let added: Value = serde_json::from_slice(&requests[1].body).expect("JSON");
    assert_eq!(added["metadata"], json!({"tags": ["q3"], "year": 2024.0}));
}

#[tokio::test]
async fn project_and_organization_can_be_set_once_on_the_client() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200).set_body_json(json!({"items": []}))).mount(&server).await;
    let client = LlamaCloud::builder().api_key("sk").base_url(server.uri()).project_id("prj-client").organization_id("org-1").build().expect("client");
    client.beta().directories().list().await.expect("listed");
    client.beta().directories().list().project_id("prj-request").await.expect("listed");
    let requests = received(&server).await;
    let query = |i: usize| -> Vec<(String, String)> { requests[i].url.query_pairs().into_owned().collect() };
    assert!(query(0).contains(&("project_id".into(), "prj-client".into())) && query(0).contains(&("organization_id".into(), "org-1".into())), "{:?}", query(0));
    // A value set on the request wins, and the parameter is sent once.
    assert_eq!(query(1).iter().filter(|(n, _)| n == "project_id").collect::<Vec<_>>(), [&("project_id".to_owned(), "prj-request".to_owned())]);
}

#[test]
fn new_is_the_api_key_shortcut() {
    let client = LlamaCloud::new("sk-new-key").expect("a key is all it needs");
    assert!(!format!("{client:?}").contains("sk-new-key"), "the key is redacted");
    assert!(matches!(LlamaCloud::new("bad\nkey"), Err(Error::Config(_))), "a key that cannot be a header value is a config error");
}

#[tokio::test]
async fn api_errors_carry_status_message_body_and_request_id() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404).insert_header("x-request-id", "req-42").set_body_json(json!({"detail": "Index not found"})))
        .mount(&server)
        .await;
    let error = client(&server).beta().indexes().get("idx-missing").await.expect_err("404");
    let Error::NotFound(api) = &error else { panic!("expected NotFound, got {error:?}") };
    assert_eq!(api.message, "Index not found");
    assert_eq!(api.request_id.as_deref(), Some("req-42"));
    assert!(api.body.contains("Index not found"));
    assert!(!format!("{error} {error:?}").contains("sk-sdk-test"), "the key never shows");
}

#[tokio::test]
async fn a_bad_response_is_a_decode_error_naming_the_field_with_the_raw_body() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": 7}))).mount(&server).await;
    let error = client(&server).beta().indexes().get("idx-1").await.expect_err("id must be a string");
    let Error::Decode { path, body, .. } = &error else { panic!("expected Decode, got {error:?}") };
    assert_eq!(path.as_deref(), Some("id"));
    assert_eq!(body, r#"{"id":7}"#);
}

#[tokio::test]
async fn with_response_exposes_status_and_headers() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(200).insert_header("x-request-id", "req-7").set_body_json(json!({}))).mount(&server).await;
    let response = client(&server).beta().indexes().sync("idx-1").with_response().await.expect("synced");
    assert_eq!(response.status.as_u16(), 200);
    assert_eq!(response.request_id(), Some("req-7"));
}

#[test]
fn unions_decode_from_text_and_from_values_alike() {
    let json = json!({"type": "tool_call", "name": "search", "call_id": "c1", "arguments": {"q": "x"}});
    let from_text: ChatEvent = serde_json::from_str(&json.to_string()).expect("decodes from text");
    let from_value: ChatEvent = serde_json::from_value(json.clone()).expect("decodes from a Value");
    assert_eq!(from_text, from_value);
    assert!(matches!(from_text, ChatEvent::ToolCall(_)), "{from_text:?}");
    let broken = serde_json::from_value::<ChatEvent>(json!({"type": "text_delta", "content": 5})).expect_err("a known tag with a bad body is an error, not Unknown");
    assert!(broken.to_string().contains("invalid type"), "{broken}");
}

/// A builder holds its request partly built: each setter replaces what an earlier call of it wrote,
/// a client default gives way to the setter, and the query keeps one value per parameter.
#[tokio::test]
async fn setters_replace_earlier_values_and_client_defaults() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200).set_body_json(json!({"items": []}))).mount(&server).await;
    let client = LlamaCloud::builder()
        .api_key("sk-sdk-test")
        .base_url(server.uri())
        .organization_id("org-default")
        .project_id("proj-default")
        .build()
        .expect("client builds");
    let request = client.beta().directories().list().page_size(10).organization_id("org-a").page_size(20).organization_id("org-b");
    request.await.expect("listed");
    let url = &received(&server).await[0].url;
    let mut query: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    query.sort();
    let expected = [("organization_id", "org-b"), ("page_size", "20"), ("project_id", "proj-default")];
    assert_eq!(query, expected.map(|(n, v)| (n.to_owned(), v.to_owned())));
}

/// JSON body setters write the body's fields; the last call wins, and `_null` sends an explicit null.
#[tokio::test]
async fn body_setters_write_fields_and_explicit_nulls() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH")).respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "d", "name": "n", "project_id": "p"}))).mount(&server).await;
    let directories = client(&server).beta().directories();
    let _ = directories.update("d").name("first").description("kept").name("second").description_null().await;
    let body: Value = serde_json::from_slice(&received(&server).await[0].body).expect("JSON body");
    assert_eq!(body, json!({"name": "second", "description": null}));
}

/// An input that cannot be sent (an empty path parameter) fails the request before anything is sent,
/// whatever is set after it.
#[tokio::test]
async fn a_bad_input_fails_the_request_without_sending_it() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let result = client(&server).beta().directories().update("").name("n").await;
    match result {
        Err(Error::InvalidRequest(message)) => assert!(message.contains("directory_id"), "{message}"),
        other => panic!("expected an invalid request, got {other:?}"),
    }
    assert!(received(&server).await.is_empty());
}

/// A builder's `Debug` names its operation and shows the request so far, without secrets.
#[test]
fn a_builder_debug_names_its_operation_and_redacts_secret_headers() {
    let client = LlamaCloud::builder().api_key("sk-secret").base_url("http://localhost:1").build().expect("client builds");
    let request = client.beta().directories().get("dir-1").extra_header("x-api-token", "hunter2");
    let debug = format!("{request:?}");
    assert!(debug.contains("DirectoriesGet") && debug.contains("/api/v1/beta/directories/dir-1"), "{debug}");
    assert!(!debug.contains("hunter2") && !debug.contains("sk-secret"), "{debug}");
}
