//! Fuzz targets for what the SDK parses from the network: the server-sent event parser, every
//! type's JSON decoding, error responses with their retry headers, and the page-cursor logic.
//!
//! Each target is a property over an [`arbitrary::Unstructured`] input, run by [`arbtest`]: random
//! structured inputs within a time budget, shrunk to a minimal failing case with a seed to replay.
//! That is the stable-toolchain form of the `arbitrary`-based fuzzing the Rust ecosystem uses with
//! cargo-fuzz/libFuzzer (which needs a nightly compiler for coverage instrumentation); the
//! generators below supply the structure that coverage guidance would otherwise discover: SSE lines
//! built from the grammar's fields and line endings, JSON built from the SDK's own wire names and
//! the spec's examples.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use arbtest::arbitrary::{Result, Unstructured};
use llama_cloud::runtime::request::decode_json;
use llama_cloud::runtime::retry::{server_delay, should_retry, MAX_SERVER_DELAY};
use llama_cloud::runtime::{
    ApiRequest, Body, Error, HeaderMap, HeaderValue, Method, PageResponse, PageScheme, RetryPolicy, SseParser, StatusCode,
};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

mod sdk_types {
    include!(concat!(env!("OUT_DIR"), "/sdk_types.rs"));
}
pub use sdk_types::{DECODERS, DICTIONARY, EXAMPLES, TAGGED};

/// The [`decode`] property for one type, applied to a document.
pub type Check = fn(&[u8]);

/// A fuzz target: a property that panics when it does not hold.
pub type Target = fn(&mut Unstructured<'_>) -> Result<()>;

/// Every target, by name.
pub const TARGETS: &[(&str, Target)] = &[("sse", sse), ("decode", decode), ("errors", errors), ("pages", pages)];

/// How a target's run went.
#[derive(Debug)]
pub struct Report {
    pub executions: u64,
    pub elapsed: Duration,
    /// The panic message (with arbtest's seed to replay it), if the property failed.
    pub failure: Option<String>,
}

/// Runs `target` for about `budget`, counting executions; a failing property is caught and
/// reported with the seed arbtest prints for it.
pub fn run(target: Target, budget: Duration) -> Report {
    let executions = AtomicU64::new(0);
    let started = std::time::Instant::now();
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        arbtest::arbtest(|u| {
            executions.fetch_add(1, Ordering::Relaxed);
            target(u)
        })
        .size_max(8 * 1024)
        .budget(budget)
        .run();
    }));
    let failure = outcome.err().map(|panic| {
        panic.downcast_ref::<String>().cloned().or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string())).unwrap_or_default()
    });
    Report { executions: executions.into_inner(), elapsed: started.elapsed(), failure }
}

/// SSE: any bytes, fed in any chunking, give the events of feeding them at once.
pub fn sse(u: &mut Unstructured<'_>) -> Result<()> {
    let text = sse_text(u)?;
    let mut cuts: Vec<usize> = Vec::new();
    for _ in 0..u.int_in_range(0..=8)? {
        cuts.push(u.int_in_range(0..=text.len())?);
    }
    cuts.sort_unstable();

    let mut whole = SseParser::new();
    let expected = whole.feed(&text);
    let mut chunked = SseParser::new();
    let mut events = Vec::new();
    let mut start = 0;
    for cut in cuts.into_iter().chain([text.len()]) {
        events.extend(chunked.feed(&text[start..cut]));
        start = cut;
    }
    assert_eq!(events, expected, "chunked parse differs for {:?}", String::from_utf8_lossy(&text));
    // One byte at a time, every line is assembled in the parser's buffer instead of read in place.
    if text.len() <= 512 {
        let mut bytewise = SseParser::new();
        let events: Vec<_> = text.iter().flat_map(|b| bytewise.feed(std::slice::from_ref(b))).collect();
        assert_eq!(events, expected, "byte-by-byte parse differs for {:?}", String::from_utf8_lossy(&text));
    }
    assert_eq!(chunked.last_event_id(), whole.last_event_id());
    for event in &expected {
        assert!(!event.event.is_empty(), "every event has a type");
    }
    Ok(())
}

