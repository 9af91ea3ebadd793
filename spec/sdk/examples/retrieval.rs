//! Retrieval: hybrid search over an index, then find a file by name, grep it and read it.
//!
//! ```text
//! LLAMA_CLOUD_API_KEY=... cargo run -p llama-cloud --example retrieval -- <index_id> <query> [file_name_contains]
//! ```
//!
//! Prints the best matching chunks for `<query>`. With `[file_name_contains]`, it also looks up
//! the files of the index whose name contains that text, greps the first one for the query's
//! first word and prints the start of its parsed text.

use llama_cloud::types::{Rerank, RetrievalRetrieveResponseResult};
use llama_cloud::LlamaCloud;

fn usage() -> ! {
    eprintln!("usage: retrieval <index_id> <query> [file_name_contains]");
    std::process::exit(2)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(index_id), Some(query)) = (args.first(), args.get(1)) else { usage() };

    let client = LlamaCloud::from_env()?;
    let retrieval = client.beta().retrieval();

    // Required inputs are arguments; optional ones are setters.
    let response = retrieval
        .retrieve(index_id, query)
        .top_k(5)
        .rerank(Rerank::default().with_enabled(true).with_top_n(3))
        .await?;

    println!("{} result(s) for {query:?}", response.results.len());
    for (rank, chunk) in response.results.iter().enumerate() {
        print_chunk(rank + 1, chunk);
    }

    let Some(name_part) = args.get(2) else { return Ok(()) };
    let found = retrieval.search(index_id).file_name_contains(name_part).limit(10).await?;
    println!("\nfiles whose name contains {name_part:?}:");
    for file in &found.files {
        println!("  {}  {}", file.file_id, file.file_name);
    }
    let Some(file) = found.files.first() else { return Ok(()) };

    // `grep` takes a regular expression: escape the word so it matches literally.
    let word = query.split_whitespace().next().unwrap_or(query.as_str());
    let grep = retrieval.grep(index_id, &file.file_id, escape_regex(word)).context_chars(40).limit(5).await?;
    println!("\n{} match(es) of {word:?} in {}:", grep.matches.len(), file.file_name);
    for m in &grep.matches {
        println!("  [{}..{}] {}", m.start_char, m.end_char, one_line(&m.content));
    }

    let read = retrieval.read(index_id, &file.file_id).max_length(500).await?;
    println!("\nstart of {}:\n{}", file.file_name, read.content);
    Ok(())
}

fn print_chunk(rank: usize, chunk: &RetrievalRetrieveResponseResult) {
    let score = chunk.rerank_score.or(chunk.score).map_or_else(|| "-".to_owned(), |s| format!("{s:.3}"));
    let pages = chunk
        .static_fields
        .as_ref()
        .and_then(|f| Some((f.page_range_start?, f.page_range_end?)))
        .map_or_else(String::new, |(start, end)| format!(" pages {start}-{end}"));
    println!("{rank}. score {score}{pages}");
    println!("   {}", one_line(&chunk.content).chars().take(200).collect::<String>());
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn escape_regex(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\.+*?()|[]{}^$#&-~".contains(c) {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}
