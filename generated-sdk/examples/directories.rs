//! Directories and files: create a directory, upload a file into it, and list its files.
//!
//! ```text
//! LLAMA_CLOUD_API_KEY=... cargo run -p llama-cloud --example directories -- [path/to/file.pdf ...]
//! ```
//!
//! Each path given on the command line is streamed from disk; with no path, a small text file
//! is uploaded from memory. The directory is kept: its ID is printed for the `indexes`, `batch`
//! and `batches` examples. Set `LLAMA_CLOUD_DIRECTORY=<directory_id>` to upload into an existing
//! directory instead of creating one.

use std::collections::BTreeMap;

use futures_util::TryStreamExt;
use llama_cloud::types::MetadataValue;
use llama_cloud::{LlamaCloud, Upload};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let paths: Vec<String> = std::env::args().skip(1).collect();
    if paths.iter().any(|p| p == "-h" || p == "--help") {
        eprintln!("usage: directories [path/to/file ...]   (LLAMA_CLOUD_DIRECTORY=<id> to reuse a directory)");
        std::process::exit(2);
    }

    let client = LlamaCloud::from_env()?;
    let directories = client.beta().directories();

    let directory = match std::env::var("LLAMA_CLOUD_DIRECTORY") {
        Ok(id) if !id.trim().is_empty() => directories.get(id.trim()).await?,
        _ => {
            directories
                .create("sdk-example")
                .description("Created by the llama-cloud Rust SDK example")
                .await?
        }
    };
    println!("directory {} ({})", directory.id, directory.name);

    let files = directories.files();
    let mut uploads = Vec::new();
    if paths.is_empty() {
        uploads.push(Upload::from_bytes(b"Hello from the llama-cloud Rust SDK.\n".to_vec(), "hello.txt"));
    }
    for path in &paths {
        // Fails with `Error::Io` when the file cannot be read; nothing is sent then.
        uploads.push(Upload::from_path(path).await?);
    }

    for upload in uploads {
        let name = upload.name().unwrap_or("file").to_owned();
        let file = files
            .upload(&directory.id, upload)
            .metadata(BTreeMap::from([("source".to_owned(), MetadataValue::from("rust-sdk-example"))]))
            .await?;
        println!(
            "uploaded {name} as {} (file id {})",
            file.id,
            file.file_id.as_deref().unwrap_or("-")
        );
    }

    // Every file of the directory; pages are fetched as the stream is consumed.
    println!("files in {}:", directory.id);
    let mut listing = files.list(&directory.id).page_size(20).items();
    while let Some(file) = listing.try_next().await? {
        let updated = file.updated_at.or(file.created_at).map(|t| t.to_string()).unwrap_or_default();
        println!("  {}  {:<40} {updated}", file.id, file.display_name);
    }

    // PATCH: `description(..)` sets a value, `description_null()` clears it, and fields that are
    // not mentioned are left unchanged.
    let directory = directories.update(&directory.id).description("Uploaded by the Rust SDK example").await?;
    println!("description: {}", directory.description.as_deref().unwrap_or("(none)"));
    Ok(())
}