/// An event stream: lines made of the grammar's fields, separators and all three line endings,
/// with values from the dictionary, JSON, digits or raw bytes.
fn sse_text(u: &mut Unstructured<'_>) -> Result<Vec<u8>> {
    if u.ratio(1, 10)? {
        return u.arbitrary();
    }
    let mut text = Vec::new();
    if u.ratio(1, 20)? {
        text.extend_from_slice("\u{feff}".as_bytes());
    }
    for _ in 0..u.int_in_range(0..=24)? {
        let field: &str = u.choose(&["data", "data", "data", "event", "id", "retry", "", ":", "dat", "data ", "DATA"])?;
        text.extend_from_slice(field.as_bytes());
        if !field.is_empty() {
            let separator: &str = u.choose(&[":", ": ", ":  ", ""])?;
            text.extend_from_slice(separator.as_bytes());
            match u.int_in_range(0..=4)? {
                0 => text.extend_from_slice(u.choose(DICTIONARY)?.as_bytes()),
                1 => text.extend_from_slice(json_value(u, 2)?.to_string().as_bytes()),
                2 => text.extend_from_slice(u.int_in_range(0u64..=u64::MAX)?.to_string().as_bytes()),
                3 => text.extend_from_slice(&u.arbitrary::<Vec<u8>>()?),
                _ => text.extend_from_slice(u.arbitrary::<String>()?.as_bytes()),
            }
        }
        let end: &str = u.choose(&["\n", "\n", "\r\n", "\r", "\n\n", "\r\n\r\n"])?;
        text.extend_from_slice(end.as_bytes());
    }
    Ok(text)
}

/// JSON decoding: for any document and any SDK type, decoding never panics, and a value that
/// decodes encodes to JSON that decodes to the same value. A discriminated union decodes the same
/// on its fast path (the tag read off the text when it comes first) as on the general one.
pub fn decode(u: &mut Unstructured<'_>) -> Result<()> {
    if u.ratio(1, 4)? {
        let (_, check) = u.choose(TAGGED)?;
        let document = if u.ratio(1, 2)? { mutated_example(u)? } else { json_value(u, 4)? };
        check(&tag_first(u, &document)?);
        return Ok(());
    }
    let (_, check) = u.choose(DECODERS)?;
    let document = if u.ratio(1, 2)? { mutated_example(u)? } else { json_value(u, 4)? };
    if u.ratio(1, 20)? {
        check(&u.arbitrary::<Vec<u8>>()?);
        return Ok(());
    }
    let bytes = serde_json::to_vec(&document).unwrap_or_default();
    // Unions choose their variant by the tag read without decoding the document.
    let text = std::str::from_utf8(&bytes).expect("serde_json writes UTF-8");
    let tag = llama_cloud::runtime::peek_tag(text, "type").expect("valid JSON peeks");
    assert_eq!(tag.as_deref(), document.get("type").and_then(Value::as_str), "peeked tag of {document}");
    check(&bytes);
    Ok(())
}

/// JSON text of `document` with its `type` member, if any, first (as event streams send it), in
/// compact or spaced-out form, the tag sometimes escaped; else the document as serde_json writes it.
fn tag_first(u: &mut Unstructured<'_>, document: &Value) -> Result<Vec<u8>> {
    let Some((tag, object)) = document.get("type").zip(document.as_object()) else {
        return Ok(serde_json::to_vec(document).unwrap_or_default());
    };
    let space: &str = u.choose(&["", " ", "\n  ", "\t"])?;
    let mut tag_text = tag.to_string();
    if u.ratio(1, 8)? {
        // The same string with an escape in it: the fast path must hand over to the general one.
        tag_text = tag_text.replacen('_', "\\u005f", 1);
    }
    let mut text = format!("{space}{{{space}\"type\"{space}:{space}{tag_text}");
    if u.ratio(1, 8)? {
        // Broken where the fast path picks up the rest of the object: both paths must reject it.
        text.push_str(u.choose(&[",", "}", "\"", ":", "]", ",}"])?);
    }
    for (key, value) in object.iter().filter(|(key, _)| *key != "type") {
        text.push_str(&format!(",{space}{}:{}", Value::from(key.as_str()), value));
    }
    text.push_str(&format!("{space}}}"));
    Ok(text.into_bytes())
}

/// The fast path of a discriminated union ([`TaggedJson`](llama_cloud::runtime::TaggedJson)) decodes
/// exactly what the general path does, or fails where it fails. One decoder serves every input, as one
/// serves every event of a stream: its buffer still holds an earlier input's text.
pub fn tagged_fast_path_agrees<T>(bytes: &[u8])
where
    T: llama_cloud::runtime::TaggedUnion + DeserializeOwned + PartialEq + std::fmt::Debug,
{
    thread_local! {
        static DECODER: std::cell::RefCell<llama_cloud::runtime::TaggedJson> = Default::default();
    }
    let name = std::any::type_name::<T>();
    let fast = DECODER.with_borrow_mut(|decoder| decoder.decode::<T>(bytes));
    let general = serde_json::from_slice::<T>(bytes);
    match (fast, general) {
        (Ok(fast), Ok(general)) => assert_eq!(fast, general, "{name}: the fast path decodes {} differently", String::from_utf8_lossy(bytes)),
        (Err(_), Err(_)) => {}
        (fast, general) => panic!("{name}: fast path {fast:?}, general path {general:?} for {}", String::from_utf8_lossy(bytes)),
    }
}

