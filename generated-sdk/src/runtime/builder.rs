// Copied by openapi-sdkgen from templates/src/runtime/builder.rs. Edit the template, not this file.

//! [`Request`]: the request builder of every operation, and [`Operation`], what tells one
//! operation's requests from another's.
//!
//! A builder holds its request partly built: the resource method that makes it writes the path and
//! the required inputs, each setter writes its input (replacing what an earlier call of it wrote),
//! and sending only hands the request over. So an operation's generated code is its method, its
//! setters (one call each) and an [`Operation`] impl; sending, per-request options, `IntoFuture`
//! and `Debug` are written once, here, for all of them. Generated per operation, they were most of
//! what a large API's SDK cost its users to compile.

use std::fmt;
use std::future::IntoFuture;
use std::marker::PhantomData;
use std::time::Duration;

use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::runtime::client::{Client, Requirement};
use crate::runtime::error::{Error, Result};
use crate::runtime::future::{DataFuture, Prepared, ResponseFuture};
use crate::runtime::jobs::{Job, JobKind, Waiter};
use crate::runtime::multipart::{MultipartForm, Upload};
use crate::runtime::pagination::{ItemStream, Page, PageResponse, PageScheme};
use crate::runtime::sse::EventStream;
use crate::runtime::types::TaggedUnion;
use crate::runtime::request::{cookie_value, path_param, styled_pairs, ApiRequest, Body, QueryStyle};
use crate::runtime::Method;

/// One operation of the API: what awaiting its [`Request`] gives, and how its response is read.
/// Each operation of the SDK is a type implementing it (`IndexesGet`), and its request builder is
/// `Request<IndexesGet>`, named `IndexesGetRequest`.
pub trait Operation {
    /// What awaiting the request gives.
    type Output: Send + 'static;
    /// How the response is read: one of the [`read`] types.
    #[doc(hidden)]
    type Response: ReadResponse<Output = Self::Output>;
}

/// An operation answered with a page of a list, which [`Request::items`] reads to the end.
pub trait PagedOperation: Operation {
    /// The page type.
    type Page: PageResponse;
    /// How the next page is asked for.
    #[doc(hidden)]
    const SCHEME: PageScheme;
}

/// How an operation's response is read, named by its [`Operation::Response`]: one generic impl per
/// kind of response, rather than a function per operation.
#[doc(hidden)]
pub mod read {
    use std::marker::PhantomData;

    /// A JSON body, decoded as `T`.
    pub struct Json<T>(PhantomData<fn() -> T>);
    /// No body: awaiting gives `()`.
    pub struct Empty;
    /// The body's bytes as they are.
    pub struct Bytes;
    /// The first page of a list, of the paged operation `O`.
    pub struct Page<O>(PhantomData<fn() -> O>);
    /// Server-sent events, each decoded as `E`.
    pub struct EventStream<E>(PhantomData<fn() -> E>);
    /// Server-sent events that are a discriminated union `E`.
    pub struct TaggedEventStream<E>(PhantomData<fn() -> E>);
}

/// Sends a built request and reads its response (see [`read`]).
#[doc(hidden)]
pub trait ReadResponse {
    /// What the response is read as.
    type Output: Send + 'static;
    /// Sends the request and reads the response.
    fn respond(prepared: Prepared) -> ResponseFuture<Self::Output>;
}

impl<T: DeserializeOwned + Send + 'static> ReadResponse for read::Json<T> {
    type Output = T;
    fn respond(prepared: Prepared) -> ResponseFuture<T> {
        ResponseFuture::json(prepared)
    }
}

impl ReadResponse for read::Empty {
    type Output = ();
    fn respond(prepared: Prepared) -> ResponseFuture<()> {
        ResponseFuture::empty(prepared)
    }
}

impl ReadResponse for read::Bytes {
    type Output = Bytes;
    fn respond(prepared: Prepared) -> ResponseFuture<Bytes> {
        ResponseFuture::bytes(prepared)
    }
}

impl<O: PagedOperation> ReadResponse for read::Page<O> {
    type Output = Page<O::Page>;
    fn respond(prepared: Prepared) -> ResponseFuture<Page<O::Page>> {
        ResponseFuture::page(prepared, O::SCHEME)
    }
}

