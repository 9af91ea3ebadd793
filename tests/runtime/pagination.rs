//! Pagination: every scheme across several pages, page by page and as a stream of items.

use futures::TryStreamExt;
use sdk_runtime::runtime::{ApiRequest, Error, ItemStream, Method, Page, PageResponse, PageScheme};
use serde::Deserialize;
use serde_json::json;
use wiremock::matchers::{body_json, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::{client, received};

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct Thing {
    id: String,
}

#[derive(Debug, Deserialize)]
struct CursorPage {
    items: Vec<Thing>,
    next_page_token: Option<String>,
    total_size: Option<u64>,
}

impl PageResponse for CursorPage {
    type Item = Thing;
    fn items(&self) -> &[Thing] {
        &self.items
    }
    fn into_items(self) -> Vec<Thing> {
        self.items
    }
    fn next_cursor(&self) -> Option<&str> {
        self.next_page_token.as_deref()
    }
    fn total_size(&self) -> Option<u64> {
        self.total_size
    }
}

fn things(ids: &[&str]) -> serde_json::Value {
    json!(ids.iter().map(|id| json!({"id": id})).collect::<Vec<_>>())
}

fn ids(items: &[Thing]) -> Vec<&str> {
    items.iter().map(|t| t.id.as_str()).collect()
}

const QUERY: PageScheme = PageScheme::QueryCursor { param: "page_token" };
const BODY: PageScheme = PageScheme::BodyCursor { field: "page_token" };
const OFFSET: PageScheme = PageScheme::Offset { param: "offset" };

async fn query_cursor_server() -> MockServer {
    let server = MockServer::start().await;
    let page = |items: &[&str], next: Option<&str>| {
        ResponseTemplate::new(200).set_body_json(json!({"items": things(items), "next_page_token": next}))
    };
    Mock::given(method("GET"))
        .and(path("/things"))
        .and(query_param_is_missing("page_token"))
        .respond_with(page(&["a", "b"], Some("t2")))
        .mount(&server)
        .await;
    Mock::given(path("/things")).and(query_param("page_token", "t2")).respond_with(page(&["c", "d"], Some("t3"))).mount(&server).await;
    Mock::given(path("/things")).and(query_param("page_token", "t3")).respond_with(page(&["e"], Some(""))).mount(&server).await;
    server
}

fn list_request() -> ApiRequest {
    let mut request = ApiRequest::new(Method::GET, "/things");
    request.query("page_size", 2).query("organization_id", "org");
    request
}

#[tokio::test]
async fn query_cursor_pages_one_at_a_time() {
    let server = query_cursor_server().await;
    let client = client(&server);
    let first: Page<CursorPage> = client.send_page(list_request(), QUERY).await.unwrap().into_data();
    assert_eq!(ids(&first.items), ["a", "b"]); // Deref to the page type
    assert!(first.has_next_page());
    let second = first.next_page().await.unwrap().unwrap();
    assert_eq!(ids(second.items()), ["c", "d"]);
    let third = second.next_page().await.unwrap().unwrap();
    assert_eq!(ids(&third.items), ["e"]);
    assert!(!third.has_next_page());
    assert!(third.next_page().await.unwrap().is_none());
    assert_eq!(ids(&third.into_items()), ["e"]);

    let requests = received(&server).await;
    assert_eq!(requests.len(), 3);
    // Other query parameters are kept; the cursor is replaced, not repeated.
    let query: Vec<(String, String)> = requests[2].url.query_pairs().into_owned().collect();
    assert_eq!(query.iter().filter(|(k, _)| k == "page_token").count(), 1);
    assert!(query.contains(&("page_size".into(), "2".into())));
    assert!(query.contains(&("organization_id".into(), "org".into())));
    assert!(query.contains(&("page_token".into(), "t3".into())));
}

#[tokio::test]
async fn query_cursor_item_stream_walks_all_pages_lazily() {
    let server = query_cursor_server().await;
    let client = client(&server);
    let mut stream: ItemStream<CursorPage> = client.stream_items(list_request(), QUERY);
    // Nothing is fetched before the stream is polled.
    tokio::task::yield_now().await;
    assert_eq!(received(&server).await.len(), 0);
    assert_eq!(stream.try_next().await.unwrap().unwrap().id, "a");
    assert_eq!(received(&server).await.len(), 1);
    assert_eq!(stream.try_next().await.unwrap().unwrap().id, "b");
    assert_eq!(received(&server).await.len(), 1);
    assert_eq!(stream.try_next().await.unwrap().unwrap().id, "c");
    assert_eq!(received(&server).await.len(), 2);
    let rest: Vec<Thing> = stream.try_collect().await.unwrap();
    assert_eq!(ids(&rest), ["d", "e"]);
    assert_eq!(received(&server).await.len(), 3);

    // The stream is Send + 'static, so it can be moved into a task.
    let stream = client.stream_items::<CursorPage>(list_request(), QUERY);
    let all = tokio::spawn(async move { stream.try_collect::<Vec<_>>().await }).await.unwrap().unwrap();
    assert_eq!(ids(&all), ["a", "b", "c", "d", "e"]);

    // A page can continue as a stream.
    let first = client.send_page::<CursorPage>(list_request(), QUERY).await.unwrap().data;
    let all: Vec<Thing> = first.into_item_stream().try_collect().await.unwrap();
    assert_eq!(ids(&all), ["a", "b", "c", "d", "e"]);
}

#[tokio::test]
async fn cursor_stops_on_null_cursor_or_empty_page() {
    let server = MockServer::start().await;
    Mock::given(path("/null"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"items": things(&["a"]), "next_page_token": null})))
        .mount(&server)
        .await;
    Mock::given(path("/empty"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"items": [], "next_page_token": "more"})))
        .mount(&server)
        .await;
    let client = client(&server);
    let items: Vec<Thing> = client.stream_items::<CursorPage>(ApiRequest::new(Method::GET, "/null"), QUERY).try_collect().await.unwrap();
    assert_eq!(ids(&items), ["a"]);
    let items: Vec<Thing> = client.stream_items::<CursorPage>(ApiRequest::new(Method::GET, "/empty"), QUERY).try_collect().await.unwrap();
    assert!(items.is_empty());
    let page = client.send_page::<CursorPage>(ApiRequest::new(Method::GET, "/empty"), QUERY).await.unwrap().data;
    assert!(!page.has_next_page());
    assert_eq!(received(&server).await.len(), 3);
}