/// The property of [`decode`] for one type (the build script lists every type with this).
pub fn decodes_and_round_trips<T>(bytes: &[u8])
where
    T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug,
{
    let name = std::any::type_name::<T>();
    match decode_json::<T>(bytes) {
        Ok(value) => {
            let encoded = serde_json::to_vec(&value).unwrap_or_else(|e| panic!("{name} decoded but does not encode: {e}: {value:?}"));
            let again: T = decode_json(&encoded).unwrap_or_else(|e| {
                panic!("{name} does not re-decode its own encoding: {e}\n  input: {}\n  encoded: {}", String::from_utf8_lossy(bytes), String::from_utf8_lossy(&encoded))
            });
            assert_eq!(again, value, "{name} changed in a round trip of {}", String::from_utf8_lossy(bytes));
        }
        Err(Error::Decode { body, .. }) => assert_eq!(body.as_bytes(), String::from_utf8_lossy(bytes).as_bytes(), "the decode error keeps the body"),
        Err(other) => panic!("{name}: decoding gave {other:?}"),
    }
}

/// A JSON value whose keys and strings mostly come from the SDK's wire names.
pub fn json_value(u: &mut Unstructured<'_>, depth: u32) -> Result<Value> {
    let kinds = if depth == 0 { 4 } else { 6 };
    Ok(match u.int_in_range(0..=kinds)? {
        0 => Value::Null,
        1 => Value::Bool(u.arbitrary()?),
        2 => number(u)?,
        3 => Value::String(if u.ratio(3, 4)? { u.choose(DICTIONARY)?.to_string() } else { u.arbitrary()? }),
        4 => Value::String(timestamp_text(u)?),
        5 => Value::Array((0..u.int_in_range(0..=4)?).map(|_| json_value(u, depth - 1)).collect::<Result<_>>()?),
        _ => {
            let mut object = serde_json::Map::new();
            for _ in 0..u.int_in_range(0..=6)? {
                let key = if u.ratio(4, 5)? { u.choose(DICTIONARY)?.to_string() } else { u.arbitrary()? };
                object.insert(key, json_value(u, depth - 1)?);
            }
            Value::Object(object)
        }
    })
}

fn number(u: &mut Unstructured<'_>) -> Result<Value> {
    Ok(match u.int_in_range(0..=3)? {
        0 => Value::from(u.int_in_range(-2i64..=100)?),
        1 => Value::from(u.arbitrary::<i64>()?),
        2 => Value::from(u.arbitrary::<u64>()?),
        _ => serde_json::Number::from_f64(u.arbitrary()?).map_or(Value::Null, Value::Number),
    })
}

fn timestamp_text(u: &mut Unstructured<'_>) -> Result<String> {
    let forms = ["2024-05-01T10:00:00Z", "2024-05-01T10:00:00", "2024-05-01T10:00:00.123+02:00", "2024-05-01", "now", "", "2024-13-45T99:99:99Z"];
    Ok(u.choose(&forms)?.to_string())
}

/// One of the spec's examples with a few parts replaced, removed or retyped.
fn mutated_example(u: &mut Unstructured<'_>) -> Result<Value> {
    let mut document: Value = serde_json::from_str(u.choose(EXAMPLES)?).unwrap_or(Value::Null);
    for _ in 0..u.int_in_range(0..=4)? {
        mutate(u, &mut document, 0)?;
    }
    Ok(document)
}

fn mutate(u: &mut Unstructured<'_>, value: &mut Value, depth: u32) -> Result<()> {
    let descend = depth < 8 && u.ratio(3, 4)?;
    match value {
        Value::Object(object) if descend && !object.is_empty() => {
            let key = object.keys().nth(u.choose_index(object.len())?).cloned().unwrap_or_default();
            match u.int_in_range(0..=5)? {
                0 => {
                    object.remove(&key);
                }
                1 => {
                    object.insert(u.choose(DICTIONARY)?.to_string(), json_value(u, 2)?);
                }
                _ => {
                    if let Some(child) = object.get_mut(&key) {
                        mutate(u, child, depth + 1)?;
                    }
                }
            }
        }
        Value::Array(items) if descend && !items.is_empty() => {
            let index = u.choose_index(items.len())?;
            if u.ratio(1, 4)? {
                items.remove(index);
            } else {
                mutate(u, &mut items[index], depth + 1)?;
            }
        }
        _ => *value = json_value(u, 2)?,
    }
    Ok(())
}

