//! The SDK's README is its rustdoc front page, and its Quick start is a runnable example.
//!
//! The generator turns the README's Rust blocks into doctests (`no_run`, a block without `fn main`
//! wrapped by hidden lines in an async function with a `client`), so `cargo test` compiles every one
//! of them against the SDK; this checks that the page says what the README says, word for word.

use std::path::Path;

fn sdk_file(path: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated-sdk");
    std::fs::read_to_string(root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The crate-level doc of `lib.rs` as rustdoc shows it: hidden lines of code blocks left out, each
/// fence reduced to its backticks (the generator adds `no_run` and `text`).
fn crate_page() -> Vec<String> {
    // Inside a code block: whether it is Rust (whose `# ` lines rustdoc hides).
    let mut block: Option<bool> = None;
    let mut page = Vec::new();
    for line in sdk_file("src/lib.rs").lines() {
        let Some(text) = line.strip_prefix("//!") else { continue };
        let text = text.strip_prefix(' ').unwrap_or(text);
        let trimmed = text.trim_start();
        if let Some(info) = trimmed.strip_prefix("```") {
            block = match block {
                None => Some(info.starts_with("rust")),
                Some(_) => None,
            };
            page.push(text[..text.len() - trimmed.len()].to_owned() + "```");
        } else if !(block == Some(true) && (trimmed.starts_with("# ") || trimmed == "#")) {
            page.push(text.to_owned());
        }
    }
    page
}

fn readme_lines(readme: &str) -> Vec<String> {
    readme
        .lines()
        .map(|line| {
            let trimmed = line.trim_start();
            if trimmed.starts_with("```") {
                line[..line.len() - trimmed.len()].to_owned() + "```"
            } else {
                line.to_owned()
            }
        })
        .collect()
}

#[test]
fn the_crate_page_is_the_readme() {
    let readme = sdk_file("README.md");
    let page = crate_page();
    let expected = readme_lines(&readme);
    assert!(expected.len() > 200, "the README is the guide ({} lines)", expected.len());
    for (i, (page_line, readme_line)) in page.iter().zip(&expected).enumerate() {
        assert_eq!(page_line.trim_end(), readme_line.trim_end(), "line {} of the README differs on the crate page", i + 1);
    }
    assert_eq!(page.len(), expected.len(), "the crate page has the README's lines");
    // Every Rust block is a doctest that compiles but does not call the API.
    let lib = sdk_file("src/lib.rs");
    let blocks = readme.lines().filter(|l| l.trim_start() == "```rust").count();
    assert!(blocks >= 20, "{blocks} Rust blocks");
    let doctests = lib.lines().filter_map(|l| l.strip_prefix("//!")).filter(|l| l.trim() == "```rust,no_run").count();
    assert_eq!(doctests, blocks);
}

#[test]
fn the_quick_start_is_the_runnable_example() {
    let readme = sdk_file("README.md");
    let start = readme.find("## Quick start").expect("a Quick start section");
    let block = &readme[start..];
    let code = &block[block.find("```rust\n").expect("a Rust block") + "```rust\n".len()..];
    let code = &code[..code.find("```\n").expect("the block ends")];
    let example = sdk_file("examples/quick_start.rs");
    let body: String = example.lines().skip_while(|l| l.starts_with("//!") || l.is_empty()).map(|l| format!("{l}\n")).collect();
    assert_eq!(body, code, "examples/quick_start.rs is the README's Quick start (make mock-test runs it against Prism)");
}