#[tokio::test]
async fn body_cursor_resends_the_body_with_the_new_token() {
    let server = MockServer::start().await;
    let page = |items: &[&str], next: Option<&str>| {
        ResponseTemplate::new(200)
            .set_body_json(json!({"items": things(items), "next_page_token": next, "total_size": 5}))
    };
    Mock::given(method("POST"))
        .and(path("/search"))
        .and(body_json(json!({"query": "q", "page_size": 2})))
        .respond_with(page(&["a", "b"], Some("t2")))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(body_json(json!({"query": "q", "page_size": 2, "page_token": "t2"})))
        .respond_with(page(&["c", "d"], Some("t3")))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(body_json(json!({"query": "q", "page_size": 2, "page_token": "t3"})))
        .respond_with(page(&["e"], None))
        .mount(&server)
        .await;
    let client = client(&server);
    let mut request = ApiRequest::new(Method::POST, "/search");
    request.json(&json!({"query": "q", "page_size": 2})).unwrap();

    let items: Vec<Thing> = client.stream_items::<CursorPage>(request.clone(), BODY).try_collect().await.unwrap();
    assert_eq!(ids(&items), ["a", "b", "c", "d", "e"]);

    let first = client.send_page::<CursorPage>(request, BODY).await.unwrap().data;
    assert_eq!(first.total_size, Some(5));
    let second = first.next_page().await.unwrap().unwrap();
    let third = second.next_page().await.unwrap().unwrap();
    assert_eq!(ids(&third.items), ["e"]);
    assert!(third.next_page().await.unwrap().is_none());
    assert_eq!(received(&server).await.len(), 6);
}

#[derive(Debug, Deserialize)]
struct OffsetPage {
    items: Vec<Thing>,
    total_size: Option<u64>,
}

impl PageResponse for OffsetPage {
    type Item = Thing;
    fn items(&self) -> &[Thing] {
        &self.items
    }
    fn into_items(self) -> Vec<Thing> {
        self.items
    }
    fn total_size(&self) -> Option<u64> {
        self.total_size
    }
}

#[tokio::test]
async fn offset_pages_until_total_size() {
    let server = MockServer::start().await;
    let page = |items: &[&str]| ResponseTemplate::new(200).set_body_json(json!({"items": things(items), "total_size": 5}));
    Mock::given(path("/files")).and(query_param_is_missing("offset")).respond_with(page(&["a", "b"])).mount(&server).await;
    Mock::given(path("/files")).and(query_param("offset", "2")).respond_with(page(&["c", "d"])).mount(&server).await;
    Mock::given(path("/files")).and(query_param("offset", "4")).respond_with(page(&["e"])).mount(&server).await;
    let client = client(&server);
    let mut request = ApiRequest::new(Method::GET, "/files");
    request.query("limit", 2);

    let items: Vec<Thing> = client.stream_items::<OffsetPage>(request.clone(), OFFSET).try_collect().await.unwrap();
    assert_eq!(ids(&items), ["a", "b", "c", "d", "e"]);
    assert_eq!(received(&server).await.len(), 3);

    let first = client.send_page::<OffsetPage>(request, OFFSET).await.unwrap().data;
    let second = first.next_page().await.unwrap().unwrap();
    assert_eq!(ids(&second.items), ["c", "d"]);
    let third = second.next_page().await.unwrap().unwrap();
    assert!(!third.has_next_page());
    let requests = received(&server).await;
    let last: Vec<(String, String)> = requests[5].url.query_pairs().into_owned().collect();
    assert_eq!(last, [("limit".to_owned(), "2".to_owned()), ("offset".to_owned(), "4".to_owned())]);
}

