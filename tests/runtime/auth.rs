//! Credentials for every kind of security scheme: API keys in a header, the query or a cookie,
//! HTTP basic and bearer; requirements as the spec means them (all schemes of one alternative
//! together, the first alternative the client can meet, none for an empty one), per operation;
//! a clear error before sending when one is missing; secrets never shown.

use sdk_runtime::runtime::{ApiRequest, AuthScheme, ClientBuilder, ClientDefaults, Credential, Error, Method, SecurityScheme};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::{received, TestClient};

const SCHEMES: &[SecurityScheme] = &[
    SecurityScheme { name: "apiKey", kind: AuthScheme::Header("x-api-key"), setter: "api_key", env: &["SDK_AUTH_TEST_UNSET_KEY"] },
    SecurityScheme { name: "clientId", kind: AuthScheme::Header("x-client-id"), setter: "client_id", env: &[] },
    SecurityScheme { name: "queryKey", kind: AuthScheme::Query("key"), setter: "query_key", env: &[] },
    SecurityScheme { name: "session", kind: AuthScheme::Cookie("session"), setter: "session", env: &[] },
    SecurityScheme { name: "basic", kind: AuthScheme::Basic, setter: "basic_auth", env: &["SDK_AUTH_TEST_UNSET_USER", "SDK_AUTH_TEST_UNSET_PASSWORD"] },
    SecurityScheme { name: "bearer", kind: AuthScheme::Bearer, setter: "bearer_token", env: &[] },
];

/// By default: the API key and the client id together, or else a bearer token; or nothing.
const DEFAULTS: ClientDefaults = ClientDefaults {
    base_url: "https://api.example.invalid",
    base_url_env: None,
    schemes: SCHEMES,
    security: &[&[0, 1], &[5], &[]],
    user_agent: "auth-tests",
};

const SECRETS: [&str; 5] = ["key-SECRET-1", "client-SECRET-2", "query-SECRET-3", "cookie-SECRET-4", "token-SECRET-5"];

async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200).set_body_string("{}")).mount(&server).await;
    server
}

fn builder(server: &MockServer) -> ClientBuilder<TestClient> {
    ClientBuilder::new(DEFAULTS).base_url(server.uri())
}

fn with_every_credential(builder: ClientBuilder<TestClient>) -> ClientBuilder<TestClient> {
    builder
        .api_key(SECRETS[0])
        .credential(1, Credential::Secret(SECRETS[1].into()))
        .credential(2, Credential::Secret(SECRETS[2].into()))
        .credential(3, Credential::Secret(SECRETS[3].into()))
        .credential(4, Credential::Basic { user: "ada".into(), password: "pass-SECRET-6".into() })
        .credential(5, Credential::Secret(SECRETS[4].into()))
}

fn request(security: Option<sdk_runtime::runtime::Requirement>) -> ApiRequest {
    let mut request = ApiRequest::new(Method::GET, "/things");
    request.query("page", 1);
    request.security = security;
    request
}

fn header<'r>(request: &'r wiremock::Request, name: &str) -> Option<&'r str> {
    request.headers.get(name).and_then(|v| v.to_str().ok())
}

#[tokio::test]
async fn every_scheme_kind_goes_where_the_spec_says() {
    let server = server().await;
    let TestClient(client) = with_every_credential(builder(&server)).build().unwrap();
    for scheme in 0..SCHEMES.len() {
        let only: &'static [&'static [usize]] = Box::leak(vec![&*Box::leak(vec![scheme].into_boxed_slice())].into_boxed_slice());
        client.send_empty(request(Some(only))).await.unwrap();
    }
    let requests = received(&server).await;
    assert_eq!(header(&requests[0], "x-api-key"), Some(SECRETS[0]));
    assert_eq!(header(&requests[1], "x-client-id"), Some(SECRETS[1]));
    let query: Vec<(String, String)> = requests[2].url.query_pairs().into_owned().collect();
    assert_eq!(query, [("page".to_owned(), "1".to_owned()), ("key".to_owned(), SECRETS[2].to_owned())]);
    assert_eq!(header(&requests[3], "cookie"), Some("session=cookie-SECRET-4"));
    assert_eq!(header(&requests[4], "authorization"), Some("Basic YWRhOnBhc3MtU0VDUkVULTY="), "base64 of ada:pass-SECRET-6");
    assert_eq!(header(&requests[5], "authorization"), Some("Bearer token-SECRET-5"));
    // Each request carries its own scheme only.
    assert_eq!(header(&requests[5], "x-api-key"), None);
    assert_eq!(requests[0].url.query(), Some("page=1"));
}

