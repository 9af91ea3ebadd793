//! SDK benchmarks: decoding, request overhead, paging and server-sent events, each against the
//! same work done with plain `reqwest` + `serde_json`, interleaved in one process.

use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_util::StreamExt;
use llama_cloud::runtime::{SseParser, SseStream};
use llama_cloud::types::{AgentData, AgentDataPage, ChatEvent, TextDeltaEvent};
use llama_cloud::{EventStream, LlamaCloud};

use crate::server::{self, Content};
use crate::util::{median, proc_status_kb};

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap()
}

pub fn client(url: &str) -> LlamaCloud {
    LlamaCloud::builder().api_key("k").base_url(url).max_retries(0).build().expect("client")
}

/// A page of `n` agent-data items, as the API sends it (several MB for 10,000).
pub fn big_page(n: u64) -> Vec<u8> {
    let mut out = b"{\"items\":[".to_vec();
    for i in 0..n {
        if i > 0 {
            out.push(b',');
        }
        use std::io::Write;
        let _ = write!(
            out,
            "{{\"data\":{{\"title\":\"Invoice {i} for ACME Corporation\",\"amount\":{}.{:02},\"currency\":\"USD\",\"paid\":{},\"lines\":[{{\"sku\":\"A-{i}\",\"qty\":{},\"price\":12.5}},{{\"sku\":\"B-{i}\",\"qty\":1,\"price\":99.99}}],\"customer\":{{\"id\":\"cus_{i:06}\",\"name\":\"Customer number {i}\",\"country\":\"DE\"}},\"notes\":null}},\"deployment_name\":\"invoices-agent\",\"id\":\"6f1c2b9e-{i:04}-4c1e-9a8b-1234567890ab\",\"collection\":\"invoices\",\"created_at\":\"2024-05-01T12:34:56.789Z\",\"project_id\":\"4b0f8a47-2d7e-4c58-9d3e-8f0b1a2c3d4e\",\"updated_at\":\"2024-05-02T08:00:00Z\"}}",
            i * 7 % 1000,
            i % 100,
            i % 3 == 0,
            i % 5 + 1
        );
    }
    out.extend_from_slice(b"],\"next_page_token\":\"tok\",\"total_size\":1000000}");
    out
}

/// The SDK's decoding path, exactly as the client runs it on every JSON response.
fn sdk_decode<T: serde::de::DeserializeOwned>(body: &[u8]) -> T {
    llama_cloud::runtime::request::decode_json(body).expect("decode")
}

pub struct DecodeResult {
    pub bytes: usize,
    pub value: f64,
    pub typed: f64,
    pub sdk: f64,
}

/// Decode throughput of one large page: `Value`, typed `from_slice`, and the SDK's decode path.
pub fn decode(items: u64, rounds: usize) -> DecodeResult {
    let body = big_page(items);
    // Warm up and check.
    let page: AgentDataPage = sdk_decode(&body);
    assert_eq!(page.items.len() as u64, items);
    drop(page);
    let (mut v, mut t, mut s) = (vec![], vec![], vec![]);
    // Each round takes the three in another order: in a fixed one, the SDK path (the same decode as
    // the typed `from_slice`) always ran right after the typed decode's page was freed, and measured
    // 0.98x to its 1.07x.
    for round in 0..rounds {
        for step in 0..3 {
            match (round + step) % 3 {
                0 => {
                    let start = Instant::now();
                    let value: serde_json::Value = serde_json::from_slice(&body).unwrap();
                    v.push(start.elapsed().as_secs_f64());
                    drop(value);
                }
                1 => {
                    let start = Instant::now();
                    let page: AgentDataPage = serde_json::from_slice(&body).unwrap();
                    t.push(start.elapsed().as_secs_f64());
                    drop(page);
                }
                _ => {
                    let start = Instant::now();
                    let page: AgentDataPage = sdk_decode(&body);
                    s.push(start.elapsed().as_secs_f64());
                    drop(page);
                }
            }
        }
    }
    DecodeResult { bytes: body.len(), value: median(&mut v), typed: median(&mut t), sdk: median(&mut s) }
}

fn small_object() -> Bytes {
    Bytes::from_static(
        br#"{"data":{"title":"Invoice 1","amount":12.5,"paid":true},"deployment_name":"invoices-agent","id":"6f1c2b9e-0001-4c1e-9a8b-1234567890ab","collection":"invoices","created_at":"2024-05-01T12:34:56.789Z","project_id":"4b0f8a47-2d7e-4c58-9d3e-8f0b1a2c3d4e","updated_at":"2024-05-02T08:00:00Z"}"#,
    )
}

