//! Paginated lists: one [`Page`] at a time, or every item as an [`ItemStream`].

use std::collections::HashSet;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::{Deref, DerefMut};
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use serde::de::DeserializeOwned;

use crate::runtime::client::Client;
use crate::runtime::error::{Error, Result};
use crate::runtime::request::{ApiRequest, Body};

/// A response type holding one page of a list (implemented by generated code).
pub trait PageResponse: DeserializeOwned + Send + 'static {
    /// The type of the listed items.
    type Item: Send + 'static;

    /// The items on this page.
    fn items(&self) -> &[Self::Item];

    /// Consumes the page, returning its items.
    fn into_items(self) -> Vec<Self::Item>;

    /// The cursor of the next page (cursor schemes); `None` or empty on the last page.
    fn next_cursor(&self) -> Option<&str> {
        None
    }

    /// The total number of items across all pages (offset scheme), when known.
    fn total_size(&self) -> Option<u64> {
        None
    }
}

/// How the request for the next page is made.
///
/// A list never loops: a page whose next cursor is the one its own request sent ends the list,
/// and so does, for an [`ItemStream`], a cursor that any earlier page of the stream was fetched
/// with. The list then ends as it would on its last page, with a `tracing` warning; the items
/// already yielded are the server's, so nothing is thrown away.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PageScheme {
    /// Query parameter `param` = the page's next cursor. Stops when the cursor is null/empty,
    /// repeats, or a page has no items.
    QueryCursor {
        /// The query parameter carrying the cursor (`page_token`).
        param: &'static str,
    },
    /// JSON body field `field` = the page's next cursor (the rest of the body is re-sent).
    /// Stops when the cursor is null/empty, repeats, or a page has no items.
    BodyCursor {
        /// The body field carrying the cursor (`page_token`).
        field: &'static str,
    },
    /// Query parameter `param` = this request's offset + the number of items on this page.
    /// Stops when that reaches [`PageResponse::total_size`] or a page has no items.
    Offset {
        /// The query parameter carrying the offset (`offset`).
        param: &'static str,
    },
}

impl PageScheme {
    /// The request for the page after `page`, which was fetched with `request`; `Ok(None)` on
    /// the last page.
    pub fn next_request<P: PageResponse>(&self, request: &ApiRequest, page: &P) -> Result<Option<ApiRequest>> {
        if page.items().is_empty() {
            return Ok(None);
        }
        let cursor = || {
            let cursor = page.next_cursor().filter(|c| !c.is_empty())?;
            if self.cursor_sent(request) == Some(cursor) {
                repeated_cursor(request);
                return None;
            }
            Some(cursor)
        };
        let mut next = request.clone();
        match *self {
            PageScheme::QueryCursor { param } => {
                let Some(cursor) = cursor() else { return Ok(None) };
                next.options.query.retain(|(n, _)| n != param);
                next.set_query(param, cursor);
            }
            PageScheme::BodyCursor { field } => {
                let Some(cursor) = cursor() else { return Ok(None) };
                let cursor = serde_json::Value::String(cursor.to_owned());
                match &mut next.body {
                    Body::Json(serde_json::Value::Object(body)) => {
                        body.insert(field.to_owned(), cursor);
                    }
                    Body::Empty => {
                        let mut body = serde_json::Map::new();
                        body.insert(field.to_owned(), cursor);
                        next.body = Body::Json(serde_json::Value::Object(body));
                    }
                    _ => {
                        return Err(Error::InvalidRequest(format!(
                            "cannot set the page cursor `{field}`: the request body is not a JSON object"
                        )))
                    }
                }
            }
            PageScheme::Offset { param } => {
                let offset = match query_sent(request, param) {
                    Some(value) => value.trim().parse::<u64>().map_err(|_| {
                        Error::InvalidRequest(format!("the offset parameter `{param}` is not a number"))
                    })?,
                    None => 0,
                };
                let next_offset = offset.saturating_add(page.items().len() as u64);
                if page.total_size().is_some_and(|total| next_offset >= total) {
                    return Ok(None);
                }
                next.options.query.retain(|(n, _)| n != param);
                next.set_query(param, next_offset);
            }
        }
        Ok(Some(next))
    }

    /// The cursor `request` sends (cursor schemes): the last value set by a per-request option,
    /// else the request's own.
    fn cursor_sent<'r>(&self, request: &'r ApiRequest) -> Option<&'r str> {
        match *self {
            PageScheme::QueryCursor { param } => query_sent(request, param),
            PageScheme::BodyCursor { field } => match &request.body {
                Body::Json(serde_json::Value::Object(body)) => body.get(field).and_then(serde_json::Value::as_str),
                _ => None,
            },
            PageScheme::Offset { .. } => None,
        }
    }
}

/// The value of query parameter `param` that `request` sends: the last one set by a per-request
/// option, else the request's own.
fn query_sent<'r>(request: &'r ApiRequest, param: &str) -> Option<&'r str> {
    match request.options.query.iter().rev().find(|(n, _)| n == param) {
        Some((_, value)) => Some(value.as_str()),
        None => request.query_value(param),
    }
}

/// Logs the end of a list whose server answered with a cursor it had already been sent. The
/// cursor itself is not logged: like bodies, it is the API's data.
fn repeated_cursor(request: &ApiRequest) {
    tracing::warn!(
        method = %request.method,
        path = %request.path,
        "the server answered with a page cursor it was already sent; ending the list instead of fetching the same page again"
    );
}

