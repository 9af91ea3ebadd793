//! The HTTP client: configuration ([`ClientDefaults`], [`ClientBuilder`]), authentication
//! ([`AuthScheme`]), and sending requests with retries ([`Client`]).

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, COOKIE, USER_AGENT};
use reqwest::{StatusCode, Url};
use serde::de::DeserializeOwned;
use tracing::Instrument;

use crate::runtime::error::{Error, Result};
use crate::runtime::pagination::{ItemStream, Page, PageResponse, PageScheme};
use crate::runtime::request::{ApiRequest, Body, RawResponse, Response};
use crate::runtime::retry::{should_retry, RetryPolicy};
use crate::runtime::sse::{EventStream, SseStream};
use crate::runtime::types::TaggedUnion;

/// The attempt number sent with every request (0 on the first).
const X_RETRY_COUNT: HeaderName = HeaderName::from_static("x-retry-count");

/// The default timeout of each attempt.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// How one security scheme of the API sends its credential.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuthScheme {
    /// `Authorization: Bearer <token>` (HTTP bearer, OAuth2 and OpenID Connect tokens).
    Bearer,
    /// `Authorization: Basic <base64 of user:password>`.
    Basic,
    /// An API key as the value of the named header (`x-api-key: <key>`).
    Header(&'static str),
    /// An API key as the named query parameter (`?key=<key>`).
    Query(&'static str),
    /// An API key as the named cookie (`Cookie: session=<key>`).
    Cookie(&'static str),
    /// OAuth2: a token the user gives, sent as a bearer token, or one the client obtains with the
    /// client credentials flow from `token_url` (relative to the base URL if not absolute), for
    /// `scopes`, cached and refreshed before it expires.
    OAuth2 {
        token_url: Option<&'static str>,
        scopes: &'static [&'static str],
    },
}

/// One security scheme of the API, as the generated crate declares it.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SecurityScheme {
    /// Its name in the spec (`components.securitySchemes`), for messages.
    pub name: &'static str,
    pub kind: AuthScheme,
    /// The client builder's setter for it (`api_key`, `basic_auth`, ...), for messages.
    pub setter: &'static str,
    /// The environment variables it is read from when the builder sets none: the secret; for
    /// [`AuthScheme::Basic`] the user name and the password; for [`AuthScheme::OAuth2`] the token,
    /// then the client id and the client secret of the client credentials flow.
    pub env: &'static [&'static str],
}

/// Which schemes authenticate a request: alternatives, each a set of scheme indices sent together.
/// No alternatives, or an empty one, means the request can go without credentials.
#[doc(hidden)]
pub type Requirement = &'static [&'static [usize]];

/// The SDK-specific defaults of a client, defined once by the generated crate.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientDefaults {
    /// The base URL used when neither the builder nor the environment sets one.
    pub base_url: &'static str,
    /// The environment variable overriding the base URL, if any.
    pub base_url_env: Option<&'static str>,
    /// The API's security schemes.
    pub schemes: &'static [SecurityScheme],
    /// What an operation requires unless it says otherwise (the spec's root `security`).
    pub security: Requirement,
    /// The `User-Agent` header sent with every request.
    pub user_agent: &'static str,
}

impl ClientDefaults {
    /// The scheme `api_key(..)` sets: the one the generated crate gave that setter.
    fn primary_scheme(&self) -> Option<usize> {
        self.schemes.iter().position(|scheme| scheme.setter == "api_key")
    }
}

/// A credential given to the client builder.
#[doc(hidden)]
#[derive(Clone)]
pub enum Credential {
    /// An API key or a token.
    Secret(String),
    /// A user name and a password.
    Basic { user: String, password: String },
    /// The client id and secret of an OAuth2 client credentials flow.
    ClientCredentials { client_id: String, client_secret: String },
}

