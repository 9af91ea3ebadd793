// Copied by openapi-sdkgen from templates/src/runtime/sse.rs. Edit the template, not this file.

//! Server-sent events (`text/event-stream`): a spec-compliant parser ([`SseParser`]), the raw
//! event stream ([`SseStream`]) and the typed one ([`EventStream`]).
//!
//! Parsing follows the WHATWG HTML specification: lines end with CRLF, LF or CR; `data:` lines
//! are joined with `\n`; lines starting with `:` are comments; `event:`, `id:` and `retry:` set
//! the event's type, id and reconnection time; a blank line dispatches the event; an event not
//! followed by a blank line when the stream ends is discarded. Chunks from the network may split
//! lines anywhere, even inside a UTF-8 character or between CR and LF.

use std::fmt;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Buf, Bytes};
use futures_core::Stream;
use serde::de::DeserializeOwned;

use crate::runtime::error::{BoxError, Error, Result};
use crate::runtime::request::decode_json;
use crate::runtime::types::{TaggedJson, TaggedUnion};

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

/// An event as the parser completes it, borrowing from the parser: no allocation per event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventRef<'a> {
    /// The event type (`"message"` when there was no `event:` field).
    pub event: &'a str,
    /// The `data:` fields joined with `\n`.
    pub data: &'a str,
    /// The last event id seen in the stream, if any.
    pub id: Option<&'a str>,
    /// The reconnection time in milliseconds, if this event carried a `retry:` field.
    pub retry: Option<u64>,
}

impl From<EventRef<'_>> for SseEvent {
    fn from(event: EventRef<'_>) -> Self {
        SseEvent { event: event.event.to_owned(), data: event.data.to_owned(), id: event.id.map(str::to_owned), retry: event.retry }
    }
}

/// An incremental `text/event-stream` parser: feed it bytes as they arrive, get complete
/// events back.
#[derive(Debug, Default, Clone)]
pub struct SseParser {
    /// The start of a line split across chunks.
    line: Vec<u8>,
    after_cr: bool,
    started: bool,
    /// The event being built; its buffers are reused from one event to the next.
    event: String,
    data: String,
    has_data: bool,
    last_id: Option<String>,
    retry: Option<u64>,
    /// An event was handed out and is reset before parsing goes on.
    dispatched: bool,
    /// The event's only `data:` line so far, as a range of the input being parsed (copied into
    /// `data` only if the event does not end within that input).
    data_span: Option<(usize, usize)>,
}