pub fn sse_body(events: usize) -> Bytes {
    let mut out = Vec::with_capacity(events * 80);
    for i in 0..events {
        if i % 50 == 0 {
            out.extend_from_slice(b": keep-alive\n\n");
        }
        out.extend_from_slice(format!("event: message\ndata: {{\"type\":\"text_delta\",\"content\":\"token {i} of the answer \"}}\n\n").as_bytes());
    }
    out.extend_from_slice(b"data: [DONE]\n\n");
    Bytes::from(out)
}

pub struct RequestResult {
    pub sdk_seq: f64,
    pub raw_seq: f64,
    pub sdk_conc: f64,
    pub raw_conc: f64,
    pub concurrency: usize,
}

async fn raw_get(http: &reqwest::Client, url: &str) -> AgentData {
    let response = http
        .get(url)
        .header("authorization", "Bearer k")
        .header("accept", "application/json")
        .send()
        .await
        .expect("raw request");
    assert!(response.status().is_success());
    let body = response.bytes().await.expect("raw body");
    serde_json::from_slice(&body).expect("raw decode")
}

/// The agent-data object the request benchmarks answer with.
pub fn small_object_text() -> String {
    String::from_utf8_lossy(&small_object()).into_owned()
}

/// Requests per second: the SDK's `agent_data().get(id)` against raw reqwest + serde_json doing the
/// same GET and decoding the same type; sequential and with `concurrency` in flight. Against
/// `server_url` (nginx), else the harness's own server.
pub fn requests(per_batch: usize, rounds: usize, concurrency: usize, server_url: Option<&str>) -> RequestResult {
    let rt = runtime();
    rt.block_on(async {
        let content = Content { small: small_object(), sse: Bytes::new() };
        let server = server::start(content, (per_batch * rounds * 4 + 1000) as u64, Duration::from_secs(300)).await;
        let url = server_url.map_or_else(|| server.url(), str::to_owned);
        let sdk = client(&url);
        let http = reqwest::Client::new();
        let raw_url = format!("{url}/api/v1/beta/agent-data/item-1");
        // Warm up both connection pools.
        for _ in 0..50 {
            sdk.beta().agent_data().get("item-1").await.expect("sdk request");
            raw_get(&http, &raw_url).await;
        }
        // Totals over all rounds: the ratios are of totals, each side having taken its turns under
        // the same spells of a shared machine's speed.
        let (mut sdk_seq, mut raw_seq, mut sdk_conc, mut raw_conc) = (Duration::ZERO, Duration::ZERO, Duration::ZERO, Duration::ZERO);
        for round in 0..rounds {
            // Sequential: the SDK and the raw client take turns request by request, each going first
            // every other time.
            for i in 0..per_batch {
                for sdk_turn in if (round + i) % 2 == 0 { [true, false] } else { [false, true] } {
                    let start = Instant::now();
                    if sdk_turn {
                        std::hint::black_box(sdk.beta().agent_data().get("item-1").await.expect("sdk request"));
                        sdk_seq += start.elapsed();
                    } else {
                        std::hint::black_box(raw_get(&http, &raw_url).await);
                        raw_seq += start.elapsed();
                    }
                }
            }
            // `concurrency` in flight: a batch each, the SDK first every other round.
            for sdk_turn in if round % 2 == 0 { [true, false] } else { [false, true] } {
                if sdk_turn {
                    sdk_conc += in_flight(per_batch, concurrency, || {
                        let sdk = sdk.clone();
                        async move { sdk.beta().agent_data().get("item-1").await.expect("sdk request") }
                    })
                    .await;
                } else {
                    raw_conc += in_flight(per_batch, concurrency, || raw_get(&http, &raw_url)).await;
                }
            }
        }
        let rate = |total: Duration| (per_batch * rounds) as f64 / total.as_secs_f64();
        drop(server);
        RequestResult { sdk_seq: rate(sdk_seq), raw_seq: rate(raw_seq), sdk_conc: rate(sdk_conc), raw_conc: rate(raw_conc), concurrency }
    })
}

/// Result of one paging run (in a child process, so its peak RSS is its own).
pub struct PagingResult {
    pub items: u64,
    pub secs: f64,
    pub rss_start_kb: u64,
    pub rss_end_kb: u64,
    pub hwm_kb: u64,
}

