// Copied by openapi-sdkgen from templates/src/runtime/request.rs. Edit the template, not this file.

//! Requests and responses: [`ApiRequest`], [`Body`], [`RequestOptions`], [`Response`],
//! [`RawResponse`], [`path_param`] and the [`request_options!`](crate::runtime::request_options)
//! macro.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS, NON_ALPHANUMERIC};
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::runtime::error::{Error, Result};
use crate::runtime::multipart::MultipartForm;

/// Everything but the RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`).
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Encodes `value` as one path segment.
///
/// Every byte outside the unreserved characters is percent-encoded, so a value such as `a/b`,
/// `x?y#z` or `100%` stays inside its segment. Empty values and `.`/`..` (which URL
/// normalisation would collapse) are rejected with [`Error::InvalidRequest`] naming the
/// parameter, before anything is sent.
pub fn path_param(name: &str, value: impl fmt::Display) -> Result<String> {
    let value = value.to_string();
    if value.is_empty() {
        return Err(Error::InvalidRequest(format!("path parameter `{name}` must not be empty")));
    }
    if value == "." || value == ".." {
        return Err(Error::InvalidRequest(format!("path parameter `{name}` must not be `{value}`")));
    }
    // Most values need no encoding: then the text already made is the segment.
    let encoded: Cow<'_, str> = percent_encoding::utf8_percent_encode(&value, PATH_SEGMENT).into();
    Ok(match encoded {
        Cow::Borrowed(_) => value,
        Cow::Owned(encoded) => encoded,
    })
}

/// Per-request settings that override the client's: timeout, retries, extra headers and extra
/// query parameters.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct RequestOptions {
    /// Timeout of each attempt (the client's when `None`).
    pub timeout: Option<Duration>,
    /// Maximum number of retries (the client's when `None`).
    pub max_retries: Option<u32>,
    /// Extra headers; they replace headers of the same name set by the client or the request.
    pub headers: Vec<(String, String)>,
    /// Extra query parameters; they replace parameters of the same name set by the request.
    pub query: Vec<(String, String)>,
}

impl RequestOptions {
    /// Empty options: everything comes from the client.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the timeout of each attempt.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sets the maximum number of retries.
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = Some(max_retries);
        self
    }

    /// Adds a header.
    pub fn header(mut self, name: impl Into<String>, value: impl fmt::Display) -> Self {
        self.headers.push((name.into(), value.to_string()));
        self
    }

    /// Adds a query parameter.
    pub fn query(mut self, name: impl Into<String>, value: impl fmt::Display) -> Self {
        self.query.push((name.into(), value.to_string()));
        self
    }
}

impl fmt::Debug for RequestOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestOptions")
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .field("headers", &RedactedHeaders(&self.headers))
            .field("query", &self.query)
            .finish()
    }
}

/// Header names whose values are never printed.
pub(crate) fn is_sensitive_header(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    ["auth", "key", "token", "secret", "cookie", "password", "session"].iter().any(|s| name.contains(s))
}

struct RedactedHeaders<'a>(&'a [(String, String)]);

impl fmt::Debug for RedactedHeaders<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|(name, value)| {
                let value: &str = if is_sensitive_header(name) { "[redacted]" } else { value };
                (name.as_str(), value)
            }))
            .finish()
    }
}

