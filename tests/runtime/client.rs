//! Client configuration: API key and base URL from the builder or the environment, auth
//! schemes, headers, base URL prefixes, redaction of the key.

use std::time::Duration;

use sdk_runtime::runtime::{ApiRequest, AuthScheme, Client, ClientBuilder, ClientDefaults, Error, Method, QueryStyle, SecurityScheme};
use serde_json::json;
use wiremock::matchers::{any, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::{builder, client, received, TestClient, DEFAULTS, KEY};

async fn ok_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true}))).mount(&server).await;
    server
}

#[tokio::test]
async fn sends_bearer_auth_user_agent_and_accept() {
    let server = ok_server().await;
    let client = client(&server);
    let response = client.send_json::<serde_json::Value>(ApiRequest::new(Method::GET, "/v1/ping")).await.unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(response.data, json!({"ok": true}));
    let requests = received(&server).await;
    assert_eq!(requests.len(), 1);
    let h = &requests[0].headers;
    assert_eq!(h.get("authorization").unwrap(), &format!("Bearer {KEY}"));
    assert_eq!(h.get("user-agent").unwrap(), "sdk-runtime-tests/1.0");
    assert_eq!(h.get("accept").unwrap(), "application/json");
    assert_eq!(h.get("x-retry-count").unwrap(), "0");
    assert_eq!(requests[0].url.path(), "/v1/ping");
}

#[tokio::test]
async fn header_auth_scheme_sends_the_key_in_the_named_header() {
    let server = ok_server().await;
    const SCHEMES: &[SecurityScheme] = &[SecurityScheme { name: "key", kind: AuthScheme::Header("x-api-key"), setter: "api_key", env: &[] }];
    let defaults = ClientDefaults { schemes: SCHEMES, ..DEFAULTS };
    let TestClient(client) = ClientBuilder::new(defaults).api_key(KEY).base_url(server.uri()).build().unwrap();
    client.send_empty(ApiRequest::new(Method::GET, "/x")).await.unwrap();
    let requests = received(&server).await;
    assert_eq!(requests[0].headers.get("x-api-key").unwrap(), KEY);
    assert!(requests[0].headers.get("authorization").is_none());
}

#[tokio::test]
async fn no_auth_scheme_needs_no_key() {
    let server = ok_server().await;
    let defaults = ClientDefaults { schemes: &[], security: &[], ..DEFAULTS };
    let TestClient(client) = ClientBuilder::new(defaults).base_url(server.uri()).build().unwrap();
    client.send_empty(ApiRequest::new(Method::DELETE, "/x")).await.unwrap();
    let requests = received(&server).await;
    assert!(requests[0].headers.get("authorization").is_none());
    assert_eq!(requests[0].method.as_str(), "DELETE");
}

#[tokio::test]
async fn missing_key_is_a_config_error_naming_the_env_var() {
    let err = ClientBuilder::<TestClient>::new(DEFAULTS).build().unwrap_err();
    match &err {
        Error::Config(message) => {
            assert!(message.contains("SDK_RUNTIME_TEST_UNSET_API_KEY"), "{message}");
            assert!(message.contains("api_key"), "{message}");
        }
        other => panic!("expected Config, got {other:?}"),
    }
    // An empty key counts as missing.
    let err = ClientBuilder::<TestClient>::new(DEFAULTS).api_key("").build().unwrap_err();
    assert!(matches!(err, Error::Config(_)));
}

