//! The futures request builders give: [`ResponseFuture`] (the response with its status and headers)
//! and [`DataFuture`] (the decoded body, what awaiting a builder gives).
//!
//! A builder hands its built request to one of the constructors here, which do the sending in one
//! generic `async` block each. Generated builders write no `async fn` of their own: every `async fn`
//! of a builder was a state machine rustc checked for `Send` on its own, once per operation, which was
//! a fifth of the time it took to check an SDK.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use serde::de::DeserializeOwned;

use crate::runtime::client::Client;
use crate::runtime::error::Result;
use crate::runtime::pagination::{Page, PageResponse, PageScheme};
use crate::runtime::request::{ApiRequest, Response};
use crate::runtime::sse::EventStream;
use crate::runtime::types::TaggedUnion;
use crate::runtime::BoxFuture;

/// A request built by a builder, ready to send, or the error building it found (which the future
/// then returns without sending anything).
#[doc(hidden)]
pub type Prepared = Result<(Client, ApiRequest)>;

/// The response to a request, with its status and headers: what a request builder's
/// `with_response()` gives. `Send`, `'static` and `Unpin`, so it can be spawned, stored or polled
/// by hand.
#[must_use = "a request does nothing until it is awaited"]
pub struct ResponseFuture<T>(BoxFuture<Result<Response<T>>>);

impl<T> Future for ResponseFuture<T> {
    type Output = Result<Response<T>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.0.as_mut().poll(cx)
    }
}

impl<T> ResponseFuture<T> {
    /// Only the decoded body, without the status and headers.
    pub fn data(self) -> DataFuture<T> {
        DataFuture(self)
    }
}

impl<T: Send + 'static> ResponseFuture<T> {
    fn sending(prepared: Prepared, send: impl FnOnce(Client, ApiRequest) -> BoxFuture<Result<Response<T>>>) -> Self {
        match prepared {
            Ok((client, request)) => Self(send(client, request)),
            Err(error) => Self(Box::pin(std::future::ready(Err(error)))),
        }
    }
}

impl<T: DeserializeOwned + Send + 'static> ResponseFuture<T> {
    /// Sends the request and decodes the JSON response.
    #[doc(hidden)]
    pub fn json(prepared: Prepared) -> Self {
        Self::sending(prepared, |client, request| Box::pin(async move { client.send_json(request).await }))
    }
}

impl ResponseFuture<()> {
    /// Sends the request and ignores the response body.
    #[doc(hidden)]
    pub fn empty(prepared: Prepared) -> Self {
        Self::sending(prepared, |client, request| Box::pin(async move { client.send_empty(request).await }))
    }
}

impl ResponseFuture<Bytes> {
    /// Sends the request and returns the raw response body.
    #[doc(hidden)]
    pub fn bytes(prepared: Prepared) -> Self {
        Self::sending(prepared, |client, request| Box::pin(async move { client.send_bytes(request).await }))
    }
}

impl<P: PageResponse> ResponseFuture<Page<P>> {
    /// Sends the request for the first page of a paginated list.
    #[doc(hidden)]
    pub fn page(prepared: Prepared, scheme: PageScheme) -> Self {
        Self::sending(prepared, |client, request| Box::pin(async move { client.send_page(request, scheme).await }))
    }
}

impl<E: DeserializeOwned + Send + 'static> ResponseFuture<EventStream<E>> {
    /// Sends a request answered with server-sent events, each decoded as `E`.
    #[doc(hidden)]
    pub fn event_stream(prepared: Prepared) -> Self {
        Self::sending(prepared, |client, request| Box::pin(async move { client.send_event_stream(request).await }))
    }

    /// [`event_stream`](Self::event_stream) for events that are a discriminated union.
    #[doc(hidden)]
    pub fn tagged_event_stream(prepared: Prepared) -> Self
    where
        E: TaggedUnion,
    {
        Self::sending(prepared, |client, request| Box::pin(async move { client.send_tagged_event_stream(request).await }))
    }
}

impl<T> fmt::Debug for ResponseFuture<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ResponseFuture")
    }
}

/// The decoded body of a response: what awaiting a request builder, or its `send()`, gives.
/// `Send`, `'static` and `Unpin`.
#[must_use = "a request does nothing until it is awaited"]
pub struct DataFuture<T>(ResponseFuture<T>);

impl<T> Future for DataFuture<T> {
    type Output = Result<T>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.0).poll(cx).map(|result| result.map(Response::into_data))
    }
}

impl<T> fmt::Debug for DataFuture<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DataFuture")
    }
}
