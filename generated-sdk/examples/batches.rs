//! Batches (v2): run a saved parse or extract configuration over every file of a directory.
//!
//! ```text
//! LLAMA_CLOUD_API_KEY=... cargo run -p llama-cloud --example batches -- <source_directory_id> <configuration_id> [parse_v2|extract_v2]
//! ```
//!
//! `<configuration_id>` is a saved product configuration whose type matches the job type
//! (default `parse_v2`). Prints the new batch, with the HTTP status and request id of the call.

use llama_cloud::types::{BatchConfig, BatchConfigJob, BatchProductJobType};
use llama_cloud::{Error, LlamaCloud};

fn usage() -> ! {
    eprintln!("usage: batches <source_directory_id> <configuration_id> [parse_v2|extract_v2]");
    std::process::exit(2)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(directory_id), Some(configuration_id)) = (args.first(), args.get(1)) else { usage() };
    // Enums convert from their wire value; unknown values are kept as `Unknown(..)` and sent as is.
    let job_type = BatchProductJobType::from(args.get(2).map_or("parse_v2", String::as_str));
    if let BatchProductJobType::Unknown(other) = &job_type {
        eprintln!("note: {other:?} is not a job type this SDK version knows; sending it anyway");
    }

    let client = LlamaCloud::from_env()?;
    let config = BatchConfig::new(BatchConfigJob::new(configuration_id.clone(), job_type));

    let response = match client.batches().create(directory_id, config).with_response().await {
        Ok(response) => response,
        Err(Error::UnprocessableEntity(api)) => {
            // Validation errors: the body lists what was wrong.
            eprintln!("the API rejected the batch: {}", api.message);
            if let Some(body) = api.json() {
                eprintln!("{body:#}");
            }
            std::process::exit(1);
        }
        Err(error) => {
            if let Some(request_id) = error.request_id() {
                eprintln!("request id: {request_id}");
            }
            return Err(error.into());
        }
    };

    let batch = &response.data;
    println!("HTTP {} (request id {})", response.status, response.request_id().unwrap_or("-"));
    println!("batch {}", batch.id);
    println!("  status:           {}", batch.status);
    println!("  source directory: {}", batch.source_directory_id);
    println!("  job:              {} with configuration {}", batch.config.job.type_, batch.config.job.configuration_id);
    if let Some(created_at) = batch.created_at {
        println!("  created at:       {created_at}");
    }
    Ok(())
}
