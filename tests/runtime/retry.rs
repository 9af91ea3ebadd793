//! Retries: which statuses and errors are retried, `x-should-retry`, `Retry-After` variants,
//! backoff, the `x-retry-count` header, timeouts and connection errors.

use std::time::{Duration, Instant, SystemTime};

use sdk_runtime::runtime::retry::{server_delay, should_retry, RetryPolicy};
use sdk_runtime::runtime::{ApiRequest, Client, ClientBuilder, Error, HeaderMap, HeaderValue, Method, StatusCode};
use serde_json::json;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::client::closed_port;
use crate::{builder, client, received, TestClient, DEFAULTS, KEY};

/// Answers `first` for the first `n` requests, then 200 `{"ok": true}`.
async fn failing_then_ok(n: u64, first: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(first).up_to_n_times(n).with_priority(1).mount(&server).await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .with_priority(2)
        .mount(&server)
        .await;
    server
}

fn get() -> ApiRequest {
    ApiRequest::new(Method::GET, "/thing")
}

fn retry_counts(requests: &[wiremock::Request]) -> Vec<String> {
    requests
        .iter()
        .map(|r| r.headers.get("x-retry-count").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default())
        .collect()
}

#[tokio::test]
async fn retryable_statuses_are_retried_until_success() {
    for status in [408u16, 409, 429, 500, 502, 503, 504] {
        let server = failing_then_ok(2, ResponseTemplate::new(status)).await;
        let response = client(&server).send_json::<serde_json::Value>(get()).await;
        assert_eq!(response.unwrap().data, json!({"ok": true}), "status {status}");
        let requests = received(&server).await;
        assert_eq!(retry_counts(&requests), ["0", "1", "2"], "status {status}");
    }
}