impl<E: DeserializeOwned + Send + 'static> ReadResponse for read::EventStream<E> {
    type Output = EventStream<E>;
    fn respond(prepared: Prepared) -> ResponseFuture<EventStream<E>> {
        ResponseFuture::event_stream(prepared)
    }
}

impl<E: DeserializeOwned + TaggedUnion + Send + 'static> ReadResponse for read::TaggedEventStream<E> {
    type Output = EventStream<E>;
    fn respond(prepared: Prepared) -> ResponseFuture<EventStream<E>> {
        ResponseFuture::tagged_event_stream(prepared)
    }
}

/// A parameter as set: where it goes, its name, and the name/value pairs it writes (a list or an
/// object may write several).
#[derive(Clone)]
struct Param {
    place: Place,
    name: &'static str,
    pairs: Vec<(String, String)>,
}

/// Parameters taken from one request for another: see `Request::carried_params`.
struct Carried(Vec<Param>);

/// Where a parameter goes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Query,
    Header,
    Cookie,
}

/// The request builder of operation `O`: await it to send the request. Optional inputs are its
/// methods, as are the per-request options [`timeout`](Self::timeout),
/// [`max_retries`](Self::max_retries), [`extra_header`](Self::extra_header) and
/// [`extra_query`](Self::extra_query). Get one from a resource's method.
#[must_use = "a request does nothing until it is awaited"]
pub struct Request<O> {
    /// What the request holds so far (generated setters write it).
    pub(crate) parts: RequestParts,
    operation: PhantomData<fn() -> O>,
}

/// A request as built so far: what a [`Request`] holds, with the methods generated code writes it
/// with. They are methods of this type rather than of `Request<O>`, whose method lookups go through
/// every operation's `impl` block (rustc looks a method up in each inherent impl of a type: with
/// thousands of operations that made checking the setters quadratic).
pub(crate) struct RequestParts {
    client: Client,
    request: ApiRequest,
    /// The parameters set so far, each with the name/value pairs it writes, in the order first set.
    params: Vec<Param>,
    /// The first input that could not be written; sending returns it without sending anything.
    error: Option<Error>,
    /// The job the request reads, for the errors of a wait on it.
    job_id: Option<String>,
}

impl<O: Operation> Request<O> {
    /// Sends the request and returns the decoded response.
    pub fn send(self) -> DataFuture<O::Output> {
        self.with_response().data()
    }

    /// Sends the request and returns the decoded response with its status and headers.
    pub fn with_response(self) -> ResponseFuture<O::Output> {
        O::Response::respond(self.into_prepared())
    }

    /// Sets the timeout of each attempt of this request, overriding the client's.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.parts.request.options.timeout = Some(timeout);
        self
    }

    /// Sets the maximum number of retries of this request, overriding the client's (`0` disables
    /// retries).
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.parts.request.options.max_retries = Some(max_retries);
        self
    }

    /// Adds a header to this request; it replaces a header of the same name.
    pub fn extra_header(mut self, name: impl Into<String>, value: impl fmt::Display) -> Self {
        self.parts.request.options.headers.push((name.into(), value.to_string()));
        self
    }

    /// Adds a query parameter to this request; it replaces a parameter of the same name.
    pub fn extra_query(mut self, name: impl Into<String>, value: impl fmt::Display) -> Self {
        self.parts.request.options.query.push((name.into(), value.to_string()));
        self
    }
}

impl<O: PagedOperation> Request<O> {
    /// Every item across all pages, as a stream that fetches one page at a time as it is consumed.
    pub fn items(self) -> ItemStream<O::Page> {
        match self.into_prepared() {
            Ok((client, request)) => client.stream_items(request, O::SCHEME),
            Err(error) => ItemStream::failed(error),
        }
    }
}

impl<O: Operation> IntoFuture for Request<O> {
    type Output = Result<O::Output>;
    type IntoFuture = DataFuture<O::Output>;

    fn into_future(self) -> Self::IntoFuture {
        self.send()
    }
}