/// Defines the per-request setters `timeout(Duration)`, `max_retries(u32)`,
/// `extra_header(name, value)` and `extra_query(name, value)` on a job's waiter.
///
/// Use it inside the `impl` block of a builder that owns a field `options: RequestOptions` and
/// whose setters take and return `self` by value:
///
/// ```text
/// impl CreateThing { crate::runtime::request_options!(); }
/// ```
///
/// When the builder already has a setter with one of those names (an API parameter called
/// `timeout`, say), name all four setters explicitly:
///
/// ```text
/// impl Search {
///     crate::runtime::request_options!(timeout: request_timeout, max_retries: max_retries,
///                                      header: extra_header, query: extra_query);
/// }
/// ```
#[doc(hidden)]
#[macro_export]
macro_rules! request_options {
    () => {
        $crate::request_options!(timeout: timeout, max_retries: max_retries, header: extra_header, query: extra_query);
    };
    (timeout: $timeout:ident, max_retries: $max_retries:ident, header: $header:ident, query: $query:ident $(,)?) => {
        /// Sets the timeout of each attempt of this request, overriding the client's.
        pub fn $timeout(mut self, timeout: ::std::time::Duration) -> Self {
            self.options.timeout = ::std::option::Option::Some(timeout);
            self
        }

        /// Sets the maximum number of retries of this request, overriding the client's
        /// (`0` disables retries).
        pub fn $max_retries(mut self, max_retries: u32) -> Self {
            self.options.max_retries = ::std::option::Option::Some(max_retries);
            self
        }

        /// Adds a header to this request; it replaces a header of the same name.
        pub fn $header(mut self, name: impl ::std::convert::Into<::std::string::String>, value: impl ::std::fmt::Display) -> Self {
            self.options.headers.push((name.into(), ::std::string::ToString::to_string(&value)));
            self
        }

        /// Adds a query parameter to this request; it replaces a parameter of the same name.
        pub fn $query(mut self, name: impl ::std::convert::Into<::std::string::String>, value: impl ::std::fmt::Display) -> Self {
            self.options.query.push((name.into(), ::std::string::ToString::to_string(&value)));
            self
        }
    };
}

/// The body of a request.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub enum Body {
    /// No body.
    #[default]
    Empty,
    /// A JSON body.
    Json(serde_json::Value),
    /// A `multipart/form-data` body.
    Multipart(MultipartForm),
    /// An `application/x-www-form-urlencoded` body.
    Form(Vec<(String, String)>),
    /// Raw bytes with their content type.
    Bytes {
        /// The `Content-Type` header.
        content_type: String,
        /// The bytes.
        data: Bytes,
    },
}

/// Characters a cookie value cannot hold as they are (RFC 6265 `cookie-octet`), and `%`.
const COOKIE_VALUE: &AsciiSet = &CONTROLS.add(b' ').add(b'"').add(b',').add(b';').add(b'\\').add(b'%');

/// `value` as a cookie can hold it: [`COOKIE_VALUE`] characters percent-encoded.
pub(crate) fn cookie_value(value: impl fmt::Display) -> String {
    utf8_percent_encode(&value.to_string(), COOKIE_VALUE).to_string()
}

/// Characters left as they are in `application/x-www-form-urlencoded` (space becomes `+`).
const FORM: &AsciiSet = &NON_ALPHANUMERIC.remove(b'*').remove(b'-').remove(b'.').remove(b'_');

impl Body {
    /// Whether the body can be sent again, so the request can be retried.
    pub fn is_replayable(&self) -> bool {
        match self {
            Body::Multipart(form) => form.is_replayable(),
            Body::Empty | Body::Json(_) | Body::Form(_) | Body::Bytes { .. } => true,
        }
    }

    /// The content type and bytes of a body that is fixed for every attempt (all but
    /// `Empty` and `Multipart`).
    pub(crate) fn fixed_bytes(&self) -> Result<Option<(String, Bytes)>> {
        Ok(match self {
            Body::Empty | Body::Multipart(_) => None,
            Body::Json(value) => Some((
                "application/json".to_owned(),
                Bytes::from(serde_json::to_vec(value).map_err(Error::serialize)?),
            )),
            Body::Form(pairs) => {
                let encode = |s: &str| percent_encoding::utf8_percent_encode(s, FORM).to_string().replace("%20", "+");
                let text = pairs
                    .iter()
                    .map(|(name, value)| format!("{}={}", encode(name), encode(value)))
                    .collect::<Vec<_>>()
                    .join("&");
                Some(("application/x-www-form-urlencoded".to_owned(), Bytes::from(text)))
            }
            Body::Bytes { content_type, data } => Some((content_type.clone(), data.clone())),
        })
    }
}