#[tokio::test]
async fn api_key_and_base_url_come_from_the_environment() {
    let server = ok_server().await;
    const ENV: ClientDefaults = ClientDefaults {
        base_url: "https://api.example.invalid",
        base_url_env: Some("SDK_RUNTIME_TEST_ENV_URL_A"),
        schemes: &[SecurityScheme { name: "bearer", kind: AuthScheme::Bearer, setter: "api_key", env: &["SDK_RUNTIME_TEST_ENV_KEY_A"] }],
        security: &[&[0]],
        user_agent: "ua",
    };
    std::env::set_var("SDK_RUNTIME_TEST_ENV_KEY_A", "env-key-123");
    std::env::set_var("SDK_RUNTIME_TEST_ENV_URL_A", format!("{}/prefix", server.uri()));
    let TestClient(from_env) = ClientBuilder::new(ENV).build().unwrap();
    assert_eq!(from_env.base_url(), format!("{}/prefix", server.uri()));
    from_env.send_empty(ApiRequest::new(Method::GET, "/a")).await.unwrap();
    // Explicit settings win over the environment.
    let TestClient(explicit) = ClientBuilder::new(ENV).api_key("explicit-key").base_url(server.uri()).build().unwrap();
    explicit.send_empty(ApiRequest::new(Method::GET, "/b")).await.unwrap();

    let requests = received(&server).await;
    assert_eq!(requests[0].url.path(), "/prefix/a");
    assert_eq!(requests[0].headers.get("authorization").unwrap(), "Bearer env-key-123");
    assert_eq!(requests[1].url.path(), "/b");
    assert_eq!(requests[1].headers.get("authorization").unwrap(), "Bearer explicit-key");
}

#[tokio::test]
async fn default_base_url_is_used_without_env_or_builder() {
    let TestClient(client) = ClientBuilder::new(DEFAULTS).api_key(KEY).build().unwrap();
    assert_eq!(client.base_url(), "https://api.example.invalid/");
    assert_eq!(client.timeout(), Duration::from_secs(60));
    assert_eq!(client.max_retries(), 2);
}

#[tokio::test]
async fn invalid_base_urls_are_config_errors() {
    for url in ["not a url", "ftp://example.com", "https://example.com/?a=b", "mailto:x@example.com", ""] {
        let result = ClientBuilder::<TestClient>::new(DEFAULTS).api_key(KEY).base_url(url).build();
        match result {
            Err(Error::Config(message)) => assert!(message.contains("base URL"), "{url}: {message}"),
            other => panic!("{url}: expected Config error, got {other:?}"),
        }
    }
}

#[test]
fn a_base_url_without_a_scheme_gets_a_suggestion() {
    for (url, suggestion) in [
        ("127.0.0.1:4010", "http://127.0.0.1:4010"),
        ("localhost:4010", "http://localhost:4010"),
        ("[::1]:8080/api", "http://[::1]:8080/api"),
        ("api.example.com", "https://api.example.com"),
        (" api.example.com/v1 ", "https://api.example.com/v1"),
    ] {
        match ClientBuilder::<TestClient>::new(DEFAULTS).api_key(KEY).base_url(url).build() {
            Err(Error::Config(message)) => {
                assert!(message.contains(&format!("did you mean `{suggestion}`?")), "{url}: {message}");
                assert!(!message.contains("relative URL without a base"), "{message}");
            }
            other => panic!("{url}: expected Config error, got {other:?}"),
        }
        // The suggestion works.
        assert!(ClientBuilder::<TestClient>::new(DEFAULTS).api_key(KEY).base_url(suggestion.trim()).build().is_ok(), "{suggestion}");
    }
}

#[tokio::test]
async fn base_url_path_prefix_is_kept_with_or_without_trailing_slash() {
    let server = ok_server().await;
    for base in [format!("{}/api/v2", server.uri()), format!("{}/api/v2/", server.uri())] {
        let TestClient(client) = ClientBuilder::new(DEFAULTS).api_key(KEY).base_url(base).build().unwrap();
        client.send_empty(ApiRequest::new(Method::GET, "/things")).await.unwrap();
    }
    let requests = received(&server).await;
    assert_eq!(requests[0].url.path(), "/api/v2/things");
    assert_eq!(requests[1].url.path(), "/api/v2/things");
}

#[tokio::test]
async fn a_query_written_into_the_path_is_kept_before_the_request_query() {
    let server = ok_server().await;
    let TestClient(client) = ClientBuilder::new(DEFAULTS).api_key(KEY).base_url(format!("{}/v1", server.uri())).build().unwrap();
    let mut request = ApiRequest::new(Method::GET, "/things?expand=all#ignored");
    request.query("page", 2);
    client.send_empty(request).await.unwrap();
    let requests = received(&server).await;
    assert_eq!(requests[0].url.path(), "/v1/things");
    assert_eq!(requests[0].url.query(), Some("expand=all&page=2"));
}

