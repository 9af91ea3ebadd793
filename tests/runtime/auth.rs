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