const BOM: &[u8] = "\u{feff}".as_bytes();

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
            let (used, event) = self.next_event(rest);
            events.extend(event.map(SseEvent::from));
            rest = &rest[used..];
        }
        events
    }

    /// Parses `input` up to the end of the first event it completes: returns how many bytes it
    /// read and that event, if one completed (then the rest of `input` is for the next call).
    pub fn next_event<'a>(&'a mut self, input: &'a [u8]) -> (usize, Option<EventRef<'a>>) {
        let (used, complete) = self.parse(input);
        (used, if complete { Some(self.completed(input)) } else { None })
    }

    /// Parses `input` up to the end of the first event it completes: returns how many bytes it
    /// read and whether an event completed; [`completed`](Self::completed) then gives it.
    fn parse(&mut self, input: &[u8]) -> (usize, bool) {
        if self.dispatched {
            self.dispatched = false;
            self.reset_event();
        }
        let mut pos = 0;
        while pos < input.len() {
            if self.after_cr {
                self.after_cr = false;
                if input[pos] == b'\n' {
                    pos += 1;
                    continue;
                }
            }
            let rest = &input[pos..];
            // Blank lines (one per event) are common enough to skip the search.
            let end = match rest[0] {
                b'\n' | b'\r' => Some(0),
                _ => memchr::memchr2(b'\n', b'\r', rest),
            };
            let Some(end) = end else {
                self.keep_data(input);
                self.line.extend_from_slice(rest);
                return (input.len(), false);
            };
            self.after_cr = rest[end] == b'\r';
            // A line wholly inside the input is parsed in place; only a line split across chunks
            // is assembled in the buffer, which keeps its capacity for the next one.
            let complete = if self.line.is_empty() {
                self.process_line(&rest[..end], Some(pos), input)
            } else {
                self.line.extend_from_slice(&rest[..end]);
                let mut line = std::mem::take(&mut self.line);
                let complete = self.process_line(&line, None, input);
                line.clear();
                self.line = line;
                complete
            };
            pos += end + 1;
            if complete {
                self.dispatched = true;
                return (pos, true);
            }
        }
        self.keep_data(input);
        (pos, false)
    }

    /// The data of the event [`parse`](Self::parse) just completed from `input` (the same input),
    /// as bytes: not checked to be UTF-8 when it is still in the input (the JSON decoder checks).
    fn completed_data<'a>(&'a self, input: &'a [u8]) -> &'a [u8] {
        match self.data_span {
            Some((start, end)) => &input[start..end],
            None => self.data.as_bytes(),
        }
    }

    /// The event [`parse`](Self::parse) just completed from `input` (the same input).
    fn completed<'a>(&'a mut self, input: &'a [u8]) -> EventRef<'a> {
        // Data still in the input (the usual single `data:` line) is handed out from there.
        if let Some((start, end)) = self.data_span {
            match std::str::from_utf8(&input[start..end]) {
                Ok(text) => return EventRef { data: text, ..self.event_ref() },
                Err(_) => self.keep_data(input),
            }
        }
        self.event_ref()
    }

    fn event_ref(&self) -> EventRef<'_> {
        EventRef {
            event: if self.event.is_empty() { "message" } else { &self.event },
            data: &self.data,
            id: self.last_id.as_deref(),
            retry: self.retry,
        }
    }

    /// Copies data still referring to `input` into the buffer, before `input` goes away.
    fn keep_data(&mut self, input: &[u8]) {
        if let Some((start, end)) = self.data_span.take() {
            push_text(&mut self.data, &input[start..end]);
        }
    }

    /// Ends the stream: an incomplete trailing event is discarded, as the specification says.
    pub fn finish(&mut self) {
        self.line.clear();
        self.after_cr = false;
        self.dispatched = false;
        self.reset_event();
    }

    /// The last event id seen, if any.
    pub fn last_event_id(&self) -> Option<&str> {
        self.last_id.as_deref()
    }

    fn reset_event(&mut self) {
        self.event.clear();
        self.data.clear();
        self.data_span = None;
        self.has_data = false;
        self.retry = None;
    }

    /// Applies one line; `true` when it is the blank line that completes an event with data. `at`
    /// is where the line starts in `input` when it lies there whole.
    fn process_line(&mut self, line: &[u8], at: Option<usize>, input: &[u8]) -> bool {
        let (line, at) = match line.strip_prefix(BOM) {
            Some(stripped) if !self.started => (stripped, at.map(|at| at + BOM.len())),
            _ => (line, at),
        };
        self.started = true;
        match line.first() {
            None if self.has_data => return true,
            None => {
                self.reset_event();
                return false;
            }
            Some(b':') => return false,
            Some(_) => {}
        }
        // The usual fields are recognised by their prefix; others by a scan for the colon (field
        // names are short, so a plain scan beats a vectorised search).
        let (field, value): (&[u8], &[u8]) = if let Some(value) = line.strip_prefix(b"data:") {
            (b"data", value.strip_prefix(b" ").unwrap_or(value))
        } else if let Some(value) = line.strip_prefix(b"event:") {
            (b"event", value.strip_prefix(b" ").unwrap_or(value))
        } else {
            match line.iter().position(|&b| b == b':') {
                Some(colon) => {
                    let value = &line[colon + 1..];
                    (&line[..colon], value.strip_prefix(b" ").unwrap_or(value))
                }
                None => (line, &[][..]),
            }
        };
        match field {
            b"event" => {
                self.event.clear();
                // Empty stands for the default type, `message`.
                if value != b"message" {
                    push_text(&mut self.event, value);
                }
            }
            b"data" => {
                match (self.has_data, at) {
                    // The value is a suffix of the line, so its place in the input is known.
                    (false, Some(at)) => {
                        let start = at + (line.len() - value.len());
                        self.data_span = Some((start, start + value.len()));
                    }
                    _ => {
                        self.keep_data(input);
                        if self.has_data {
                            self.data.push('\n');
                        }
                        push_text(&mut self.data, value);
                    }
                }
                self.has_data = true;
            }
            b"id" if !value.contains(&0) => {
                let mut id = self.last_id.take().unwrap_or_default();
                id.clear();
                push_text(&mut id, value);
                self.last_id = Some(id);
            }
            b"retry" if !value.is_empty() && value.iter().all(u8::is_ascii_digit) => {
                self.retry = std::str::from_utf8(value).ok().and_then(|digits| digits.parse().ok());
            }
            _ => {}
        }
        false
    }
}

/// Appends bytes as text, replacing invalid UTF-8 as `String::from_utf8_lossy` does.
fn push_text(text: &mut String, bytes: &[u8]) {
    match std::str::from_utf8(bytes) {
        Ok(valid) => text.push_str(valid),
        Err(_) => text.push_str(&String::from_utf8_lossy(bytes)),
    }
}