/// A request to the API, before the client adds its base URL, authentication and defaults.
#[derive(Clone)]
pub struct ApiRequest {
    /// The HTTP method.
    pub method: Method,
    /// The path relative to the base URL (`/api/v1/things/abc`), with path parameters already
    /// encoded by [`path_param`]. A path prefix in the base URL is kept.
    pub path: String,
    /// Query parameters, in order; a name may repeat.
    pub query: Vec<(String, String)>,
    /// Request headers.
    pub headers: Vec<(String, String)>,
    /// Cookies, sent together in one `Cookie` header (with any credential sent as a cookie).
    pub cookies: Vec<(String, String)>,
    /// The body.
    pub body: Body,
    /// Per-request options.
    pub options: RequestOptions,
    /// The credentials this operation requires when they differ from the API's default
    /// (`None`: the default).
    #[doc(hidden)]
    pub security: Option<crate::runtime::client::Requirement>,
    /// The media type the operation answers with, where the default `Accept` would not name it.
    #[doc(hidden)]
    pub accept: Option<&'static str>,
}

/// How a query parameter writes a list or an object (OpenAPI's `style` and `explode`), for
/// [`ApiRequest::query_styled`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryStyle {
    /// Exploded, a list repeats the name (`?id=1&id=2`) and an object's properties are parameters
    /// of their own; else one parameter (`?id=1,2`, `?range=min,1,max,2`).
    Form {
        /// Whether each list item or object property is a parameter of its own.
        explode: bool,
    },
    /// A list joined by spaces.
    SpaceDelimited,
    /// A list joined by `|`.
    PipeDelimited,
    /// An object's properties in brackets (`?range[min]=1`).
    DeepObject,
}

/// A scalar's text in a query (a string without its JSON quotes); nested values as JSON text.
fn query_text(value: serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => text,
        other => other.to_string(),
    }
}

impl ApiRequest {
    /// A request with no query, headers or body.
    pub fn new(method: Method, path: impl Into<String>) -> Self {
        ApiRequest {
            method,
            path: path.into(),
            query: Vec::new(),
            headers: Vec::new(),
            cookies: Vec::new(),
            body: Body::Empty,
            options: RequestOptions::default(),
            security: None,
            accept: None,
        }
    }

    /// Adds a query parameter.
    pub fn query(&mut self, name: &str, value: impl fmt::Display) -> &mut Self {
        self.query.push((name.to_owned(), value.to_string()));
        self
    }

    /// Adds a query parameter when `value` is `Some`.
    pub fn query_opt<T: fmt::Display>(&mut self, name: &str, value: Option<T>) -> &mut Self {
        if let Some(value) = value {
            self.query(name, value);
        }
        self
    }

    /// Adds one query parameter `name` per element of `values` (`?tag=a&tag=b`).
    pub fn query_each<I>(&mut self, name: &str, values: I) -> &mut Self
    where
        I: IntoIterator,
        I::Item: fmt::Display,
    {
        for value in values {
            self.query(name, value);
        }
        self
    }

    /// Sets query parameter `name` to `value`, replacing any existing values.
    pub fn set_query(&mut self, name: &str, value: impl fmt::Display) -> &mut Self {
        self.query.retain(|(n, _)| n != name);
        self.query(name, value)
    }

