//! Per-request options and the `request_options!` macro that generated builders use.

use std::time::{Duration, Instant};

use sdk_runtime::runtime::{ApiRequest, Client, Error, Method, RequestOptions, Result};
use serde_json::json;
use wiremock::matchers::{any, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::{builder, client, received, TestClient};

/// A stand-in for a generated request builder.
struct GetThing {
    client: Client,
    thing_id: String,
    options: RequestOptions,
}

impl GetThing {
    sdk_runtime::runtime::request_options!();

    async fn send(self) -> Result<serde_json::Value> {
        let mut request = ApiRequest::new(Method::GET, format!("/things/{}", self.thing_id));
        request.query("page_size", 10);
        request.header("x-from-request", "r");
        request.options = self.options;
        Ok(self.client.send_json(request).await?.into_data())
    }
}

/// A builder that names the macro's setters itself (as one with an API parameter `extra_query` would).
struct Search {
    client: Client,
    query: Option<String>,
    options: RequestOptions,
}

impl Search {
    sdk_runtime::runtime::request_options!(timeout: timeout, max_retries: max_retries, header: with_header, query: with_query);

    fn query(mut self, query: &str) -> Self {
        self.query = Some(query.to_owned());
        self
    }

    async fn send(self) -> Result<()> {
        let mut request = ApiRequest::new(Method::GET, "/search");
        request.query_opt("query", self.query.as_deref());
        request.options = self.options;
        self.client.send_empty(request).await.map(|_| ())
    }
}

#[tokio::test]
async fn macro_setters_add_headers_and_query_and_override_the_client() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "t"}))).mount(&server).await;
    let TestClient(client) = builder(&server).default_header("x-default", "d").build().unwrap();
    let thing = GetThing { client: client.clone(), thing_id: "t".into(), options: RequestOptions::default() }
        .extra_header("x-extra", "e")
        .extra_header("x-default", "overridden")
        .extra_query("extra", "v")
        .extra_query("page_size", 50)
        .max_retries(0)
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .unwrap();
    assert_eq!(thing, json!({"id": "t"}));

    Search { client, query: None, options: RequestOptions::default() }
        .query("rust")
        .with_query("debug", true)
        .with_header("x-trace", "1")
        .send()
        .await
        .unwrap();

    let requests = received(&server).await;
    let h = &requests[0].headers;
    assert_eq!(h.get("x-extra").unwrap(), "e");
    assert_eq!(h.get("x-from-request").unwrap(), "r");
    assert_eq!(h.get_all("x-default").iter().collect::<Vec<_>>(), ["overridden"]);
    let query: Vec<(String, String)> = requests[0].url.query_pairs().into_owned().collect();
    // An option replaces the request's parameter of the same name.
    assert_eq!(query, [("extra".to_owned(), "v".to_owned()), ("page_size".to_owned(), "50".to_owned())]);

    let query: Vec<(String, String)> = requests[1].url.query_pairs().into_owned().collect();
    assert_eq!(query, [("query".to_owned(), "rust".to_owned()), ("debug".to_owned(), "true".to_owned())]);
    assert_eq!(requests[1].headers.get("x-trace").unwrap(), "1");
}

#[tokio::test]
async fn per_request_max_retries_overrides_the_client() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(500)).mount(&server).await;
    let client = client(&server);
    let err = GetThing { client: client.clone(), thing_id: "t".into(), options: RequestOptions::default() }
        .max_retries(0)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InternalServer(_)));
    assert_eq!(received(&server).await.len(), 1);

    let mut request = ApiRequest::new(Method::GET, "/x");
    request.options = RequestOptions::new().max_retries(3);
    client.send_empty(request).await.unwrap_err();
    assert_eq!(received(&server).await.len(), 5);
}

#[tokio::test]
async fn per_request_timeout_overrides_the_client() {
    let server = MockServer::start().await;
    Mock::given(path("/things/slow"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})).set_delay(Duration::from_secs(1)))
        .mount(&server)
        .await;
    // The client allows 60 s; the request only 150 ms.
    let client = client(&server);
    let start = Instant::now();
    let err = GetThing { client, thing_id: "slow".into(), options: RequestOptions::default() }
        .timeout(Duration::from_millis(150))
        .max_retries(0)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout { after } if after == Duration::from_millis(150)), "{err:?}");
    assert!(start.elapsed() < Duration::from_millis(900), "{:?}", start.elapsed());

    // A longer per-request timeout than the client's.
    let TestClient(client) = builder(&server).timeout(Duration::from_millis(100)).max_retries(0).build().unwrap();
    let value = GetThing { client, thing_id: "slow".into(), options: RequestOptions::default() }
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .unwrap();
    assert_eq!(value, json!({}));
}

#[test]
fn request_options_debug_redacts_secrets() {
    let options = RequestOptions::new().header("Authorization", "Bearer hunter2").header("x-trace", "t1").query("q", 1);
    let debug = format!("{options:?}");
    assert!(!debug.contains("hunter2"), "{debug}");
    assert!(debug.contains("t1"), "{debug}");
}

#[tokio::test]
async fn structured_query_and_repeated_headers_are_encoded() {
    let server = MockServer::start().await;
    Mock::given(any()).and(path("/things")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    let mut request = ApiRequest::new(Method::GET, "/things");
    request.query_json("filter", &serde_json::json!({"name": ["a b", 2]})).expect("JSON encodes");
    request.header_each("x-tag", ["one", "two"]);
    client(&server).send_empty(request).await.expect("sent");
    let received = &received(&server).await[0];
    let filter = received.url.query_pairs().find(|(k, _)| k == "filter").map(|(_, v)| v.into_owned());
    assert_eq!(filter.as_deref(), Some(r#"{"name":["a b",2]}"#));
    let tags: Vec<&str> = received.headers.get_all("x-tag").iter().map(|v| v.to_str().expect("ascii")).collect();
    assert_eq!(tags, ["one", "two"]);
}
