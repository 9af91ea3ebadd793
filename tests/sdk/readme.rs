//! Every Rust snippet in the SDK's README compiles against the generated SDK.

use std::path::Path;
use std::process::Command;

/// Wraps each ```rust block: whole programs (with `fn main`) become modules, statements become the
/// body of an async function that has a `client` in scope.
fn snippets_crate(readme: &str) -> (usize, String) {
    let mut out = vec![
        "#![allow(unused, clippy::all)]".to_string(),
        "use llama_cloud::LlamaCloud;".to_string(),
        "fn main() {}".to_string(),
    ];
    let mut count = 0;
    let mut block: Option<Vec<&str>> = None;
    for line in readme.lines() {
        let trimmed = line.trim_start();
        match &mut block {
            None if trimmed == "```rust" => block = Some(Vec::new()),
            Some(lines) if trimmed == "```" => {
                let indent = lines.iter().filter(|l| !l.trim().is_empty()).map(|l| l.len() - l.trim_start().len()).min().unwrap_or(0);
                let code: String = lines.iter().map(|l| l.get(indent..).unwrap_or("")).collect::<Vec<_>>().join("\n");
                out.push(if code.contains("fn main") {
                    format!("mod snippet_{count} {{\n{code}\n}}")
                } else {
                    format!("async fn snippet_{count}() -> Result<(), Box<dyn std::error::Error>> {{\nlet client = LlamaCloud::from_env()?;\n{code}\nOk(())\n}}")
                });
                count += 1;
                block = None;
            }
            Some(lines) => lines.push(line),
            None => {}
        }
    }
    (count, out.join("\n\n"))
}

#[test]
fn readme_snippets_compile() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("repository root").to_path_buf();
    let readme = std::fs::read_to_string(root.join("generated-sdk/README.md")).expect("the SDK has a README");
    let (count, source) = snippets_crate(&readme);
    assert!(count >= 10, "the README shows the SDK in code ({count} snippets)");
    let dir = root.join("target/readme-snippets");
    std::fs::create_dir_all(dir.join("src")).expect("scratch crate");
    std::fs::write(dir.join("src/main.rs"), source).expect("write snippets");
    let sdk = root.join("generated-sdk");
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"readme-snippets\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\nllama-cloud = {{ path = {sdk:?} }}\ntokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\nfutures = {{ package = \"futures-util\", version = \"0.3\", default-features = false, features = [\"std\"] }}\nserde_json = \"1\"\n\n[workspace]\n",
            sdk = sdk.display().to_string()
        ),
    )
    .expect("write manifest");
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).expect("lockfile");
    let output = Command::new(env!("CARGO"))
        .args(["build", "--quiet"])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", root.join("target/sdk-check-target"))
        .output()
        .expect("cargo runs");
    assert!(output.status.success(), "README snippets fail to compile:\n{}", String::from_utf8_lossy(&output.stderr));
}