#[tokio::test]
async fn query_pairs_headers_and_json_body_are_sent() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/things"))
        .and(header("temporal-namespace", "ns-1"))
        .and(header("content-type", "application/json"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": "t1"})))
        .mount(&server)
        .await;
    let client = client(&server);
    let mut request = ApiRequest::new(Method::POST, "/things");
    request.query("organization_id", "org 1&2");
    request.query_opt("page_size", Some(&10));
    request.query_opt::<u32>("absent", None);
    request.query_each("tag", ["a", "b"]);
    request.header("temporal-namespace", "ns-1");
    request.header_opt::<&str>("x-absent", None);
    request.json(&json!({"name": "thing", "tags": ["x"]})).unwrap();
    let response = client.send_json::<serde_json::Value>(request).await.unwrap();
    assert_eq!(response.status, 201);
    assert_eq!(response.into_data(), json!({"id": "t1"}));

    let requests = received(&server).await;
    let pairs: Vec<(String, String)> = requests[0].url.query_pairs().into_owned().collect();
    let expected = [("organization_id", "org 1&2"), ("page_size", "10"), ("tag", "a"), ("tag", "b")];
    assert_eq!(pairs, expected.map(|(a, b)| (a.to_owned(), b.to_owned())));
    let body: serde_json::Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(body, json!({"name": "thing", "tags": ["x"]}));
    assert!(requests[0].headers.get("x-absent").is_none());
}

/// Lists and objects in a query, as each OpenAPI `style` writes them.
#[tokio::test]
async fn query_styles_write_lists_and_objects() {
    let server = ok_server().await;
    let client = client(&server);
    let mut request = ApiRequest::new(Method::GET, "/search");
    let range = json!({"min": 1, "max": "x y", "none": null});
    request.query_styled("id", &[1, 2], QueryStyle::Form { explode: true }).unwrap();
    request.query_styled("ids", &[1, 2], QueryStyle::Form { explode: false }).unwrap();
    request.query_styled("words", &["a", "b"], QueryStyle::SpaceDelimited).unwrap();
    request.query_styled("codes", &["a", "b"], QueryStyle::PipeDelimited).unwrap();
    request.query_styled("range", &range, QueryStyle::DeepObject).unwrap();
    request.query_styled("page", &json!({"size": 10, "offset": 0}), QueryStyle::Form { explode: true }).unwrap();
    // Declared in sorted order, so either map order gives one text.
    request.query_styled("bounds", &json!({"hi": 2, "lo": 1}), QueryStyle::Form { explode: false }).unwrap();
    request.query_styled("nested", &json!({"a": {"b": [true]}}), QueryStyle::DeepObject).unwrap();
    request.query_styled("single", "one", QueryStyle::PipeDelimited).unwrap();
    client.send_empty(request).await.unwrap();

    // An object's properties come in its map's order (sorted, or as declared with serde_json's
    // `preserve_order`): compare as sets of pairs, lists keeping their order.
    let requests = received(&server).await;
    let mut pairs: Vec<(String, String)> = requests[0].url.query_pairs().into_owned().collect();
    pairs.sort();
    let mut expected = [
        ("id", "1"),
        ("id", "2"),
        ("ids", "1,2"),
        ("words", "a b"),
        ("codes", "a|b"),
        ("range[max]", "x y"),
        ("range[min]", "1"),
        ("size", "10"),
        ("offset", "0"),
        ("bounds", "hi,2,lo,1"),
        ("nested[a][b][0]", "true"),
        ("single", "one"),
    ]
    .map(|(a, b)| (a.to_owned(), b.to_owned()));
    expected.sort();
    assert_eq!(pairs, expected);
}

#[tokio::test]
async fn default_headers_are_sent_and_invalid_ones_rejected() {
    let server = ok_server().await;
    let TestClient(client) = builder(&server).default_header("x-team", "blue").build().unwrap();
    client.send_empty(ApiRequest::new(Method::GET, "/x")).await.unwrap();
    assert_eq!(received(&server).await[0].headers.get("x-team").unwrap(), "blue");

    let err = builder(&server).default_header("bad header", "v").build().unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    // An invalid request header is rejected before sending.
    let mut request = ApiRequest::new(Method::GET, "/x");
    request.header("x-bad", "line\nbreak");
    let err = client.send_empty(request).await.unwrap_err();
    assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn default_query_applies_unless_the_request_sets_the_name() {
    let server = ok_server().await;
    let TestClient(client) = builder(&server).default_query("project_id", "prj-default").build().unwrap();
    client.send_empty(ApiRequest::new(Method::GET, "/a")).await.unwrap();
    let mut own = ApiRequest::new(Method::GET, "/b");
    own.query("project_id", "prj-own");
    client.send_empty(own).await.unwrap();
    let queries: Vec<Option<String>> = received(&server).await.iter().map(|r| r.url.query().map(str::to_owned)).collect();
    assert_eq!(queries, [Some("project_id=prj-default".to_owned()), Some("project_id=prj-own".to_owned())]);
}

#[tokio::test]
async fn custom_http_client_is_used() {
    let server = ok_server().await;
    let http = reqwest_client();
    let TestClient(client) = builder(&server).http_client(http).build().unwrap();
    client.send_empty(ApiRequest::new(Method::GET, "/x")).await.unwrap();
    assert_eq!(received(&server).await.len(), 1);
}

fn reqwest_client() -> sdk_runtime::runtime::reqwest::Client {
    sdk_runtime::runtime::reqwest::Client::builder().pool_max_idle_per_host(1).build().unwrap()
}

#[tokio::test]
async fn api_key_is_redacted_in_debug_output_and_errors() {
    let server = ok_server().await;
    let builder = builder(&server);
    let builder_debug = format!("{builder:?}");
    assert!(!builder_debug.contains(KEY), "{builder_debug}");
    let TestClient(client) = builder.build().unwrap();
    let debug = format!("{client:?}");
    assert!(!debug.contains(KEY), "{debug}");
    assert!(debug.contains("redacted"), "{debug}");

    // A request carrying an auth header prints it redacted.
    let mut request = ApiRequest::new(Method::GET, "/x");
    request.header("authorization", format!("Bearer {KEY}"));
    request.options.headers.push(("x-api-key".into(), KEY.into()));
    let debug = format!("{request:?}");
    assert!(!debug.contains(KEY), "{debug}");

    // Connection errors mention neither the key nor the auth header.
    let port = closed_port();
    let TestClient(client) = ClientBuilder::new(DEFAULTS)
        .api_key(KEY)
        .base_url(format!("http://127.0.0.1:{port}"))
        .max_retries(0)
        .build()
        .unwrap();
    let err = client.send_empty(ApiRequest::new(Method::GET, "/x")).await.unwrap_err();
    assert!(!format!("{err}").contains(KEY));
    assert!(!format!("{err:?}").contains(KEY));

    // A key that is not a valid header value is reported without echoing it.
    let bad_key = format!("{KEY}\n");
    let err = ClientBuilder::<TestClient>::new(DEFAULTS).api_key(&bad_key).build().unwrap_err();
    assert!(matches!(err, Error::Config(_)));
    assert!(!format!("{err} {err:?}").contains(KEY));
}

#[tokio::test]
async fn client_is_send_sync_clone_and_futures_are_send() {
    fn assert_send_sync<T: Send + Sync + Clone + 'static>() {}
    fn assert_send<T: Send>(_: &T) {}
    assert_send_sync::<Client>();
    let server = ok_server().await;
    let client = client(&server);
    let future = client.send_json::<serde_json::Value>(ApiRequest::new(Method::GET, "/x"));
    assert_send(&future);
    future.await.unwrap();
    let clone = client.clone();
    clone.send_empty(ApiRequest::new(Method::GET, "/y")).await.unwrap();
    assert_eq!(received(&server).await.len(), 2);
}

/// A local port with nothing listening.
pub fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    port
}

#[tokio::test]
async fn form_and_raw_bodies_and_byte_responses() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_raw(vec![0u8, 159, 146, 150], "application/octet-stream"))
        .mount(&server)
        .await;
    let client = client(&server);
    let mut request = ApiRequest::new(Method::POST, "/form");
    request.form(vec![("name".into(), "a b&c=d+é".into()), ("n".into(), "1".into())]);
    let response = client.send_bytes(request).await.unwrap();
    assert_eq!(response.data.as_ref(), &[0u8, 159, 146, 150]);

    let mut request = ApiRequest::new(Method::PUT, "/raw");
    request.bytes("application/pdf", &b"%PDF"[..]);
    client.send_empty(request).await.unwrap();

    let requests = received(&server).await;
    assert_eq!(requests[0].headers.get("content-type").unwrap(), "application/x-www-form-urlencoded");
    assert_eq!(requests[0].headers.get("accept").unwrap(), "*/*");
    assert_eq!(std::str::from_utf8(&requests[0].body).unwrap(), "name=a+b%26c%3Dd%2B%C3%A9&n=1");
    assert_eq!(requests[1].headers.get("content-type").unwrap(), "application/pdf");
    assert_eq!(requests[1].body, b"%PDF");
}

