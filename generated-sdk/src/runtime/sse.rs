// Copied by openapi-sdkgen from templates/src/runtime/sse.rs. Edit the template, not this file.

//! Server-sent events (`text/event-stream`): a spec-compliant parser ([`SseParser`]), the raw
//! event stream ([`SseStream`]) and the typed one ([`EventStream`]).
//!
//! Parsing follows the WHATWG HTML specification: lines end with CRLF, LF or CR; `data:` lines
//! are joined with `\n`; lines starting with `:` are comments; `event:`, `id:` and `retry:` set
//! the event's type, id and reconnection time; a blank line dispatches the event; an event not
//! followed by a blank line when the stream ends is discarded. Chunks from the network may split
//! lines anywhere, even inside a UTF-8 character or between CR and LF.

use std::collections::VecDeque;
use std::fmt;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_core::Stream;
use serde::de::DeserializeOwned;

use crate::runtime::error::{BoxError, Error, Result};
use crate::runtime::request::decode_json;

/// One server-sent event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    /// The event type: the last `event:` field, or `"message"` when there was none.
    pub event: String,
    /// The data: the `data:` fields joined with `\n`.
    pub data: String,
    /// The last event id seen in the stream (`id:` fields persist across events), if any.
    pub id: Option<String>,
    /// The reconnection time in milliseconds, if this event carried a `retry:` field.
    pub retry: Option<u64>,
}

/// An incremental `text/event-stream` parser: feed it bytes as they arrive, get complete
/// events back.
#[derive(Debug, Default, Clone)]
pub struct SseParser {
    line: Vec<u8>,
    after_cr: bool,
    started: bool,
    event: String,
    data: String,
    has_data: bool,
    last_id: Option<String>,
    retry: Option<u64>,
}

impl SseParser {
    /// A parser at the start of a stream.
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses `chunk` and returns the events it completes.
    pub fn feed(&mut self, chunk: &[u8]) -> Vec<SseEvent> {
        let mut events = Vec::new();
        let mut rest = chunk;
        while !rest.is_empty() {
            if self.after_cr {
                self.after_cr = false;
                if rest[0] == b'\n' {
                    rest = &rest[1..];
                    continue;
                }
            }
            match rest.iter().position(|&b| b == b'\n' || b == b'\r') {
                Some(end) => {
                    self.after_cr = rest[end] == b'\r';
                    // A line wholly inside this chunk is parsed in place; only a line split across
                    // chunks is assembled in the buffer, which keeps its capacity for the next one.
                    let event = if self.line.is_empty() {
                        self.process_line(&rest[..end])
                    } else {
                        self.line.extend_from_slice(&rest[..end]);
                        let mut line = std::mem::take(&mut self.line);
                        let event = self.process_line(&line);
                        line.clear();
                        self.line = line;
                        event
                    };
                    rest = &rest[end + 1..];
                    if let Some(event) = event {
                        events.push(event);
                    }
                }
                None => {
                    self.line.extend_from_slice(rest);
                    rest = &[];
                }
            }
        }
        events
    }

    /// Ends the stream: an incomplete trailing event is discarded, as the specification says.
    pub fn finish(&mut self) {
        self.line.clear();
        self.after_cr = false;
        self.reset_event();
    }

    /// The last event id seen, if any.
    pub fn last_event_id(&self) -> Option<&str> {
        self.last_id.as_deref()
    }

    fn reset_event(&mut self) {
        self.event.clear();
        self.data.clear();
        self.has_data = false;
        self.retry = None;
    }

    fn process_line(&mut self, line: &[u8]) -> Option<SseEvent> {
        let mut line = String::from_utf8_lossy(line);
        if !self.started {
            self.started = true;
            if let Some(stripped) = line.strip_prefix('\u{feff}') {
                line = stripped.to_owned().into();
            }
        }
        if line.is_empty() {
            return self.dispatch();
        }
        if line.starts_with(':') {
            return None;
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line.as_ref(), ""),
        };
        match field {
            "event" => self.event = value.to_owned(),
            "data" => {
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(value);
                self.has_data = true;
            }
            "id" if !value.contains('\0') => self.last_id = Some(value.to_owned()),
            "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                self.retry = value.parse().ok();
            }
            _ => {}
        }
        None
    }

    fn dispatch(&mut self) -> Option<SseEvent> {
        if !self.has_data {
            self.reset_event();
            return None;
        }
        let event = if self.event.is_empty() { "message".to_owned() } else { std::mem::take(&mut self.event) };
        let dispatched = SseEvent {
            event,
            data: std::mem::take(&mut self.data),
            id: self.last_id.clone(),
            retry: self.retry,
        };
        self.reset_event();
        Some(dispatched)
    }
}