#[tokio::test]
async fn one_alternative_sends_all_its_schemes_and_the_first_one_met_wins() {
    let server = server().await;
    // Both alternatives can be met: the first (key and client id together) is sent, not the token.
    let TestClient(all) = with_every_credential(builder(&server)).build().unwrap();
    all.send_empty(request(None)).await.unwrap();
    // Only a bearer token: the second alternative.
    let TestClient(token_only) = builder(&server).credential(5, Credential::Secret(SECRETS[4].into())).build().unwrap();
    token_only.send_empty(request(None)).await.unwrap();
    // The key without the client id does not meet the first alternative; the empty one is met.
    let TestClient(half) = builder(&server).api_key(SECRETS[0]).build().unwrap();
    half.send_empty(request(None)).await.unwrap();

    let requests = received(&server).await;
    assert_eq!((header(&requests[0], "x-api-key"), header(&requests[0], "x-client-id")), (Some(SECRETS[0]), Some(SECRETS[1])));
    assert_eq!(header(&requests[0], "authorization"), None);
    assert_eq!(header(&requests[1], "authorization"), Some("Bearer token-SECRET-5"));
    assert_eq!((header(&requests[2], "x-api-key"), header(&requests[2], "authorization")), (None, None));
}

#[tokio::test]
async fn an_operation_open_to_all_sends_nothing_and_one_needing_more_fails_before_sending() {
    let server = server().await;
    let TestClient(client) = builder(&server).api_key(SECRETS[0]).credential(1, Credential::Secret(SECRETS[1].into())).build().unwrap();
    // `security: []` on the operation.
    client.send_empty(request(Some(&[]))).await.unwrap();
    let open = &received(&server).await[0];
    assert_eq!((header(open, "x-api-key"), header(open, "x-client-id")), (None, None));

    // An operation that needs basic auth, which the client does not have.
    let error = client.send_empty(request(Some(&[&[4]]))).await.unwrap_err();
    let Error::Config(message) = &error else { panic!("expected a config error, got {error:?}") };
    assert!(message.starts_with("`GET /things` needs credentials the client does not have: `basic`"), "{message}");
    assert!(message.contains("`.basic_auth(..)`") && message.contains("`SDK_AUTH_TEST_UNSET_USER` and `SDK_AUTH_TEST_UNSET_PASSWORD`"), "{message}");
    assert_eq!(received(&server).await.len(), 1, "nothing was sent");
}

#[tokio::test]
async fn a_client_that_cannot_meet_the_default_requirement_is_not_built() {
    const STRICT: ClientDefaults = ClientDefaults { security: &[&[0, 1], &[5]], ..DEFAULTS };
    let error = ClientBuilder::<TestClient>::new(STRICT).api_key(SECRETS[0]).build().unwrap_err();
    let Error::Config(message) = &error else { panic!("{error:?}") };
    assert!(message.contains("the API needs credentials the client does not have: `clientId` (set it with `.client_id(..)`"), "{message}");
    assert!(!message.contains(SECRETS[0]), "{message}");
    // A wrong kind of credential is named too.
    let error = ClientBuilder::<TestClient>::new(STRICT).credential(4, Credential::Secret("x".into())).build().unwrap_err();
    assert!(error.to_string().contains("`basic` takes a user name and a password"), "{error}");
}

#[tokio::test]
async fn no_secret_shows_in_debug_output_or_errors() {
    let server = server().await;
    let builder = with_every_credential(builder(&server));
    let shown = format!("{builder:?}");
    let TestClient(client) = builder.build().unwrap();
    let shown = format!("{shown} {client:?}");
    let error = client.send_empty(request(Some(&[&[4, 5, 99]]))).await.unwrap_err();
    let shown = format!("{shown} {error} {error:?}");
    for secret in SECRETS.iter().chain(&["pass-SECRET-6", "YWRh"]) {
        assert!(!shown.contains(secret), "{secret} shows in {shown}");
    }
    assert!(shown.contains("apiKey") && shown.contains("[redacted]"), "the builder names its schemes, not their secrets: {shown}");
}

/// An API whose one scheme is OAuth2 with a client credentials flow at `/oauth/token`.
const OAUTH: ClientDefaults = ClientDefaults {
    base_url: "https://api.example.invalid",
    base_url_env: None,
    schemes: &[SecurityScheme {
        name: "oauth",
        kind: AuthScheme::OAuth2 { token_url: Some("/oauth/token"), scopes: &["read", "write"] },
        setter: "api_key",
        env: &["SDK_AUTH_TEST_UNSET_TOKEN", "SDK_AUTH_TEST_UNSET_CLIENT_ID", "SDK_AUTH_TEST_UNSET_CLIENT_SECRET"],
    }],
    security: &[&[0]],
    user_agent: "oauth-tests",
};