    /// The first value of query parameter `name`, if any.
    pub fn query_value(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// Adds a cookie; a value with characters a cookie cannot hold (`;`, `,`, spaces, quotes, `\\`,
    /// `%`, control and non-ASCII characters) is percent-encoded.
    pub fn cookie(&mut self, name: &str, value: impl fmt::Display) -> &mut Self {
        self.cookies.push((name.to_owned(), cookie_value(value)));
        self
    }

    /// Adds a cookie when `value` is `Some`.
    pub fn cookie_opt<T: fmt::Display>(&mut self, name: &str, value: Option<T>) -> &mut Self {
        if let Some(value) = value {
            self.cookie(name, value);
        }
        self
    }

    /// Adds one cookie `name` holding every element of `values`, comma-separated (OpenAPI's form
    /// style for cookies).
    pub fn cookie_each<I>(&mut self, name: &str, values: I) -> &mut Self
    where
        I: IntoIterator,
        I::Item: fmt::Display,
    {
        let joined: Vec<String> = values.into_iter().map(cookie_value).collect();
        self.cookies.push((name.to_owned(), joined.join(",")));
        self
    }

    /// Adds a cookie holding `value` as JSON text.
    pub fn cookie_json<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<&mut Self> {
        let text = serde_json::to_string(value).map_err(Error::serialize)?;
        Ok(self.cookie(name, text))
    }

    /// Adds a header.
    pub fn header(&mut self, name: &str, value: impl fmt::Display) -> &mut Self {
        self.headers.push((name.to_owned(), value.to_string()));
        self
    }

    /// Adds a header when `value` is `Some`.
    pub fn header_opt<T: fmt::Display>(&mut self, name: &str, value: Option<T>) -> &mut Self {
        if let Some(value) = value {
            self.header(name, value);
        }
        self
    }

    /// Adds one header `name` per element of `values`.
    pub fn header_each<I>(&mut self, name: &str, values: I) -> &mut Self
    where
        I: IntoIterator,
        I::Item: fmt::Display,
    {
        for value in values {
            self.header(name, value);
        }
        self
    }

    /// Adds a query parameter whose value is `value` encoded as JSON text (for structured values).
    pub fn query_json<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<&mut Self> {
        let text = serde_json::to_string(value).map_err(Error::serialize)?;
        Ok(self.query(name, text))
    }

    /// Adds query parameter `name` as its `style` writes a list or an object (a scalar is itself).
    pub fn query_styled<T: Serialize + ?Sized>(&mut self, name: &str, value: &T, style: QueryStyle) -> Result<&mut Self> {
        let value = serde_json::to_value(value).map_err(Error::serialize)?;
        self.query.extend(styled_pairs(name, value, style));
        Ok(self)
    }

    /// Adds a header whose value is `value` encoded as JSON text (for structured values).
    pub fn header_json<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<&mut Self> {
        let text = serde_json::to_string(value).map_err(Error::serialize)?;
        Ok(self.header(name, text))
    }

    /// Sets a JSON body. Fails with [`Error::InvalidRequest`] when `body` cannot be serialized.
    pub fn json<T: Serialize + ?Sized>(&mut self, body: &T) -> Result<&mut Self> {
        let value = serde_json::to_value(body).map_err(Error::serialize)?;
        self.body = Body::Json(value);
        Ok(self)
    }

    /// Sets a `multipart/form-data` body.
    pub fn multipart(&mut self, form: MultipartForm) -> &mut Self {
        self.body = Body::Multipart(form);
        self
    }

    /// Sets an `application/x-www-form-urlencoded` body from name/value pairs.
    pub fn form(&mut self, pairs: Vec<(String, String)>) -> &mut Self {
        self.body = Body::Form(pairs);
        self
    }

    /// Sets a raw body with its content type.
    pub fn bytes(&mut self, content_type: &str, data: impl Into<Bytes>) -> &mut Self {
        self.body = Body::Bytes { content_type: content_type.to_owned(), data: data.into() };
        self
    }
}

/// The query parameters `value` is as parameter `name` in `style` (none for `null`).
pub(crate) fn styled_pairs(name: &str, value: serde_json::Value, style: QueryStyle) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    push_styled(&mut pairs, name, value, style);
    pairs
}

fn push_styled(pairs: &mut Vec<(String, String)>, name: &str, value: serde_json::Value, style: QueryStyle) {
    use serde_json::Value;
    match (value, style) {
        (Value::Null, _) => {}
        (Value::Array(items), QueryStyle::Form { explode: true }) => {
            pairs.extend(items.into_iter().map(|item| (name.to_owned(), query_text(item))));
        }
        (Value::Array(items), style) => {
            let separator = match style {
                QueryStyle::SpaceDelimited => " ",
                QueryStyle::PipeDelimited => "|",
                _ => ",",
            };
            pairs.push((name.to_owned(), items.into_iter().map(query_text).collect::<Vec<_>>().join(separator)));
        }
        (Value::Object(fields), QueryStyle::Form { explode: true }) => {
            for (key, field) in fields {
                push_styled(pairs, &key, field, QueryStyle::Form { explode: true });
            }
        }
        (Value::Object(fields), QueryStyle::DeepObject) => {
            for (key, field) in fields {
                push_deep(pairs, format!("{name}[{key}]"), field);
            }
        }
        (Value::Object(fields), _) => {
            let joined: Vec<String> = fields.into_iter().flat_map(|(key, field)| [key, query_text(field)]).collect();
            pairs.push((name.to_owned(), joined.join(",")));
        }
        (scalar, _) => pairs.push((name.to_owned(), query_text(scalar))),
    }
}