impl PagingResult {
    pub fn to_line(&self) -> String {
        format!("PAGING items={} secs={} rss_start_kb={} rss_end_kb={} hwm_kb={}", self.items, self.secs, self.rss_start_kb, self.rss_end_kb, self.hwm_kb)
    }
    pub fn parse(text: &str) -> Option<PagingResult> {
        let line = text.lines().find(|l| l.starts_with("PAGING "))?;
        let field = |name: &str| line.split_whitespace().find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='));
        Some(PagingResult {
            items: field("items")?.parse().ok()?,
            secs: field("secs")?.parse().ok()?,
            rss_start_kb: field("rss_start_kb")?.parse().ok()?,
            rss_end_kb: field("rss_end_kb")?.parse().ok()?,
            hwm_kb: field("hwm_kb")?.parse().ok()?,
        })
    }
}

/// Pages through `total` items, 1,000 per page: through the SDK's `.items()` stream, or (`raw`) with
/// reqwest + serde_json following the cursor by hand.
pub fn paging(total: u64, raw: bool) -> PagingResult {
    const PAGE: i64 = 1000;
    let rt = runtime();
    rt.block_on(async {
        let content = Content { small: Bytes::new(), sse: Bytes::new() };
        let server = server::start(content, total / PAGE as u64 + 100, Duration::from_secs(240)).await;
        let sdk = client(&server.url());
        let http = reqwest::Client::new();
        let name = format!("bench-{total}");
        let rss_start_kb = proc_status_kb("VmRSS");
        let start = Instant::now();
        let mut items = 0u64;
        if raw {
            let url = format!("{}/api/v1/beta/agent-data/:search", server.url());
            let mut token: Option<String> = None;
            loop {
                let body = serde_json::json!({"deployment_name": name, "page_size": PAGE, "page_token": token});
                let response = http
                    .post(&url)
                    .header("authorization", "Bearer k")
                    .header("content-type", "application/json")
                    .body(serde_json::to_vec(&body).unwrap())
                    .send()
                    .await
                    .expect("raw page");
                let bytes = response.bytes().await.expect("raw body");
                let page: AgentDataPage = serde_json::from_slice(&bytes).expect("raw decode");
                for item in page.items {
                    std::hint::black_box(item);
                    items += 1;
                }
                match page.next_page_token {
                    Some(t) if !t.is_empty() => token = Some(t),
                    _ => break,
                }
            }
        } else {
            let mut stream = sdk.beta().agent_data().search(name).page_size(PAGE).items();
            while let Some(item) = stream.next().await {
                std::hint::black_box(item.expect("sdk item"));
                items += 1;
            }
        }
        let secs = start.elapsed().as_secs_f64();
        drop(server);
        PagingResult { items, secs, rss_start_kb, rss_end_kb: proc_status_kb("VmRSS"), hwm_kb: proc_status_kb("VmHWM") }
    })
}

/// How long `calls` calls of `call` take with `concurrency` of them in flight.
async fn in_flight<T, F: std::future::Future<Output = T>>(calls: usize, concurrency: usize, mut call: impl FnMut() -> F) -> Duration {
    let start = Instant::now();
    futures_util::stream::iter(0..calls)
        .map(|_| call())
        .buffer_unordered(concurrency)
        .for_each(|item| async move {
            std::hint::black_box(item);
        })
        .await;
    start.elapsed()
}

pub struct SseResult {
    pub bytes: usize,
    pub sdk_net: f64,
    pub raw_net: f64,
    pub parser_mem: f64,
    pub stream_mem: f64,
    pub direct_mem: f64,
    pub union_mem: f64,
}

/// Events in one in-memory segment: the compared decoders take turns segment by segment (a few
/// milliseconds each), so a slow spell of a shared machine falls on both alike.
const SSE_SEGMENT: usize = 10_000;

