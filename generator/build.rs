//! Embeds the SDK runtime templates (`../templates`) into the generator binary, so the generator works
//! from any directory and its output depends only on its own build and the spec.

use std::fmt::Write;
use std::path::Path;

fn main() {
    let templates = Path::new(env!("CARGO_MANIFEST_DIR")).join("../templates");
    let runtime_dir = templates.join("src/runtime");
    println!("cargo:rerun-if-changed={}", runtime_dir.display());
    println!("cargo:rerun-if-changed={}", templates.join("Cargo.toml").display());

    let mut names: Vec<String> = std::fs::read_dir(&runtime_dir)
        .expect("templates/src/runtime must exist")
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".rs"))
        .collect();
    names.sort();

    let mut out = String::from("/// The runtime template files, by file name, sorted.\npub const RUNTIME_FILES: &[(&str, &str)] = &[\n");
    for name in &names {
        let path = runtime_dir.join(name).canonicalize().expect("template path");
        println!("cargo:rerun-if-changed={}", path.display());
        writeln!(out, "    ({name:?}, include_str!({:?})),", path.display().to_string()).expect("write to string");
    }
    out.push_str("];\n");
    let manifest = templates.join("Cargo.toml").canonicalize().expect("templates/Cargo.toml");
    writeln!(out, "/// The runtime crate's manifest (its `[dependencies]` go into every SDK).\npub const RUNTIME_MANIFEST: &str = include_str!({:?});", manifest.display().to_string())
        .expect("write to string");
    let dest = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("runtime_files.rs");
    std::fs::write(dest, out).expect("write runtime_files.rs");
}
