//! Sheets: parse a spreadsheet into regions (tables), wait for the job, and get download links
//! for the extracted tables.
//!
//! ```text
//! LLAMA_CLOUD_API_KEY=... cargo run -p llama-cloud --example sheets -- <file_id>
//! LLAMA_CLOUD_API_KEY=... cargo run -p llama-cloud --example sheets -- --list
//! ```
//!
//! `<file_id>` is the ID of an uploaded spreadsheet (the `file_id` of a directory file, see the
//! `directories` example). `--list` prints your ten most recent spreadsheet jobs.

use std::time::Duration;

use llama_cloud::types::{RegionType, SheetsJob, SheetsParsingConfig};
use llama_cloud::{LlamaCloud, WaitError};

fn usage() -> ! {
    eprintln!("usage: sheets <file_id>\n       sheets --list");
    std::process::exit(2)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(arg) = std::env::args().nth(1) else { usage() };

    let client = LlamaCloud::from_env()?;
    let sheets = client.beta().sheets();

    if arg == "--list" {
        // One page of a cursor-paginated list.
        let page = sheets.list().page_size(10).await?;
        for job in page.items() {
            println!("{}  {:<16} created {}", job.id, job.status.to_string(), job.created_at);
        }
        if page.has_next_page() {
            println!("(more jobs on the next page)");
        }
        return Ok(());
    }

    let config = SheetsParsingConfig::default().with_generate_additional_metadata(true);
    let job = sheets.create(&arg).config(config).await?;
    println!("created job {} ({})", job.id, job.status);

    // Poll until the job ends: SUCCESS and PARTIAL_SUCCESS return the job, ERROR and CANCELLED
    // are errors that carry it. Give up after ten minutes.
    let job = match sheets.get(&job.id).include_results(true).wait().max_wait(Duration::from_secs(600)).await {
        Ok(job) => job,
        Err(WaitError::Failed { job, .. } | WaitError::Cancelled { job, .. }) => {
            print_job(&job);
            std::process::exit(1);
        }
        Err(other) => return Err(other.into()),
    };
    print_job(&job);

    // A presigned URL for each extracted table.
    for region in job.regions.iter().flatten() {
        let Some(region_id) = &region.region_id else { continue };
        let link = sheets
            .get_result_table(&job.id, region_id, RegionType::Table)
            .expires_at_seconds(600)
            .await?;
        println!("{region_id}: {} (expires {})", link.url, link.expires_at);
    }
    Ok(())
}

fn print_job(job: &SheetsJob) {
    println!("job {}: {}", job.id, job.status);
    for error in job.errors.iter().flatten() {
        println!("  error: {error}");
    }
    for sheet in job.worksheet_metadata.iter().flatten() {
        println!("  sheet {:?}: {}", sheet.sheet_name, sheet.title.as_deref().unwrap_or(""));
    }
    for region in job.regions.iter().flatten() {
        println!(
            "  region {} [{}] {}!{} {}",
            region.region_id.as_deref().unwrap_or("-"),
            region.region_type,
            region.sheet_name,
            region.location,
            region.title.as_deref().unwrap_or("")
        );
    }
}