#[test]
fn unserializable_bodies_are_invalid_requests() {
    let mut map = std::collections::HashMap::new();
    map.insert(vec![1u8], 1); // non-string keys cannot be JSON object keys
    let mut request = ApiRequest::new(Method::POST, "/x");
    assert!(matches!(request.json(&map), Err(Error::InvalidRequest(_))));
    let err = Error::serialize(serde_json::from_str::<u8>("x").unwrap_err());
    assert!(err.to_string().starts_with("invalid request"), "{err}");
}

/// Records the spans opened while it is the default subscriber (name and fields, as text) and how
/// often each was entered.
#[derive(Default)]
struct SpanRecorder(std::sync::Mutex<Vec<(String, usize)>>);

impl tracing::Subscriber for SpanRecorder {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        struct Fields(String);
        impl tracing::field::Visit for Fields {
            fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
                self.0.push_str(&format!(" {}={:?}", field.name(), value));
            }
        }
        let mut fields = Fields(span.metadata().name().to_owned());
        span.record(&mut fields);
        let mut spans = self.0.lock().unwrap();
        spans.push((fields.0, 0));
        tracing::span::Id::from_u64(spans.len() as u64)
    }

    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, _: &tracing::Event<'_>) {}
    fn enter(&self, id: &tracing::span::Id) {
        self.0.lock().unwrap()[id.into_u64() as usize - 1].1 += 1;
    }
    fn exit(&self, _: &tracing::span::Id) {}
}

