// Copied by openapi-sdkgen from templates/src/runtime/mod.rs. Edit the template, not this file.

//! The HTTP runtime of the SDK: client configuration, requests with retries and timeouts,
//! errors, pagination, server-sent events, multipart uploads and shared value types.
//!
//! - [`Client`] / [`ClientBuilder`]: credentials for each of the API's security schemes (API keys
//!   in a header, the query or a cookie; HTTP basic; bearer tokens) and the base URL, from the
//!   builder or the environment; timeout (60 s), retries (2, with exponential backoff and
//!   `Retry-After` support).
//! - [`Request`]: every operation's request builder, `Request<O>` for the operation type `O` (an
//!   [`Operation`]): optional inputs are its methods, awaiting it sends it.
//! - [`Error`]: one error type; API errors by status carry an [`ApiError`].
//! - [`Page`] / [`ItemStream`]: one page at a time, or every item as a `Stream`.
//! - [`EventStream`]: typed server-sent events.
//! - [`Waiter`] / [`JobUpdates`]: wait for a long-running job (one hour at most, unless set), or
//!   watch its progress; [`WaitError`] converts into [`Error`] with `?`.
//! - [`Upload`] / [`MultipartForm`]: file uploads from bytes, paths or async readers.
//! - [`Nullable`] / [`Timestamp`]: explicit nulls in request bodies, lenient timestamps.
//!
//! Every request runs in a `tracing` span `api_request` (method, path) with a debug event per
//! attempt (attempt number, status, retry delay). Headers and the API key are never logged.

pub mod builder;
pub mod client;
pub mod error;
pub mod future;
pub mod jobs;
pub mod multipart;
pub mod pagination;
pub mod request;
pub mod retry;
pub mod sse;
pub mod types;

pub use builder::{read, Operation, PagedOperation, ReadResponse, Request};
#[allow(unused_imports)] // An API without operations builds no requests.
pub(crate) use builder::RequestParts;
pub use client::{Client, ClientBuilder, DEFAULT_TIMEOUT};
pub use error::{ApiError, BoxError, Error, JobError, JobOutcome, Result};
pub use future::{DataFuture, ResponseFuture};
#[doc(hidden)]
pub use future::Prepared;
pub use jobs::{Job, JobUpdates, WaitError, Waiter, DEFAULT_MAX_POLL_INTERVAL, DEFAULT_MAX_WAIT, DEFAULT_POLL_INTERVAL};
pub use multipart::{MultipartForm, Upload};
pub use pagination::{ItemStream, Page, PageResponse};
pub use request::{path_param, ApiRequest, Body, QueryStyle, RawResponse, RequestOptions, Response};
pub use retry::RetryPolicy;
pub use sse::{EventRef, EventStream, SseEvent, SseParser, SseStream};
pub use types::{Nullable, ParseTimestampError, Timestamp};

#[doc(hidden)]
pub use crate::request_options;

// The wiring generated code uses: public so the SDK's modules reach it, hidden from its docs.
#[doc(hidden)]
pub use client::{AuthScheme, ClientDefaults, Credential, Requirement, SecurityScheme};
#[doc(hidden)]
pub use jobs::{JobKind, JobState};
#[doc(hidden)]
pub use pagination::PageScheme;
#[doc(hidden)]
pub use request::decode_json;
#[doc(hidden)]
pub use types::{debug_object, deserialize_object, deserialize_open_enum, deserialize_tagged, deserialize_tuple_rest, from_tagged_json, peek_tag, serialize_object, serialize_tuple_rest, DecodeObject, EncodeObject, FieldWriter, ObjectReader, TaggedJson, TaggedObject, TaggedUnion, TupleElements};

/// The date-time library behind [`Timestamp`].
pub use chrono;
/// The HTTP client library, for [`ClientBuilder::http_client`].
pub use reqwest;
pub use reqwest::header::{HeaderMap, HeaderValue};

/// A boxed, `Send` future (what a job's [`Waiter`] is awaited as).
pub type BoxFuture<T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'static>>;
pub use reqwest::{Method, StatusCode};


/// Declares a module of generated types and re-exports its types; with features, both compile only
/// when one of them is on: `types_module!(chat, "beta-chat", "beta-retrieval")`. One line per module
/// where `#[cfg(any(...))]` twice would take many.
#[allow(unused_macros)] // Used by the generated SDK's `types` modules, not here.
macro_rules! types_module {
    // `self::`: a glob import of a module of the same name elsewhere would make the name ambiguous
    // beside a module a macro declares.
    ($module:ident) => {
        mod $module;
        pub use self::$module::*;
    };
    ($module:ident, $($feature:literal),+) => {
        #[cfg(any($(feature = $feature),+))]
        mod $module;
        #[cfg(any($(feature = $feature),+))]
        pub use self::$module::*;
    };
}
#[allow(unused_imports)]
pub(crate) use types_module;
