//! Split (beta): split a document into segments by category and print which pages went where.
//!
//! ```text
//! LLAMA_CLOUD_API_KEY=... cargo run -p llama-cloud --example split -- <file_id> <category>[,<category>...]
//! LLAMA_CLOUD_API_KEY=... cargo run -p llama-cloud --example split -- --list
//! ```
//!
//! For example `split -- file-123 invoice,receipt,contract`. `<file_id>` is the ID of an uploaded
//! file (the `file_id` of a directory file, see the `directories` example). `--list` prints your
//! recent split jobs that completed.

use std::time::Duration;

use futures_util::TryStreamExt;
use llama_cloud::types::{
    AllowUncategorized, SplitCategory, SplitConfiguration, SplitDocumentInput, SplitJob, SplitJobStatus,
    SplittingStrategy,
};
use llama_cloud::{LlamaCloud, WaitError};

fn usage() -> ! {
    eprintln!("usage: split <file_id> <category>[,<category>...]\n       split --list");
    std::process::exit(2)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let client = LlamaCloud::from_env()?;
    let split = client.beta().split();

    if args.first().map(String::as_str) == Some("--list") {
        let mut jobs = split.list().status(SplitJobStatus::Completed).page_size(20).items();
        let mut shown = 0;
        while let Some(job) = jobs.try_next().await? {
            println!("{}  {}  {}", job.id, job.document_input.value, job.created_at.map(|t| t.to_string()).unwrap_or_default());
            shown += 1;
            if shown == 10 {
                break;
            }
        }
        return Ok(());
    }

    let (Some(file_id), Some(categories)) = (args.first(), args.get(1)) else { usage() };
    let categories: Vec<SplitCategory> = categories
        .split(',')
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .map(SplitCategory::new)
        .collect();
    if categories.is_empty() {
        usage();
    }

    // Create the job and wait for it in one call: polled every 2 s while it changes, backing off to
    // 15 s while it does not, for 20 minutes at most (the default limit is one hour).
    let outcome = split
        .create(SplitDocumentInput::new("file_id", file_id.clone()))
        .configuration(
            SplitConfiguration::new(categories)
                .with_splitting_strategy(SplittingStrategy::default().with_allow_uncategorized(AllowUncategorized::Include)),
        )
        .and_wait()
        .poll_interval(Duration::from_secs(2))
        .max_poll_interval(Duration::from_secs(15))
        .max_wait(Duration::from_secs(20 * 60))
        .await;
    match outcome {
        Ok(job) => print_job(&job),
        Err(WaitError::Failed { job, .. } | WaitError::Cancelled { job, .. }) => {
            print_job(&job);
            std::process::exit(1);
        }
        Err(other) => return Err(other.into()),
    }
    Ok(())
}

fn print_job(job: &SplitJob) {
    println!("job {}: {}", job.id, job.status);
    if let Some(error) = &job.error_message {
        eprintln!("error: {error}");
    }
    for segment in job.result.iter().flat_map(|r| &r.segments) {
        let pages: Vec<String> = segment.pages.iter().map(i64::to_string).collect();
        println!("  {:<20} ({} confidence) pages {}", segment.category, segment.confidence_category, pages.join(", "));
    }
}
