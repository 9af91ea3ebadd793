//! Generator tests: snapshots of the output for one fixture spec per construct and for the full
//! LlamaCloud spec, determinism, the drift check, every fixture's output compiling, and a clear error
//! (message and JSON pointer) for each class of bad spec.

mod bad_specs;
mod compile;
mod diff;
mod names;
mod release;
mod tags;

use std::path::{Path, PathBuf};

use openapi_sdkgen::{Files, Generator};

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ is inside the repository").to_path_buf()
}

pub fn fixtures() -> Vec<(String, PathBuf)> {
    let mut fixtures: Vec<(String, PathBuf)> = std::fs::read_dir(repo_root().join("tests/fixtures"))
        .expect("tests/fixtures exists")
        .map(|entry| entry.expect("readable entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "yaml"))
        .map(|path| (path.file_stem().expect("file name").to_string_lossy().into_owned(), path))
        .collect();
    fixtures.sort();
    fixtures
}

pub fn generate_fixture(name: &str, path: &Path) -> Files {
    Generator::new()
        .with_crate_name(format!("fixture-{}", name.replace('_', "-")))
        .generate_file(path)
        .unwrap_or_else(|e| panic!("fixture {name} generates: {e}"))
}

/// The generated files, concatenated with headers; copies (runtime templates, the spec's extra files:
/// the LlamaCloud README and examples, a fixture's wire tests) are left out.
fn snapshot_text(files: &Files) -> String {
    files
        .iter()
        .filter(|(path, _)| !path.starts_with("src/runtime/") && !path.starts_with("examples/") && path.as_str() != "README.md" && path.as_str() != "tests/wire.rs")
        .map(|(path, text)| format!("=== {path}\n{text}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn fixture_snapshots() {
    let fixtures = fixtures();
    assert!(fixtures.len() >= 12, "one fixture per construct");
    for (name, path) in fixtures {
        let files = generate_fixture(&name, &path);
        insta::assert_snapshot!(format!("fixture_{name}"), snapshot_text(&files));
    }
}

#[test]
fn llama_cloud_snapshot() {
    let files = Generator::new().generate_file(&repo_root().join("spec/openapi.yaml")).expect("the LlamaCloud spec generates");
    insta::assert_snapshot!("llama_cloud", snapshot_text(&files));
}

#[test]
fn runtime_is_copied_verbatim_from_the_templates() {
    let files = Generator::new().generate_file(&repo_root().join("tests/fixtures/enums.yaml")).expect("generates");
    let runtime_dir = repo_root().join("templates/src/runtime");
    let mut copied = 0;
    for entry in std::fs::read_dir(&runtime_dir).expect("templates exist") {
        let path = entry.expect("entry").path();
        let name = path.file_name().expect("name").to_string_lossy().into_owned();
        let template = std::fs::read_to_string(&path).expect("template readable");
        let generated = files.get(&format!("src/runtime/{name}")).unwrap_or_else(|| panic!("runtime file {name} is copied"));
        assert!(generated.ends_with(&template), "src/runtime/{name} is the template plus a header");
        copied += 1;
    }
    assert!(copied >= 5);
}

#[test]
fn generation_is_deterministic() {
    let spec = repo_root().join("spec/openapi.yaml");
    let first = Generator::new().generate_file(&spec).expect("generates");
    let second = Generator::new().generate_file(&spec).expect("generates");
    assert_eq!(first.len(), second.len());
    for (path, text) in &first {
        assert!(second.get(path) == Some(text), "{path} differs between two runs");
    }
    // The same holds across fixtures with many inline names (hash-order independence).
    for (name, path) in fixtures() {
        assert_eq!(generate_fixture(&name, &path), generate_fixture(&name, &path), "{name}");
    }
}

#[test]
fn security_schemes_lower_to_setters_env_vars_and_requirements() {
    use openapi_sdkgen::ir::AuthKind;
    let text = std::fs::read_to_string(repo_root().join("tests/fixtures/auth.yaml")).expect("fixture");
    let api = openapi_sdkgen::Generator::new().ir(&text).expect("lowers");
    let schemes: Vec<(&str, &AuthKind, &str, Vec<&str>)> =
        api.security.schemes.iter().map(|s| (s.name.as_str(), &s.kind, s.setter.as_str(), s.env.iter().map(String::as_str).collect())).collect();
    assert_eq!(
        schemes,
        [
            ("apiKey", &AuthKind::Header("X-API-Key".into()), "api_key", vec!["VAULT_SDK_API_KEY"]),
            ("clientId", &AuthKind::Header("X-Client-Id".into()), "client_id", vec!["VAULT_SDK_CLIENT_ID"]),
            ("queryKey", &AuthKind::Query("key".into()), "query_key", vec!["VAULT_SDK_QUERY_KEY"]),
            ("session", &AuthKind::Cookie("session_id".into()), "session", vec!["VAULT_SDK_SESSION"]),
            ("basic", &AuthKind::Basic, "basic_auth", vec!["VAULT_SDK_USERNAME", "VAULT_SDK_PASSWORD"]),
            ("bearer", &AuthKind::Bearer, "bearer_token", vec!["VAULT_SDK_BEARER_TOKEN"]),
            (
                "oauth",
                &AuthKind::OAuth2 { token_url: Some("https://vault.example.com/oauth/token".into()), scopes: vec!["reports:read".into()] },
                "oauth_token",
                vec!["VAULT_SDK_OAUTH_TOKEN", "VAULT_SDK_CLIENT_ID", "VAULT_SDK_CLIENT_SECRET"]
            ),
            ("oidc", &AuthKind::Bearer, "openid_connect_token", vec!["VAULT_SDK_OPENID_CONNECT_TOKEN"]),
        ],
        "digest cannot be sent and `unused` is required nowhere: neither is offered"
    );
    assert_eq!(api.security.default, [vec![0, 1], vec![5]]);
    assert_eq!(api.security.schemes[6].flow_setter.as_deref(), Some("client_credentials"), "the OAuth2 flow gets its own setter");
    // Shared parameters get setters that keep clear of the builder's own methods.
    let params: Vec<(&str, &str)> = api.client_params.iter().map(|p| (p.wire_name.as_str(), p.setter.as_str())).collect();
    assert_eq!(params, [("tenant", "tenant"), ("timeout", "default_timeout")]);
    let mut own: Vec<(String, Option<Vec<Vec<usize>>>)> = Vec::new();
    api.root.walk(&mut |resource| own.extend(resource.operations.iter().map(|op| (op.operation_id.clone(), op.security.clone()))));
    own.sort();
    assert_eq!(
        own,
        [
            ("health".to_owned(), Some(vec![])),
            ("listExports".to_owned(), Some(vec![vec![2], vec![3]])),
            ("listReports".to_owned(), Some(vec![vec![6], vec![7]])),
            ("listSecrets".to_owned(), None),
            ("rotateKeys".to_owned(), Some(vec![vec![4]])),
        ]
    );
    // `x-sdk.env` names variables: `api-key` the main scheme's, a scheme's name its own.
    let named = text.replace("x-sdk:\n", "x-sdk:\n  env: {api-key: VAULT_KEY, basic: [VAULT_USER, VAULT_PASS]}\n");
    let api = openapi_sdkgen::Generator::new().ir(&named).expect("lowers");
    assert_eq!(api.security.schemes[0].env, ["VAULT_KEY"]);
    assert_eq!(api.security.schemes[4].env, ["VAULT_USER", "VAULT_PASS"]);
    // A second scheme of a kind is told apart by its name.
    let two_basics = text.replace("    basic: {type: http, scheme: basic}", "    basic: {type: http, scheme: basic}\n    admin: {type: http, scheme: basic}").replace("        - basic: []", "        - basic: []\n        - admin: []");
    let api = openapi_sdkgen::Generator::new().ir(&two_basics).expect("lowers");
    let setters: Vec<&str> = api.security.schemes.iter().map(|s| s.setter.as_str()).collect();
    assert!(setters.contains(&"basic_auth") && setters.contains(&"admin_basic_auth"), "{setters:?}");
    assert_eq!(api.security.schemes.iter().find(|s| s.name == "admin").map(|s| s.env.clone()), Some(vec!["VAULT_SDK_ADMIN_BASIC_AUTH_USERNAME".to_owned(), "VAULT_SDK_ADMIN_BASIC_AUTH_PASSWORD".to_owned()]));
}

#[test]
fn discriminator_tags_come_from_const_and_one_value_enums_before_schema_names() {
    let text = std::fs::read_to_string(repo_root().join("tests/fixtures/union_const_tags.yaml")).expect("fixture");
    let api = openapi_sdkgen::Generator::new().ir(&text).expect("lowers");
    let union = api.types.iter().find(|t| matches!(t.kind, openapi_sdkgen::ir::TypeKind::Union { .. })).expect("a union");
    let openapi_sdkgen::ir::TypeKind::Union { variants, discriminator } = &union.kind else { unreachable!() };
    assert_eq!(discriminator.as_deref(), Some("kind"));
    let tags: Vec<(&str, Vec<&str>)> = variants.iter().map(|v| (v.rust_name.as_str(), v.tags.iter().map(String::as_str).collect())).collect();
    assert_eq!(tags, [("Cat", vec!["cat"]), ("Dog", vec!["dog"]), ("Bird", vec!["bird"])]);
}

/// Setters operations have word for word are one generic impl over a marker trait the operations
/// implement; alike but for the type of their value, the trait gives that type; the others stay the
/// operation's own.
#[test]
fn setters_operations_share_are_written_once() {
    let (name, path) = fixtures().into_iter().find(|(name, _)| name == "shared_setters").expect("fixture");
    let files = generate_fixture(&name, &path);
    let text = |file: &str| files.get(file).unwrap_or_else(|| panic!("{file} is generated")).clone();
    let shared = text("src/resources/setters.rs");
    assert!(shared.contains("pub trait TakesLimit {}") && shared.contains("impl<O: TakesLimit> Request<O>"), "{shared}");
    // A type of the API holds the name `TakesFields`.
    assert!(shared.contains("pub trait TakesFields2 {\n    type Value: fmt::Display + Serialize;"), "{shared}");
    // Aliases are not a trait's `Value`: the two `cursor` setters differ, so each stays its
    // operation's own.
    assert!(!shared.contains("pub fn cursor("), "{shared}");
    assert!(shared.contains("pub fn name(mut self") && shared.contains("pub fn name_null(mut self)"), "{shared}");
    let cats = text("src/resources/cats.rs");
    assert!(cats.contains("impl crate::resources::setters::TakesLimit for CatsListCats {}"), "{cats}");
    assert!(cats.contains("type Value = CatsListCatsField;"), "{cats}");
    assert!(!cats.contains("pub fn limit(") && cats.contains("pub fn cursor("), "{cats}");
    // The other `limit` says something else: /birds keeps its own.
    let birds = text("src/resources/birds.rs");
    assert!(birds.contains("pub fn limit(mut self, limit: i64) -> Self") && !birds.contains("TakesLimit"), "{birds}");
}
