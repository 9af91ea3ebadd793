//! Every fixture's generated SDK compiles, tests included, without a warning or a clippy fault; so
//! does the one whose features nest with each feature alone, and none; then the generated example
//! tests and the hand-written wire tests of fixtures that bring them (`x-sdk.extra-files`) run.

use std::process::Command;

use super::{fixtures, generate_fixture, repo_root};

#[test]
fn every_fixture_sdk_compiles_without_warnings() {
    let root = repo_root();
    let workspace = root.join("target/fixture-sdks");
    let _ = std::fs::remove_dir_all(&workspace);
    let mut members = Vec::new();
    for (name, path) in fixtures() {
        let files = generate_fixture(&name, &path);
        openapi_sdkgen::output::write(&files, &workspace.join(&name)).expect("fixture SDK written");
        members.push(format!("{name:?}"));
    }
    std::fs::write(workspace.join("Cargo.toml"), format!("[workspace]\nresolver = \"2\"\nmembers = [{}]\n", members.join(", ")))
        .expect("workspace manifest");
    // The repository's lockfile pins the same dependency versions the checked-in SDK builds with.
    std::fs::copy(root.join("Cargo.lock"), workspace.join("Cargo.lock")).expect("lockfile copied");
    let output = Command::new(env!("CARGO"))
        .args(["build", "--workspace", "--all-targets", "--quiet"])
        .current_dir(&workspace)
        .env("CARGO_TARGET_DIR", root.join("target/sdk-check-target"))
        .env("RUSTFLAGS", "-D warnings")
        .output()
        .expect("cargo runs");
    assert!(output.status.success(), "fixture SDKs failed to compile:\n{}", String::from_utf8_lossy(&output.stderr));
    // Generated code is held to the checked-in SDK's standard for every spec, not only LlamaCloud's.
    let output = Command::new(env!("CARGO"))
        .args(["clippy", "--workspace", "--all-targets", "--quiet", "--", "-D", "warnings"])
        .current_dir(&workspace)
        .env("CARGO_TARGET_DIR", root.join("target/sdk-check-target"))
        .env("RUSTFLAGS", "-D warnings")
        .output()
        .expect("cargo runs");
    assert!(output.status.success(), "clippy found faults in fixture SDKs:\n{}", String::from_utf8_lossy(&output.stderr));
    let manifest = std::fs::read_to_string(workspace.join("features_nested/Cargo.toml")).expect("the nested features fixture's manifest");
    let table = manifest.split("[features]").nth(1).and_then(|rest| rest.split("[dependencies]").next()).unwrap_or_default();
    let features: Vec<&str> = table.lines().filter_map(|line| line.split_once(" = [").map(|(name, _)| name)).filter(|name| !["default", "mock-server-tests"].contains(name)).collect();
    assert!(features.contains(&"store-orders-items"), "{features:?}");
    for feature in features.into_iter().map(Some).chain([None]) {
        let mut args = vec!["check", "--quiet", "-p", "fixture-features-nested", "--lib", "--tests", "--no-default-features"];
        args.extend(feature.iter().flat_map(|feature| ["--features", feature]));
        let output = Command::new(env!("CARGO"))
            .args(&args)
            .current_dir(&workspace)
            .env("CARGO_TARGET_DIR", root.join("target/sdk-check-target"))
            .env("RUSTFLAGS", "-D warnings")
            .output()
            .expect("cargo runs");
        assert!(output.status.success(), "features_nested with only {feature:?}:\n{}", String::from_utf8_lossy(&output.stderr));
    }
    let output = Command::new(env!("CARGO"))
        .args(["test", "--workspace", "--quiet", "--test", "examples", "--test", "wire"])
        .current_dir(&workspace)
        .env("CARGO_TARGET_DIR", root.join("target/sdk-check-target"))
        .env("RUSTFLAGS", "-D warnings")
        .output()
        .expect("cargo runs");
    assert!(output.status.success(), "fixture SDK tests failed:\n{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
}