/// Error responses: any status, headers and body give an error that keeps them, and the retry
/// headers never give a delay outside (0, 60 s] or a panic.
pub fn errors(u: &mut Unstructured<'_>) -> Result<()> {
    let status = StatusCode::from_u16(u.int_in_range(100..=999)?).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut headers = HeaderMap::new();
    for _ in 0..u.int_in_range(0..=4)? {
        let name: &str = u.choose(&["retry-after", "retry-after-ms", "x-request-id", "x-should-retry", "content-type"])?;
        let value = header_value(u)?;
        if let Ok(value) = HeaderValue::from_bytes(&value) {
            headers.append(name, value);
        }
    }
    let body = if u.ratio(1, 2)? {
        let mut object = serde_json::Map::new();
        for key in ["detail", "message", "error"] {
            if u.ratio(1, 2)? {
                object.insert(key.to_string(), json_value(u, 2)?);
            }
        }
        serde_json::to_vec(&Value::Object(object)).unwrap_or_default()
    } else {
        u.arbitrary()?
    };

    let error = Error::from_response(status, headers.clone(), &body);
    assert_eq!(error.status(), Some(status));
    let api = error.api_error().expect("an error response has details");
    assert_eq!(api.body, String::from_utf8_lossy(&body));
    assert!(!api.message.is_empty(), "the message is never empty");
    assert_eq!(error.request_id(), headers.get("x-request-id").and_then(|v| v.to_str().ok()));
    let _ = (error.to_string(), format!("{error:?}"), api.json());

    let now = SystemTime::now();
    if let Some(delay) = server_delay(&headers, now) {
        assert!(!delay.is_zero() && delay <= MAX_SERVER_DELAY, "server delay {delay:?} from {headers:?}");
    }
    let policy = RetryPolicy {
        max_retries: u.arbitrary()?,
        base_delay: Duration::from_millis(u.int_in_range(0..=100_000)?),
        max_delay: Duration::from_millis(u.int_in_range(0..=100_000)?),
    };
    let retry: u32 = u.arbitrary()?;
    assert!(policy.backoff(retry) <= policy.max_delay);
    assert!(policy.delay(retry, Some(&headers)) <= policy.max_delay.max(MAX_SERVER_DELAY));
    let decided = should_retry(status, &headers);
    match headers.get("x-should-retry").and_then(|v| v.to_str().ok()).map(str::trim) {
        Some(v) if v.eq_ignore_ascii_case("true") => assert!(decided),
        Some(v) if v.eq_ignore_ascii_case("false") => assert!(!decided),
        _ => assert_eq!(decided, matches!(status.as_u16(), 408 | 409 | 429) || status.is_server_error()),
    }
    Ok(())
}

fn header_value(u: &mut Unstructured<'_>) -> Result<Vec<u8>> {
    Ok(match u.int_in_range(0..=5)? {
        0 => u.int_in_range(-5i64..=100_000)?.to_string().into_bytes(),
        1 => format!("{}", u.arbitrary::<f64>()?).into_bytes(),
        2 => {
            let offset = Duration::from_secs(u.int_in_range(0..=200)?);
            let when = if u.ratio(1, 2)? { SystemTime::now() + offset } else { SystemTime::now() - offset };
            httpdate::fmt_http_date(when).into_bytes()
        }
        3 => u.choose(&["true", "false", " TRUE ", "1e309", "NaN", "inf", "-0", "0.0001", "60", "61", ""])?.as_bytes().to_vec(),
        _ => u.arbitrary()?,
    })
}

/// A page as the cursor logic sees it.
#[derive(Debug, Deserialize)]
struct FakePage {
    items: Vec<u8>,
    next: Option<String>,
    total: Option<u64>,
}

impl PageResponse for FakePage {
    type Item = u8;

    fn items(&self) -> &[u8] {
        &self.items
    }

    fn into_items(self) -> Vec<u8> {
        self.items
    }

    fn next_cursor(&self) -> Option<&str> {
        self.next.as_deref()
    }

    fn total_size(&self) -> Option<u64> {
        self.total
    }
}