/// Issues `tok-1`, `tok-2`, ... valid for `expires_in` seconds, counting the fetches.
struct TokenIssuer {
    expires_in: u64,
    fetches: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl wiremock::Respond for TokenIssuer {
    fn respond(&self, _: &wiremock::Request) -> ResponseTemplate {
        let n = self.fetches.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
        // A slow token endpoint, so concurrent requests overlap while one fetch is under way.
        ResponseTemplate::new(200)
            .set_body_json(serde_json::json!({"access_token": format!("tok-{n}"), "token_type": "Bearer", "expires_in": self.expires_in}))
            .set_delay(std::time::Duration::from_millis(50))
    }
}

/// The API answers 401 to `rejected` tokens and 200 to others.
async fn oauth_server(expires_in: u64, rejected: &[&str]) -> (MockServer, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use wiremock::matchers::{header, method, path};
    let server = MockServer::start().await;
    let fetches = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    Mock::given(method("POST")).and(path("/oauth/token")).respond_with(TokenIssuer { expires_in, fetches: fetches.clone() }).mount(&server).await;
    for token in rejected {
        Mock::given(header("authorization", format!("Bearer {token}").as_str()))
            .respond_with(ResponseTemplate::new(401).set_body_string(r#"{"detail":"expired"}"#))
            .with_priority(1)
            .mount(&server)
            .await;
    }
    Mock::given(any()).respond_with(ResponseTemplate::new(200).set_body_string("{}")).with_priority(10).mount(&server).await;
    (server, fetches)
}

fn oauth_client(server: &MockServer) -> sdk_runtime::runtime::Client {
    let credentials = Credential::ClientCredentials { client_id: "app-1".into(), client_secret: "cs-SECRET-7".into() };
    ClientBuilder::<TestClient>::new(OAUTH).base_url(server.uri()).credential(0, credentials).max_retries(0).build().unwrap().0
}

fn fetches(counter: &std::sync::Arc<std::sync::atomic::AtomicUsize>) -> usize {
    counter.load(std::sync::atomic::Ordering::SeqCst)
}

#[tokio::test]
async fn client_credentials_fetch_one_token_and_reuse_it() {
    let (server, counter) = oauth_server(3600, &[]).await;
    let client = oauth_client(&server);
    for _ in 0..3 {
        client.send_empty(request(None)).await.unwrap();
    }
    assert_eq!(fetches(&counter), 1);
    let requests = received(&server).await;
    let token_request = &requests[0];
    assert_eq!(header(token_request, "authorization"), Some("Basic YXBwLTE6Y3MtU0VDUkVULTc="), "client id and secret, as HTTP basic");
    assert_eq!(String::from_utf8_lossy(&token_request.body), "grant_type=client_credentials&scope=read+write");
    assert!(requests[1..].iter().all(|r| header(r, "authorization") == Some("Bearer tok-1")));
}

#[tokio::test]
async fn a_token_about_to_expire_is_refreshed_before_use() {
    // `expires_in: 0`: every request finds the token due and fetches another.
    let (server, counter) = oauth_server(0, &[]).await;
    let client = oauth_client(&server);
    client.send_empty(request(None)).await.unwrap();
    client.send_empty(request(None)).await.unwrap();
    assert_eq!(fetches(&counter), 2);
    let requests = received(&server).await;
    let tokens: Vec<&str> = requests.iter().filter(|r| r.url.path() == "/things").filter_map(|r| header(r, "authorization")).collect();
    assert_eq!(tokens, ["Bearer tok-1", "Bearer tok-2"]);
}

#[tokio::test]
async fn a_rejected_token_is_fetched_again_once() {
    // tok-1 is rejected: one new token, and the request goes through with it.
    let (server, counter) = oauth_server(3600, &["tok-1"]).await;
    let client = oauth_client(&server);
    client.send_empty(request(None)).await.unwrap();
    assert_eq!(fetches(&counter), 2);
    let requests = received(&server).await;
    let tokens: Vec<&str> = requests.iter().filter(|r| r.url.path() == "/things").filter_map(|r| header(r, "authorization")).collect();
    assert_eq!(tokens, ["Bearer tok-1", "Bearer tok-2"]);

    // When the new token is rejected too, the 401 is the answer: no loop of fetches.
    let (server, counter) = oauth_server(3600, &["tok-1", "tok-2"]).await;
    let error = oauth_client(&server).send_empty(request(None)).await.unwrap_err();
    assert!(matches!(error, Error::Authentication(_)), "{error:?}");
    assert_eq!(fetches(&counter), 2);
}

#[tokio::test]
async fn fifty_concurrent_requests_share_one_token_fetch() {
    let (server, counter) = oauth_server(3600, &[]).await;
    let client = oauth_client(&server);
    let requests = (0..50).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.send_empty(request(None)).await })
    });
    for handle in futures::future::join_all(requests).await {
        handle.unwrap().unwrap();
    }
    assert_eq!(fetches(&counter), 1);
    assert_eq!(received(&server).await.len(), 51);
}

