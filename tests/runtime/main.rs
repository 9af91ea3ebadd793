//! Behaviour tests of the SDK runtime (`templates/src/runtime`), against a local wiremock server.

mod auth;
mod client;
mod errors;
mod multipart;
mod options;
mod pagination;
mod paths;
mod retry;
mod sse;
mod types;

use std::time::Duration;

use sdk_runtime::runtime::{AuthScheme, Client, ClientBuilder, ClientDefaults, SecurityScheme};
use wiremock::MockServer;

/// The API key used by the tests; it must never show up in Debug output or error messages.
pub const KEY: &str = "sk-test-SECRET-0123456789";

/// Defaults whose env vars are never set, so tests are independent of the environment.
pub const DEFAULTS: ClientDefaults = ClientDefaults {
    base_url: "https://api.example.invalid",
    base_url_env: Some("SDK_RUNTIME_TEST_UNSET_BASE_URL"),
    schemes: &[SecurityScheme { name: "bearer", kind: AuthScheme::Bearer, setter: "api_key", env: &["SDK_RUNTIME_TEST_UNSET_API_KEY"] }],
    security: &[&[0]],
    user_agent: "sdk-runtime-tests/1.0",
};

/// A stand-in for a generated client type.
#[derive(Debug, Clone)]
pub struct TestClient(pub Client);

impl From<Client> for TestClient {
    fn from(client: Client) -> Self {
        TestClient(client)
    }
}

/// A builder pointed at `server`, with the test key and a 1 ms retry base delay.
pub fn builder(server: &MockServer) -> ClientBuilder<TestClient> {
    ClientBuilder::new(DEFAULTS).api_key(KEY).base_url(server.uri()).retry_base_delay(Duration::from_millis(1))
}

/// A client for `server` with default settings (2 retries, 1 ms retry base delay).
pub fn client(server: &MockServer) -> Client {
    builder(server).build().expect("client builds").0
}

/// The requests the server received.
pub async fn received(server: &MockServer) -> Vec<wiremock::Request> {
    server.received_requests().await.expect("request recording is on")
}
