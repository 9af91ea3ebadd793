//! Indexes: create a searchable index over a directory, look one up, re-sync it, delete it.
//!
//! ```text
//! LLAMA_CLOUD_API_KEY=... cargo run -p llama-cloud --example indexes -- create <source_directory_id> [description]
//! LLAMA_CLOUD_API_KEY=... cargo run -p llama-cloud --example indexes -- get <index_id>
//! LLAMA_CLOUD_API_KEY=... cargo run -p llama-cloud --example indexes -- sync <index_id>
//! LLAMA_CLOUD_API_KEY=... cargo run -p llama-cloud --example indexes -- delete <index_id>
//! ```
//!
//! A source directory comes from the `directories` example (it prints the directory's ID).
//! Set `LLAMA_CLOUD_BASE_URL` to talk to another deployment.

use llama_cloud::types::Index;
use llama_cloud::{Error, LlamaCloud};

const USAGE: &str = "usage: indexes create <source_directory_id> [description]
       indexes get <index_id>
       indexes sync <index_id>
       indexes delete <index_id>";

fn usage() -> ! {
    eprintln!("{USAGE}");
    std::process::exit(2)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(command), Some(id)) = (args.first(), args.get(1)) else { usage() };

    // Reads LLAMA_CLOUD_API_KEY (and LLAMA_CLOUD_BASE_URL when set).
    let client = LlamaCloud::from_env()?;
    let indexes = client.beta().indexes();

    match command.as_str() {
        "create" => {
            let mut request = indexes.create(id);
            if let Some(description) = args.get(2) {
                request = request.description(description);
            }
            let index = request.await?;
            println!("created index {}", index.id);
            print_index(&index);
        }
        "get" => match indexes.get(id).await {
            Ok(index) => print_index(&index),
            // API errors are split by status; everything else goes on to the caller.
            Err(Error::NotFound(api)) => {
                eprintln!("no index {id}: {}", api.message);
                std::process::exit(1);
            }
            Err(error) => return Err(error.into()),
        },
        "sync" => {
            // The answer is a free-form JSON object.
            let answer = indexes.sync(id).await?;
            println!("sync started for {id}: {}", serde_json::Value::Object(answer));
        }
        "delete" => {
            // `with_response()` gives the status and headers along with the (empty) body.
            let response = indexes.delete(id).with_response().await?;
            println!(
                "deleted index {id} (HTTP {}, request id {})",
                response.status,
                response.request_id().unwrap_or("-")
            );
        }
        _ => usage(),
    }
    Ok(())
}

fn print_index(index: &Index) {
    println!("  id:               {}", index.id);
    println!("  name:             {}", index.name);
    println!("  source directory: {}", index.source_directory_id);
    if let Some(description) = &index.description {
        println!("  description:      {description}");
    }
    if let Some(created_at) = index.created_at {
        println!("  created at:       {created_at}");
    }
    match index.last_synced_at {
        Some(at) => println!("  last synced at:   {at}"),
        None => println!("  last synced at:   never"),
    }
    if let Some(metadata) = &index.metadata {
        println!("  metadata:         {}", serde_json::Value::Object(metadata.clone()));
    }
}