type ByteStream = Pin<Box<dyn Stream<Item = std::result::Result<Bytes, BoxError>> + Send + 'static>>;

/// A stream of raw [`SseEvent`]s parsed from a byte stream.
pub struct SseStream {
    bytes: Option<ByteStream>,
    parser: SseParser,
    /// The unparsed rest of the last chunk.
    pending: Bytes,
    /// How much of `pending` the last event came from (dropped when the next one is asked for).
    consumed: usize,
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
        SseStream { bytes: Some(Box::pin(stream)), parser: SseParser::new(), pending: Bytes::new(), consumed: 0 }
    }

    /// Parses chunks as they arrive up to the next event, which the parser then gives (from
    /// `pending`). A connection error is yielded once and ends the stream.
    fn poll_event(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<()>>> {
        // The event handed out last borrowed these bytes; they are dropped only now.
        self.pending.advance(std::mem::take(&mut self.consumed));
        loop {
            if !self.pending.is_empty() {
                let (used, complete) = self.parser.parse(&self.pending);
                if complete {
                    self.consumed = used;
                    return Poll::Ready(Some(Ok(())));
                }
                self.pending.advance(used);
                continue;
            }
            let Some(bytes) = self.bytes.as_mut() else { return Poll::Ready(None) };
            match bytes.as_mut().poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(chunk))) => self.pending = chunk,
                Poll::Ready(Some(Err(error))) => {
                    self.end();
                    return Poll::Ready(Some(Err(Error::connection(error))));
                }
                Poll::Ready(None) => self.end(),
            }
        }
    }

    fn end(&mut self) {
        self.bytes = None;
        self.pending.clear();
        self.consumed = 0;
        self.parser.finish();
    }
}

impl Stream for SseStream {
    type Item = Result<SseEvent>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        this.poll_event(cx).map(|event| event.map(|event| event.map(|()| SseEvent::from(this.parser.completed(&this.pending)))))
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
    decode: fn(&mut TaggedJson, &[u8]) -> Result<E>,
    /// The decoder of discriminated unions, whose buffer serves every event.
    json: TaggedJson,
}

impl<E: DeserializeOwned> EventStream<E> {
    /// Decodes the events of a raw event stream.
    pub fn new(events: SseStream) -> Self {
        EventStream { events, decode: |_, data| decode_event(data), json: TaggedJson::new() }
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
}

impl<E: TaggedUnion + DeserializeOwned> EventStream<E> {
    /// Decodes the events of a raw event stream as a discriminated union, the variant straight from
    /// the data when the tag comes first (see [`TaggedJson`]).
    #[doc(hidden)]
    pub fn tagged(events: SseStream) -> Self {
        EventStream { events, decode: decode_tagged_event::<E>, json: TaggedJson::new() }
    }
}

impl<E> EventStream<E> {
    /// The raw events, without decoding (from where this stream has got to).
    pub fn into_raw(self) -> SseStream {
        self.events
    }
}

impl<E> Stream for EventStream<E> {
    type Item = Result<E>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            match this.events.poll_event(cx) {
                Poll::Ready(Some(Ok(()))) => {}
                Poll::Ready(Some(Err(error))) => return Poll::Ready(Some(Err(error))),
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Pending => return Poll::Pending,
            }
            let data = this.events.parser.completed_data(&this.events.pending);
            match data.trim_ascii() {
                b"" => continue,
                b"[DONE]" => {
                    this.events.end();
                    return Poll::Ready(None);
                }
                _ => return Poll::Ready(Some((this.decode)(&mut this.json, data))),
            }
        }
    }
}

/// Decodes an event's data. The stream is UTF-8 with invalid bytes replaced, as the specification
/// says; the data is decoded as it came and only converted when that fails on invalid bytes.
fn decode_event<E: DeserializeOwned>(data: &[u8]) -> Result<E> {
    match decode_json(data) {
        Err(_) if std::str::from_utf8(data).is_err() => decode_json(String::from_utf8_lossy(data).as_bytes()),
        result => result,
    }
}

/// [`decode_event`] for a discriminated union, with the fast path of [`TaggedJson`]; a failure
/// decodes again on the general path, for its error.
fn decode_tagged_event<E: TaggedUnion + DeserializeOwned>(json: &mut TaggedJson, data: &[u8]) -> Result<E> {
    json.decode(data).or_else(|_| decode_event(data))
}

impl<E> fmt::Debug for EventStream<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream").field("events", &self.events).finish()
    }
}