/// One page of a list, with what is needed to fetch the next one.
///
/// Derefs to the page type `P`, so its fields (`page.items`) are directly available.
pub struct Page<P> {
    page: P,
    client: Client,
    scheme: PageScheme,
    next: std::result::Result<Option<ApiRequest>, String>,
}

impl<P: PageResponse> Page<P> {
    /// Wraps `page`, fetched by `request` with `client`.
    #[doc(hidden)]
    pub fn new(page: P, client: Client, request: ApiRequest, scheme: PageScheme) -> Self {
        let next = scheme.next_request(&request, &page).map_err(|e| e.to_string());
        Page { page, client, scheme, next }
    }

    /// Whether there is a page after this one.
    pub fn has_next_page(&self) -> bool {
        matches!(self.next, Ok(Some(_)))
    }

    /// Fetches the next page; `Ok(None)` on the last page.
    pub async fn next_page(&self) -> Result<Option<Page<P>>> {
        match &self.next {
            Ok(Some(request)) => Ok(Some(self.client.send_page(request.clone(), self.scheme).await?.data)),
            Ok(None) => Ok(None),
            Err(message) => Err(Error::InvalidRequest(message.clone())),
        }
    }

    /// The items on this page.
    pub fn items(&self) -> &[P::Item] {
        self.page.items()
    }

    /// Consumes the page, returning its items.
    pub fn into_items(self) -> Vec<P::Item> {
        self.page.into_items()
    }

    /// Consumes the page, returning the response type.
    pub fn into_inner(self) -> P {
        self.page
    }

    /// Every item from this page on, fetching the following pages lazily.
    pub fn into_item_stream(self) -> ItemStream<P> {
        let (next, error) = match self.next {
            Ok(next) => (next, None),
            Err(message) => (None, Some(Error::InvalidRequest(message))),
        };
        ItemStream::from_state(State {
            client: self.client,
            scheme: self.scheme,
            next,
            cursors: HashSet::new(),
            error,
            items: self.page.into_items().into_iter(),
        })
    }
}

impl<P> Deref for Page<P> {
    type Target = P;

    fn deref(&self) -> &P {
        &self.page
    }
}

impl<P> DerefMut for Page<P> {
    fn deref_mut(&mut self) -> &mut P {
        &mut self.page
    }
}

impl<P: fmt::Debug> fmt::Debug for Page<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Page")
            .field("page", &self.page)
            .field("scheme", &self.scheme)
            .field("has_next_page", &matches!(self.next, Ok(Some(_))))
            .finish()
    }
}

struct State<P: PageResponse> {
    client: Client,
    scheme: PageScheme,
    next: Option<ApiRequest>,
    /// Hashes of the cursors pages of this stream were fetched with, so a server that cycles
    /// through cursors (`a`, `b`, `a`, ...) cannot make the stream loop.
    cursors: HashSet<u64>,
    error: Option<Error>,
    items: std::vec::IntoIter<P::Item>,
}

type BoxStream<T> = Pin<Box<dyn Stream<Item = T> + Send + 'static>>;

/// Every item of a paginated list, as a `Stream<Item = Result<Item>>`.
///
/// Pages are fetched lazily, one at a time, when the items of the previous page have been
/// consumed; only one page is held in memory. After an error the stream ends.
pub struct ItemStream<P: PageResponse> {
    inner: BoxStream<Result<P::Item>>,
}

impl<P: PageResponse> ItemStream<P> {
    /// A stream starting with the page fetched by `request`.
    #[doc(hidden)]
    pub fn new(client: Client, request: ApiRequest, scheme: PageScheme) -> Self {
        Self::from_state(State {
            client,
            scheme,
            next: Some(request),
            cursors: HashSet::new(),
            error: None,
            items: Vec::new().into_iter(),
        })
    }

    /// A stream that yields `error` and ends (for a request that could not be built).
    #[doc(hidden)]
    pub fn failed(error: Error) -> Self {
        ItemStream { inner: Box::pin(futures_util::stream::once(async move { Err(error) })) }
    }

    fn from_state(state: State<P>) -> Self {
        let inner = futures_util::stream::unfold(state, |mut state| async move {
            loop {
                if let Some(item) = state.items.next() {
                    return Some((Ok(item), state));
                }
                if let Some(error) = state.error.take() {
                    return Some((Err(error), state));
                }
                let request = state.next.take()?;
                if let Some(cursor) = state.scheme.cursor_sent(&request) {
                    if !state.cursors.insert(cursor_hash(cursor)) {
                        repeated_cursor(&request);
                        return None;
                    }
                }
                let page = match state.client.send_page::<P>(request, state.scheme).await {
                    Ok(response) => response.data,
                    Err(error) => return Some((Err(error), state)),
                };
                match page.next {
                    Ok(next) => state.next = next,
                    Err(message) => state.error = Some(Error::InvalidRequest(message)),
                }
                state.items = page.page.into_items().into_iter();
            }
        });
        ItemStream { inner: Box::pin(inner) }
    }
}

fn cursor_hash(cursor: &str) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    cursor.hash(&mut hasher);
    hasher.finish()
}

impl<P: PageResponse> Stream for ItemStream<P> {
    type Item = Result<P::Item>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

impl<P: PageResponse> fmt::Debug for ItemStream<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ItemStream").finish_non_exhaustive()
    }
}