#[tokio::test]
async fn gives_up_after_max_retries_with_the_last_error() {
    let server = failing_then_ok(10, ResponseTemplate::new(503).set_body_json(json!({"detail": "busy"}))).await;
    let err = client(&server).send_empty(get()).await.unwrap_err();
    match err {
        Error::InternalServer(api) => assert_eq!(api.message, "busy"),
        other => panic!("{other:?}"),
    }
    assert_eq!(retry_counts(&received(&server).await), ["0", "1", "2"]);

    let server = failing_then_ok(10, ResponseTemplate::new(503)).await;
    let TestClient(client) = builder(&server).max_retries(4).build().unwrap();
    assert_eq!(client.send_empty(get()).await.unwrap_err().status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(retry_counts(&received(&server).await), ["0", "1", "2", "3", "4"]);

    let server = failing_then_ok(10, ResponseTemplate::new(503)).await;
    let TestClient(client) = builder(&server).max_retries(0).build().unwrap();
    client.send_empty(get()).await.unwrap_err();
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn non_retryable_statuses_are_not_retried() {
    for status in [400u16, 401, 403, 404, 422] {
        let server = failing_then_ok(10, ResponseTemplate::new(status)).await;
        let err = client(&server).send_empty(get()).await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(received(&server).await.len(), 1, "status {status}");
    }
}

#[tokio::test]
async fn x_should_retry_header_wins() {
    let server = failing_then_ok(1, ResponseTemplate::new(400).insert_header("x-should-retry", "true")).await;
    client(&server).send_empty(get()).await.unwrap();
    assert_eq!(received(&server).await.len(), 2);

    let server = failing_then_ok(1, ResponseTemplate::new(503).insert_header("x-should-retry", "false")).await;
    let err = client(&server).send_empty(get()).await.unwrap_err();
    assert!(matches!(err, Error::InternalServer(_)));
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn retry_after_ms_is_honoured() {
    let server = failing_then_ok(1, ResponseTemplate::new(429).insert_header("retry-after-ms", "300")).await;
    let start = Instant::now();
    client(&server).send_empty(get()).await.unwrap();
    let elapsed = start.elapsed();
    assert!(elapsed >= Duration::from_millis(290), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
}

#[tokio::test]
async fn retry_after_seconds_is_honoured() {
    let server = failing_then_ok(1, ResponseTemplate::new(503).insert_header("retry-after", "1")).await;
    let start = Instant::now();
    client(&server).send_empty(get()).await.unwrap();
    let elapsed = start.elapsed();
    assert!(elapsed >= Duration::from_millis(990), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(6), "{elapsed:?}");
}

#[tokio::test]
async fn out_of_range_retry_after_falls_back_to_backoff() {
    let far_date = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(3600));
    for (name, value) in [
        ("retry-after-ms", "120000".to_owned()),
        ("retry-after", "3600".to_owned()),
        ("retry-after", "0".to_owned()),
        ("retry-after", "-5".to_owned()),
        ("retry-after", "soon".to_owned()),
        ("retry-after", far_date),
    ] {
        let server = failing_then_ok(2, ResponseTemplate::new(429).insert_header(name, value.as_str())).await;
        let start = Instant::now();
        client(&server).send_empty(get()).await.unwrap();
        assert!(start.elapsed() < Duration::from_secs(3), "{name}: {value}: {:?}", start.elapsed());
        assert_eq!(received(&server).await.len(), 3);
    }
}

fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.insert(*name, HeaderValue::from_str(value).unwrap());
    }
    map
}

#[test]
fn server_delay_parses_each_retry_after_variant() {
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let date = |secs: u64| httpdate::fmt_http_date(now + Duration::from_secs(secs));
    assert_eq!(server_delay(&headers(&[("retry-after-ms", "1500")]), now), Some(Duration::from_millis(1500)));
    assert_eq!(server_delay(&headers(&[("retry-after-ms", "2.5")]), now), Some(Duration::from_micros(2500)));
    assert_eq!(server_delay(&headers(&[("retry-after", "7")]), now), Some(Duration::from_secs(7)));
    assert_eq!(server_delay(&headers(&[("retry-after", &date(30))]), now), Some(Duration::from_secs(30)));
    assert_eq!(server_delay(&headers(&[("retry-after", &date(60))]), now), Some(Duration::from_secs(60)));
    // retry-after-ms wins over retry-after.
    assert_eq!(
        server_delay(&headers(&[("retry-after-ms", "100"), ("retry-after", "9")]), now),
        Some(Duration::from_millis(100))
    );
    // ... unless it is out of range.
    assert_eq!(
        server_delay(&headers(&[("retry-after-ms", "90000"), ("retry-after", "9")]), now),
        Some(Duration::from_secs(9))
    );
    // Out of range or unparsable: ignored.
    assert_eq!(server_delay(&headers(&[("retry-after", &date(61))]), now), None);
    assert_eq!(server_delay(&headers(&[("retry-after", &httpdate::fmt_http_date(now - Duration::from_secs(5)))]), now), None);
    assert_eq!(server_delay(&headers(&[("retry-after", "61")]), now), None);
    assert_eq!(server_delay(&headers(&[("retry-after", "0")]), now), None);
    assert_eq!(server_delay(&headers(&[("retry-after-ms", "0")]), now), None);
    assert_eq!(server_delay(&headers(&[("retry-after", "tomorrow")]), now), None);
    assert_eq!(server_delay(&HeaderMap::new(), now), None);
}

#[test]
fn backoff_doubles_up_to_the_cap_with_jitter_below_25_percent() {
    let policy = RetryPolicy::default();
    assert_eq!(policy.max_retries, 2);
    let expected = [500u64, 1000, 2000, 4000, 8000, 8000, 8000];
    for (retry, ms) in expected.iter().enumerate() {
        let backoff = policy.backoff(retry as u32);
        assert_eq!(backoff, Duration::from_millis(*ms));
        for _ in 0..50 {
            let delay = policy.delay(retry as u32, None);
            assert!(delay <= backoff && delay >= backoff.mul_f64(0.75), "{retry}: {delay:?}");
        }
    }
    assert_eq!(policy.backoff(100), Duration::from_secs(8));
    // The server's delay replaces the backoff.
    assert_eq!(policy.delay(0, Some(&headers(&[("retry-after", "3")]))), Duration::from_secs(3));
}

#[test]
fn should_retry_follows_the_status_table() {
    let none = HeaderMap::new();
    for status in [408u16, 409, 429, 500, 501, 503, 599] {
        assert!(should_retry(StatusCode::from_u16(status).unwrap(), &none), "{status}");
    }
    for status in [400u16, 401, 403, 404, 410, 422] {
        assert!(!should_retry(StatusCode::from_u16(status).unwrap(), &none), "{status}");
    }
    assert!(should_retry(StatusCode::BAD_REQUEST, &headers(&[("x-should-retry", "true")])));
    assert!(!should_retry(StatusCode::INTERNAL_SERVER_ERROR, &headers(&[("x-should-retry", "false")])));
    assert!(should_retry(StatusCode::INTERNAL_SERVER_ERROR, &headers(&[("x-should-retry", "maybe")])));
}

#[tokio::test]
async fn backoff_delays_are_applied_between_attempts() {
    let server = failing_then_ok(2, ResponseTemplate::new(500)).await;
    let TestClient(client) = builder(&server).retry_base_delay(Duration::from_millis(100)).build().unwrap();
    let start = Instant::now();
    client.send_empty(get()).await.unwrap();
    // 100 ms + 200 ms, each reduced by at most 25 %.
    let elapsed = start.elapsed();
    assert!(elapsed >= Duration::from_millis(225), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
}

#[tokio::test]
async fn json_body_is_resent_intact_on_retry() {
    let server = failing_then_ok(2, ResponseTemplate::new(500)).await;
    let mut request = ApiRequest::new(Method::POST, "/things");
    request.json(&json!({"name": "x", "nested": {"n": [1, 2, 3]}})).unwrap();
    client(&server).send_empty(request).await.unwrap();
    let requests = received(&server).await;
    assert_eq!(requests.len(), 3);
    for r in &requests {
        assert_eq!(r.body, requests[0].body);
        assert_eq!(r.headers.get("content-type").unwrap(), "application/json");
    }
    let body: serde_json::Value = serde_json::from_slice(&requests[2].body).unwrap();
    assert_eq!(body, json!({"name": "x", "nested": {"n": [1, 2, 3]}}));
}

#[tokio::test]
async fn client_timeout_gives_timeout_error_and_is_retried() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(1))).mount(&server).await;
    let TestClient(client) = builder(&server).timeout(Duration::from_millis(150)).max_retries(1).build().unwrap();
    let start = Instant::now();
    let err = client.send_empty(get()).await.unwrap_err();
    assert!(matches!(err, Error::Timeout { after } if after == Duration::from_millis(150)), "{err:?}");
    assert!(err.is_timeout());
    assert!(start.elapsed() < Duration::from_millis(900), "{:?}", start.elapsed());
    assert_eq!(retry_counts(&received(&server).await), ["0", "1"]);
}