/// How a credential goes on the wire, prepared once when the client is built.
#[derive(Clone)]
enum AuthValue {
    Header(HeaderName, HeaderValue),
    Query(&'static str, String),
    Cookie(String),
    /// A token obtained when a request needs it.
    OAuth(Arc<TokenSource>),
}

/// The credentials one requirement sends, resolved once: for the API's default when the client is
/// built, for an operation's own requirement when it is sent.
struct RequestAuth {
    /// The client's headers with the credentials sent as headers (and cookies) added.
    headers: HeaderMap,
    /// Credentials sent as query parameters.
    query: Vec<(&'static str, String)>,
    /// An OAuth2 client credentials flow, whose token is fetched when the request is sent.
    oauth: Option<Arc<TokenSource>>,
}

/// An OAuth2 client credentials flow: the token it holds, fetched once for all requests.
struct TokenSource {
    token_url: &'static str,
    scopes: &'static [&'static str],
    client_id: String,
    client_secret: String,
    /// Held while a token is fetched, so concurrent requests wait for one fetch.
    token: tokio::sync::Mutex<Option<Token>>,
}

#[derive(Clone)]
struct Token {
    /// `Bearer <token>`, marked sensitive.
    value: HeaderValue,
    /// When to fetch a new one (some time before it expires); `None`: when the API rejects it.
    refresh_at: Option<tokio::time::Instant>,
}

impl TokenSource {
    /// The current token, fetched first if there is none, it is due for refresh, or it is `stale`
    /// (the one the API just rejected; a token another request already replaced is not fetched again).
    async fn token(&self, client: &Client, stale: Option<&HeaderValue>) -> Result<HeaderValue> {
        let mut slot = self.token.lock().await;
        if let Some(token) = slot.as_ref() {
            let due = token.refresh_at.is_some_and(|at| tokio::time::Instant::now() >= at);
            if !due && stale != Some(&token.value) {
                return Ok(token.value.clone());
            }
        }
        let token = self.fetch(client).await?;
        let value = token.value.clone();
        *slot = Some(token);
        Ok(value)
    }

    async fn fetch(&self, client: &Client) -> Result<Token> {
        let inner = &client.inner;
        let url = inner.base_url.join(self.token_url).map_err(|e| Error::Config(format!("invalid OAuth2 token URL `{}`: {e}", self.token_url)))?;
        let mut form = vec![("grant_type", "client_credentials".to_owned())];
        if !self.scopes.is_empty() {
            form.push(("scope", self.scopes.join(" ")));
        }
        let timeout = inner.timeout;
        tracing::debug!(token_url = %url, "fetching an OAuth2 token");
        let request = inner.http.post(url).basic_auth(&self.client_id, Some(&self.client_secret)).form(&form).timeout(timeout);
        let response = request.send().await.map_err(|e| Error::from_reqwest(e, timeout))?;
        let (status, headers) = (response.status(), response.headers().clone());
        let body = response.bytes().await.map_err(|e| Error::from_reqwest(e, timeout))?;
        if !status.is_success() {
            return Err(Error::from_response(status, headers, &body));
        }
        let decode = |message: &str| Error::Decode { message: message.to_owned(), path: None, body: "[token response withheld]".to_owned() };
        let json: serde_json::Value = serde_json::from_slice(&body).map_err(|_| decode("the OAuth2 token response is not JSON"))?;
        let access_token = json.get("access_token").and_then(serde_json::Value::as_str).ok_or_else(|| decode("the OAuth2 token response has no `access_token`"))?;
        let mut value = HeaderValue::from_str(&format!("Bearer {access_token}")).map_err(|_| decode("the OAuth2 access token is not a valid header value"))?;
        value.set_sensitive(true);
        // Refreshed a little before it expires: 30 s early, or halfway for short-lived tokens.
        let refresh_at = json.get("expires_in").and_then(serde_json::Value::as_f64).filter(|s| s.is_finite() && *s >= 0.0).map(|seconds| {
            let lifetime = Duration::from_secs_f64(seconds.min(1e9));
            tokio::time::Instant::now() + lifetime.saturating_sub(Duration::from_secs(30)).max(lifetime / 2)
        });
        Ok(Token { value, refresh_at })
    }
}

/// Configures and builds a client of type `C` (the generated client, which wraps [`Client`]).
///
/// The API key and base URL fall back to the environment variables named in
/// [`ClientDefaults`], then (for the base URL) to its default.
pub struct ClientBuilder<C> {
    defaults: ClientDefaults,
    /// Credentials by scheme index, set on the builder.
    credentials: Vec<(usize, Credential)>,
    base_url: Option<String>,
    timeout: Duration,
    retry: RetryPolicy,
    headers: Vec<(String, String)>,
    query: Vec<(String, String)>,
    /// Values of the API's shared parameters, sent by the operations that take them.
    params: Vec<(&'static str, String)>,
    http_client: Option<reqwest::Client>,
    _client: PhantomData<fn() -> C>,
}

impl<C: From<Client>> ClientBuilder<C> {
    /// A builder with the SDK's defaults: 60 s timeout, 2 retries.
    #[doc(hidden)]
    pub fn new(defaults: ClientDefaults) -> Self {
        ClientBuilder {
            defaults,
            credentials: Vec::new(),
            base_url: None,
            timeout: DEFAULT_TIMEOUT,
            retry: RetryPolicy::default(),
            headers: Vec::new(),
            query: Vec::new(),
            params: Vec::new(),
            http_client: None,
            _client: PhantomData,
        }
    }