impl<O> fmt::Debug for Request<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts = &self.parts;
        let params: Vec<(&str, &str)> = parts.params.iter().flat_map(|param| {
            param.pairs.iter().map(move |(name, value)| {
                let value: &str = if param.place != Place::Query && crate::runtime::request::is_sensitive_header(name) { "[redacted]" } else { value };
                (name.as_str(), value)
            })
        }).collect();
        f.debug_struct("Request")
            .field("operation", &std::any::type_name::<O>().rsplit("::").next().unwrap_or_default())
            .field("request", &parts.request)
            .field("params", &params)
            .field("error", &parts.error)
            .finish()
    }
}

#[allow(dead_code)] // Only an API with jobs waits for them.
impl<O> Request<O> {
    /// The built request, or the first error met building it.
    pub(crate) fn into_prepared(self) -> Prepared {
        self.parts.into_prepared()
    }

    /// Polls this request until the job it reads ends.
    pub(crate) fn wait_job<J: Job>(self, kind: JobKind<J>) -> Waiter<J> {
        let client = self.parts.client.clone();
        let job_id = self.parts.job_id.clone();
        match self.into_prepared() {
            Ok((client, request)) => Waiter::new(client, kind, request, job_id),
            Err(error) => Waiter::failed(client, kind, error),
        }
    }

    /// Sends this request, then waits for the job it creates: `poll` gives the request that reads
    /// the job, and the job's id, from the response. This request's options and its parameters
    /// named in `carried` (its scope) apply to the polls too.
    pub(crate) fn and_wait_job<J, P, F>(self, kind: JobKind<J>, carried: &[&str], poll: F) -> Waiter<J>
    where
        O: Operation + 'static,
        J: Job,
        F: FnOnce(Client, O::Output) -> Result<(Request<P>, String)> + Send + 'static,
    {
        let client = self.parts.client.clone();
        let options = self.parts.request.options.clone();
        let carried = self.parts.carried_params(carried);
        Waiter::after(client.clone(), kind, options, async move {
            let created = self.send().await?;
            let (mut request, job_id) = poll(client, created)?;
            request.parts.carry_params(carried);
            let (_, request) = request.into_prepared()?;
            Ok((request, job_id))
        })
    }
}

/// What generated code builds requests with.
#[allow(dead_code)] // Which of them an SDK uses depends on its spec.
impl RequestParts {
    /// A request for `path`, a template whose `{name}` parameters [`set_path`](Self::set_path) fills in.
    pub(crate) fn new(client: &Client, method: Method, path: &str) -> Self {
        RequestParts { client: client.clone(), request: ApiRequest::new(method, path), params: Vec::new(), error: None, job_id: None }
    }

    /// The request builder of operation `O` holding this request.
    pub(crate) fn build<O>(self) -> Request<O> {
        Request { parts: self, operation: PhantomData }
    }

    /// The built request, or the first error met building it.
    fn into_prepared(mut self) -> Prepared {
        if let Some(error) = self.error {
            return Err(error);
        }
        for Param { place, pairs, .. } in self.params {
            let list = match place {
                Place::Query => &mut self.request.query,
                Place::Header => &mut self.request.headers,
                Place::Cookie => &mut self.request.cookies,
            };
            list.extend(pairs);
        }
        Ok((self.client, self.request))
    }

    fn record_error(&mut self, error: Error) {
        self.error.get_or_insert(error);
    }

    /// Fills in path parameter `{name}` with `value`, encoded as one segment by [`path_param`].
    pub(crate) fn set_path(&mut self, name: &str, value: impl fmt::Display) -> &mut Self {
        match path_param(name, value) {
            Ok(segment) => self.request.path = self.request.path.replace(&format!("{{{name}}}"), &segment),
            Err(error) => self.record_error(error),
        }
        self
    }

    /// [`set_path`](Self::set_path) for a structured value, written as JSON text.
    pub(crate) fn set_path_json<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> &mut Self {
        match serde_json::to_string(value) {
            Ok(text) => self.set_path(name, text),
            Err(error) => {
                self.record_error(Error::serialize(error));
                self
            }
        }
    }

    /// The operation's own credentials requirement, where it differs from the API's default.
    pub(crate) fn set_security(&mut self, requirement: Requirement) -> &mut Self {
        self.request.security = Some(requirement);
        self
    }

    /// The media type the operation answers with, where the default `Accept` would not name it.
    pub(crate) fn set_accept(&mut self, media: &'static str) -> &mut Self {
        self.request.accept = Some(media);
        self
    }