/// Events per second: the SDK's `chat().stream(..)` over loopback against reading the same body with
/// reqwest; in memory, the SDK's parser alone, its typed `EventStream<ChatEvent>`, and a direct
/// split-and-decode into the event's struct and into the union. The in-memory rounds run on a runtime
/// of their own, once the loopback server and its connections are gone, over segments of
/// [`SSE_SEGMENT`] events, each decoder in turn (in an order that rotates), timed in total.
pub fn sse(events: usize, rounds: usize) -> SseResult {
    let body = sse_body(events);
    let (sdk_net, raw_net) = sse_over_loopback(&body, events, rounds);
    let segments: Vec<(Bytes, Vec<Bytes>)> = (0..events.div_ceil(SSE_SEGMENT))
        .map(|_| {
            let body = sse_body(SSE_SEGMENT);
            let chunks = body.chunks(16 * 1024).map(Bytes::copy_from_slice).collect();
            (body, chunks)
        })
        .collect();
    let rt = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
    // Total seconds of the parser, the typed stream, the direct decode and the union decode.
    let mut totals = [0.0f64; 4];
    for round in 0..=rounds {
        for (i, (body, chunks)) in segments.iter().enumerate() {
            for step in 0..4 {
                let which = (step + round + i) % 4;
                let secs = match which {
                    0 => parse_only(chunks, SSE_SEGMENT),
                    1 => rt.block_on(decode_stream(chunks, SSE_SEGMENT)),
                    2 => split_and_decode::<TextDeltaEvent>(body, SSE_SEGMENT),
                    _ => split_and_decode::<ChatEvent>(body, SSE_SEGMENT),
                };
                // The first round warms up.
                if round > 0 {
                    totals[which] += secs;
                }
            }
        }
    }
    let decoded = (segments.len() * SSE_SEGMENT * rounds) as f64;
    SseResult {
        bytes: body.len(),
        sdk_net,
        raw_net,
        parser_mem: decoded / totals[0],
        stream_mem: decoded / totals[1],
        direct_mem: decoded / totals[2],
        union_mem: decoded / totals[3],
    }
}

/// Seconds to parse `chunks` with the SDK's parser alone, handing out borrowed events as the typed
/// stream reads them; checks that there were `events` (and the closing `[DONE]`).
fn parse_only(chunks: &[Bytes], events: usize) -> f64 {
    let start = Instant::now();
    let mut parser = SseParser::new();
    let mut n = 0;
    for chunk in chunks {
        let mut rest: &[u8] = chunk;
        while !rest.is_empty() {
            let (used, event) = parser.next_event(rest);
            n += usize::from(std::hint::black_box(event).is_some());
            rest = &rest[used..];
        }
    }
    assert_eq!(n, events + 1, "every event and the closing [DONE]");
    start.elapsed().as_secs_f64()
}

/// Events per second (median) of the SDK's `chat().stream(..)` and of reqwest reading the same body,
/// against the loopback server.
fn sse_over_loopback(body: &Bytes, events: usize, rounds: usize) -> (f64, f64) {
    let rt = runtime();
    rt.block_on(async {
        let content = Content { small: Bytes::new(), sse: body.clone() };
        let server = server::start(content, (rounds * 4 + 10) as u64, Duration::from_secs(300)).await;
        let sdk = client(&server.url());
        let http = reqwest::Client::new();
        let url = format!("{}/api/v1/chat/s1/messages/stream", server.url());
        let (mut sn, mut rn) = (vec![], vec![]);
        for round in 0..=rounds {
            let start = Instant::now();
            let mut stream = sdk.beta().chat().stream("s1", ["i1"], "hello").await.expect("sdk stream");
            let mut n = 0;
            while let Some(event) = stream.next().await {
                std::hint::black_box(event.expect("sdk event"));
                n += 1;
            }
            assert_eq!(n, events);
            let sdk_secs = start.elapsed().as_secs_f64();
            let start = Instant::now();
            let response = http
                .post(&url)
                .header("authorization", "Bearer k")
                .header("accept", "text/event-stream")
                .header("content-type", "application/json")
                .body(r#"{"index_ids":["i1"],"prompt":"hello"}"#)
                .send()
                .await
                .expect("raw stream");
            let mut bytes = response.bytes_stream();
            let mut len = 0;
            while let Some(chunk) = bytes.next().await {
                len += chunk.expect("raw chunk").len();
            }
            assert_eq!(len, body.len());
            let raw_secs = start.elapsed().as_secs_f64();
            if round > 0 {
                sn.push(events as f64 / sdk_secs);
                rn.push(events as f64 / raw_secs);
            }
        }
        drop(server);
        (median(&mut sn), median(&mut rn))
    })
}

/// Seconds to decode `chunks` through the typed event stream, built as the SDK builds it for a
/// discriminated union (`chat().stream()`); checks that there were `events`.
async fn decode_stream(chunks: &[Bytes], events: usize) -> f64 {
    let start = Instant::now();
    // An owned copy (of the handles, not the bytes): the stream must be `'static`.
    let owned: Vec<Bytes> = chunks.iter().map(Bytes::clone).collect();
    let source = futures_util::stream::iter(owned.into_iter().map(Ok::<Bytes, std::io::Error>));
    let mut stream = EventStream::<ChatEvent>::tagged(SseStream::from_byte_stream(source));
    let mut n = 0;
    while let Some(event) = stream.next().await {
        std::hint::black_box(event.expect("event"));
        n += 1;
    }
    assert_eq!(n, events);
    start.elapsed().as_secs_f64()
}

/// Seconds to split an SSE body on newlines and decode each `data:` line as `T` (the baseline the typed
/// event stream is measured against); checks that there were `events`.
fn split_and_decode<T: serde::de::DeserializeOwned>(body: &[u8], events: usize) -> f64 {
    let start = Instant::now();
    let mut n = 0;
    for line in body.split(|&b| b == b'\n') {
        if let Some(data) = line.strip_prefix(b"data: ") {
            if data != b"[DONE]" {
                let event: T = serde_json::from_slice(data).expect("direct decode");
                std::hint::black_box(event);
                n += 1;
            }
        }
    }
    assert_eq!(n, events);
    start.elapsed().as_secs_f64()
}

/// Result of one soak run (in a child process, so its peak RSS is its own).
pub struct SoakResult {
    pub streams: u64,
    pub lists: u64,
    /// Streams and lists that ended with exactly the expected count and no error.
    pub complete_streams: u64,
    pub complete_lists: u64,
    pub events: u64,
    pub items: u64,
    pub secs: f64,
    pub hwm_kb: u64,
}

impl SoakResult {
    pub fn to_line(&self) -> String {
        format!(
            "SOAK streams={} lists={} complete_streams={} complete_lists={} events={} items={} secs={} hwm_kb={}",
            self.streams, self.lists, self.complete_streams, self.complete_lists, self.events, self.items, self.secs, self.hwm_kb
        )
    }

    pub fn parse(text: &str) -> Option<SoakResult> {
        let line = text.lines().find(|l| l.starts_with("SOAK "))?;
        let field = |name: &str| -> Option<f64> { line.split_whitespace().find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))?.parse().ok() };
        Some(SoakResult {
            streams: field("streams")? as u64,
            lists: field("lists")? as u64,
            complete_streams: field("complete_streams")? as u64,
            complete_lists: field("complete_lists")? as u64,
            events: field("events")? as u64,
            items: field("items")? as u64,
            secs: field("secs")?,
            hwm_kb: field("hwm_kb")? as u64,
        })
    }
}

