//! The `generator` command line: exit codes, atomic output, and the drift check.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const HEADER: &str = "openapi: 3.0.3\ninfo: {title: Bad, version: '1'}\n";

fn generator(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_generator")).args(args).output().expect("runs the generator")
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures").join(name)
}

#[test]
fn bad_spec_exits_1_with_the_pointer_and_leaves_output_untouched() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = dir.path().join("bad.yaml");
    std::fs::write(&spec, format!("{HEADER}paths: {{}}\ncomponents:\n  schemas:\n    A: {{$ref: '#/components/schemas/Missing'}}\n")).expect("write");
    let out = dir.path().join("sdk");
    std::fs::create_dir_all(&out).expect("mkdir");
    std::fs::write(out.join("keep.txt"), "old").expect("write");
    let output = generator(&["generate".as_ref(), "--spec".as_ref(), spec.as_os_str(), "--out".as_ref(), out.as_os_str()]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("bad.yaml: #/components/schemas/A/$ref: unresolvable reference"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(std::fs::read_to_string(out.join("keep.txt")).expect("kept"), "old");
}

#[test]
fn check_passes_when_fresh_and_names_every_drifted_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = fixture("pagination.yaml");
    let out = dir.path().join("sdk");
    let args = |cmd: &'static str| -> Vec<std::ffi::OsString> {
        vec![cmd.into(), "--spec".into(), spec.clone().into(), "--out".into(), out.clone().into()]
    };
    let run = |cmd| {
        let a = args(cmd);
        generator(&a.iter().map(|s| s.as_os_str()).collect::<Vec<_>>())
    };
    assert!(run("generate").status.success());
    let fresh = run("check");
    assert!(fresh.status.success(), "{}", String::from_utf8_lossy(&fresh.stderr));

    // One byte changed, one file removed, one file added: each is named.
    let lib = out.join("src/lib.rs");
    let mut bytes = std::fs::read(&lib).expect("lib.rs");
    let last = bytes.len() - 1;
    bytes[last] = b' ';
    std::fs::write(&lib, bytes).expect("write");
    std::fs::remove_file(out.join("src/types/mod.rs")).expect("remove");
    std::fs::write(out.join("src/stray.rs"), "// not generated\n").expect("write");
    let stale = run("check");
    assert_eq!(stale.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&stale.stderr);
    assert!(stderr.contains("changed: ") && stderr.contains("src/lib.rs"), "{stderr}");
    assert!(stderr.contains("missing: ") && stderr.contains("src/types/mod.rs"), "{stderr}");
    assert!(stderr.contains("not generated: ") && stderr.contains("src/stray.rs"), "{stderr}");

    // Regenerating repairs it all.
    assert!(run("generate").status.success());
    assert!(run("check").status.success());
    assert!(!out.join("src/stray.rs").exists());
}

#[test]
fn ir_prints_json() {
    let spec = fixture("enums.yaml");
    let output = generator(&["ir".as_ref(), "--spec".as_ref(), spec.as_os_str()]);
    assert!(output.status.success());
    let ir: serde_json::Value = serde_json::from_slice(&output.stdout).expect("IR is JSON");
    assert_eq!(ir["client_name"], "EnumsClient");
    assert!(ir["types"].as_array().expect("types").iter().any(|t| t["name"] == "JobStatus"));
}