    /// Records the job the request reads (for a wait's errors).
    pub(crate) fn set_job_id(&mut self, id: &dyn fmt::Display) -> &mut Self {
        self.job_id = Some(id.to_string());
        self
    }

    /// Sets parameter `name` to `pairs`, replacing what it was set to before.
    fn set_param(&mut self, place: Place, name: &'static str, pairs: Vec<(String, String)>) -> &mut Self {
        match self.params.iter_mut().find(|param| param.place == place && param.name == name) {
            Some(param) => param.pairs = pairs,
            None => self.params.push(Param { place, name, pairs }),
        }
        self
    }

    fn set_param_json<T: Serialize + ?Sized>(&mut self, place: Place, name: &'static str, value: &T) -> &mut Self {
        match serde_json::to_string(value) {
            Ok(text) => self.set_param(place, name, vec![(name.to_owned(), text)]),
            Err(error) => {
                self.record_error(Error::serialize(error));
                self
            }
        }
    }

    /// Query parameter `name`.
    pub(crate) fn set_query(&mut self, name: &'static str, value: impl fmt::Display) -> &mut Self {
        self.set_param(Place::Query, name, vec![(name.to_owned(), value.to_string())])
    }

    /// Query parameter `name` once per value (`?tag=a&tag=b`).
    pub(crate) fn set_query_each<T: fmt::Display>(&mut self, name: &'static str, values: impl IntoIterator<Item = T>) -> &mut Self {
        let pairs = values.into_iter().map(|value| (name.to_owned(), value.to_string())).collect();
        self.set_param(Place::Query, name, pairs)
    }