#[tokio::test]
async fn offset_starts_from_the_given_offset_and_stops_on_an_empty_page() {
    let server = MockServer::start().await;
    let page = |items: &[&str]| ResponseTemplate::new(200).set_body_json(json!({"items": things(items)}));
    Mock::given(query_param("offset", "10")).respond_with(page(&["k", "l"])).mount(&server).await;
    Mock::given(query_param("offset", "12")).respond_with(page(&["m"])).mount(&server).await;
    Mock::given(query_param("offset", "13")).respond_with(page(&[])).mount(&server).await;
    let client = client(&server);
    let mut request = ApiRequest::new(Method::GET, "/files");
    request.query("offset", 10);
    let items: Vec<Thing> = client.stream_items::<OffsetPage>(request, OFFSET).try_collect().await.unwrap();
    assert_eq!(ids(&items), ["k", "l", "m"]);
    assert_eq!(received(&server).await.len(), 3);
}

#[tokio::test]
async fn errors_end_the_item_stream() {
    let server = MockServer::start().await;
    Mock::given(query_param_is_missing("page_token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"items": things(&["a"]), "next_page_token": "t2"})))
        .mount(&server)
        .await;
    Mock::given(query_param("page_token", "t2"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"detail": "gone"})))
        .mount(&server)
        .await;
    let client = client(&server);
    let mut stream = client.stream_items::<CursorPage>(ApiRequest::new(Method::GET, "/things"), QUERY);
    assert_eq!(stream.try_next().await.unwrap().unwrap().id, "a");
    let err = stream.try_next().await.unwrap_err();
    assert!(matches!(err, Error::NotFound(_)), "{err:?}");
    assert!(stream.try_next().await.unwrap().is_none());
}

#[test]
fn next_request_follows_each_scheme() {
    let page = CursorPage { items: vec![Thing { id: "a".into() }], next_page_token: Some("n".into()), total_size: None };
    // Body cursor on a request without a body creates one.
    let next = BODY.next_request(&ApiRequest::new(Method::POST, "/s"), &page).unwrap().unwrap();
    assert!(matches!(next.body, sdk_runtime::runtime::Body::Json(ref v) if v == &json!({"page_token": "n"})));
    // A non-object body cannot carry a cursor.
    let mut request = ApiRequest::new(Method::POST, "/s");
    request.json(&json!([1, 2])).unwrap();
    assert!(matches!(BODY.next_request(&request, &page), Err(Error::InvalidRequest(_))));
    // Query cursor replaces an existing cursor.
    let mut request = ApiRequest::new(Method::GET, "/s");
    request.query("page_token", "old");
    let next = QUERY.next_request(&request, &page).unwrap().unwrap();
    assert_eq!(next.query, [("page_token".to_owned(), "n".to_owned())]);
}

#[tokio::test]
async fn failed_item_stream_yields_the_error_once() {
    let mut stream = ItemStream::<CursorPage>::failed(Error::InvalidRequest("bad".into()));
    assert!(matches!(stream.try_next().await, Err(Error::InvalidRequest(m)) if m == "bad"));
    assert!(stream.try_next().await.unwrap().is_none());
}

/// Records the messages of warning events, to see what a list logs when it ends early.
#[derive(Clone, Default)]
struct WarningRecorder(std::sync::Arc<std::sync::Mutex<Vec<String>>>);

impl tracing::Subscriber for WarningRecorder {
    fn enabled(&self, metadata: &tracing::Metadata<'_>) -> bool {
        *metadata.level() <= tracing::Level::WARN
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        struct Message(String);
        impl tracing::field::Visit for Message {
            fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
                self.0.push_str(&format!("{}={value:?} ", field.name()));
            }
        }
        let mut message = Message(String::new());
        event.record(&mut message);
        self.0.lock().unwrap().push(message.0);
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

/// Runs `test` with warnings recorded on this thread and returns them.
async fn warnings_of<F: std::future::Future<Output = ()>>(test: F) -> Vec<String> {
    let recorder = WarningRecorder::default();
    // With one dispatcher registered, tracing-core caches the first thread's interest for everyone.
    let _second = tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default());
    let guard = tracing::subscriber::set_default(recorder.clone());
    test.await;
    drop(guard);
    let warnings = recorder.0.lock().unwrap().clone();
    warnings
}