/// A `deepObject` member: nested objects and lists keep adding brackets (`a[b][0]=x`).
fn push_deep(pairs: &mut Vec<(String, String)>, name: String, value: serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Null => {}
        Value::Object(fields) => fields.into_iter().for_each(|(key, field)| push_deep(pairs, format!("{name}[{key}]"), field)),
        Value::Array(items) => items.into_iter().enumerate().for_each(|(i, item)| push_deep(pairs, format!("{name}[{i}]"), item)),
        scalar => pairs.push((name, query_text(scalar))),
    }
}

impl fmt::Debug for ApiRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("headers", &RedactedHeaders(&self.headers))
            .field("body", &self.body)
            .field("options", &self.options)
            .finish()
    }
}

/// A successful response with its body read but not decoded.
#[derive(Clone, Debug)]
pub struct RawResponse {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The raw body.
    pub body: Bytes,
}

impl RawResponse {
    /// The `x-request-id` response header, if any.
    pub fn request_id(&self) -> Option<&str> {
        request_id(&self.headers)
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// Decodes the body as JSON; a mismatch gives [`Error::Decode`] naming the failing field, or,
    /// when the body is not JSON at all and its content type says something else (an HTML error
    /// page from a proxy, say), naming the status and content type that arrived. The body is kept
    /// either way.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T> {
        decode_json(&self.body).map_err(|error| self.explain_decode_error(error))
    }

    fn explain_decode_error(&self, error: Error) -> Error {
        let content_type = self.headers.get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
        match (error, content_type) {
            (Error::Decode { body, .. }, Some(content_type))
                if !is_json_content_type(content_type) && serde_json::from_slice::<serde::de::IgnoredAny>(&self.body).is_err() =>
            {
                Error::Decode {
                    message: format!("expected a JSON response, got `{content_type}` (status {})", self.status),
                    path: None,
                    body,
                }
            }
            (error, _) => error,
        }
    }
}

/// `application/json`, `application/problem+json` and the like, with or without parameters.
fn is_json_content_type(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json")
}

/// Decodes JSON, reporting the path of the failing field and keeping the raw body.
/// Decodes a JSON response body as the client does: on failure, an [`Error::Decode`] naming the
/// field that failed and keeping the raw body.
#[doc(hidden)]
pub fn decode_json<T: DeserializeOwned>(body: &[u8]) -> Result<T> {
    // The plain decode is the fast path; only a failure pays for tracking the field path. (Written
    // out rather than `serde_json::from_slice`, which moves a large value once more on the way.)
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    if let Ok(value) = T::deserialize(&mut deserializer) {
        if deserializer.end().is_ok() {
            return Ok(value);
        }
    }
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| Error::decode(e, body))?;
    deserializer.end().map_err(|e| Error::Decode {
        message: e.to_string(),
        path: None,
        body: String::from_utf8_lossy(body).into_owned(),
    })?;
    Ok(value)
}

pub(crate) fn request_id(headers: &HeaderMap) -> Option<&str> {
    headers.get("x-request-id").and_then(|v| v.to_str().ok())
}

/// A decoded response with its status and headers.
#[derive(Clone, Debug)]
pub struct Response<T> {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The decoded body.
    pub data: T,
}

impl<T> Response<T> {
    /// The `x-request-id` response header, if any.
    pub fn request_id(&self) -> Option<&str> {
        request_id(&self.headers)
    }

    /// The decoded body.
    pub fn into_data(self) -> T {
        self.data
    }

    /// Transforms the body, keeping status and headers.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response { status: self.status, headers: self.headers, data: f(self.data) }
    }
}
