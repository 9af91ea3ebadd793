// Copied by openapi-sdkgen from templates/src/runtime/error.rs. Edit the template, not this file.

//! The one error type of the SDK and the details of an error response from the API.

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::StatusCode;

/// A boxed error, used as the source of [`Error::Connection`].
pub type BoxError = Box<dyn StdError + Send + Sync + 'static>;

/// The result type of every SDK call.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong when calling the API.
///
/// Error responses from the API are split by HTTP status; each of those variants carries a
/// boxed [`ApiError`] with the status, message, raw body, headers and request id. Use
/// [`Error::status`] and [`Error::api_error`] to inspect them without matching every variant.
///
/// The API key never appears in the `Display` or `Debug` output of an error.
#[non_exhaustive]
pub enum Error {
    /// The API answered 400 Bad Request.
    BadRequest(Box<ApiError>),
    /// The API answered 401 Unauthorized: the API key is missing or invalid.
    Authentication(Box<ApiError>),
    /// The API answered 403 Forbidden.
    PermissionDenied(Box<ApiError>),
    /// The API answered 404 Not Found.
    NotFound(Box<ApiError>),
    /// The API answered 409 Conflict.
    Conflict(Box<ApiError>),
    /// The API answered 422 Unprocessable Entity: the request failed validation.
    UnprocessableEntity(Box<ApiError>),
    /// The API answered 429 Too Many Requests.
    RateLimited(Box<ApiError>),
    /// The API answered with a 5xx status.
    InternalServer(Box<ApiError>),
    /// The API answered with another non-success status.
    UnexpectedStatus(Box<ApiError>),
    /// The request could not be sent or the response could not be read (DNS, refused
    /// connection, reset, TLS, ...).
    Connection {
        /// What went wrong, including the chain of underlying causes.
        message: String,
        /// The underlying error.
        source: Option<BoxError>,
    },
    /// No complete response arrived within the timeout.
    Timeout {
        /// The timeout that elapsed.
        after: Duration,
    },
    /// A response (or a server-sent event) did not match the expected type.
    Decode {
        /// What serde reported.
        message: String,
        /// The path of the field that failed (`items[2].created_at`), when known.
        path: Option<String>,
        /// The raw response body (or event data) as text.
        body: String,
    },
    /// The request was rejected before anything was sent (an empty path parameter, a header
    /// value with a newline, a body that cannot be serialized, ...).
    InvalidRequest(String),
    /// The client is misconfigured (no API key, invalid base URL, ...).
    Config(String),
    /// Reading a local file failed (for example a file to upload).
    Io(std::io::Error),
    /// A long-running job the SDK waited for failed, was cancelled or did not finish in time: a
    /// [`WaitError`](crate::runtime::WaitError) converted by `?`. The job's final state is in the
    /// `WaitError`, for code that handles it before converting.
    Job(Box<JobError>),
}

impl Error {
    /// The HTTP status of an API error response; `None` for other errors.
    pub fn status(&self) -> Option<StatusCode> {
        self.api_error().map(|e| e.status)
    }