/// How many items `stream` yields, or `None` at its first error.
async fn count_ok<T, E>(mut stream: impl futures_util::Stream<Item = Result<T, E>> + Unpin) -> Option<u64> {
    let mut n = 0;
    while let Some(item) = stream.next().await {
        std::hint::black_box(item.ok()?);
        n += 1;
    }
    Some(n)
}

/// `streams` chat streams of `events` events and `lists` paginations of `items` items (100 a page),
/// all at once through one client; counts what each one received.
pub fn soak(streams: u64, lists: u64, events: usize, items: u64) -> SoakResult {
    const PAGE: i64 = 100;
    let rt = runtime();
    rt.block_on(async {
        let content = Content { small: Bytes::new(), sse: sse_body(events) };
        let requests = streams + lists * (items.div_ceil(PAGE as u64) + 1) + 100;
        let server = server::start(content, requests, Duration::from_secs(600)).await;
        let sdk = client(&server.url());
        let start = Instant::now();
        let stream_tasks: Vec<_> = (0..streams)
            .map(|_| {
                let sdk = sdk.clone();
                tokio::spawn(async move { count_ok(sdk.beta().chat().stream("s1", ["i1"], "hello").await.ok()?).await })
            })
            .collect();
        let list_tasks: Vec<_> = (0..lists)
            .map(|_| {
                let sdk = sdk.clone();
                let name = format!("bench-{items}");
                tokio::spawn(async move { count_ok(sdk.beta().agent_data().search(name).page_size(PAGE).items()).await })
            })
            .collect();
        let (mut complete_streams, mut complete_lists, mut total_events, mut total_items) = (0, 0, 0, 0);
        for task in stream_tasks {
            if let Ok(Some(n)) = task.await {
                total_events += n;
                complete_streams += u64::from(n == events as u64);
            }
        }
        for task in list_tasks {
            if let Ok(Some(n)) = task.await {
                total_items += n;
                complete_lists += u64::from(n == items);
            }
        }
        let secs = start.elapsed().as_secs_f64();
        drop(server);
        SoakResult {
            streams,
            lists,
            complete_streams,
            complete_lists,
            events: total_events,
            items: total_items,
            secs,
            hwm_kb: proc_status_kb("VmHWM"),
        }
    })
}
