//! Server-sent events: the parser's edge cases, chunking, and typed decoding.

use std::convert::Infallible;

use futures::{stream, StreamExt, TryStreamExt};
use sdk_runtime::runtime::{ApiRequest, Error, EventStream, Method, SseEvent, SseParser, SseStream};
use serde::Deserialize;
use serde_json::json;
use wiremock::matchers::{header, method};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::{client, received};

fn parse_all(input: &[u8]) -> Vec<SseEvent> {
    let mut parser = SseParser::new();
    let events = parser.feed(input);
    parser.finish();
    events
}

fn event(event: &str, data: &str, id: Option<&str>) -> SseEvent {
    SseEvent { event: event.to_owned(), data: data.to_owned(), id: id.map(str::to_owned), retry: None }
}

#[test]
fn multi_line_data_is_joined_with_newlines() {
    let events = parse_all(b"data: first\ndata: second\ndata:third\ndata\n\n");
    assert_eq!(events, [event("message", "first\nsecond\nthird\n", None)]);
}

#[test]
fn comments_event_id_and_retry_fields() {
    let input = b": this is a comment\n:another\nevent: update\nid: 42\nretry: 1500\ndata: {\"a\":1}\n\n\
                  data: no type\n\n\
                  id\ndata: cleared id\n\n\
                  retry: soon\nunknown: field\ndata:  two spaces\n\n";
    let events = parse_all(input);
    assert_eq!(events.len(), 4);
    assert_eq!(events[0], SseEvent { event: "update".into(), data: "{\"a\":1}".into(), id: Some("42".into()), retry: Some(1500) });
    // The id persists; the event type does not.
    assert_eq!(events[1], event("message", "no type", Some("42")));
    // `id` with no value resets it to empty.
    assert_eq!(events[2], event("message", "cleared id", Some("")));
    // Only one leading space is stripped; an invalid retry is ignored.
    assert_eq!(events[3], event("message", " two spaces", Some("")));
}

#[test]
fn crlf_cr_and_lf_line_endings() {
    let expected = vec![event("a", "x\ny", None), event("message", "z", None)];
    assert_eq!(parse_all(b"event: a\r\ndata: x\r\ndata: y\r\n\r\ndata: z\r\n\r\n"), expected);
    assert_eq!(parse_all(b"event: a\rdata: x\rdata: y\r\rdata: z\r\r"), expected);
    assert_eq!(parse_all(b"event: a\ndata: x\r\ndata: y\r\rdata: z\n\r\n"), expected);
}

#[test]
fn events_without_data_are_not_dispatched_and_trailing_event_is_dropped() {
    assert_eq!(parse_all(b"event: ping\n\n: keepalive\n\nid: 1\n\n"), []);
    assert_eq!(parse_all(b"data: complete\n\ndata: incomplete"), [event("message", "complete", None)]);
    assert_eq!(parse_all(b"data: complete\n\ndata: no blank line\n"), [event("message", "complete", None)]);
    // `data:` with nothing gives an event with empty data.
    assert_eq!(parse_all(b"data:\n\n"), [event("message", "", None)]);
}

#[test]
fn byte_order_mark_is_ignored_at_the_start() {
    assert_eq!(parse_all("\u{feff}data: x\n\n".as_bytes()), [event("message", "x", None)]);
}

#[test]
fn chunks_split_anywhere_give_the_same_events() {
    let input = "event: délta\r\nid: 7\r\ndata: {\"text\": \"héllo 🌍\"}\r\ndata: line2\r\n\r\n: c\r\ndata: second\r\r\ndata: third\n\n"
        .as_bytes();
    let whole = parse_all(input);
    assert_eq!(whole.len(), 3);
    assert_eq!(whole[0].event, "délta");
    assert_eq!(whole[0].data, "{\"text\": \"héllo 🌍\"}\nline2");
    assert_eq!(whole[1].data, "second");
    assert_eq!(whole[2].data, "third");
    // Byte by byte (splits inside UTF-8 characters and between CR and LF).
    let mut parser = SseParser::new();
    let mut events = Vec::new();
    for byte in input {
        events.extend(parser.feed(std::slice::from_ref(byte)));
    }
    assert_eq!(events, whole);
    // Every split into two chunks.
    for split in 0..=input.len() {
        let mut parser = SseParser::new();
        let mut events = parser.feed(&input[..split]);
        events.extend(parser.feed(&input[split..]));
        assert_eq!(events, whole, "split at {split}");
    }
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(tag = "type", rename_all = "snake_case")]
enum ChatEvent {
    TextDelta { content: String },
    Stop { reason: String },
}