/// Page cursors: the next request of any page of any request follows its scheme exactly, and stops
/// on an empty page, a missing cursor or the total.
pub fn pages(u: &mut Unstructured<'_>) -> Result<()> {
    let names = ["page_token", "offset", "limit", "q"];
    let mut request = ApiRequest::new(Method::GET, "/items");
    for _ in 0..u.int_in_range(0..=4)? {
        let value = if u.ratio(1, 2)? { u.int_in_range(0u64..=u64::MAX)?.to_string() } else { u.arbitrary()? };
        request.query(u.choose(&names)?, value);
    }
    for _ in 0..u.int_in_range(0..=2)? {
        let value = if u.ratio(1, 2)? { u.int_in_range(0u64..=1_000_000)?.to_string() } else { u.arbitrary()? };
        request.options.query.push((u.choose(&names)?.to_string(), value));
    }
    request.body = match u.int_in_range(0..=2)? {
        0 => Body::Empty,
        1 => Body::Json(serde_json::json!({"filter": json_value(u, 1)?, "page_token": json_value(u, 0)?})),
        _ => Body::Json(json_value(u, 1)?),
    };
    let scheme = *u.choose(&[
        PageScheme::QueryCursor { param: "page_token" },
        PageScheme::BodyCursor { field: "page_token" },
        PageScheme::Offset { param: "offset" },
    ])?;
    // The cursor this request sends: the last per-request value, else the request's own.
    let sent: Option<String> = match scheme {
        PageScheme::QueryCursor { param } => match request.options.query.iter().rev().find(|(n, _)| n == param) {
            Some((_, value)) => Some(value.clone()),
            None => request.query_value(param).map(str::to_owned),
        },
        PageScheme::BodyCursor { field } => match &request.body {
            Body::Json(Value::Object(body)) => body.get(field).and_then(Value::as_str).map(str::to_owned),
            _ => None,
        },
        _ => None,
    };
    let next_cursor = match u.int_in_range(0..=9)? {
        0 | 1 => None,
        // A server that answers with the cursor it was sent.
        2 | 3 => sent.clone().or(Some(u.arbitrary()?)),
        _ => Some(u.arbitrary()?),
    };
    let page = FakePage {
        items: u.arbitrary()?,
        next: next_cursor,
        total: if u.ratio(1, 3)? { None } else { Some(u.int_in_range(0..=1_000_000)?) },
    };
    let next = scheme.next_request(&request, &page);
    // A repeated cursor ends the list like a missing one: the list never loops.
    let cursor = page.next.as_deref().filter(|c| !c.is_empty() && Some(*c) != sent.as_deref());
    if page.items.is_empty() {
        assert!(matches!(next, Ok(None)), "an empty page is the last");
        return Ok(());
    }
    match scheme {
        PageScheme::QueryCursor { param } => match (next, cursor) {
            (Ok(None), None) => {}
            (Ok(Some(next)), Some(cursor)) => {
                let values: Vec<&str> = next.query.iter().filter(|(n, _)| n == param).map(|(_, v)| v.as_str()).collect();
                assert_eq!(values, [cursor], "exactly one cursor, the page's");
                assert!(next.options.query.iter().all(|(n, _)| n != param), "no per-request cursor overrides it");
            }
            other => panic!("query cursor {cursor:?} gave {other:?}"),
        },
        PageScheme::BodyCursor { field } => match (next, cursor, &request.body) {
            (Ok(None), None, _) => {}
            (Ok(Some(next)), Some(cursor), Body::Empty | Body::Json(Value::Object(_))) => match &next.body {
                Body::Json(Value::Object(body)) => assert_eq!(body.get(field), Some(&Value::String(cursor.to_string()))),
                other => panic!("the next body is not an object: {other:?}"),
            },
            (Err(Error::InvalidRequest(_)), Some(_), Body::Json(body)) => assert!(!body.is_object()),
            other => panic!("body cursor {cursor:?} gave {other:?}"),
        },
        PageScheme::Offset { param } => {
            let current = match request.options.query.iter().rev().find(|(n, _)| n == param) {
                Some((_, v)) => Some(v.as_str()),
                None => request.query_value(param),
            };
            let current = current.map(|v| v.trim().parse::<u64>());
            match (next, &current) {
                (Err(Error::InvalidRequest(_)), Some(Err(_))) => {}
                (Ok(result), None | Some(Ok(_))) => {
                    let offset = current.as_ref().and_then(|c| c.as_ref().ok().copied()).unwrap_or(0).saturating_add(page.items.len() as u64);
                    match result {
                        None => assert!(page.total.is_some_and(|total| offset >= total), "stopped before the total"),
                        Some(next) => {
                            let values: Vec<&str> = next.query.iter().filter(|(n, _)| n == param).map(|(_, v)| v.as_str()).collect();
                            assert_eq!(values, [offset.to_string()]);
                        }
                    }
                }
                other => panic!("offset {current:?} gave {other:?}"),
            }
        }
    }
    Ok(())
}