    /// Sets the API key or token of the API's main security scheme (instead of reading it from
    /// the environment).
    pub fn api_key(self, api_key: impl Into<String>) -> Self {
        match self.defaults.primary_scheme() {
            Some(index) => self.credential(index, Credential::Secret(api_key.into())),
            None => self,
        }
    }

    /// Sets the credential of the scheme at `index` of the defaults (generated setters call this).
    #[doc(hidden)]
    pub fn credential(mut self, index: usize, credential: Credential) -> Self {
        self.credentials.retain(|(i, _)| *i != index);
        self.credentials.push((index, credential));
        self
    }

    /// Sets the base URL (instead of the environment's or the default). A path in it is kept
    /// as a prefix of every request path.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    /// Sets the timeout of each attempt (default 60 s). For event streams it bounds the wait
    /// for the response headers, not the whole stream.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets how many times a failed request is retried (default 2; `0` disables retries).
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.retry.max_retries = max_retries;
        self
    }

    /// Sets the delay before the first retry, doubled for each further retry (default 500 ms).
    pub fn retry_base_delay(mut self, delay: Duration) -> Self {
        self.retry.base_delay = delay;
        self
    }

    /// Sets the cap of the retry backoff (default 8 s).
    pub fn retry_max_delay(mut self, delay: Duration) -> Self {
        self.retry.max_delay = delay;
        self
    }

    /// Adds a header sent with every request.
    pub fn default_header(mut self, name: impl Into<String>, value: impl fmt::Display) -> Self {
        self.headers.push((name.into(), value.to_string()));
        self
    }

    /// Adds a query parameter sent with every request that does not set it itself (for example
    /// `project_id`, to scope every call to one project).
    pub fn default_query(mut self, name: impl Into<String>, value: impl fmt::Display) -> Self {
        self.query.push((name.into(), value.to_string()));
        self
    }

    /// Sets the client's value of a shared parameter (generated setters call this): operations
    /// that take the parameter send it unless the request sets its own.
    #[doc(hidden)]
    pub fn default_param(mut self, name: &'static str, value: impl fmt::Display) -> Self {
        self.params.retain(|(n, _)| *n != name);
        self.params.push((name, value.to_string()));
        self
    }

    /// Uses this `reqwest` client (for proxies, custom TLS, connection pools, ...). Timeouts
    /// and retries are still applied by the SDK.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Builds the client. Fails with [`Error::Config`] when the API key is missing (and the
    /// API needs one), or the base URL or a default header is invalid.
    pub fn build(self) -> Result<C> {
        let defaults = self.defaults;
        let from_env = |name: Option<&'static str>| {
            name.and_then(|n| std::env::var(n).ok()).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
        };

        let mut headers = HeaderMap::new();
        // A static value: requests share it rather than copy it.
        let user_agent = HeaderValue::from_maybe_shared(bytes::Bytes::from_static(defaults.user_agent.as_bytes()))
            .map_err(|_| Error::Config("the user agent is not a valid header value".to_owned()))?;
        headers.insert(USER_AGENT, user_agent);
        for (name, value) in &self.headers {
            let (name, value) = header_pair(name, value).map_err(Error::Config)?;
            headers.insert(name, value);
        }

        // Each scheme's credential, from the builder or the environment, as it goes on the wire.
        let mut auth: Vec<Option<AuthValue>> = Vec::with_capacity(defaults.schemes.len());
        for (index, scheme) in defaults.schemes.iter().enumerate() {
            // An empty secret counts as none.
            let given = self.credentials.iter().rev().find(|(i, _)| *i == index).map(|(_, c)| c.clone());
            let given = given.filter(|c| !matches!(c, Credential::Secret(secret) if secret.is_empty()));
            let credential = given.or_else(|| match scheme.kind {
                AuthScheme::Basic => {
                    let user = from_env(scheme.env.first().copied())?;
                    Some(Credential::Basic { user, password: from_env(scheme.env.get(1).copied()).unwrap_or_default() })
                }
                AuthScheme::OAuth2 { token_url: Some(_), .. } => from_env(scheme.env.first().copied()).map(Credential::Secret).or_else(|| {
                    let client_id = from_env(scheme.env.get(1).copied())?;
                    Some(Credential::ClientCredentials { client_id, client_secret: from_env(scheme.env.get(2).copied()).unwrap_or_default() })
                }),
                _ => from_env(scheme.env.first().copied()).map(Credential::Secret),
            });
            auth.push(credential.map(|c| auth_value(scheme, c)).transpose()?);
        }
        // The default requirement must be met now, so a missing key fails here, not at the first call.
        // Every request starts from its headers: User-Agent, default headers, and the default
        // requirement's authentication headers (unless a default header already sets one).
        let schemes = choose(defaults.security, &auth).map_err(|missing| Error::Config(missing_credentials(&defaults, missing, "the API")))?;
        let default_auth = resolve(&schemes, &auth, &headers);
        let base_url = self.base_url.or_else(|| from_env(defaults.base_url_env)).unwrap_or_else(|| defaults.base_url.to_owned());
        let base_url = parse_base_url(&base_url)?;