#[tokio::test]
async fn event_stream_decodes_typed_events_from_byte_by_byte_chunks() {
    let body = "event: message\r\ndata: {\"type\":\"text_delta\",\r\ndata: \"content\":\"Hé\"}\r\n\r\n: ping\r\n\r\ndata:\r\n\r\ndata: {\"type\":\"stop\",\"reason\":\"done\"}\r\n\r\n";
    let chunks: Vec<Result<Vec<u8>, Infallible>> = body.bytes().map(|b| Ok(vec![b])).collect();
    let events: Vec<ChatEvent> = EventStream::from_byte_stream(stream::iter(chunks)).try_collect().await.unwrap();
    assert_eq!(events, [ChatEvent::TextDelta { content: "Hé".into() }, ChatEvent::Stop { reason: "done".into() }]);
}

#[tokio::test]
async fn undecodable_events_give_decode_errors_with_the_raw_data() {
    let body = "data: {\"type\":\"text_delta\",\"content\":\"a\"}\n\ndata: {\"type\":\"mystery\"}\n\ndata: not json\n\ndata: {\"type\":\"stop\",\"reason\":\"r\"}\n\ndata: [DONE]\n\ndata: {\"type\":\"stop\",\"reason\":\"after done\"}\n\n";
    let chunks = stream::iter([Ok::<_, Infallible>(body.as_bytes().to_vec())]);
    let results: Vec<Result<ChatEvent, Error>> = EventStream::from_byte_stream(chunks).collect().await;
    assert_eq!(results.len(), 4);
    assert_eq!(results[0].as_ref().unwrap(), &ChatEvent::TextDelta { content: "a".into() });
    match &results[1] {
        Err(Error::Decode { body, .. }) => assert_eq!(body, "{\"type\":\"mystery\"}"),
        other => panic!("{other:?}"),
    }
    match &results[2] {
        Err(Error::Decode { body, .. }) => assert_eq!(body, "not json"),
        other => panic!("{other:?}"),
    }
    assert_eq!(results[3].as_ref().unwrap(), &ChatEvent::Stop { reason: "r".into() });
}

#[tokio::test]
async fn invalid_utf8_in_event_data_is_replaced_as_the_specification_says() {
    // One event whose data lies whole in the chunk (decoded in place), one split across chunks, and
    // one whose invalid byte is not inside a string (then the replacement cannot make it JSON).
    let chunks: Vec<Result<&'static [u8], Infallible>> = vec![
        Ok(b"data: {\"type\":\"text_delta\",\"content\":\"a\xffb\"}\n\ndata: {\"type\":\"text_delta\",\"con"),
        Ok(b"tent\":\"\xfe\"}\n\ndata: {\"type\":\"stop\",\"reason\":\"r\"}\xff\n\n"),
    ];
    let results: Vec<Result<ChatEvent, Error>> = EventStream::from_byte_stream(stream::iter(chunks)).collect().await;
    assert_eq!(results.len(), 3);
    assert_eq!(results[0].as_ref().unwrap(), &ChatEvent::TextDelta { content: "a\u{fffd}b".into() });
    assert_eq!(results[1].as_ref().unwrap(), &ChatEvent::TextDelta { content: "\u{fffd}".into() });
    match &results[2] {
        Err(Error::Decode { body, .. }) => assert_eq!(body, "{\"type\":\"stop\",\"reason\":\"r\"}\u{fffd}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_tagged_event_stream_decodes_as_the_general_one_does() {
    use crate::types::shapes::{Circle, Shape};
    // Tag first (read off the data), tag later, an escape, a bad field, invalid UTF-8, not JSON.
    let body: &[u8] = b"data: {\"type\":\"circle\",\"r\":1}\n\ndata: {\"r\":2,\"type\":\"circle\"}\n\n\
        data: {\"type\":\"circl\\u0065\",\"r\":3}\n\ndata: {\"type\":\"circle\",\"r\":\"wide\"}\n\n\
        data: {\"type\":\"hexagon\",\"label\":\"\xff\"}\n\ndata: nope\n\n";
    let chunks = || stream::iter([Ok::<_, Infallible>(body.to_vec())]);
    let tagged: Vec<Result<Shape, Error>> = EventStream::tagged(SseStream::from_byte_stream(chunks())).collect().await;
    let general: Vec<Result<Shape, Error>> = EventStream::new(SseStream::from_byte_stream(chunks())).collect().await;
    assert_eq!(tagged.len(), 6);
    for (i, (tagged, general)) in tagged.iter().zip(&general).enumerate() {
        match (tagged, general) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "event {i}"),
            (Err(Error::Decode { message: a, body: x, .. }), Err(Error::Decode { message: b, body: y, .. })) => {
                assert_eq!((a, x), (b, y), "event {i}: the same error, with the raw data");
            }
            other => panic!("event {i}: {other:?}"),
        }
    }
    for (i, r) in [1.0, 2.0, 3.0].into_iter().enumerate() {
        assert_eq!(tagged[i].as_ref().expect("decodes"), &Shape::Circle(Circle { r }));
    }
    assert!(matches!(&tagged[3], Err(Error::Decode { path: Some(path), .. }) if path == "r"), "{:?}", tagged[3]);
    assert_eq!(tagged[4].as_ref().expect("lossy UTF-8"), &Shape::Unknown(json!({"type": "hexagon", "label": "\u{fffd}"})));
    assert!(matches!(&tagged[5], Err(Error::Decode { body, .. }) if body == "nope"));
}

