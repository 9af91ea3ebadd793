//! The README's Quick start, as it is there: create a directory, then list every directory.
//!
//! ```text
//! LLAMA_CLOUD_API_KEY=... cargo run -p llama-cloud --example quick_start
//! ```
//!
//! `make mock-test` runs it against a mock server of the spec, which repeats its page cursor: the
//! listing must still end.

use futures::TryStreamExt;
use llama_cloud::LlamaCloud;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Reads LLAMA_CLOUD_API_KEY (and LLAMA_CLOUD_BASE_URL if set).
    let client = LlamaCloud::from_env()?;

    let directory = client.beta().directories().create("reports").description("Quarterly reports").await?;
    println!("created directory {}", directory.id);

    let mut directories = client.beta().directories().list().items();
    while let Some(directory) = directories.try_next().await? {
        println!("{}  {}", directory.id, directory.name);
    }
    Ok(())
}