/// A server that answers every page with the same cursor, as a mock serving examples does.
async fn repeating_cursor_server() -> MockServer {
    let server = MockServer::start().await;
    let page = |items: &[&str]| ResponseTemplate::new(200).set_body_json(json!({"items": things(items), "next_page_token": "tok-77"}));
    Mock::given(method("GET")).and(query_param_is_missing("page_token")).respond_with(page(&["a"])).mount(&server).await;
    Mock::given(method("GET")).and(query_param("page_token", "tok-77")).respond_with(page(&["b"])).mount(&server).await;
    Mock::given(method("POST"))
        .and(body_json(json!({"query": "q"})))
        .respond_with(page(&["a"]))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(body_json(json!({"query": "q", "page_token": "tok-77"})))
        .respond_with(page(&["b"]))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn a_repeated_query_cursor_ends_the_list() {
    let server = repeating_cursor_server().await;
    let client = client(&server);
    let warnings = warnings_of(async {
        let items: Vec<Thing> = client.stream_items::<CursorPage>(list_request(), QUERY).try_collect().await.unwrap();
        assert_eq!(ids(&items), ["a", "b"]);
    })
    .await;
    assert_eq!(received(&server).await.len(), 2, "the page sent `tok-77` is not fetched again");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("page cursor it was already sent") && warnings[0].contains("path=/things"), "{warnings:?}");
    assert!(!warnings[0].contains("tok-77"), "the cursor is the API's data, not logged: {warnings:?}");

    // Page by page: the second page has no next page.
    let first = client.send_page::<CursorPage>(list_request(), QUERY).await.unwrap().data;
    assert!(first.has_next_page());
    let second = first.next_page().await.unwrap().unwrap();
    assert!(!second.has_next_page());
    assert!(second.next_page().await.unwrap().is_none());
    assert_eq!(received(&server).await.len(), 4);
}

#[tokio::test]
async fn a_repeated_body_cursor_ends_the_list() {
    let server = repeating_cursor_server().await;
    let client = client(&server);
    let mut request = ApiRequest::new(Method::POST, "/search");
    request.json(&json!({"query": "q"})).unwrap();
    let items: Vec<Thing> = client.stream_items::<CursorPage>(request.clone(), BODY).try_collect().await.unwrap();
    assert_eq!(ids(&items), ["a", "b"]);
    assert_eq!(received(&server).await.len(), 2);
    let second = client.send_page::<CursorPage>(request, BODY).await.unwrap().data.next_page().await.unwrap().unwrap();
    assert!(!second.has_next_page());
}

#[tokio::test]
async fn a_cursor_cycle_ends_the_item_stream() {
    let server = MockServer::start().await;
    let page = |items: &[&str], next: &str| ResponseTemplate::new(200).set_body_json(json!({"items": things(items), "next_page_token": next}));
    Mock::given(query_param_is_missing("page_token")).respond_with(page(&["a"], "t2")).mount(&server).await;
    Mock::given(query_param("page_token", "t2")).respond_with(page(&["b"], "t3")).mount(&server).await;
    Mock::given(query_param("page_token", "t3")).respond_with(page(&["c"], "t2")).mount(&server).await;
    let client = client(&server);
    let items: Vec<Thing> = client.stream_items::<CursorPage>(list_request(), QUERY).try_collect().await.unwrap();
    assert_eq!(ids(&items), ["a", "b", "c"]);
    assert_eq!(received(&server).await.len(), 3, "t2 is not fetched a second time");
}

#[tokio::test]
async fn an_offset_that_does_not_advance_ends_the_list() {
    // The next offset is this one plus the page's items: it stays put only on an empty page, which
    // ends the list even while the total says there is more.
    let server = MockServer::start().await;
    Mock::given(path("/files"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"items": [], "total_size": 100})))
        .mount(&server)
        .await;
    let client = client(&server);
    let mut request = ApiRequest::new(Method::GET, "/files");
    request.query("offset", 40);
    let items: Vec<Thing> = client.stream_items::<OffsetPage>(request.clone(), OFFSET).try_collect().await.unwrap();
    assert!(items.is_empty());
    let page = client.send_page::<OffsetPage>(request, OFFSET).await.unwrap().data;
    assert!(!page.has_next_page());
    assert_eq!(received(&server).await.len(), 2);
}