#[tokio::test]
async fn a_broken_connection_is_reported_and_ends_the_stream() {
    let chunks: Vec<Result<&'static [u8], std::io::Error>> =
        vec![Ok(b"data: {\"type\":\"stop\",\"reason\":\"a\"}\n\ndata: {\"partial"), Err(std::io::Error::other("reset"))];
    let results: Vec<Result<ChatEvent, Error>> = EventStream::from_byte_stream(stream::iter(chunks)).collect().await;
    assert_eq!(results.len(), 2);
    assert!(results[0].is_ok());
    assert!(matches!(&results[1], Err(Error::Connection { .. })), "{:?}", results[1]);
}

#[tokio::test]
async fn send_event_stream_over_http() {
    let server = MockServer::start().await;
    let body = "event: message\ndata: {\"type\":\"text_delta\",\"content\":\"Hi\"}\n\n: keepalive\n\ndata: {\"type\":\"text_delta\",\n\
                data: \"content\":\" there\"}\n\nid: 9\ndata: {\"type\":\"stop\",\"reason\":\"end\"}\n\n";
    Mock::given(method("POST"))
        .and(header("accept", "text/event-stream"))
        .respond_with(ResponseTemplate::new(200).insert_header("x-request-id", "sse-1").set_body_raw(body, "text/event-stream"))
        .mount(&server)
        .await;
    let client = client(&server);
    let mut request = ApiRequest::new(Method::POST, "/chat/stream");
    request.json(&json!({"message": "hello"})).unwrap();
    let response = client.send_event_stream::<ChatEvent>(request).await.unwrap();
    assert_eq!(response.request_id(), Some("sse-1"));
    let events: Vec<ChatEvent> = response.into_data().try_collect().await.unwrap();
    assert_eq!(
        events,
        [
            ChatEvent::TextDelta { content: "Hi".into() },
            ChatEvent::TextDelta { content: " there".into() },
            ChatEvent::Stop { reason: "end".into() },
        ]
    );

    // The raw events, for power users.
    let raw: SseStream = client.send_sse(ApiRequest::new(Method::POST, "/chat/stream")).await.unwrap().into_data();
    let raw: Vec<SseEvent> = raw.try_collect().await.unwrap();
    assert_eq!(raw.len(), 3);
    assert_eq!(raw[2].id.as_deref(), Some("9"));
    assert_eq!(received(&server).await.len(), 2);
}

#[tokio::test]
async fn event_stream_error_status_is_an_api_error_and_is_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503).set_body_json(json!({"detail": "overloaded"})))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"detail": "bad key"})))
        .with_priority(2)
        .mount(&server)
        .await;
    let client = client(&server);
    let err = client.send_event_stream::<ChatEvent>(ApiRequest::new(Method::POST, "/chat")).await.unwrap_err();
    match err {
        Error::Authentication(api) => assert_eq!(api.message, "bad key"),
        other => panic!("{other:?}"),
    }
    assert_eq!(received(&server).await.len(), 2);
}