    /// Query parameter `name` as its `style` writes a list or an object.
    pub(crate) fn set_query_styled<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T, style: QueryStyle) -> &mut Self {
        match serde_json::to_value(value) {
            Ok(value) => self.set_param(Place::Query, name, styled_pairs(name, value, style)),
            Err(error) => {
                self.record_error(Error::serialize(error));
                self
            }
        }
    }

    /// Query parameter `name` holding a structured value as JSON text.
    pub(crate) fn set_query_json<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) -> &mut Self {
        self.set_param_json(Place::Query, name, value)
    }

    /// Query parameter `name` from the client's default for it, if it has one (a setter replaces it).
    pub(crate) fn default_query(&mut self, name: &'static str) -> &mut Self {
        match self.client.default_param(name).map(str::to_owned) {
            Some(value) => self.set_query(name, value),
            None => self,
        }
    }

    /// Header `name`.
    pub(crate) fn set_header(&mut self, name: &'static str, value: impl fmt::Display) -> &mut Self {
        self.set_param(Place::Header, name, vec![(name.to_owned(), value.to_string())])
    }

    /// Header `name` once per value.
    pub(crate) fn set_header_each<T: fmt::Display>(&mut self, name: &'static str, values: impl IntoIterator<Item = T>) -> &mut Self {
        let pairs = values.into_iter().map(|value| (name.to_owned(), value.to_string())).collect();
        self.set_param(Place::Header, name, pairs)
    }

    /// Header `name` holding a structured value as JSON text.
    pub(crate) fn set_header_json<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) -> &mut Self {
        self.set_param_json(Place::Header, name, value)
    }

    /// Header `name` from the client's default for it, if it has one.
    pub(crate) fn default_header(&mut self, name: &'static str) -> &mut Self {
        match self.client.default_param(name).map(str::to_owned) {
            Some(value) => self.set_header(name, value),
            None => self,
        }
    }

    /// Cookie `name`; text a cookie cannot hold is percent-encoded.
    pub(crate) fn set_cookie(&mut self, name: &'static str, value: impl fmt::Display) -> &mut Self {
        self.set_param(Place::Cookie, name, vec![(name.to_owned(), cookie_value(value))])
    }

    /// Cookie `name` holding every value, comma-separated (OpenAPI's form style for cookies).
    pub(crate) fn set_cookie_each<T: fmt::Display>(&mut self, name: &'static str, values: impl IntoIterator<Item = T>) -> &mut Self {
        let joined: Vec<String> = values.into_iter().map(cookie_value).collect();
        self.set_param(Place::Cookie, name, vec![(name.to_owned(), joined.join(","))])
    }

    /// Cookie `name` holding a structured value as JSON text.
    pub(crate) fn set_cookie_json<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) -> &mut Self {
        match serde_json::to_string(value) {
            Ok(text) => self.set_cookie(name, text),
            Err(error) => {
                self.record_error(Error::serialize(error));
                self
            }
        }
    }

    /// Cookie `name` from the client's default for it, if it has one.
    pub(crate) fn default_cookie(&mut self, name: &'static str) -> &mut Self {
        match self.client.default_param(name).map(str::to_owned) {
            Some(value) => self.set_cookie(name, value),
            None => self,
        }
    }

    /// The query parameters and headers `names` as set so far, for another request of the same
    /// parameters.
    fn carried_params(&self, names: &[&str]) -> Carried {
        Carried(self.params.iter().filter(|param| param.place != Place::Cookie && names.contains(&param.name)).cloned().collect())
    }

    /// Sets the parameters [`carried_params`](Self::carried_params) took from another request.
    fn carry_params(&mut self, carried: Carried) -> &mut Self {
        carried.0.into_iter().fold(self, |request, param| request.set_param(param.place, param.name, param.pairs))
    }

    /// Starts a JSON object body, which [`set_field`](Self::set_field) fills in.
    pub(crate) fn json_object_body(&mut self) -> &mut Self {
        self.request.body = Body::Json(Value::Object(Map::new()));
        self
    }

    /// Field `name` of the JSON object body.
    pub(crate) fn set_field<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> &mut Self {
        match serde_json::to_value(value) {
            Ok(value) => self.insert_field(name, value),
            Err(error) => self.record_error(Error::serialize(error)),
        }
        self
    }

    /// Field `name` of the JSON object body, sent as an explicit `null`.
    pub(crate) fn set_field_null(&mut self, name: &str) -> &mut Self {
        self.insert_field(name, Value::Null);
        self
    }

    fn insert_field(&mut self, name: &str, value: Value) {
        if let Body::Json(Value::Object(fields)) = &mut self.request.body {
            fields.insert(name.to_owned(), value);
        }
    }

    /// The whole JSON body.
    pub(crate) fn set_json_body<T: Serialize + ?Sized>(&mut self, body: &T) -> &mut Self {
        if let Err(error) = self.request.json(body) {
            self.record_error(error);
        }
        self
    }

    /// A raw body with its content type.
    pub(crate) fn set_bytes_body(&mut self, content_type: &str, data: impl Into<Bytes>) -> &mut Self {
        self.request.bytes(content_type, data);
        self
    }

    /// Starts a `multipart/form-data` body (`multipart`) or an `application/x-www-form-urlencoded`
    /// one, which the `form_*` methods fill in.
    pub(crate) fn form_body(&mut self, multipart: bool) -> &mut Self {
        self.request.body = if multipart { Body::Multipart(MultipartForm::new()) } else { Body::Form(Vec::new()) };
        self
    }

    /// Text field `name` of the form, once per value, replacing what it held.
    pub(crate) fn set_form_text<T: fmt::Display>(&mut self, name: &str, values: impl IntoIterator<Item = T>) -> &mut Self {
        match &mut self.request.body {
            Body::Multipart(form) => {
                form.remove(name);
                for value in values {
                    form.push_text(name, value.to_string());
                }
            }
            Body::Form(pairs) => {
                pairs.retain(|(n, _)| n != name);
                pairs.extend(values.into_iter().map(|value| (name.to_owned(), value.to_string())));
            }
            _ => {}
        }
        self
    }

    /// Text field `name` of the form holding a structured value as JSON text.
    pub(crate) fn set_form_json<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> &mut Self {
        match serde_json::to_string(value) {
            Ok(text) => self.set_form_text(name, [text]),
            Err(error) => {
                self.record_error(Error::serialize(error));
                self
            }
        }
    }

    /// File field `name` of a multipart form, replacing what it held.
    pub(crate) fn set_form_file(&mut self, name: &str, upload: Upload) -> &mut Self {
        if let Body::Multipart(form) = &mut self.request.body {
            form.remove(name);
            form.push_file(name, upload);
        }
        self
    }
}