#[test]
fn each_request_is_traced_in_a_span_when_a_subscriber_listens() {
    let recorder = std::sync::Arc::new(SpanRecorder::default());
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let server = runtime.block_on(ok_server());
    // With a single dispatcher registered, tracing-core takes the default of whichever thread
    // first reaches a callsite as everyone's interest in it: another test's thread, without a
    // subscriber, would turn the request's span off for this one. A second dispatcher, kept
    // alive, makes it ask each dispatcher instead.
    let _second = tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default());
    tracing::subscriber::with_default(recorder.clone(), || {
        runtime.block_on(async {
            let client = client(&server);
            client.send_json::<serde_json::Value>(ApiRequest::new(Method::GET, "/v1/ping")).await.unwrap();
        })
    });
    // Without a subscriber the same request opens no span (and is not wrapped in one).
    runtime.block_on(async {
        client(&server).send_json::<serde_json::Value>(ApiRequest::new(Method::GET, "/v1/ping")).await.unwrap();
    });
    let spans = recorder.0.lock().unwrap().clone();
    let requests: Vec<&(String, usize)> = spans.iter().filter(|(s, _)| s.starts_with("api_request")).collect();
    assert_eq!(requests.len(), 1, "{spans:?}");
    assert_eq!(requests[0].0, "api_request method=GET path=/v1/ping");
    assert!(requests[0].1 > 0, "the request ran outside its span: {spans:?}");
}