type ByteStream = Pin<Box<dyn Stream<Item = std::result::Result<Bytes, BoxError>> + Send + 'static>>;

/// A stream of raw [`SseEvent`]s parsed from a byte stream.
pub struct SseStream {
    bytes: Option<ByteStream>,
    parser: SseParser,
    queue: VecDeque<SseEvent>,
}

impl SseStream {
    /// Parses events from a stream of byte chunks (a response body).
    pub fn from_byte_stream<S, B, E>(stream: S) -> Self
    where
        S: Stream<Item = std::result::Result<B, E>> + Send + 'static,
        B: Into<Bytes> + 'static,
        E: Into<BoxError> + 'static,
    {
        let stream = MapChunks { inner: Box::pin(stream), _marker: PhantomData };
        SseStream { bytes: Some(Box::pin(stream)), parser: SseParser::new(), queue: VecDeque::new() }
    }
}

impl Stream for SseStream {
    type Item = Result<SseEvent>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if let Some(event) = this.queue.pop_front() {
                return Poll::Ready(Some(Ok(event)));
            }
            let Some(bytes) = this.bytes.as_mut() else { return Poll::Ready(None) };
            match bytes.as_mut().poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(chunk))) => this.queue.extend(this.parser.feed(&chunk)),
                Poll::Ready(Some(Err(error))) => {
                    this.bytes = None;
                    this.parser.finish();
                    return Poll::Ready(Some(Err(Error::connection(error))));
                }
                Poll::Ready(None) => {
                    this.bytes = None;
                    this.parser.finish();
                }
            }
        }
    }
}

impl fmt::Debug for SseStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SseStream").field("finished", &self.bytes.is_none()).finish_non_exhaustive()
    }
}

struct MapChunks<S, B, E> {
    inner: Pin<Box<S>>,
    _marker: PhantomData<fn() -> (B, E)>,
}

impl<S, B, E> Stream for MapChunks<S, B, E>
where
    S: Stream<Item = std::result::Result<B, E>>,
    B: Into<Bytes>,
    E: Into<BoxError>,
{
    type Item = std::result::Result<Bytes, BoxError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx).map(|item| item.map(|r| r.map(Into::into).map_err(Into::into)))
    }
}

/// A stream of server-sent events whose data is decoded as `E`.
///
/// Events with empty data are skipped, and a `[DONE]` data line ends the stream. Data that does
/// not decode gives [`Error::Decode`] with the raw data as `body`; the stream goes on after it.
/// An interrupted connection gives [`Error::Connection`] and ends the stream.
pub struct EventStream<E> {
    events: SseStream,
    _event: PhantomData<fn() -> E>,
}

impl<E: DeserializeOwned> EventStream<E> {
    /// Decodes the events of a raw event stream.
    pub fn new(events: SseStream) -> Self {
        EventStream { events, _event: PhantomData }
    }

    /// Parses and decodes events from a stream of byte chunks.
    pub fn from_byte_stream<S, B, Err>(stream: S) -> Self
    where
        S: Stream<Item = std::result::Result<B, Err>> + Send + 'static,
        B: Into<Bytes> + 'static,
        Err: Into<BoxError> + 'static,
    {
        Self::new(SseStream::from_byte_stream(stream))
    }

    /// The raw events, without decoding.
    pub fn into_raw(self) -> SseStream {
        self.events
    }
}

impl<E: DeserializeOwned> Stream for EventStream<E> {
    type Item = Result<E>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            let event = match Pin::new(&mut self.events).poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(error))) => return Poll::Ready(Some(Err(error))),
                Poll::Ready(Some(Ok(event))) => event,
            };
            if event.data.trim().is_empty() {
                continue;
            }
            if event.data.trim() == "[DONE]" {
                self.events.bytes = None;
                self.events.queue.clear();
                return Poll::Ready(None);
            }
            return Poll::Ready(Some(decode_json(event.data.as_bytes())));
        }
    }
}

impl<E> fmt::Debug for EventStream<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream").field("events", &self.events).finish()
    }
}