        let http = match self.http_client {
            Some(http) => http,
            None => reqwest::Client::builder()
                .build()
                .map_err(|e| Error::Config(format!("failed to create the HTTP client: {e}")))?,
        };

        Ok(C::from(Client {
            inner: Arc::new(ClientInner {
                http,
                base_url,
                defaults,
                auth,
                default_auth,
                base_headers: headers,
                query: self.query,
                params: self.params,
                timeout: self.timeout,
                retry: self.retry,
            }),
        }))
    }
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("credentials", &self.credentials.iter().map(|(i, _)| self.defaults.schemes.get(*i).map_or("?", |s| s.name)).collect::<Vec<_>>())
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("default_headers", &self.headers.iter().map(|(n, _)| n).collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

fn parse_base_url(text: &str) -> Result<Url> {
    let text = text.trim();
    let invalid = |why: &str| Error::Config(format!("invalid base URL `{text}`: {why}"));
    // `127.0.0.1:4010` or `localhost:4010` parse as a relative URL or one whose scheme is the host.
    if !text.contains("://") {
        let host = text.split([':', '/']).next().unwrap_or_default();
        let local = host == "localhost" || host.starts_with("127.") || host.starts_with('[') || host == "0.0.0.0";
        let scheme = if local { "http" } else { "https" };
        return Err(invalid(&format!("it has no scheme; did you mean `{scheme}://{text}`?")));
    }
    let url = Url::parse(text).map_err(|e| invalid(&e.to_string()))?;
    if url.scheme() != "http" && url.scheme() != "https" {
        return Err(invalid("the scheme must be http or https"));
    }
    if url.cannot_be_a_base() || url.host_str().is_none() {
        return Err(invalid("it has no host"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("it must not have a query or fragment"));
    }
    Ok(url)
}

/// How `credential` for `scheme` goes on the wire; its values are marked sensitive.
fn auth_value(scheme: &SecurityScheme, credential: Credential) -> Result<AuthValue> {
    let invalid = || Error::Config(format!("the credential of `{}` contains characters that are not allowed in an HTTP header", scheme.name));
    let secret = |value: String| -> Result<HeaderValue> {
        let mut value = HeaderValue::from_str(&value).map_err(|_| invalid())?;
        value.set_sensitive(true);
        Ok(value)
    };
    Ok(match (scheme.kind, credential) {
        (AuthScheme::Basic, Credential::Basic { user, password }) => {
            use base64::Engine as _;
            let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
            AuthValue::Header(AUTHORIZATION, secret(format!("Basic {encoded}"))?)
        }
        (AuthScheme::OAuth2 { token_url: Some(token_url), scopes }, Credential::ClientCredentials { client_id, client_secret }) => {
            AuthValue::OAuth(Arc::new(TokenSource { token_url, scopes, client_id, client_secret, token: tokio::sync::Mutex::new(None) }))
        }
        (AuthScheme::Basic, _) | (_, Credential::Basic { .. }) | (_, Credential::ClientCredentials { .. }) => {
            let takes = match scheme.kind {
                AuthScheme::Basic => "a user name and a password",
                AuthScheme::OAuth2 { token_url: Some(_), .. } => "a token or client credentials",
                _ => "a single secret",
            };
            return Err(Error::Config(format!("`{}` takes {takes}", scheme.name)));
        }
        (AuthScheme::Bearer | AuthScheme::OAuth2 { .. }, Credential::Secret(token)) => {
            AuthValue::Header(AUTHORIZATION, secret(format!("Bearer {token}"))?)
        }
        (AuthScheme::Header(name), Credential::Secret(key)) => AuthValue::Header(
            HeaderName::from_bytes(name.as_bytes()).map_err(|_| Error::Config(format!("invalid authentication header name `{name}`")))?,
            secret(key)?,
        ),
        (AuthScheme::Query(name), Credential::Secret(key)) => AuthValue::Query(name, key),
        (AuthScheme::Cookie(name), Credential::Secret(key)) => {
            secret(key.clone())?;
            AuthValue::Cookie(format!("{name}={key}"))
        }
    })
}

/// The schemes to send for `requirement`: the first alternative whose credentials are all set
/// (none for an empty alternative or no requirement); else the schemes the first alternative lacks.
fn choose(requirement: Requirement, auth: &[Option<AuthValue>]) -> std::result::Result<Vec<usize>, Vec<usize>> {
    if requirement.is_empty() {
        return Ok(Vec::new());
    }
    for alternative in requirement {
        if alternative.iter().all(|i| auth.get(*i).is_some_and(Option::is_some)) {
            return Ok(alternative.to_vec());
        }
    }
    let first = requirement[0];
    Err(first.iter().copied().filter(|i| !auth.get(*i).is_some_and(Option::is_some)).collect())
}

/// What the credentials of `schemes` add to a request whose headers start as `base_headers`. A
/// header the client's default headers already set is left as it is.
fn resolve(schemes: &[usize], auth: &[Option<AuthValue>], base_headers: &HeaderMap) -> RequestAuth {
    let mut resolved = RequestAuth { headers: base_headers.clone(), query: Vec::new(), oauth: None };
    let mut cookies: Vec<&str> = Vec::new();
    for value in schemes.iter().filter_map(|i| auth.get(*i).and_then(Option::as_ref)) {
        match value {
            AuthValue::Header(name, value) => {
                if !resolved.headers.contains_key(name) {
                    resolved.headers.insert(name.clone(), value.clone());
                }
            }
            AuthValue::Query(name, value) => resolved.query.push((name, value.clone())),
            AuthValue::Cookie(pair) => cookies.push(pair),
            // Its token is fetched when the request is sent.
            AuthValue::OAuth(source) => resolved.oauth = Some(Arc::clone(source)),
        }
    }
    if !cookies.is_empty() {
        if let Ok(mut value) = HeaderValue::from_str(&cookies.join("; ")) {
            value.set_sensitive(true);
            resolved.headers.append(COOKIE, value);
        }
    }
    resolved
}

/// The message for credentials that `what` needs and the client does not have.
fn missing_credentials(defaults: &ClientDefaults, missing: Vec<usize>, what: &str) -> String {
    let schemes: Vec<String> = missing
        .iter()
        .filter_map(|i| defaults.schemes.get(*i))
        .map(|scheme| {
            let env = match scheme.env {
                [] => String::new(),
                [one] => format!(" or the `{one}` environment variable"),
                [user, password] => format!(" or the `{user}` and `{password}` environment variables"),
                [token, id, secret, ..] => format!(" or the `{token}` environment variable, or `{id}` and `{secret}` for the client credentials flow"),
            };
            format!("`{}` (set it with `.{}(..)` on the client builder{env})", scheme.name, scheme.setter)
        })
        .collect();
    format!("{what} needs credentials the client does not have: {}", schemes.join(", "))
}

fn header_pair(name: &str, value: &str) -> std::result::Result<(HeaderName, HeaderValue), String> {
    let header_name =
        HeaderName::from_bytes(name.as_bytes()).map_err(|_| format!("invalid header name `{name}`"))?;
    let mut header_value =
        HeaderValue::from_str(value).map_err(|_| format!("invalid value for header `{name}`"))?;
    if crate::runtime::request::is_sensitive_header(name) {
        header_value.set_sensitive(true);
    }
    Ok((header_name, header_value))
}

/// The HTTP client shared by all resources of an SDK. Cheap to clone (the state is shared).
#[derive(Clone)]
pub struct Client {
    inner: Arc<ClientInner>,
}

struct ClientInner {
    http: reqwest::Client,
    base_url: Url,
    defaults: ClientDefaults,
    /// Each scheme's credential as it goes on the wire, if the client has it.
    auth: Vec<Option<AuthValue>>,
    /// What the API's default requirement sends (its headers are every request's starting point).
    default_auth: RequestAuth,
    /// The headers of every request before credentials, for an operation with its own requirement.
    base_headers: HeaderMap,
    /// Default query parameters, added where a request does not set the same name.
    query: Vec<(String, String)>,
    /// The client's values of the API's shared parameters.
    params: Vec<(&'static str, String)>,
    timeout: Duration,
    retry: RetryPolicy,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("Client")
            .field("base_url", &redacted_url(&inner.base_url))
            .field("credentials", &inner.auth.iter().any(Option::is_some).then_some("[redacted]"))
            .field("timeout", &inner.timeout)
            .field("retry", &inner.retry)
            .finish_non_exhaustive()
    }
}

fn redacted_url(url: &Url) -> String {
    let mut url = url.clone();
    if url.password().is_some() {
        let _ = url.set_password(Some("redacted"));
    }
    url.to_string()
}

/// What one attempt produced.
enum Attempt {
    Success(Sent),
    Failure { status: StatusCode, headers: HeaderMap, body: bytes::Bytes },
}

enum Sent {
    Buffered(RawResponse),
    Streaming(reqwest::Response),
}

impl Client {
    /// The base URL requests are sent to.
    pub fn base_url(&self) -> &str {
        self.inner.base_url.as_str()
    }

    /// The timeout of each attempt.
    pub fn timeout(&self) -> Duration {
        self.inner.timeout
    }

    /// How many times a failed request is retried.
    pub fn max_retries(&self) -> u32 {
        self.inner.retry.max_retries
    }

    /// The retry settings.
    pub fn retry_policy(&self) -> RetryPolicy {
        self.inner.retry
    }

    /// The client's value of the shared parameter `name`, if set.
    #[doc(hidden)]
    pub fn default_param(&self, name: &str) -> Option<&str> {
        self.inner.params.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str())
    }

    /// Sends a request (with retries) and reads the whole body. Non-success statuses become the
    /// matching [`Error`] variant.
    pub async fn execute(&self, request: ApiRequest) -> Result<RawResponse> {
        match self.send(&request, request.accept.unwrap_or("application/json"), false).await? {
            Sent::Buffered(raw) => Ok(raw),
            Sent::Streaming(_) => Err(Error::InvalidRequest("unexpected streaming response".to_owned())),
        }
    }

    /// Sends a request and decodes the JSON response.
    pub async fn send_json<T: DeserializeOwned>(&self, request: ApiRequest) -> Result<Response<T>> {
        let raw = self.execute(request).await?;
        let data = raw.json()?;
        Ok(Response { status: raw.status, headers: raw.headers, data })
    }

    /// Sends a request and returns the raw response body (for binary downloads).
    pub async fn send_bytes(&self, request: ApiRequest) -> Result<Response<bytes::Bytes>> {
        let raw = match self.send(&request, request.accept.unwrap_or("*/*"), false).await? {
            Sent::Buffered(raw) => raw,
            Sent::Streaming(_) => return Err(Error::InvalidRequest("unexpected streaming response".to_owned())),
        };
        Ok(Response { status: raw.status, headers: raw.headers, data: raw.body })
    }

    /// Sends a request and ignores the response body.
    pub async fn send_empty(&self, request: ApiRequest) -> Result<Response<()>> {
        let raw = self.execute(request).await?;
        Ok(Response { status: raw.status, headers: raw.headers, data: () })
    }

    /// Sends a request for one page of a paginated list.
    #[doc(hidden)]
    pub async fn send_page<P: PageResponse>(&self, request: ApiRequest, scheme: PageScheme) -> Result<Response<Page<P>>> {
        let raw = self.execute(request.clone()).await?;
        let page: P = raw.json()?;
        Ok(Response { status: raw.status, headers: raw.headers, data: Page::new(page, self.clone(), request, scheme) })
    }

    /// Every item of a paginated list, fetching the pages lazily, one at a time.
    #[doc(hidden)]
    pub fn stream_items<P: PageResponse>(&self, request: ApiRequest, scheme: PageScheme) -> ItemStream<P> {
        ItemStream::new(self.clone(), request, scheme)
    }

    /// Sends a request answered with `text/event-stream` and decodes each event's data as `E`.
    /// The timeout bounds the wait for the response headers, not the stream.
    pub async fn send_event_stream<E: DeserializeOwned>(&self, request: ApiRequest) -> Result<Response<EventStream<E>>> {
        Ok(self.send_sse(request).await?.map(EventStream::new))
    }

    /// [`send_event_stream`](Self::send_event_stream) for events that are a discriminated union:
    /// each variant decodes straight from the data when the tag comes first (the usual case).
    #[doc(hidden)]
    pub async fn send_tagged_event_stream<E: TaggedUnion + DeserializeOwned>(&self, request: ApiRequest) -> Result<Response<EventStream<E>>> {
        Ok(self.send_sse(request).await?.map(EventStream::tagged))
    }

    /// Sends a request answered with `text/event-stream` and returns the raw events.
    pub async fn send_sse(&self, request: ApiRequest) -> Result<Response<SseStream>> {
        match self.send(&request, "text/event-stream", true).await? {
            Sent::Streaming(response) => {
                let status = response.status();
                let headers = response.headers().clone();
                Ok(Response { status, headers, data: SseStream::from_byte_stream(response.bytes_stream()) })
            }
            Sent::Buffered(_) => Err(Error::InvalidRequest("unexpected buffered response".to_owned())),
        }
    }

    /// Sends `request` with retries; `stream` leaves the body of a success unread.
    async fn send(&self, request: &ApiRequest, accept: &'static str, stream: bool) -> Result<Sent> {
        let span = tracing::debug_span!("api_request", method = %request.method, path = %request.path);
        // With no subscriber listening, the request is not wrapped in a span at all.
        if span.is_disabled() {
            self.send_inner(request, accept, stream).await
        } else {
            self.send_inner(request, accept, stream).instrument(span).await
        }
    }

    async fn send_inner(&self, request: &ApiRequest, accept: &'static str, stream: bool) -> Result<Sent> {
        // The credentials of an operation with its own requirement, resolved once for every attempt.
        let own_auth = match request.security {
            None => None,
            Some(requirement) => Some(self.request_auth(request, requirement)?),
        };
        let auth = own_auth.as_ref().unwrap_or(&self.inner.default_auth);
        // Built once for the first attempt and moved into it; a retry (the rare case) builds them again.
        let mut url = Some(self.url(request, auth)?);
        let mut headers = Some(self.headers(request, accept, auth)?);
        // An OAuth2 token the request needs: fetched (or taken from the cache) before the first attempt.
        let oauth = &auth.oauth;
        let mut token = match oauth {
            Some(source) => Some(source.token(self, None).await?),
            None => None,
        };
        let mut token_refreshed = false;
        let fixed_body = match request.body.fixed_bytes()? {
            Some((content_type, data)) => Some((
                HeaderValue::from_str(&content_type)
                    .map_err(|_| Error::InvalidRequest(format!("invalid content type `{content_type}`")))?,
                data,
            )),
            None => None,
        };
        let timeout = request.options.timeout.unwrap_or(self.inner.timeout);
        let policy = RetryPolicy {
            max_retries: request.options.max_retries.unwrap_or(self.inner.retry.max_retries),
            ..self.inner.retry
        };
        let replayable = request.body.is_replayable();

        let mut retry = 0u32;
        loop {
            let attempt = retry;
            let mut attempt_headers = match headers.take() {
                Some(headers) => headers,
                None => self.headers(request, accept, auth)?,
            };
            if let Some(token) = &token {
                attempt_headers.insert(AUTHORIZATION, token.clone());
            }
            let attempt_url = match url.take() {
                Some(url) => url,
                None => self.url(request, auth)?,
            };
            let result = self.attempt(request, attempt_url, attempt_headers, fixed_body.as_ref(), attempt, timeout, stream).await;
            let can_retry = replayable && retry < policy.max_retries;
            let delay = match result {
                Ok(Attempt::Success(sent)) => {
                    tracing::debug!(attempt, "request succeeded");
                    return Ok(sent);
                }
                Ok(Attempt::Failure { status, headers, body }) => {
                    // A rejected OAuth2 token is fetched again once, and the request sent again at once.
                    if let (StatusCode::UNAUTHORIZED, false, true, Some(source)) = (status, token_refreshed, replayable, oauth) {
                        tracing::debug!(attempt, "the OAuth2 token was rejected; fetching a new one");
                        token_refreshed = true;
                        token = Some(source.token(self, token.as_ref()).await?);
                        continue;
                    }
                    let retryable = should_retry(status, &headers);
                    tracing::debug!(attempt, status = status.as_u16(), retryable, "request failed");
                    if !(can_retry && retryable) {
                        return Err(Error::from_response(status, headers, &body));
                    }
                    policy.delay(retry, Some(&headers))
                }
                Err(err) => {
                    let retryable = err.is_connection() || err.is_timeout();
                    tracing::debug!(attempt, error = %err, retryable, "request failed");
                    if !(can_retry && retryable) {
                        return Err(err);
                    }
                    policy.delay(retry, None)
                }
            };
            tracing::debug!(attempt, delay_ms = delay.as_millis() as u64, "retrying");
            tokio::time::sleep(delay).await;
            retry += 1;
        }
    }

    #[allow(clippy::too_many_arguments)]
    async fn attempt(
        &self,
        request: &ApiRequest,
        url: Url,
        headers: HeaderMap,
        fixed_body: Option<&(HeaderValue, bytes::Bytes)>,
        attempt: u32,
        timeout: Duration,
        stream: bool,
    ) -> Result<Attempt> {
        let mut http_request = match &request.body {
            // reqwest writes the multipart body and its boundary into the content type.
            Body::Multipart(form) => {
                let builder = self.inner.http.request(request.method.clone(), url).multipart(form.to_reqwest().await?);
                let mut http_request = builder.build().map_err(|e| Error::InvalidRequest(e.to_string()))?;
                http_request.headers_mut().extend(headers);
                http_request
            }
            _ => {
                let mut http_request = reqwest::Request::new(request.method.clone(), url);
                *http_request.headers_mut() = headers;
                http_request
            }
        };
        // The first attempt's count is a static value (no allocation in the common case).
        let count = if attempt == 0 { HeaderValue::from_static("0") } else { HeaderValue::from(attempt) };
        http_request.headers_mut().insert(X_RETRY_COUNT, count);
        if let Some((content_type, data)) = fixed_body {
            http_request.headers_mut().insert(CONTENT_TYPE, content_type.clone());
            *http_request.body_mut() = Some(data.clone().into());
        }
        let http = &self.inner.http;
        let exchange = async {
            let mut response = http.execute(http_request).await.map_err(|e| Error::from_reqwest(e, timeout))?;
            let status = response.status();
            if status.is_success() && stream {
                return Ok(Attempt::Success(Sent::Streaming(response)));
            }
            // Reading the body needs nothing from the headers, so they are moved out, not copied.
            let headers = std::mem::take(response.headers_mut());
            let body = response.bytes().await.map_err(|e| Error::from_reqwest(e, timeout))?;
            if status.is_success() {
                Ok(Attempt::Success(Sent::Buffered(RawResponse { status, headers, body })))
            } else {
                Ok(Attempt::Failure { status, headers, body })
            }
        };
        match tokio::time::timeout(timeout, exchange).await {
            Ok(result) => result,
            Err(_) => Err(Error::Timeout { after: timeout }),
        }
    }

    /// The full URL of a request: base URL (with its path prefix) + path + query.
    fn url(&self, request: &ApiRequest, auth: &RequestAuth) -> Result<Url> {
        // The parsed base URL is reused: only the path is set (after the base's own path prefix).
        let mut url = self.inner.base_url.clone();
        // A query written into the path (`/things?expand=all`) is kept, as parsing the whole URL would.
        let path = request.path.split('#').next().unwrap_or_default();
        let (path, query) = match path.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (path, None),
        };
        let prefix = self.inner.base_url.path().trim_end_matches('/');
        let separator = if path.starts_with('/') || path.is_empty() { "" } else { "/" };
        url.set_path(&format!("{prefix}{separator}{path}"));
        url.set_query(query);
        let overridden = |name: &str| request.options.query.iter().any(|(n, _)| n == name);
        let set_by_request = |name: &str| overridden(name) || request.query.iter().any(|(n, _)| n == name);
        let pairs: Vec<(&str, &str)> = request
            .query
            .iter()
            .filter(|(n, _)| !overridden(n))
            .chain(request.options.query.iter())
            .chain(self.inner.query.iter().filter(|(n, _)| !set_by_request(n)))
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        if !pairs.is_empty() || !auth.query.is_empty() {
            let mut query = url.query_pairs_mut();
            for (name, value) in pairs.into_iter().chain(auth.query.iter().map(|(n, v)| (*n, v.as_str()))) {
                query.append_pair(name, value);
            }
        }
        Ok(url)
    }

    /// What a request that requires `requirement` rather than the API's default sends; a missing
    /// credential is an error naming it.
    fn request_auth(&self, request: &ApiRequest, requirement: Requirement) -> Result<RequestAuth> {
        let inner = &self.inner;
        let schemes = choose(requirement, &inner.auth)
            .map_err(|missing| Error::Config(missing_credentials(&inner.defaults, missing, &format!("`{} {}`", request.method, request.path))))?;
        Ok(resolve(&schemes, &inner.auth, &inner.base_headers))
    }

    /// The headers of every attempt of a request (without `x-retry-count`).
    fn headers(&self, request: &ApiRequest, accept: &'static str, auth: &RequestAuth) -> Result<HeaderMap> {
        let mut headers = auth.headers.clone();
        headers.insert(ACCEPT, HeaderValue::from_static(accept));
        if !request.cookies.is_empty() {
            // One `Cookie` header: the request's cookies after a credential sent as a cookie.
            let mut pairs: Vec<String> = headers.get_all(COOKIE).iter().filter_map(|v| v.to_str().ok()).map(str::to_owned).collect();
            pairs.extend(request.cookies.iter().map(|(name, value)| format!("{name}={value}")));
            let mut value = HeaderValue::from_str(&pairs.join("; ")).map_err(|_| Error::InvalidRequest("a cookie name is not valid in a header".to_owned()))?;
            // It may hold a credential.
            value.set_sensitive(true);
            headers.insert(COOKIE, value);
        }
        for list in [&request.headers, &request.options.headers] {
            let mut seen: Vec<HeaderName> = Vec::new();
            for (name, value) in list {
                let (name, value) = header_pair(name, value).map_err(Error::InvalidRequest)?;
                if seen.contains(&name) {
                    headers.append(name, value);
                } else {
                    headers.insert(name.clone(), value);
                    seen.push(name);
                }
            }
        }
        Ok(headers)
    }
}
