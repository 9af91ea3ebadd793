//! Batch processing (beta): parse every file of a directory in one batch job, follow its
//! progress, and list its items.
//!
//! ```text
//! LLAMA_CLOUD_API_KEY=... cargo run -p llama-cloud --example batch -- create <directory_id>
//! LLAMA_CLOUD_API_KEY=... cargo run -p llama-cloud --example batch -- watch <job_id>
//! LLAMA_CLOUD_API_KEY=... cargo run -p llama-cloud --example batch -- cancel <job_id>
//! ```
//!
//! `create` starts a parse job over the directory and then watches it; `watch` follows an
//! existing job until it finishes and lists its items with their status.

use std::time::Duration;

use futures_util::TryStreamExt;
use llama_cloud::types::{
    BatchItemStatus, BatchJobConfig, BatchJobProgress, BatchParseJobConfig, BatchParseJobRecordCreate, ParsingMode,
};
use llama_cloud::{LlamaCloud, Result, WaitError};

const USAGE: &str = "usage: batch create <directory_id>
       batch watch <job_id>
       batch cancel <job_id>";

fn usage() -> ! {
    eprintln!("{USAGE}");
    std::process::exit(2)
}

#[tokio::main]
async fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(command), Some(id)) = (args.first(), args.get(1)) else { usage() };

    let client = LlamaCloud::from_env()?;
    match command.as_str() {
        "create" => {
            // The job configuration is a union: a parse configuration or a classify job.
            let config = BatchJobConfig::BatchParseJobRecordCreate(
                BatchParseJobRecordCreate::default()
                    .with_parameters(BatchParseJobConfig::default().with_parse_mode(ParsingMode::ParsePageWithLlm)),
            );
            let job = client.beta().batch().create(config).directory_id(id).await?;
            println!("created batch job {} over {} item(s)", job.id, job.total_items);
            watch(&client, &job.id).await
        }
        "watch" => watch(&client, id).await,
        "cancel" => {
            let cancelled = client.beta().batch().cancel(id).reason("cancelled from the Rust SDK example").await?;
            println!(
                "job {}: {} ({} item(s) processed) - {}",
                cancelled.job_id, cancelled.status, cancelled.processed_items, cancelled.message
            );
            Ok(())
        }
        _ => usage(),
    }
}

async fn watch(client: &LlamaCloud, job_id: &str) -> Result<()> {
    let batch = client.beta().batch();
    // One item per change of status or progress; the last one is the job's final state. Large
    // batches run for hours: this watch gives up after four (the default limit is one hour).
    let mut updates = batch.watch(job_id).max_wait(Duration::from_secs(4 * 3600));
    loop {
        match updates.try_next().await {
            Ok(Some(progress)) => print_progress(&progress),
            Ok(None) => break,
            // A failed or cancelled job ends the stream with an error that carries its final state.
            Err(WaitError::Failed { job, .. } | WaitError::Cancelled { job, .. }) => {
                print_progress(&job);
                if let Some(message) = &job.job.error_message {
                    println!("error: {message}");
                }
                break;
            }
            Err(WaitError::Request(error)) => return Err(error),
            Err(other) => {
                println!("stopped waiting: {other}");
                break;
            }
        }
    }

    // Every item of the job (offset pagination, fetched page by page as the stream is read).
    let mut items = batch.job_items().list(job_id).limit(100).items();
    while let Some(item) = items.try_next().await? {
        print!("  {:<10} {} ({})", item.status.to_string(), item.item_name, item.item_id);
        match item.status {
            BatchItemStatus::Failed => print!(": {}", item.error_message.as_deref().unwrap_or("no error message")),
            BatchItemStatus::Skipped => print!(": {}", item.skip_reason.as_deref().unwrap_or("no reason given")),
            _ => {}
        }
        println!();
    }
    Ok(())
}

fn print_progress(progress: &BatchJobProgress) {
    let job = &progress.job;
    println!(
        "{}: {:>5.1}%  processed {} / failed {} / skipped {} of {}",
        job.status,
        progress.progress_percentage,
        job.processed_items.unwrap_or(0),
        job.failed_items.unwrap_or(0),
        job.skipped_items.unwrap_or(0),
        job.total_items
    );
}