#[tokio::test]
async fn timeout_then_success_is_retried() {
    let server = failing_then_ok(1, ResponseTemplate::new(200).set_delay(Duration::from_secs(1))).await;
    let TestClient(client) = builder(&server).timeout(Duration::from_millis(200)).build().unwrap();
    let response = client.send_json::<serde_json::Value>(get()).await.unwrap();
    assert_eq!(response.data, json!({"ok": true}));
}

#[tokio::test]
async fn connection_errors_are_retried_then_reported() {
    let port = closed_port();
    let TestClient(client) = ClientBuilder::new(DEFAULTS)
        .api_key(KEY)
        .base_url(format!("http://127.0.0.1:{port}"))
        .retry_base_delay(Duration::from_millis(100))
        .build()
        .unwrap();
    let start = Instant::now();
    let err = client.send_empty(get()).await.unwrap_err();
    assert!(err.is_connection(), "{err:?}");
    assert!(matches!(&err, Error::Connection { message, .. } if !message.is_empty()));
    assert!(std::error::Error::source(&err).is_some());
    assert!(err.to_string().starts_with("connection error"), "{err}");
    // Two retries: 100 ms + 200 ms of backoff, each reduced by at most 25 %.
    assert!(start.elapsed() >= Duration::from_millis(225), "{:?}", start.elapsed());
}

#[tokio::test]
async fn retry_policy_is_visible_on_the_client() {
    let server = MockServer::start().await;
    let client: Client = builder(&server).max_retries(5).retry_max_delay(Duration::from_secs(1)).build().unwrap().0;
    assert_eq!(client.max_retries(), 5);
    assert_eq!(client.retry_policy().max_delay, Duration::from_secs(1));
    assert_eq!(client.retry_policy().base_delay, Duration::from_millis(1));
}