    /// The details of an API error response; `None` for other errors.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::BadRequest(e)
            | Error::Authentication(e)
            | Error::PermissionDenied(e)
            | Error::NotFound(e)
            | Error::Conflict(e)
            | Error::UnprocessableEntity(e)
            | Error::RateLimited(e)
            | Error::InternalServer(e)
            | Error::UnexpectedStatus(e) => Some(e.as_ref()),
            _ => None,
        }
    }

    /// The request id (`x-request-id` header) of an API error response, if any.
    pub fn request_id(&self) -> Option<&str> {
        self.api_error().and_then(|e| e.request_id.as_deref())
    }

    /// Whether this is a timeout.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. })
    }

    /// Whether this is a connection error.
    pub fn is_connection(&self) -> bool {
        matches!(self, Error::Connection { .. })
    }

    /// Builds the error for a non-success response, choosing the variant from the status.
    #[doc(hidden)]
    pub fn from_response(status: StatusCode, headers: HeaderMap, body: &[u8]) -> Error {
        let api = Box::new(ApiError::new(status, headers, body));
        match status.as_u16() {
            400 => Error::BadRequest(api),
            401 => Error::Authentication(api),
            403 => Error::PermissionDenied(api),
            404 => Error::NotFound(api),
            409 => Error::Conflict(api),
            422 => Error::UnprocessableEntity(api),
            429 => Error::RateLimited(api),
            500..=599 => Error::InternalServer(api),
            _ => Error::UnexpectedStatus(api),
        }
    }

    /// A connection error wrapping `source`; the message lists the whole chain of causes.
    #[doc(hidden)]
    pub fn connection(source: impl Into<BoxError>) -> Error {
        let source = source.into();
        let mut message = source.to_string();
        let mut cause = source.source();
        while let Some(c) = cause {
            let text = c.to_string();
            if !message.contains(&text) {
                message.push_str(": ");
                message.push_str(&text);
            }
            cause = c.source();
        }
        Error::Connection { message, source: Some(source) }
    }

    /// The error for a request input (body, form field, structured query value) that cannot be serialized: an
    /// [`Error::InvalidRequest`].
    #[doc(hidden)]
    pub fn serialize(err: serde_json::Error) -> Error {
        Error::InvalidRequest(format!("failed to serialize a request input as JSON: {err}"))
    }

    /// A decode error from `serde_path_to_error`, keeping the raw `body` text.
    pub(crate) fn decode(err: serde_path_to_error::Error<serde_json::Error>, body: &[u8]) -> Error {
        let path = err.path().to_string();
        let path = if path == "." || path.is_empty() { None } else { Some(path) };
        Error::Decode {
            message: err.into_inner().to_string(),
            path,
            body: String::from_utf8_lossy(body).into_owned(),
        }
    }

    /// Maps a reqwest error from sending a request or reading its body.
    pub(crate) fn from_reqwest(err: reqwest::Error, timeout: Duration) -> Error {
        if err.is_timeout() {
            Error::Timeout { after: timeout }
        } else if err.is_builder() {
            Error::InvalidRequest(err.to_string())
        } else {
            Error::connection(err)
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(api) = self.api_error() {
            return fmt::Display::fmt(api, f);
        }
        match self {
            Error::Connection { message, .. } => write!(f, "connection error: {message}"),
            Error::Timeout { after } => write!(f, "request timed out after {after:?}"),
            Error::Decode { message, path: Some(path), .. } => {
                write!(f, "failed to decode the response at `{path}`: {message}")
            }
            Error::Decode { message, path: None, .. } => {
                write!(f, "failed to decode the response: {message}")
            }
            Error::InvalidRequest(message) => write!(f, "invalid request: {message}"),
            Error::Config(message) => write!(f, "invalid client configuration: {message}"),
            Error::Io(err) => write!(f, "I/O error: {err}"),
            Error::Job(job) => f.write_str(&job.message),
            _ => f.write_str("API error"),
        }
    }
}

/// Like a derived `Debug`, with bodies cut short: returning an error from `main` prints this.
impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let api = |f: &mut fmt::Formatter<'_>, name: &str, e: &ApiError| f.debug_tuple(name).field(e).finish();
        match self {
            Error::BadRequest(e) => api(f, "BadRequest", e),
            Error::Authentication(e) => api(f, "Authentication", e),
            Error::PermissionDenied(e) => api(f, "PermissionDenied", e),
            Error::NotFound(e) => api(f, "NotFound", e),
            Error::Conflict(e) => api(f, "Conflict", e),
            Error::UnprocessableEntity(e) => api(f, "UnprocessableEntity", e),
            Error::RateLimited(e) => api(f, "RateLimited", e),
            Error::InternalServer(e) => api(f, "InternalServer", e),
            Error::UnexpectedStatus(e) => api(f, "UnexpectedStatus", e),
            Error::Connection { message, source } => {
                f.debug_struct("Connection").field("message", message).field("source", source).finish()
            }
            Error::Timeout { after } => f.debug_struct("Timeout").field("after", after).finish(),
            Error::Decode { message, path, body } => {
                f.debug_struct("Decode").field("message", message).field("path", path).field("body", &Abbreviated(body)).finish()
            }
            Error::InvalidRequest(message) => f.debug_tuple("InvalidRequest").field(message).finish(),
            Error::Config(message) => f.debug_tuple("Config").field(message).finish(),
            Error::Io(err) => f.debug_tuple("Io").field(err).finish(),
            Error::Job(job) => f.debug_tuple("Job").field(job).finish(),
        }
    }
}

