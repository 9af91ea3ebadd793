//! Regenerating as a release: version, CHANGELOG.md and api-surface.json follow the surface.

use std::path::Path;

use openapi_sdkgen::{output, Generator};

use crate::repo_root;

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn version(dir: &Path) -> String {
    read(dir, "Cargo.toml").lines().find_map(|l| l.strip_prefix("version = ")).expect("a version").trim_matches('"').to_owned()
}

/// Generates `spec_text` (written beside a copy of nothing else) into `out` as a release dated `date`.
fn release(spec_text: &str, work: &Path, out: &Path, date: &str) -> String {
    let spec = work.join("openapi.yaml");
    std::fs::write(&spec, spec_text).expect("spec written");
    let (files, release) = Generator::new().with_crate_name("released").generate_release(&spec, out, date).expect("generates");
    output::write(&files, out).expect("written");
    release.summary()
}

#[test]
fn versions_and_changelog_follow_the_surface() {
    let work = tempfile::tempdir().expect("temp dir");
    let out = work.path().join("sdk");
    let base = std::fs::read_to_string(repo_root().join("tests/fixtures/enums.yaml")).expect("fixture");

    assert_eq!(release(&base, work.path(), &out, "2026-01-01"), "first release, version 0.1.0");
    let first_changelog = read(&out, "CHANGELOG.md");
    assert!(first_changelog.contains("\n## 0.1.0 - 2026-01-01\n\nThe first version generated.\n"), "{first_changelog}");

    // The same spec again, another day: nothing moves.
    let surface = read(&out, "api-surface.json");
    assert!(release(&base, work.path(), &out, "2026-02-02").starts_with("no change to the SDK surface"));
    assert_eq!((version(&out), read(&out, "CHANGELOG.md"), read(&out, "api-surface.json")), ("0.1.0".to_owned(), first_changelog.clone(), surface));

    // A new operation is a feature: a patch release before 1.0, with a dated section on top.
    let mut doc: serde_yaml::Value = serde_yaml::from_str(&base).expect("YAML");
    let extra: serde_yaml::Value = serde_yaml::from_str("get: {operationId: getExtra, responses: {'204': {description: ok}}}").expect("YAML");
    doc["paths"].as_mapping_mut().expect("paths").insert("/extra".into(), extra);
    let with_operation = serde_yaml::to_string(&doc).expect("YAML");
    let summary = release(&with_operation, work.path(), &out, "2026-03-03");
    assert!(summary.starts_with("feature changes (0 breaking, 1 feature, 0 fix): version 0.1.0 → 0.1.1"), "{summary}");
    let changelog = read(&out, "CHANGELOG.md");
    let section = changelog.find("## 0.1.1 - 2026-03-03\n\n### Features\n\n- ").expect("a section for 0.1.1");
    assert!(section < changelog.find("## 0.1.0").expect("the old section stays"), "{changelog}");
    assert_eq!(version(&out), "0.1.1");

    // Removing it again is breaking: 0.2.0.
    let summary = release(&base, work.path(), &out, "2026-04-04");
    assert!(summary.contains("version 0.1.1 → 0.2.0 (minor bump)"), "{summary}");
    assert!(read(&out, "CHANGELOG.md").contains("## 0.2.0 - 2026-04-04\n\n### Breaking changes\n"));

    // A surface recorded by another generator version is recorded anew; the release stays.
    std::fs::write(out.join("api-surface.json"), "{\"format\": 0}").expect("written");
    let changelog = read(&out, "CHANGELOG.md");
    let summary = release(&with_operation, work.path(), &out, "2026-05-05");
    assert!(summary.contains("recorded anew, version 0.2.0 and CHANGELOG.md unchanged"), "{summary}");
    assert_eq!((version(&out), read(&out, "CHANGELOG.md")), ("0.2.0".to_owned(), changelog));
}
