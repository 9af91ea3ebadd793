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

/// The generated files, concatenated with headers; copies (runtime templates, the spec's extra files)
/// are left out.
fn snapshot_text(files: &Files) -> String {
    files
        .iter()
        .filter(|(path, _)| !path.starts_with("src/runtime/") && !path.starts_with("examples/") && path.as_str() != "README.md")
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