/// How much of a body `Debug` shows.
const DEBUG_BODY_CHARS: usize = 1024;

/// A body in `Debug` output: quoted like a string, cut after [`DEBUG_BODY_CHARS`] characters.
struct Abbreviated<'a>(&'a str);

impl fmt::Debug for Abbreviated<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.char_indices().nth(DEBUG_BODY_CHARS) {
            None => fmt::Debug::fmt(self.0, f),
            Some((end, _)) => write!(f, "{:?}… ({} bytes in all)", &self.0[..end], self.0.len()),
        }
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            Error::Connection { source: Some(source), .. } => Some(source.as_ref()),
            Error::Io(err) => Some(err),
            _ => None,
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(err: std::io::Error) -> Self {
        Error::Io(err)
    }
}

/// How a waited-for job ended: [`Error::Job`].
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobError {
    /// What happened to the job.
    pub outcome: JobOutcome,
    /// The job's id, when the wait knew it.
    pub job_id: Option<String>,
    /// The job's last status, as on the wire.
    pub status: Option<String>,
    /// The job's own error text, if its type has one and it was set.
    pub error_text: Option<String>,
    /// The message of the wait's error (also this error's `Display`).
    pub message: String,
}

/// What happened to a job the SDK waited for, when it did not succeed.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobOutcome {
    /// It finished without success.
    Failed,
    /// It was cancelled.
    Cancelled,
    /// It had not finished when the wait's time limit elapsed; it goes on.
    TimedOut {
        /// The time limit.
        after: Duration,
    },
}

/// The details of an error response from the API.
///
/// Its `Debug` output is short: of the headers only the content type (the request id has its
/// own field), and the first kilobyte of the body. The fields hold everything.
#[derive(Clone)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// A human-readable message: the body's `detail` (a string, or a list/object as JSON),
    /// else its `message` or `error`, else the status text.
    pub message: String,
    /// The raw response body as text.
    pub body: String,
    /// The response headers.
    pub headers: HeaderMap,
    /// The `x-request-id` response header, if any: quote it when contacting support.
    pub request_id: Option<String>,
}

impl ApiError {
    /// Builds the error details from a response.
    #[doc(hidden)]
    pub fn new(status: StatusCode, headers: HeaderMap, body: &[u8]) -> ApiError {
        let body = String::from_utf8_lossy(body).into_owned();
        let message = message_from_body(&body).unwrap_or_else(|| {
            status.canonical_reason().map_or_else(|| format!("HTTP status {}", status.as_u16()), str::to_owned)
        });
        let request_id = headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        ApiError { status, message, body, headers, request_id }
    }

    /// The body parsed as JSON, if it is JSON.
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_str(&self.body).ok()
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let content_type = self.headers.get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
        f.debug_struct("ApiError")
            .field("status", &self.status)
            .field("message", &self.message)
            .field("request_id", &self.request_id)
            .field("content_type", &content_type)
            .field("body", &Abbreviated(&self.body))
            .finish_non_exhaustive()
    }
}

/// One line: the status, the message (line breaks in it become spaces) and the request id.
impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "API error {}: ", self.status)?;
        for (i, line) in self.message.lines().map(str::trim).filter(|l| !l.is_empty()).enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            f.write_str(line)?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

fn message_from_body(body: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(body).ok()?;
    let object = value.as_object()?;
    ["detail", "message", "error"].iter().find_map(|key| match object.get(*key)? {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) if s.is_empty() => None,
        serde_json::Value::String(s) => Some(s.clone()),
        // `{"error": {"message": "..."}}`; an empty one says nothing, like an empty string.
        serde_json::Value::Object(inner) if inner.get("message").is_some_and(|m| m.is_string()) => {
            inner.get("message").and_then(|m| m.as_str()).filter(|m| !m.is_empty()).map(str::to_owned)
        }
        other => Some(other.to_string()),
    })
}