#[tokio::test]
async fn a_failing_token_endpoint_is_the_error_and_secrets_stay_hidden() {
    use wiremock::matchers::path;
    let server = MockServer::start().await;
    Mock::given(path("/oauth/token")).respond_with(ResponseTemplate::new(401).set_body_string(r#"{"error":"invalid_client"}"#)).mount(&server).await;
    let client = oauth_client(&server);
    let error = client.send_empty(request(None)).await.unwrap_err();
    assert!(matches!(error, Error::Authentication(_)), "{error:?}");
    assert_eq!(received(&server).await.len(), 1, "the API itself is not called without a token");
    let shown = format!("{error} {error:?} {client:?}");
    assert!(!shown.contains("cs-SECRET-7") && !shown.contains("YXBwLTE6"), "{shown}");

    // A token given by the user goes as it is, with no flow.
    let (server, counter) = oauth_server(3600, &[]).await;
    let TestClient(client) = ClientBuilder::<TestClient>::new(OAUTH).base_url(server.uri()).api_key("given-token").build().unwrap();
    client.send_empty(request(None)).await.unwrap();
    assert_eq!(fetches(&counter), 0);
    assert_eq!(header(&received(&server).await[0], "authorization"), Some("Bearer given-token"));
}

/// Records every event and span field at every level, to check that no secret is logged.
#[derive(Clone, Default)]
struct Everything(std::sync::Arc<std::sync::Mutex<String>>);

impl tracing::Subscriber for Everything {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        span.record(&mut Fields(self.0.clone()));
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        values.record(&mut Fields(self.0.clone()));
    }
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        event.record(&mut Fields(self.0.clone()));
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

struct Fields(std::sync::Arc<std::sync::Mutex<String>>);

impl tracing::field::Visit for Fields {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.lock().unwrap().push_str(&format!("{}={value:?}\n", field.name()));
    }
}

#[tokio::test]
async fn no_secret_is_logged() {
    let (server, _) = oauth_server(3600, &["tok-1"]).await;
    let log = Everything::default();
    // With one dispatcher registered, tracing-core caches the first thread's interest for everyone.
    let _second = tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default());
    let guard = tracing::subscriber::set_default(log.clone());
    oauth_client(&server).send_empty(request(None)).await.unwrap();
    let TestClient(client) = with_every_credential(builder(&server)).build().unwrap();
    for scheme in [&[0usize, 1][..], &[2], &[3], &[4]] {
        let requirement: &'static [&'static [usize]] = Box::leak(vec![&*Box::leak(scheme.to_vec().into_boxed_slice())].into_boxed_slice());
        client.send_empty(request(Some(requirement))).await.unwrap();
    }
    drop(guard);
    let logged = log.0.lock().unwrap().clone();
    assert!(logged.contains("fetching an OAuth2 token") && logged.contains("request succeeded"), "the requests were logged: {logged}");
    for secret in SECRETS.iter().chain(&["pass-SECRET-6", "cs-SECRET-7", "tok-1", "tok-2", "YWRh", "YXBw"]) {
        assert!(!logged.contains(secret), "{secret} was logged: {logged}");
    }
}

#[tokio::test]
async fn cookie_parameters_share_one_header_with_a_cookie_credential() {
    let server = server().await;
    let TestClient(client) = builder(&server).credential(3, Credential::Secret("sess-1".into())).build().unwrap();
    let mut with_cookies = request(Some(&[&[3]]));
    with_cookies.cookie("theme", "dark").cookie("note", "a b;c,\"d\"%é").cookie_each("seen", [1, 2, 3]);
    with_cookies.cookie_json("prefs", &serde_json::json!({"lang": "en"})).unwrap();
    client.send_empty(with_cookies).await.unwrap();
    let requests = received(&server).await;
    let cookies: Vec<&str> = requests[0].headers.get_all("cookie").iter().filter_map(|v| v.to_str().ok()).collect();
    assert_eq!(
        cookies,
        ["session=sess-1; theme=dark; note=a%20b%3Bc%2C%22d%22%25%C3%A9; seen=1,2,3; prefs={%22lang%22:%22en%22}"],
        "one header, the credential first, values a cookie can hold"
    );
    // Without a cookie credential, only the request's cookies.
    let mut open = request(Some(&[]));
    open.cookie("theme", "light");
    client.send_empty(open).await.unwrap();
    assert_eq!(header(&received(&server).await[1], "cookie"), Some("theme=light"));
}
